package dev.meridian.node.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.config.BrokerSettings;
import dev.meridian.config.NodeConfig;
import dev.meridian.config.RegionConfig;
import dev.meridian.config.TopicDefaults;
import dev.meridian.node.metadata.MetadataImage;
import dev.meridian.node.metadata.MetadataRecord;
import dev.meridian.node.metadata.PartitionState;
import dev.meridian.node.metadata.TopicConfigs;
import dev.meridian.node.metadata.TopicImage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/** The controller's decisions, applied to images as the quorum would apply them. */
class ClusterControllerTest {
  private final Random random = new Random(7);
  private MetadataImage image = MetadataImage.EMPTY;

  private static RegionConfig region(int nodes, String... racks) {
    List<NodeConfig> list = new ArrayList<>();
    for (int i = 1; i <= nodes; i++) {
      list.add(
          new NodeConfig(
              i,
              "127.0.0.1",
              9090 + i,
              8080 + i,
              "east-" + i,
              19090 + i,
              racks.length == 0 ? null : racks[(i - 1) % racks.length]));
    }
    return new RegionConfig("east", list);
  }

  private ClusterController controller(RegionConfig region) {
    return new ClusterController(
        region,
        TopicDefaults.DEFAULTS,
        BrokerSettings.DEFAULTS,
        new TopicConfigs(TopicDefaults.DEFAULTS),
        () -> new Uuid(random.nextLong(), random.nextLong()));
  }

  private void apply(List<MetadataRecord> records) {
    if (!records.isEmpty()) {
      image = image.apply(image.version() + 1, records);
    }
  }

  private static Map<Integer, LiveNode> live(long incarnation, int... ids) {
    Map<Integer, LiveNode> m = new LinkedHashMap<>();
    for (int id : ids) {
      m.put(id, new LiveNode(id, incarnation, 9090 + id, 8080 + id));
    }
    return m;
  }

  private ItemResult create(ClusterController c, String name, int partitions, int rf) {
    ClusterController.Decision d =
        c.decide(
            image,
            new ControllerRequest.CreateTopics(
                List.of(
                    new ControllerRequest.NewTopic(
                        name, partitions, (short) rf, List.of(), Map.of())),
                false,
                false));
    apply(d.records());
    return d.results().get(0);
  }

  @Test
  void takingOfficeGivesTheRegionAClusterIdOnceAndRegistersTheLiveNodes() {
    ClusterController c = controller(region(3));
    apply(c.takeOffice(image, live(1, 1, 2)));
    String id = image.clusterId();
    assertNotNull(id);
    assertTrue(image.isAlive(1) && image.isAlive(2));
    assertFalse(image.isAlive(3));
    assertEquals(9091, image.node(1).orElseThrow().kafkaPort());
    apply(c.takeOffice(image, live(1, 1, 2)));
    assertEquals(id, image.clusterId(), "the cluster id never changes");
    assertTrue(c.reconcile(image, live(1, 1, 2)).isEmpty(), "nothing to change");
  }

  @Test
  void leadersOfASixPartitionTopicSpreadEvenlyOverThreeNodes() {
    ClusterController c = controller(region(3));
    apply(c.takeOffice(image, live(1, 1, 2, 3)));
    ItemResult r = create(c, "orders", 6, 3);
    assertTrue(r.ok(), r.message());
    TopicImage t = image.topic("orders").orElseThrow();
    Map<Integer, Integer> leaders = new HashMap<>();
    for (PartitionState p : t.partitions()) {
      assertEquals(3, p.replicas().size());
      assertEquals(3, p.replicas().stream().distinct().count());
      assertEquals(p.replicas().get(0), p.leader(), "the preferred replica leads");
      assertEquals(List.of(p.leader()), p.isr(), "only the leader has data yet");
      assertEquals(0, p.leaderEpoch());
      leaders.merge(p.leader(), 1, Integer::sum);
    }
    assertEquals(Map.of(1, 2, 2, 2, 3, 2), leaders);
  }

  @Test
  void replicasSpreadOverRacks() {
    ClusterController c = controller(region(4, "a", "a", "b", "b"));
    apply(c.takeOffice(image, live(1, 1, 2, 3, 4)));
    assertTrue(create(c, "racked", 8, 2).ok());
    for (PartitionState p : image.topic("racked").orElseThrow().partitions()) {
      String r0 = rack(p.replicas().get(0));
      String r1 = rack(p.replicas().get(1));
      assertFalse(r0.equals(r1), "replicas " + p.replicas() + " in one rack");
    }
  }

  private String rack(int node) {
    return image.node(node).orElseThrow().rack();
  }

  @Test
  void aReplicationFactorAboveTheLiveNodesIsRefused() {
    ClusterController c = controller(region(3));
    apply(c.takeOffice(image, live(1, 1, 2)));
    ItemResult r = create(c, "too-wide", 1, 3);
    assertEquals(Errors.INVALID_REPLICATION_FACTOR, r.error());
    assertTrue(r.message().contains("only 2 broker(s)"), r.message());
    assertTrue(image.topic("too-wide").isEmpty());
    assertTrue(create(c, "ok", 1, 2).ok());
    assertEquals(Errors.TOPIC_ALREADY_EXISTS, create(c, "ok", 1, 2).error());
  }

  @Test
  void aDeadLeaderIsReplacedFromTheIsrAndWithoutOneThePartitionGoesOffline() {
    ClusterController c = controller(region(3));
    apply(c.takeOffice(image, live(1, 1, 2, 3)));
    assertTrue(create(c, "t", 3, 3).ok());
    Map<Integer, Integer> epochs = new HashMap<>();
    image
        .topic("t")
        .orElseThrow()
        .partitions()
        .forEach(p -> epochs.put(p.leader(), p.leaderEpoch()));

    apply(c.reconcile(image, live(1, 1, 3))); // node 2 dies
    assertFalse(image.isAlive(2));
    TopicImage t = image.topic("t").orElseThrow();
    for (PartitionState p : t.partitions()) {
      if (p.replicas().get(0) == 2) {
        // its ISR was node 2 alone: no clean leader until node 2 returns
        assertEquals(PartitionState.NO_LEADER, p.leader());
        assertEquals(List.of(2), p.isr(), "the last in-sync replica is remembered");
        assertEquals(1, p.leaderEpoch(), "losing the leader grows the epoch");
      } else {
        assertEquals(0, p.leaderEpoch(), "other partitions keep their epochs");
      }
    }
    apply(c.reconcile(image, live(2, 1, 2, 3))); // node 2 returns (a new process)
    for (PartitionState p : image.topic("t").orElseThrow().partitions()) {
      assertTrue(p.hasLeader(), p.toString());
      if (p.replicas().get(0) == 2) {
        assertEquals(2, p.leader());
        assertEquals(2, p.leaderEpoch(), "epochs only grow");
      }
    }
  }

  @Test
  void aRestartedProcessIsFencedAndRegisteredAgainSoItsLeadershipsGetNewEpochs() {
    ClusterController c = controller(region(1));
    apply(c.takeOffice(image, live(1, 1)));
    assertTrue(create(c, "t", 1, 1).ok());
    assertEquals(0, image.topic("t").orElseThrow().partitions().get(0).leaderEpoch());
    apply(c.reconcile(image, live(99, 1)));
    assertEquals(99, image.node(1).orElseThrow().incarnation());
    PartitionState p = image.topic("t").orElseThrow().partitions().get(0);
    assertEquals(1, p.leader());
    assertEquals(2, p.leaderEpoch(), "through 'no leader' and back");
  }

  @Test
  void deletePartitionsConfigsAndProducerIds() {
    ClusterController c = controller(region(2));
    apply(c.takeOffice(image, live(1, 1, 2)));
    assertTrue(create(c, "t", 2, 2).ok());
    ClusterController.Decision grow =
        c.decide(
            image,
            new ControllerRequest.CreatePartitions(
                List.of(new ControllerRequest.NewPartitions("t", 4, List.of())), false));
    apply(grow.records());
    assertEquals(4, image.topic("t").orElseThrow().partitionCount());
    assertEquals(2, image.topic("t").orElseThrow().partitions().get(3).replicas().size());

    ClusterController.Decision alter =
        c.decide(
            image,
            new ControllerRequest.AlterConfigs(
                List.of(
                    new ControllerRequest.TopicConfigOps(
                        "t",
                        List.of(
                            new TopicConfigUpdate.Op(
                                "retention.ms", TopicConfigUpdate.OpType.SET, "1000")))),
                false));
    apply(alter.records());
    assertEquals(Map.of("retention.ms", "1000"), image.topic("t").orElseThrow().configs());

    ClusterController.Decision ids1 = c.decide(image, new ControllerRequest.AllocateProducerIds(1));
    apply(ids1.records());
    ClusterController.Decision ids2 = c.decide(image, new ControllerRequest.AllocateProducerIds(2));
    apply(ids2.records());
    assertEquals(0, ids1.results().get(0).firstProducerId());
    assertEquals(
        ClusterController.PRODUCER_ID_BLOCK, ids2.results().get(0).firstProducerId(), "disjoint");

    ClusterController.Decision delete =
        c.decide(
            image,
            new ControllerRequest.DeleteTopics(
                java.util.Arrays.asList("t", "nope"), java.util.Arrays.asList(null, null)));
    apply(delete.records());
    assertTrue(image.topic("t").isEmpty());
    assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION, delete.results().get(1).error());
  }

  @Test
  void clientsCannotCreateOrDeleteInternalTopics() {
    ClusterController c = controller(region(1));
    apply(c.takeOffice(image, live(1, 1)));
    assertEquals(Errors.INVALID_REQUEST, create(c, "__consumer_offsets", 1, 1).error());
    ClusterController.Decision internal =
        c.decide(
            image,
            new ControllerRequest.CreateTopics(
                List.of(
                    new ControllerRequest.NewTopic(
                        "__consumer_offsets", 2, (short) 1, List.of(), Map.of())),
                false,
                true));
    apply(internal.records());
    assertTrue(internal.results().get(0).ok());
    ClusterController.Decision delete =
        c.decide(
            image,
            new ControllerRequest.DeleteTopics(
                List.of("__consumer_offsets"), java.util.Arrays.asList((Uuid) null)));
    assertEquals(Errors.INVALID_TOPIC_EXCEPTION, delete.results().get(0).error());
  }
}
