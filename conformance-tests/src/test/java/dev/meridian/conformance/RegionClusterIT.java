package dev.meridian.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.testsupport.ChildNode;
import dev.meridian.testsupport.RegionYaml;
import dev.meridian.testsupport.TestRegion;
import dev.meridian.testsupport.Wait;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A region of three real node processes, used by unmodified kafka-clients: one metadata image
 * (brokers, controller, leaders spread over the nodes), clients bootstrapped from one node working
 * with partitions led by the others, a new controller within 10 s of a kill -9 of the old one, the
 * image and committed offsets kept across a kill -9 of every node, a fourth configured node
 * joining, and a minority that commits nothing.
 */
class RegionClusterIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path tmp;

  private static RegionYaml threeNodes() {
    return RegionYaml.of("east", 3)
        .topicDefault("replicationFactor", 3)
        .broker("groupInitialRebalanceDelayMs", 0)
        .broker("offsetsTopicPartitions", 6)
        .broker("lagSampleMs", 500);
  }

  private static Admin admin(String bootstrap) {
    return Admin.create(Clients.admin(bootstrap));
  }

  /**
   * Creates a topic; true also when it exists already (an earlier attempt may have been committed
   * after its answer timed out).
   */
  private static boolean create(Admin admin, NewTopic topic) throws Exception {
    try {
      admin.createTopics(List.of(topic)).all().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw e;
      }
    }
    return true;
  }

  private static TopicDescription describe(Admin admin, String topic) throws Exception {
    return admin
        .describeTopics(List.of(topic))
        .allTopicNames()
        .get(30, TimeUnit.SECONDS)
        .get(topic);
  }

  @Test
  void threeNodesAreOneRegionForClientsAndSurviveKillingTheControllerAndEveryNode()
      throws Exception {
    try (TestRegion region = TestRegion.ofProcesses(threeNodes(), tmp).start()) {
      // one image: every node shows the same brokers, controller and cluster id
      Set<String> clusterIds = new HashSet<>();
      Set<Integer> controllers = new HashSet<>();
      for (int id = 1; id <= 3; id++) {
        try (Admin admin = admin(region.node(id).bootstrap())) {
          DescribeClusterResult c = admin.describeCluster();
          List<Integer> brokers =
              c.nodes().get(30, TimeUnit.SECONDS).stream().map(Node::id).sorted().toList();
          assertEquals(List.of(1, 2, 3), brokers, "brokers seen through node " + id);
          clusterIds.add(c.clusterId().get(30, TimeUnit.SECONDS));
          controllers.add(c.controller().get(30, TimeUnit.SECONDS).id());
        }
      }
      assertEquals(1, clusterIds.size(), "one cluster id: " + clusterIds);
      assertEquals(1, controllers.size(), "one controller: " + controllers);
      int controller = controllers.iterator().next();

      // a 6-partition topic with 3 replicas: every node leads two partitions
      String one = region.node(1).bootstrap();
      try (Admin admin = admin(one)) {
        admin
            .createTopics(List.of(new NewTopic("orders", 6, (short) 3)))
            .all()
            .get(30, TimeUnit.SECONDS);
        Clients.setTopicConfig(admin, "orders", "retention.ms", "123456789")
            .get(30, TimeUnit.SECONDS);
        TopicDescription orders = describe(admin, "orders");
        Map<Integer, Integer> leaders = new TreeMap<>();
        for (TopicPartitionInfo p : orders.partitions()) {
          assertEquals(3, p.replicas().size());
          leaders.merge(p.leader().id(), 1, Integer::sum);
        }
        assertEquals(Map.of(1, 2, 2, 2, 3, 2), leaders, "leaders spread over the nodes");
      }

      // kcat (librdkafka) asking each node sees the same brokers and leaders
      kcatSeesOneRegion(region, "orders");

      // clients that know one node work with partitions led by all three
      int records = 3000;
      try (KafkaProducer<String, String> producer =
          new KafkaProducer<>(Clients.producer(one, "linger.ms", 5))) {
        Clients.produceAll(
            producer,
            records,
            i -> new ProducerRecord<>("orders", "k" + i, "v" + i),
            (m, i) -> {},
            TIMEOUT);
      }
      String two = region.node(2).bootstrap();
      Set<String> seen = new HashSet<>();
      try (KafkaConsumer<String, String> consumer =
          new KafkaConsumer<>(
              Clients.consumer(
                  two,
                  "earliest",
                  ConsumerConfig.GROUP_ID_CONFIG,
                  "g",
                  ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                  false))) {
        consumer.subscribe(List.of("orders"));
        Clients.pollUntil(
            consumer, () -> seen.size() == records, TIMEOUT, r -> seen.add(r.value()));
        consumer.commitSync(Duration.ofSeconds(30));
      }
      assertEquals(records, seen.size());

      // the group's coordinator knows the end offsets of partitions other nodes lead: lag 0
      int coordinator;
      try (Admin admin = admin(one)) {
        coordinator =
            admin
                .describeConsumerGroups(List.of("g"))
                .all()
                .get(30, TimeUnit.SECONDS)
                .get("g")
                .coordinator()
                .id();
      }
      int coordinatorHttp = region.node(coordinator).httpPort();
      Wait.until(
          "lag of g known for every partition on its coordinator",
          TIMEOUT,
          () -> {
            com.fasterxml.jackson.databind.JsonNode g =
                new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(Http.get(coordinatorHttp, "/v1/groups/g").body());
            int known = 0;
            for (com.fasterxml.jackson.databind.JsonNode p : g.path("partitions")) {
              if (p.path("lag").isNumber() && p.path("lag").asLong() == 0) {
                known++;
              }
            }
            return known == 6;
          });

      // kill -9 the controller: a new one within 10 s, and topics can be created again
      Map<TopicPartition, Integer> epochsBefore = leaderEpochs(one, "orders");
      List<Integer> survivors = new ArrayList<>(List.of(1, 2, 3));
      survivors.remove(Integer.valueOf(controller));
      String survivor = region.node(survivors.get(0)).bootstrap();
      long t0 = System.nanoTime();
      assertEquals(137, region.child(controller).kill9());
      try (Admin admin = admin(survivor)) {
        Wait.until(
            "a new controller",
            Duration.ofSeconds(10),
            () -> {
              Node c = admin.describeCluster().controller().get(5, TimeUnit.SECONDS);
              return c != null && c.id() != controller && c.id() >= 0;
            });
        Wait.until(
            "topic creation after the controller died",
            Duration.ofSeconds(10),
            () -> create(admin, new NewTopic("after-failover", 2, (short) 2)));
      }
      long failoverMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      System.out.println(
          "RegionClusterIT: kill -9 of controller "
              + controller
              + " to the next successful CreateTopics: "
              + failoverMs
              + " ms");
      assertTrue(failoverMs < 10_000, failoverMs + " ms");

      // kill -9 every node, start them all again: topics, configs, offsets and epochs are kept
      for (int id : survivors) {
        region.child(id).kill9();
      }
      for (int id = 1; id <= 3; id++) {
        region.child(id).start();
      }
      region.awaitUp(List.of(1, 2, 3), TIMEOUT);
      try (Admin admin = admin(region.node(3).bootstrap())) {
        Wait.until(
            "orders led again",
            TIMEOUT,
            () ->
                describe(admin, "orders").partitions().stream()
                    .allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
        assertEquals(6, describe(admin, "orders").partitions().size());
        assertEquals(2, describe(admin, "after-failover").partitions().size());
        ConfigResource ordersResource = new ConfigResource(ConfigResource.Type.TOPIC, "orders");
        assertEquals(
            "123456789",
            admin
                .describeConfigs(List.of(ordersResource))
                .all()
                .get(30, TimeUnit.SECONDS)
                .get(ordersResource)
                .get("retention.ms")
                .value());
        Map<TopicPartition, OffsetAndMetadata> committed =
            admin
                .listConsumerGroupOffsets("g")
                .partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS);
        long total = committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum();
        assertEquals(records, total, "committed offsets survive: " + committed);
        long end =
            admin
                .listOffsets(
                    committed.keySet().stream()
                        .collect(
                            java.util.stream.Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest())))
                .all()
                .get(30, TimeUnit.SECONDS)
                .values()
                .stream()
                .mapToLong(i -> i.offset())
                .sum();
        assertEquals(records, end, "every acknowledged record is still there");
      }
      Map<TopicPartition, Integer> epochsAfter = leaderEpochs(region.node(1).bootstrap(), "orders");
      epochsBefore.forEach(
          (tp, e) ->
              assertTrue(
                  epochsAfter.get(tp) >= e,
                  tp + ": epoch " + e + " became " + epochsAfter.get(tp) + " (epochs only grow)"));
    }
  }

  /**
   * {@code kcat -L -J} against each node: the same brokers and the same leader per partition.
   * Skipped (with a note) where kcat is not installed.
   */
  private static void kcatSeesOneRegion(TestRegion region, String topic) throws Exception {
    if (ExternalProcess.probe(List.of("kcat", "-V")) == null) {
      System.out.println("RegionClusterIT: kcat not installed; the kcat -L check is skipped");
      return;
    }
    com.fasterxml.jackson.databind.ObjectMapper json =
        new com.fasterxml.jackson.databind.ObjectMapper();
    Set<String> views = new HashSet<>();
    for (int id = 1; id <= 3; id++) {
      String bootstrap = region.node(id).bootstrap();
      // a node publishes a new topic a moment after the controller committed it
      String view =
          Wait.forValue(
              "kcat -L via node " + id + " shows " + topic,
              TIMEOUT,
              () -> {
                ExternalProcess.Result r =
                    ExternalProcess.run(
                        List.of("kcat", "-b", bootstrap, "-L", "-J", "-t", topic, "-m", "10"),
                        null,
                        Duration.ofSeconds(30));
                assertTrue(r.ok(), r.describe());
                com.fasterxml.jackson.databind.JsonNode md = json.readTree(r.stdout());
                Set<Integer> brokers = new java.util.TreeSet<>();
                md.path("brokers").forEach(b -> brokers.add(b.path("id").asInt()));
                Map<Integer, Integer> leaders = new TreeMap<>();
                md.path("topics")
                    .get(0)
                    .path("partitions")
                    .forEach(
                        p -> leaders.put(p.path("partition").asInt(), p.path("leader").asInt()));
                return brokers.equals(Set.of(1, 2, 3)) && leaders.size() == 6
                    ? brokers + " " + leaders
                    : null;
              });
      views.add(view);
    }
    assertEquals(1, views.size(), "every node shows kcat the same region: " + views);
  }

  /** The leader epoch of each partition, from the leader's ListOffsets answer. */
  private static Map<TopicPartition, Integer> leaderEpochs(String bootstrap, String topic)
      throws Exception {
    Map<TopicPartition, Integer> out = new HashMap<>();
    try (Admin admin = admin(bootstrap)) {
      TopicDescription d = describe(admin, topic);
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (TopicPartitionInfo p : d.partitions()) {
        latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest());
      }
      admin
          .listOffsets(latest)
          .all()
          .get(30, TimeUnit.SECONDS)
          .forEach((tp, info) -> out.put(tp, info.leaderEpoch().orElse(-1)));
    }
    return out;
  }

  @Test
  void aFourthConfiguredNodeJoinsAndNewTopicsUseIt() throws Exception {
    RegionYaml yaml =
        RegionYaml.of("east", 4)
            .topicDefault("replicationFactor", 2)
            .broker("groupInitialRebalanceDelayMs", 0);
    try (TestRegion region = TestRegion.ofProcesses(yaml, tmp).start(1, 2, 3)) {
      String bootstrap = region.node(1).bootstrap();
      try (Admin admin = admin(bootstrap)) {
        assertEquals(3, admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size());
        region.start(4);
        Wait.until(
            "four brokers",
            TIMEOUT,
            () -> admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() == 4);
        admin
            .createTopics(List.of(new NewTopic("wide", 8, (short) 2)))
            .all()
            .get(30, TimeUnit.SECONDS);
        // the node the Admin client asks may publish the new topic a moment later
        TopicDescription wide =
            Wait.forValue("wide described", TIMEOUT, () -> describe(admin, "wide"));
        Set<Integer> leaders = new HashSet<>();
        wide.partitions().forEach(p -> leaders.add(p.leader().id()));
        assertEquals(Set.of(1, 2, 3, 4), leaders, "the new node leads partitions too");
      }
    }
  }

  @Test
  void aMinorityOfTheRegionMakesNoMetadataChange() throws Exception {
    RegionYaml yaml =
        threeNodes()
            .broker("controllerRequestTimeoutMs", 4000)
            .broker("memberMergeDelaySeconds", 2);
    try (TestRegion region = TestRegion.ofProcesses(yaml, tmp).start()) {
      int controller;
      try (Admin admin = admin(region.bootstrap())) {
        controller = admin.describeCluster().controller().get(30, TimeUnit.SECONDS).id();
      }
      // the controller alone: it cannot commit, whatever it decides
      ChildNode alone = region.child(controller);
      List<Integer> others = new ArrayList<>(List.of(1, 2, 3));
      others.remove(Integer.valueOf(controller));
      others.forEach(id -> region.child(id).pause());
      try {
        long t0 = System.nanoTime();
        CreateTopicsResponseData.CreatableTopicResult refused =
            RawKafka.createTopic("127.0.0.1", alone.kafkaPort(), "minority", 1, (short) 1, 20_000);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        System.out.println(
            "RegionClusterIT: a minority's CreateTopics after "
                + ms
                + " ms: "
                + Errors.forCode(refused.errorCode())
                + " "
                + refused.errorMessage());
        assertEquals(Errors.REQUEST_TIMED_OUT.code(), refused.errorCode());
        assertEquals(
            404,
            Http.get(alone.httpPort(), "/v1/topics/minority").statusCode(),
            "a minority commits nothing");
      } finally {
        others.forEach(id -> region.child(id).resume());
      }
      region.awaitUp(List.of(1, 2, 3), TIMEOUT);
      try (Admin admin = admin(region.node(2).bootstrap())) {
        Wait.until(
            "topics can be created once the majority is back",
            TIMEOUT,
            () -> create(admin, new NewTopic("majority", 1, (short) 3)));
        assertNotEquals(null, describe(admin, "majority"));
      }
    }
  }
}
