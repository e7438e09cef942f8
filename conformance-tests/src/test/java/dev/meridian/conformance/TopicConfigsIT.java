package dev.meridian.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.FileLogInputStream.FileChannelRecordBatch;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every topic config key of Apache Kafka 4.x through the unmodified Java Admin client
 * (kafka-clients 4.4.0): created with non-default values, described with their sources, altered
 * (SET, DELETE back to the default, APPEND and SUBTRACT on lists) and validated; and the keys that
 * change what a producer sees: keys on a compacted topic, compression.type.
 */
class TopicConfigsIT {
  @TempDir Path tmp;

  /** A valid, non-default value for every topic config of Kafka 4.x. */
  private static final Map<String, String> NON_DEFAULT =
      Map.ofEntries(
          Map.entry("cleanup.policy", "compact,delete"),
          Map.entry("compression.type", "zstd"),
          Map.entry("compression.gzip.level", "5"),
          Map.entry("compression.lz4.level", "10"),
          Map.entry("compression.zstd.level", "10"),
          Map.entry("delete.retention.ms", "3600000"),
          Map.entry("errors.deadletterqueue.group.enable", "true"),
          Map.entry("file.delete.delay.ms", "30000"),
          Map.entry("flush.messages", "100000"),
          Map.entry("flush.ms", "60000"),
          Map.entry("follower.replication.throttled.replicas", "*"),
          Map.entry("index.interval.bytes", "8192"),
          Map.entry("leader.replication.throttled.replicas", "0:1"),
          Map.entry("local.retention.bytes", "1048576"),
          Map.entry("local.retention.ms", "3600000"),
          Map.entry("max.compaction.lag.ms", "86400000"),
          Map.entry("max.decompressed.message.bytes", "10485760"),
          Map.entry("max.message.bytes", "2097152"),
          Map.entry("message.downconversion.enable", "false"),
          Map.entry("message.timestamp.after.max.ms", "60000"),
          Map.entry("message.timestamp.before.max.ms", "86400000"),
          Map.entry("message.timestamp.type", "LogAppendTime"),
          Map.entry("min.cleanable.dirty.ratio", "0.3"),
          Map.entry("min.compaction.lag.ms", "1000"),
          Map.entry("min.insync.replicas", "2"),
          Map.entry("preallocate", "true"),
          Map.entry("remote.copy.lag.bytes", "1024"),
          Map.entry("remote.copy.lag.ms", "1000"),
          Map.entry("remote.log.copy.disable", "true"),
          Map.entry("remote.log.delete.on.disable", "true"),
          Map.entry("remote.storage.enable", "false"),
          Map.entry("retention.bytes", "1073741824"),
          Map.entry("retention.ms", "86400000"),
          Map.entry("segment.bytes", "1048576"),
          Map.entry("segment.index.bytes", "1048576"),
          Map.entry("segment.jitter.ms", "1000"),
          Map.entry("segment.ms", "3600000"),
          Map.entry("unclean.leader.election.enable", "true"));

  private static Admin admin(MeridianUnderTest m) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, m.bootstrap());
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
    return Admin.create(p);
  }

  private static KafkaProducer<String, String> producer(MeridianUnderTest m, String compression) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, m.bootstrap());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    return new KafkaProducer<>(p);
  }

  private static ConfigResource topic(String name) {
    return new ConfigResource(ConfigResource.Type.TOPIC, name);
  }

  private static Config describe(Admin admin, String name) throws Exception {
    return admin.describeConfigs(List.of(topic(name))).all().get().get(topic(name));
  }

  private static AlterConfigOp op(String key, String value, AlterConfigOp.OpType type) {
    return new AlterConfigOp(new ConfigEntry(key, value), type);
  }

  private static void alter(Admin admin, String name, AlterConfigOp... ops) throws Exception {
    admin.incrementalAlterConfigs(Map.of(topic(name), List.of(ops))).all().get();
  }

  private static Throwable failure(KafkaFuture<?> f) {
    return assertThrows(ExecutionException.class, f::get).getCause();
  }

  /** The codec of every batch in the partition's segment files, read with kafka-clients. */
  private static List<CompressionType> storedCodecs(Path partitionDir) throws Exception {
    List<Path> segments;
    try (Stream<Path> files = Files.list(partitionDir)) {
      segments = files.filter(f -> f.toString().endsWith(".log")).sorted().toList();
    }
    List<CompressionType> out = new ArrayList<>();
    for (Path segment : segments) {
      try (FileRecords records = FileRecords.open(segment.toFile(), false)) {
        for (FileChannelRecordBatch b : records.batches()) {
          out.add(b.compressionType());
        }
      }
    }
    return out;
  }

  @Test
  void everyKafkaTopicConfigIsCreatedDescribedAlteredAndValidated() throws Exception {
    for (var f : TopicConfig.class.getFields()) {
      if (f.getName().endsWith("_CONFIG")) {
        assertTrue(NON_DEFAULT.containsKey((String) f.get(null)), "test covers " + f.get(null));
      }
    }
    try (MeridianUnderTest meridian = new MeridianUnderTest(tmp).start();
        Admin admin = admin(meridian)) {
      admin
          .createTopics(List.of(new NewTopic("every", 1, (short) 1).configs(NON_DEFAULT)))
          .all()
          .get();
      Config created = describe(admin, "every");
      Map<String, String> shown = new TreeMap<>();
      for (ConfigEntry e : created.entries()) {
        if (NON_DEFAULT.containsKey(e.name())) {
          shown.put(e.name(), e.value());
          assertEquals(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG, e.source(), e.name());
          assertTrue(e.type() != ConfigEntry.ConfigType.UNKNOWN, e.name());
        }
      }
      assertEquals(new TreeMap<>(NON_DEFAULT), shown);

      // DELETE restores Kafka's default, reported as DEFAULT_CONFIG
      alter(
          admin,
          "every",
          op("compression.type", null, AlterConfigOp.OpType.DELETE),
          op("min.cleanable.dirty.ratio", null, AlterConfigOp.OpType.DELETE),
          op("message.timestamp.after.max.ms", null, AlterConfigOp.OpType.DELETE),
          op("preallocate", null, AlterConfigOp.OpType.DELETE));
      Config deleted = describe(admin, "every");
      Map<String, String> kafkaDefaults =
          Map.of(
              "compression.type", "producer",
              "min.cleanable.dirty.ratio", "0.5",
              "message.timestamp.after.max.ms", "3600000",
              "preallocate", "false");
      kafkaDefaults.forEach(
          (k, v) -> {
            assertEquals(v, deleted.get(k).value(), k);
            assertEquals(ConfigEntry.ConfigSource.DEFAULT_CONFIG, deleted.get(k).source(), k);
          });

      // SET, then APPEND and SUBTRACT on list keys
      alter(
          admin,
          "every",
          op("compression.type", "lz4", AlterConfigOp.OpType.SET),
          op("cleanup.policy", "compact", AlterConfigOp.OpType.SUBTRACT),
          op("leader.replication.throttled.replicas", "1:1", AlterConfigOp.OpType.APPEND));
      Config listed = describe(admin, "every");
      assertEquals("lz4", listed.get("compression.type").value());
      assertEquals("delete", listed.get("cleanup.policy").value());
      assertEquals("0:1,1:1", listed.get("leader.replication.throttled.replicas").value());
      alter(
          admin,
          "every",
          op("leader.replication.throttled.replicas", "0:1", AlterConfigOp.OpType.SUBTRACT));
      assertEquals(
          "1:1", describe(admin, "every").get("leader.replication.throttled.replicas").value());

      // an invalid value is refused with Kafka's message, an unknown key is INVALID_CONFIG
      Throwable ratio =
          failure(
              admin
                  .incrementalAlterConfigs(
                      Map.of(
                          topic("every"),
                          List.of(
                              op("min.cleanable.dirty.ratio", "1.5", AlterConfigOp.OpType.SET))))
                  .all());
      assertInstanceOf(InvalidConfigurationException.class, ratio);
      assertTrue(
          ratio
              .getMessage()
              .contains("Invalid value 1.5 for configuration min.cleanable.dirty.ratio"),
          ratio.getMessage());
      Throwable codec =
          failure(
              admin
                  .incrementalAlterConfigs(
                      Map.of(
                          topic("every"),
                          List.of(op("compression.type", "brotli", AlterConfigOp.OpType.SET))))
                  .all());
      assertInstanceOf(InvalidConfigurationException.class, codec);
      assertTrue(codec.getMessage().contains("compression.type"), codec.getMessage());
      Throwable unknown =
          failure(
              admin
                  .incrementalAlterConfigs(
                      Map.of(
                          topic("every"),
                          List.of(op("no.such.config", "1", AlterConfigOp.OpType.SET))))
                  .all());
      assertInstanceOf(InvalidConfigurationException.class, unknown);
      assertTrue(unknown.getMessage().contains("no.such.config"), unknown.getMessage());
      assertEquals("lz4", describe(admin, "every").get("compression.type").value());

      Throwable createUnknown =
          failure(
              admin
                  .createTopics(
                      List.of(
                          new NewTopic("bad", 1, (short) 1)
                              .configs(Map.of("message.timestamp.difference.max.ms", "1"))))
                  .all());
      assertInstanceOf(InvalidConfigurationException.class, createUnknown);
      Throwable lags =
          failure(
              admin
                  .createTopics(
                      List.of(
                          new NewTopic("lags", 1, (short) 1)
                              .configs(
                                  Map.of(
                                      "min.compaction.lag.ms", "2000",
                                      "max.compaction.lag.ms", "1000"))))
                  .all());
      assertInstanceOf(InvalidConfigurationException.class, lags);
      assertTrue(lags.getMessage().contains("conflict topic config setting"), lags.getMessage());
    }
  }

  @Test
  void aCompactedTopicRefusesARecordWithoutKey() throws Exception {
    try (MeridianUnderTest meridian = new MeridianUnderTest(tmp).start();
        Admin admin = admin(meridian);
        KafkaProducer<String, String> producer = producer(meridian, "none")) {
      admin
          .createTopics(
              List.of(
                  new NewTopic("compacted", 1, (short) 1)
                      .configs(Map.of("cleanup.policy", "compact"))))
          .all()
          .get();
      producer.send(new ProducerRecord<>("compacted", "k", "v")).get();
      Throwable noKey =
          assertThrows(
                  ExecutionException.class,
                  () -> producer.send(new ProducerRecord<>("compacted", null, "v")).get())
              .getCause();
      assertInstanceOf(InvalidRecordException.class, noKey);
      assertTrue(
          noKey
              .getMessage()
              .contains(
                  "Compacted topic cannot accept message without key in topic partition"
                      + " compacted-0."),
          noKey.getMessage());
      // the producer goes on: the next keyed record is appended after the first
      assertEquals(1, producer.send(new ProducerRecord<>("compacted", "k", "w")).get().offset());
    }
  }

  @Test
  void aCreateTimeOutsideTheTopicsWindowIsInvalidTimestamp() throws Exception {
    try (MeridianUnderTest meridian = new MeridianUnderTest(tmp).start();
        Admin admin = admin(meridian);
        KafkaProducer<String, String> producer = producer(meridian, "lz4")) {
      admin
          .createTopics(
              List.of(
                  new NewTopic("window", 1, (short) 1)
                      .configs(Map.of("message.timestamp.before.max.ms", "60000"))))
          .all()
          .get();
      long now = System.currentTimeMillis();
      producer.send(new ProducerRecord<>("window", null, now - 1_000, "k", "v")).get();
      for (long ts : new long[] {now - 3_600_000, now + 2 * 3_600_000}) {
        Throwable outside =
            assertThrows(
                    ExecutionException.class,
                    () -> producer.send(new ProducerRecord<>("window", null, ts, "k", "v")).get())
                .getCause();
        assertInstanceOf(InvalidTimestampException.class, outside);
        assertTrue(outside.getMessage().contains("Timestamp " + ts), outside.getMessage());
      }
      assertEquals(1, producer.send(new ProducerRecord<>("window", "k", "w")).get().offset());
    }
  }

  @Test
  void theTopicsCompressionTypeIsWhatIsStored() throws Exception {
    try (MeridianUnderTest meridian = new MeridianUnderTest(tmp).start();
        Admin admin = admin(meridian);
        KafkaProducer<String, String> producer = producer(meridian, "none")) {
      admin
          .createTopics(
              List.of(
                  new NewTopic("zstd", 1, (short) 1).configs(Map.of("compression.type", "zstd"))))
          .all()
          .get();
      for (int i = 0; i < 20; i++) {
        producer.send(new ProducerRecord<>("zstd", "k" + i, "value-" + i)).get();
      }
      List<ConsumerRecord<String, String>> read =
          JavaClients.readAll(meridian.bootstrap(), "zstd", 20, Duration.ofSeconds(30));
      assertEquals(20, read.size());
      for (int i = 0; i < 20; i++) {
        assertEquals(i, read.get(i).offset());
        assertEquals("k" + i, read.get(i).key());
        assertEquals("value-" + i, read.get(i).value());
      }
      List<CompressionType> codecs = storedCodecs(meridian.logsDir().resolve("zstd-0"));
      assertEquals(20, codecs.size(), codecs.toString());
      assertTrue(codecs.stream().allMatch(c -> c == CompressionType.ZSTD), codecs.toString());
    }
  }
}
