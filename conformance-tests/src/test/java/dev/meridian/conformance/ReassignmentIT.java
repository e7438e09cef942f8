package dev.meridian.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meridian.testsupport.RegionYaml;
import dev.meridian.testsupport.TestRegion;
import dev.meridian.testsupport.Wait;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.PartitionReassignment;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Partition reassignment (KIP-455) in a region of real node processes, through the Admin API that
 * {@code kafka-reassign-partitions} uses: a replica moved to a newly started fourth node copies the
 * log under the region's reassignment throttle, ListPartitionReassignments shows it while it runs,
 * and {@code POST /v1/cluster/rebalance} spreads replicas and preferred leaderships onto the new
 * node while an acks=all producer keeps writing; nothing acknowledged is lost and the moved
 * replicas hold the same batches as the others. Then Kafka's own tools (kafka-tools 4.4.0 in a
 * child JVM): {@code kafka-reassign-partitions --execute --throttle} sets the nodes' dynamic
 * throttle rates and the topic's throttled-replica lists, the copy takes as long as the throttle
 * says, {@code --verify} clears them; the leader's throttle alone holds a second move; {@code
 * kafka-configs} and {@code kafka-log-dirs} describe what they should.
 */
class ReassignmentIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private static final long THROTTLE = 2 * 1024 * 1024;

  @TempDir Path tmp;

  private static Map<Integer, List<Integer>> replicas(Admin admin, String topic) throws Exception {
    TopicDescription d =
        admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
    Map<Integer, List<Integer>> out = new TreeMap<>();
    for (TopicPartitionInfo p : d.partitions()) {
      out.put(p.partition(), p.replicas().stream().map(Node::id).toList());
    }
    return out;
  }

  @Test
  void aReplicaMovesToANewNodeUnderTheThrottleAndARebalanceSpreadsTheRegion() throws Exception {
    RegionYaml yaml =
        RegionYaml.of("east", 4)
            .topicDefault("replicationFactor", 3)
            .topicDefault("minInsyncReplicas", 2)
            .broker("groupInitialRebalanceDelayMs", 0)
            .broker("offsetsTopicPartitions", 3)
            .broker("reassignmentThrottleBytesPerSecond", THROTTLE);
    try (TestRegion region = TestRegion.ofProcesses(yaml, tmp).start(1, 2, 3);
        Admin admin = Admin.create(Clients.admin(region.bootstrap()))) {
      // 8 MiB in one partition on nodes 1-3
      TopicPartition big = new TopicPartition("big", 0);
      admin
          .createTopics(List.of(new NewTopic("big", 1, (short) 3)))
          .all()
          .get(30, TimeUnit.SECONDS);
      // the idempotent producer below must not meet a node that has not published the topic yet
      NodeViews.awaitLedEverywhere(region, "big", 1, TIMEOUT);
      fill(region.bootstrap(), "big", 8 * 1024);
      long bytes = ReplicaFiles.size(ReplicaFiles.partitionDir(region, 1, big));
      // more topics on the first three nodes, for the rebalance below
      TopicPartition moving = new TopicPartition("moving", 0);
      admin
          .createTopics(
              List.of(new NewTopic("spread", 8, (short) 3), new NewTopic("moving", 1, (short) 3)))
          .all()
          .get(30, TimeUnit.SECONDS);

      region.start(4);
      Wait.until(
          "four brokers",
          TIMEOUT,
          () -> admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() == 4);

      // move one replica of "big" to node 4 (its first replica: the preferred leadership moves)
      List<Integer> before = replicas(admin, "big").get(0);
      List<Integer> target = new java.util.ArrayList<>(before);
      int leaving = target.get(target.size() - 1);
      target.set(target.size() - 1, 4);
      long t0 = System.nanoTime();
      admin
          .alterPartitionReassignments(
              Map.of(big, Optional.of(new NewPartitionReassignment(target))))
          .all()
          .get(30, TimeUnit.SECONDS);
      Map<TopicPartition, PartitionReassignment> running =
          admin.listPartitionReassignments().reassignments().get(10, TimeUnit.SECONDS);
      assertEquals(List.of(4), running.get(big).addingReplicas(), running.toString());
      assertEquals(List.of(leaving), running.get(big).removingReplicas());
      awaitNoReassignment(admin, "the reassignment of big-0 completes");
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertEquals(target, replicas(admin, "big").get(0));
      long floorMs = (bytes - THROTTLE) * 1000 / THROTTLE; // one second of burst is allowed
      System.out.println(
          "ReassignmentIT: "
              + bytes
              + " bytes copied to node 4 in "
              + ms
              + " ms under a "
              + THROTTLE
              + " B/s throttle");
      assertTrue(ms >= floorMs * 0.8, "the throttle held: " + ms + " ms for " + bytes + " bytes");
      assertEquals(
          ReplicaFiles.batches(ReplicaFiles.partitionDir(region, target.get(0), big)),
          ReplicaFiles.batches(ReplicaFiles.partitionDir(region, 4, big)),
          "the new replica holds the leader's batches");
      Wait.until(
          "node " + leaving + " deleted its replica of big-0",
          TIMEOUT,
          () -> !java.nio.file.Files.exists(ReplicaFiles.partitionDir(region, leaving, big)));

      // a rebalance while a producer writes: node 4 gets its share of replicas and leaderships
      NavigableSet<Long> acked;
      try (SequenceLoad load = new SequenceLoad(region.bootstrap(), moving, 1000)) {
        load.awaitProgress(500, TIMEOUT);
        java.net.http.HttpResponse<String> r =
            Http.post(region.node(1).httpPort(), "/v1/cluster/rebalance");
        assertEquals(202, r.statusCode(), r.body());
        JsonNode body = new ObjectMapper().readTree(r.body());
        assertTrue(body.path("reassigning").size() > 0, r.body());
        awaitNoReassignment(admin, "every reassignment completes");
        // Kafka's own kafka-leader-election moves the preferred leaderships onto node 4 at once
        ExternalProcess.Result elect =
            KafkaTools.run(
                tmp,
                KafkaTools.LEADER_ELECTION,
                "--bootstrap-server",
                region.bootstrap(),
                "--election-type",
                "PREFERRED",
                "--all-topic-partitions");
        assertTrue(elect.ok(), elect.describe());
        load.awaitProgress(500, TIMEOUT);
        acked = load.stop(TIMEOUT);
        assertEquals(List.of(), load.failures(), "the producer saw only retriable errors");
      }
      Map<Integer, Integer> replicaCount = new TreeMap<>();
      Set<Integer> leaders = new HashSet<>();
      for (String topic : List.of("big", "moving", "spread")) {
        TopicDescription d =
            admin
                .describeTopics(List.of(topic))
                .allTopicNames()
                .get(10, TimeUnit.SECONDS)
                .get(topic);
        for (TopicPartitionInfo pi : d.partitions()) {
          pi.replicas().forEach(n -> replicaCount.merge(n.id(), 1, Integer::sum));
          leaders.add(pi.leader().id());
        }
      }
      System.out.println("ReassignmentIT: replicas per node after the rebalance " + replicaCount);
      assertTrue(leaders.contains(4), "node 4 leads partitions: " + leaders);
      int most = replicaCount.values().stream().max(Integer::compare).orElseThrow();
      int least = replicaCount.values().stream().min(Integer::compare).orElseThrow();
      assertTrue(most - least <= 1, "replicas spread evenly: " + replicaCount);
      assertFalse(replicas(admin, "moving").get(0).isEmpty());
      List<Long> log = SequenceLoad.readAll(region.bootstrap(), moving, TIMEOUT);
      SequenceLoad.assertExactlyOnceInOrder(
          "the partition written during the rebalance", log, acked);
    }
  }

  /**
   * Writes {@code records} records of 1 KiB into partition 0 of {@code topic}, all acknowledged.
   */
  private static void fill(String bootstrap, String topic, int records) throws Exception {
    byte[] value = new byte[1024];
    java.util.Properties p = Clients.producer(bootstrap);
    p.put("key.serializer", ByteArraySerializer.class.getName());
    p.put("value.serializer", ByteArraySerializer.class.getName());
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      Clients.produceAll(
          producer,
          records,
          i -> new ProducerRecord<>(topic, 0, null, value),
          (m, i) -> {},
          TIMEOUT);
    }
  }

  /** Waits until no reassignment is running. */
  private static void awaitNoReassignment(Admin admin, String what) {
    Wait.until(
        what,
        TIMEOUT,
        () ->
            admin.listPartitionReassignments().reassignments().get(5, TimeUnit.SECONDS).isEmpty());
  }

  /** A config of node {@code node}, as DescribeConfigs answers. */
  private static ConfigEntry brokerConfig(Admin admin, int node, String name) throws Exception {
    return config(
        admin, new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(node)), name);
  }

  /** The value and source of a config of a resource, as DescribeConfigs answers. */
  private static ConfigEntry config(Admin admin, ConfigResource r, String name) throws Exception {
    Config c = admin.describeConfigs(List.of(r)).all().get(10, TimeUnit.SECONDS).get(r);
    return c.get(name);
  }

  @Test
  void kafkaReassignPartitionsMovesAReplicaUnderItsThrottleAndClearsIt() throws Exception {
    RegionYaml yaml =
        RegionYaml.of("east", 3)
            .topicDefault("replicationFactor", 2)
            .broker("groupInitialRebalanceDelayMs", 0)
            .broker("offsetsTopicPartitions", 1);
    try (TestRegion region = TestRegion.ofProcesses(yaml, tmp).start(1, 2, 3);
        Admin admin = Admin.create(Clients.admin(region.bootstrap()))) {
      String bootstrap = region.bootstrap();
      TopicPartition tp = new TopicPartition("tool", 0);
      admin
          .createTopics(List.of(new NewTopic("tool", Map.of(0, List.of(1, 2)))))
          .all()
          .get(30, TimeUnit.SECONDS);
      NodeViews.awaitLedEverywhere(region, "tool", 1, TIMEOUT);
      fill(bootstrap, "tool", 4096);
      long bytes = ReplicaFiles.size(ReplicaFiles.partitionDir(region, 1, tp));

      Path plan = tmp.resolve("plan.json");
      java.nio.file.Files.writeString(
          plan,
          "{\"version\":1,\"partitions\":[{\"topic\":\"tool\",\"partition\":0,\"replicas\":[1,3]}]}");
      long rate = 512 * 1024;
      long t0 = System.nanoTime();
      ExternalProcess.Result execute =
          KafkaTools.run(
              tmp,
              KafkaTools.REASSIGN_PARTITIONS,
              "--bootstrap-server",
              bootstrap,
              "--reassignment-json-file",
              plan.toString(),
              "--execute",
              "--throttle",
              Long.toString(rate));
      assertTrue(execute.ok(), execute.describe());
      assertTrue(
          execute.stdout().contains("Successfully started partition reassignment"),
          execute.describe());
      // the tool's throttle: dynamic rates on every node involved, throttled-replica lists on the
      // topic (the current replicas as leaders, the new one as follower)
      for (int node : List.of(1, 2, 3)) {
        ConfigEntry e = brokerConfig(admin, node, "follower.replication.throttled.rate");
        assertEquals(Long.toString(rate), e.value(), "node " + node);
        assertEquals(ConfigEntry.ConfigSource.DYNAMIC_BROKER_CONFIG, e.source());
      }
      ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "tool");
      assertEquals("0:3", config(admin, topic, "follower.replication.throttled.replicas").value());
      assertTrue(
          config(admin, topic, "leader.replication.throttled.replicas").value().contains("0:1"));
      ExternalProcess.Result configs =
          KafkaTools.run(
              tmp,
              KafkaTools.CONFIGS,
              "--bootstrap-server",
              bootstrap,
              "--entity-type",
              "brokers",
              "--entity-name",
              "3",
              "--describe");
      assertTrue(configs.ok(), configs.describe());
      assertTrue(
          configs.stdout().contains("follower.replication.throttled.rate=" + rate),
          configs.describe());

      awaitNoReassignment(admin, "the reassignment of tool-0 completes");
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      System.out.println(
          "ReassignmentIT: kafka-reassign-partitions moved "
              + bytes
              + " bytes in "
              + ms
              + " ms under --throttle "
              + rate);
      long floorMs = (bytes - rate) * 1000 / rate; // one second of burst is allowed
      assertTrue(ms >= floorMs * 0.8, "the throttle held: " + ms + " ms for " + bytes + " bytes");

      ExternalProcess.Result verify =
          KafkaTools.run(
              tmp,
              KafkaTools.REASSIGN_PARTITIONS,
              "--bootstrap-server",
              bootstrap,
              "--reassignment-json-file",
              plan.toString(),
              "--verify");
      assertTrue(verify.ok(), verify.describe());
      assertTrue(
          verify.stdout().contains("Reassignment of partition tool-0 is completed"),
          verify.describe());
      assertEquals(List.of(1, 3), replicas(admin, "tool").get(0));
      for (int node : List.of(1, 2, 3)) {
        assertEquals(
            ConfigEntry.ConfigSource.DEFAULT_CONFIG,
            brokerConfig(admin, node, "follower.replication.throttled.rate").source(),
            "--verify cleared the throttle of node " + node);
      }
      Wait.until(
          "--verify cleared the topic's throttled-replica lists (seen by every node)",
          TIMEOUT,
          () ->
              config(admin, topic, "follower.replication.throttled.replicas").value().isEmpty()
                  && config(admin, topic, "leader.replication.throttled.replicas")
                      .value()
                      .isEmpty());
      assertEquals(
          ReplicaFiles.batches(ReplicaFiles.partitionDir(region, 1, tp)),
          ReplicaFiles.batches(ReplicaFiles.partitionDir(region, 3, tp)),
          "the new replica holds the leader's batches");

      // the leader's throttle alone: node 1 serves the replica moving back to node 2 slowly
      Wait.until(
          "node 2 deleted its replica of tool-0",
          TIMEOUT,
          () -> !java.nio.file.Files.exists(ReplicaFiles.partitionDir(region, 2, tp)));
      admin
          .incrementalAlterConfigs(
              Map.of(
                  new ConfigResource(ConfigResource.Type.BROKER, "1"),
                  List.of(
                      new AlterConfigOp(
                          new ConfigEntry("leader.replication.throttled.rate", Long.toString(rate)),
                          AlterConfigOp.OpType.SET)),
                  topic,
                  List.of(
                      new AlterConfigOp(
                          new ConfigEntry("leader.replication.throttled.replicas", "0:1"),
                          AlterConfigOp.OpType.SET))))
          .all()
          .get(30, TimeUnit.SECONDS);
      long t1 = System.nanoTime();
      admin
          .alterPartitionReassignments(
              Map.of(tp, Optional.of(new NewPartitionReassignment(List.of(1, 2)))))
          .all()
          .get(30, TimeUnit.SECONDS);
      awaitNoReassignment(admin, "the reassignment of tool-0 back to node 2 completes");
      long leaderMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t1);
      System.out.println(
          "ReassignmentIT: the leader's throttle alone moved "
              + bytes
              + " bytes in "
              + leaderMs
              + " ms");
      assertTrue(
          leaderMs >= floorMs * 0.8,
          "the leader's throttle held: " + leaderMs + " ms for " + bytes + " bytes");
      Wait.until(
          "every node's metadata shows replicas [1, 2]",
          TIMEOUT,
          () -> replicas(admin, "tool").get(0).equals(List.of(1, 2)));

      ExternalProcess.Result dirs =
          KafkaTools.run(
              tmp,
              KafkaTools.LOG_DIRS,
              "--bootstrap-server",
              bootstrap,
              "--describe",
              "--broker-list",
              "2",
              "--topic-list",
              "tool");
      assertTrue(dirs.ok(), dirs.describe());
      assertTrue(dirs.stdout().contains("\"partition\":\"tool-0\""), dirs.describe());
    }
  }
}
