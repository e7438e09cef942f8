package dev.meridian.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.AlterConfigsOptions;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreatePartitionsOptions;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicCollection;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The unmodified Java Admin client (kafka-clients 4.4.0) against a real node: topic lifecycle,
 * configs, partitions, record deletion and the cluster description, including restarts on the same
 * data directory.
 */
class AdminIT {
  private static final long DEFAULT_RETENTION_MS = 604_800_000L;

  @TempDir Path tmp;

  private static Admin admin(MeridianUnderTest m) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, m.bootstrap());
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
    return Admin.create(p);
  }

  private static KafkaProducer<String, String> producer(MeridianUnderTest m) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, m.bootstrap());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    return new KafkaProducer<>(p);
  }

  private static KafkaConsumer<String, String> consumer(MeridianUnderTest m) {
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, m.bootstrap());
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    return new KafkaConsumer<>(c);
  }

  private static Throwable cause(Future<?> f) {
    return assertThrows(ExecutionException.class, f::get).getCause();
  }

  private static Config topicConfig(Admin admin, String topic) throws Exception {
    ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    return admin.describeConfigs(List.of(r)).all().get().get(r);
  }

  private static AlterConfigOp op(String key, String value, AlterConfigOp.OpType type) {
    return new AlterConfigOp(new ConfigEntry(key, value), type);
  }

  /** The cause of a failed incrementalAlterConfigs on one topic. */
  private static Throwable alterFailure(Admin admin, String topic, AlterConfigOp... ops) {
    return cause(
        admin
            .incrementalAlterConfigs(
                Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topic), List.of(ops)))
            .all());
  }

  private static void alter(Admin admin, String topic, AlterConfigOp... ops) throws Exception {
    admin
        .incrementalAlterConfigs(
            Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topic), List.of(ops)))
        .all()
        .get();
  }

  @Test
  void createsListsAndDescribesTopics() throws Exception {
    Map<String, Uuid> ids;
    try (MeridianUnderTest meridian = new MeridianUnderTest(tmp).start();
        Admin admin = admin(meridian)) {
      admin
          .createTopics(
              List.of(
                  new NewTopic("orders", 3, (short) 1)
                      .configs(Map.of("retention.ms", "3600000", "cleanup.policy", "compact")),
                  new NewTopic("events", Optional.empty(), Optional.empty())))
          .all()
          .get();
      admin
          .createTopics(
              List.of(new NewTopic("dry-run", 2, (short) 1)),
              new CreateTopicsOptions().validateOnly(true))
          .all()
          .get();
      assertInstanceOf(
          TopicExistsException.class,
          cause(admin.createTopics(List.of(new NewTopic("orders", 1, (short) 1))).all()));
      assertInstanceOf(
          InvalidTopicException.class,
          cause(admin.createTopics(List.of(new NewTopic("bad/name", 1, (short) 1))).all()));
      assertInstanceOf(
          InvalidConfigurationException.class,
          cause(
              admin
                  .createTopics(
                      List.of(
                          new NewTopic("bad-config", 1, (short) 1)
                              .configs(Map.of("retention.ms", "tomorrow"))))
                  .all()));

      assertEquals(Set.of("orders", "events"), admin.listTopics().names().get());
      Map<String, TopicDescription> described =
          admin.describeTopics(List.of("orders", "events")).allTopicNames().get();
      assertEquals(3, described.get("orders").partitions().size());
      assertEquals(1, described.get("events").partitions().size(), "node default: 1 partition");
      ids =
          Map.of(
              "orders",
              described.get("orders").topicId(),
              "events",
              described.get("events").topicId());
      assertNotEquals(Uuid.ZERO_UUID, ids.get("orders"));
      assertNotEquals(ids.get("orders"), ids.get("events"));
      assertEquals(
          ids.get("orders"),
          admin.describeTopics(List.of("orders")).allTopicNames().get().get("orders").topicId());
      assertEquals("compact", topicConfig(admin, "orders").get("cleanup.policy").value());
    }
    try (MeridianUnderTest meridian = new MeridianUnderTest(tmp).start();
        Admin admin = admin(meridian)) {
      Map<String, TopicDescription> described =
          admin.describeTopics(List.of("orders", "events")).allTopicNames().get();
      assertEquals(ids.get("orders"), described.get("orders").topicId(), "ids survive a restart");
      assertEquals(ids.get("events"), described.get("events").topicId());
      assertEquals(3, described.get("orders").partitions().size());
    }
  }

  @Test
  void describesTopicAndBrokerConfigsWithSources() throws Exception {
    try (MeridianUnderTest meridian = new MeridianUnderTest(tmp).start();
        Admin admin = admin(meridian)) {
      admin
          .createTopics(
              List.of(new NewTopic("cfg", 1, (short) 1).configs(Map.of("retention.ms", "60000"))))
          .all()
          .get();
      ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "cfg");
      Config config =
          admin
              .describeConfigs(
                  List.of(topic),
                  new DescribeConfigsOptions().includeSynonyms(true).includeDocumentation(true))
              .all()
              .get()
              .get(topic);
      ConfigEntry retention = config.get("retention.ms");
      assertEquals("60000", retention.value());
      assertEquals(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, retention.source());
      assertFalse(retention.isDefault());
      assertFalse(retention.isReadOnly());
      assertEquals(ConfigEntry.ConfigType.LONG, retention.type());
      assertNotNull(retention.documentation());
      assertEquals(
          List.of("retention.ms", "log.retention.ms"),
          retention.synonyms().stream().map(ConfigEntry.ConfigSynonym::name).toList());
      assertEquals(Long.toString(DEFAULT_RETENTION_MS), retention.synonyms().get(1).value());
      ConfigEntry policy = config.get("cleanup.policy");
      assertEquals("delete", policy.value());
      assertEquals(ConfigEntry.ConfigSource.DEFAULT_CONFIG, policy.source());
      assertTrue(policy.isDefault());
      assertEquals(ConfigEntry.ConfigType.LIST, policy.type());
      for (String key :
          List.of(
              "segment.bytes",
              "segment.ms",
              "retention.bytes",
              "max.message.bytes",
              "min.insync.replicas",
              "message.timestamp.type")) {
        assertNotNull(config.get(key), key);
      }

      ConfigResource missing = new ConfigResource(ConfigResource.Type.TOPIC, "missing");
      assertInstanceOf(
          UnknownTopicOrPartitionException.class,
          cause(admin.describeConfigs(List.of(missing)).all()));

      ConfigResource node = new ConfigResource(ConfigResource.Type.BROKER, "1");
      Config brokerConfig = admin.describeConfigs(List.of(node)).all().get().get(node);
      assertEquals(
          Long.toString(DEFAULT_RETENTION_MS), brokerConfig.get("log.retention.ms").value());
      assertTrue(brokerConfig.get("log.retention.ms").isReadOnly());
    }
  }

  @Test
  void incrementalAlterConfigsSetsDeletesValidatesAndPersists() throws Exception {
    try (MeridianUnderTest meridian = new MeridianUnderTest(tmp).start()) {
      try (Admin admin = admin(meridian)) {
        admin.createTopics(List.of(new NewTopic("alt", 2, (short) 1))).all().get();
        assertEquals(
            ConfigEntry.ConfigSource.DEFAULT_CONFIG,
            topicConfig(admin, "alt").get("retention.ms").source());

        alter(admin, "alt", op("retention.ms", "120000", AlterConfigOp.OpType.SET));
        ConfigEntry set = topicConfig(admin, "alt").get("retention.ms");
        assertEquals("120000", set.value());
        assertEquals(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, set.source());

        alter(admin, "alt", op("retention.ms", null, AlterConfigOp.OpType.DELETE));
        ConfigEntry reverted = topicConfig(admin, "alt").get("retention.ms");
        assertEquals(Long.toString(DEFAULT_RETENTION_MS), reverted.value());
        assertEquals(ConfigEntry.ConfigSource.DEFAULT_CONFIG, reverted.source());

        alter(admin, "alt", op("cleanup.policy", "compact", AlterConfigOp.OpType.APPEND));
        assertEquals("delete,compact", topicConfig(admin, "alt").get("cleanup.policy").value());

        assertInstanceOf(
            InvalidConfigurationException.class,
            alterFailure(admin, "alt", op("retention.ms", "soon", AlterConfigOp.OpType.SET)));
        assertInstanceOf(
            InvalidConfigurationException.class,
            alterFailure(admin, "alt", op("retention.ms", "1", AlterConfigOp.OpType.APPEND)));
        admin
            .incrementalAlterConfigs(
                Map.of(
                    new ConfigResource(ConfigResource.Type.TOPIC, "alt"),
                    List.of(op("segment.ms", "1000", AlterConfigOp.OpType.SET))),
                new AlterConfigsOptions().validateOnly(true))
            .all()
            .get();
        assertEquals(
            ConfigEntry.ConfigSource.DEFAULT_CONFIG,
            topicConfig(admin, "alt").get("segment.ms").source(),
            "validateOnly changes nothing");

        alter(admin, "alt", op("retention.ms", "300000", AlterConfigOp.OpType.SET));
      }
      meridian.stop();
      meridian.start();
      try (Admin admin = admin(meridian)) {
        Config after = topicConfig(admin, "alt");
        assertEquals("300000", after.get("retention.ms").value(), "survives a restart");
        assertEquals(
            ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, after.get("retention.ms").source());
        assertEquals("delete,compact", after.get("cleanup.policy").value());
      }
    }
  }

  @Test
  void createPartitionsGrowsATopicThatAcceptsWritesToTheNewPartitions() throws Exception {
    try (MeridianUnderTest meridian = new MeridianUnderTest(tmp).start();
        Admin admin = admin(meridian)) {
      admin.createTopics(List.of(new NewTopic("grow", 3, (short) 1))).all().get();
      admin
          .createPartitions(
              Map.of("grow", NewPartitions.increaseTo(6)),
              new CreatePartitionsOptions().validateOnly(true))
          .all()
          .get();
      assertEquals(3, partitions(admin, "grow"));
      admin.createPartitions(Map.of("grow", NewPartitions.increaseTo(6))).all().get();
      assertEquals(6, partitions(admin, "grow"));
      assertInstanceOf(
          InvalidPartitionsException.class,
          cause(admin.createPartitions(Map.of("grow", NewPartitions.increaseTo(4))).all()));
      assertInstanceOf(
          InvalidReplicaAssignmentException.class,
          cause(
              admin
                  .createPartitions(
                      Map.of("grow", NewPartitions.increaseTo(7, List.of(List.of(2)))))
                  .all()));

      RecordMetadata written;
      try (KafkaProducer<String, String> producer = producer(meridian)) {
        written = producer.send(new ProducerRecord<>("grow", 5, "k", "in five")).get();
      }
      assertEquals(5, written.partition());
      assertEquals(0, written.offset());
      TopicPartition p5 = new TopicPartition("grow", 5);
      try (KafkaConsumer<String, String> consumer = consumer(meridian)) {
        consumer.assign(List.of(p5));
        consumer.seekToBeginning(List.of(p5));
        List<ConsumerRecord<String, String>> got = poll(consumer, 1);
        assertEquals("in five", got.get(0).value());
      }
    }
  }

  private static int partitions(Admin admin, String topic) throws Exception {
    return admin
        .describeTopics(List.of(topic))
        .allTopicNames()
        .get()
        .get(topic)
        .partitions()
        .size();
  }

  private static List<ConsumerRecord<String, String>> poll(
      KafkaConsumer<String, String> consumer, int atLeast) {
    List<ConsumerRecord<String, String>> got = new ArrayList<>();
    long deadline = System.currentTimeMillis() + 30_000;
    while (got.size() < atLeast && System.currentTimeMillis() < deadline) {
      consumer.poll(Duration.ofMillis(200)).forEach(got::add);
    }
    assertTrue(got.size() >= atLeast, "got " + got.size() + " records, wanted " + atLeast);
    return got;
  }

  @Test
  void deleteRecordsMovesTheLogStartForConsumers() throws Exception {
    try (MeridianUnderTest meridian = new MeridianUnderTest(tmp).start();
        Admin admin = admin(meridian)) {
      admin.createTopics(List.of(new NewTopic("trim", 1, (short) 1))).all().get();
      try (KafkaProducer<String, String> producer = producer(meridian)) {
        for (int i = 0; i < 100; i++) {
          producer.send(new ProducerRecord<>("trim", 0, "k" + i, "v" + i)).get();
        }
      }
      TopicPartition tp = new TopicPartition("trim", 0);
      long low =
          admin
              .deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(40)))
              .lowWatermarks()
              .get(tp)
              .get()
              .lowWatermark();
      assertEquals(40, low);
      assertInstanceOf(
          OffsetOutOfRangeException.class,
          cause(admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(101))).all()));

      try (KafkaConsumer<String, String> consumer = consumer(meridian)) {
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        List<ConsumerRecord<String, String>> got = poll(consumer, 60);
        assertEquals(40, got.get(0).offset());
        assertEquals("v40", got.get(0).value());
        assertEquals(99, got.get(got.size() - 1).offset());
        assertEquals(Map.of(tp, 40L), consumer.beginningOffsets(List.of(tp)));
        assertEquals(Map.of(tp, 100L), consumer.endOffsets(List.of(tp)));
      }
    }
  }

  @Test
  void deleteTopicsRemovesTheTopicAndItsData() throws Exception {
    try (MeridianUnderTest meridian = new MeridianUnderTest(tmp).start();
        Admin admin = admin(meridian)) {
      admin
          .createTopics(
              List.of(new NewTopic("doomed", 2, (short) 1), new NewTopic("kept", 1, (short) 1)))
          .all()
          .get();
      Uuid oldId =
          admin.describeTopics(List.of("doomed")).allTopicNames().get().get("doomed").topicId();
      try (KafkaProducer<String, String> producer = producer(meridian)) {
        for (int i = 0; i < 10; i++) {
          producer.send(new ProducerRecord<>("doomed", i % 2, "k", "v" + i)).get();
        }
      }
      Path dir0 = meridian.logsDir().resolve("doomed-0");
      Path dir1 = meridian.logsDir().resolve("doomed-1");
      assertTrue(Files.isDirectory(dir0));

      admin.deleteTopics(List.of("doomed")).all().get();
      assertEquals(Set.of("kept"), admin.listTopics().names().get());
      assertFalse(Files.exists(dir0));
      assertFalse(Files.exists(dir1));
      assertInstanceOf(
          UnknownTopicOrPartitionException.class,
          cause(admin.deleteTopics(List.of("doomed")).all()));

      admin.createTopics(List.of(new NewTopic("doomed", 2, (short) 1))).all().get();
      Uuid newId =
          admin.describeTopics(List.of("doomed")).allTopicNames().get().get("doomed").topicId();
      assertNotEquals(oldId, newId);
      assertNotEquals(Uuid.ZERO_UUID, newId);
      try (KafkaConsumer<String, String> consumer = consumer(meridian)) {
        Collection<TopicPartition> parts =
            List.of(new TopicPartition("doomed", 0), new TopicPartition("doomed", 1));
        assertEquals(
            List.of(0L, 0L), List.copyOf(consumer.endOffsets(parts).values()), "empty partitions");
      }

      admin.deleteTopics(TopicCollection.ofTopicIds(List.of(newId))).all().get();
      assertEquals(Set.of("kept"), admin.listTopics().names().get());
    }
  }

  @Test
  void describeClusterShowsThisNodeAndAStableClusterId() throws Exception {
    String clusterId;
    try (MeridianUnderTest meridian = new MeridianUnderTest(tmp).start()) {
      try (Admin admin = admin(meridian)) {
        DescribeClusterResult cluster = admin.describeCluster();
        Collection<Node> nodes = cluster.nodes().get();
        assertEquals(1, nodes.size());
        Node node = nodes.iterator().next();
        assertEquals(1, node.id());
        assertEquals("127.0.0.1", node.host());
        assertEquals(meridian.bootstrap(), node.host() + ":" + node.port());
        assertEquals(1, cluster.controller().get().id());
        clusterId = cluster.clusterId().get();
        assertNotNull(clusterId);
        assertFalse(clusterId.isBlank());
      }
      meridian.stop();
      meridian.start();
      try (Admin admin = admin(meridian)) {
        assertEquals(clusterId, admin.describeCluster().clusterId().get());
        assertEquals(1, admin.describeCluster().nodes().get().size());
      }
    }
  }
}
