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
import java.util.Set;
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
      assertEquals(p.replicas(), p.isr(), "every live replica starts in sync (all are empty)");
      assertEquals(0, p.leaderEpoch());
      leaders.merge(p.leader(), 1, Integer::sum);
    }
    assertEquals(Map.of(1, 2, 2, 2, 3, 2), leaders);
  }

  /** Creates a topic of three replicas, a mirror of {@code link} unless null. */
  private void create(ClusterController c, String name, int partitions, String link) {
    apply(
        c.decide(
                image,
                new ControllerRequest.CreateTopics(
                    List.of(
                        new ControllerRequest.NewTopic(
                            name, partitions, (short) 3, List.of(), Map.of(), link)),
                    false,
                    false))
            .records());
  }

  @Test
  void promotingALinksMirrorTopicsMakesThemWritableInAHigherEpochOnce() {
    ClusterController c = controller(region(3));
    apply(c.takeOffice(image, live(1, 1, 2, 3)));
    create(c, "orders", 2, "e2w");
    create(c, "other", 1, "w2e");
    create(c, "plain", 1, null);
    TopicImage before = image.topic("orders").orElseThrow();
    ClusterController.Decision d =
        c.decide(image, new ControllerRequest.PromoteMirrorTopics("e2w"));
    assertEquals(List.of("orders"), d.results().stream().map(ItemResult::name).toList());
    apply(d.records());
    TopicImage after = image.topic("orders").orElseThrow();
    assertFalse(after.isMirror());
    for (int i = 0; i < 2; i++) {
      PartitionState was = before.partitions().get(i);
      PartitionState now = after.partitions().get(i);
      assertEquals(was.leader(), now.leader(), "the leader stays");
      assertEquals(was.leaderEpoch() + 1, now.leaderEpoch());
      assertEquals(was.isr(), now.isr());
    }
    assertTrue(image.topic("other").orElseThrow().isMirror(), "another link's mirror stays");
    assertTrue(
        c.decide(image, new ControllerRequest.PromoteMirrorTopics("e2w")).records().isEmpty(),
        "promoting again changes nothing");
  }

  @Test
  void fencedTopicsNameWhatFencesThemUntilTheFenceIsLifted() {
    ClusterController c = controller(region(3));
    apply(c.takeOffice(image, live(1, 1, 2, 3)));
    create(c, "orders", 2, null);
    ClusterController.Decision d =
        c.decide(
            image, new ControllerRequest.FenceTopics(List.of("orders", "nope"), "failover op-1"));
    assertTrue(d.results().get(0).ok());
    assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION, d.results().get(1).error());
    apply(d.records());
    assertEquals("failover op-1", image.topic("orders").orElseThrow().fencedBy());
    assertTrue(
        c.decide(image, new ControllerRequest.FenceTopics(List.of("orders"), "failover op-1"))
            .records()
            .isEmpty(),
        "fencing again changes nothing");
    apply(c.decide(image, new ControllerRequest.FenceTopics(List.of("orders"), null)).records());
    assertFalse(image.topic("orders").orElseThrow().isFenced());
  }

  @Test
  void onlyFencedTopicsAreAdoptedAsALinksMirrorTopicsInAHigherEpoch() {
    ClusterController c = controller(region(3));
    apply(c.takeOffice(image, live(1, 1, 2, 3)));
    create(c, "orders", 2, null);
    create(c, "open", 1, null);
    create(c, "theirs", 1, "other");
    apply(
        c.decide(image, new ControllerRequest.FenceTopics(List.of("orders"), "failover op-1"))
            .records());
    TopicImage before = image.topic("orders").orElseThrow();
    ClusterController.Decision d =
        c.decide(
            image,
            new ControllerRequest.AdoptTopics(
                "e2w-reverse", List.of("orders", "open", "theirs", "nope")));
    assertTrue(d.results().get(0).ok());
    assertTrue(d.results().get(1).message().contains("is writable: fence it first"));
    assertTrue(d.results().get(2).message().contains("mirror topic of link other"));
    assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION, d.results().get(3).error());
    apply(d.records());
    TopicImage after = image.topic("orders").orElseThrow();
    assertEquals("e2w-reverse", after.mirrorLink());
    assertFalse(after.isFenced(), "a mirror topic refuses produces by itself");
    for (int i = 0; i < 2; i++) {
      assertEquals(
          before.partitions().get(i).leaderEpoch() + 1, after.partitions().get(i).leaderEpoch());
    }
    assertFalse(image.topic("open").orElseThrow().isMirror());
    assertTrue(
        c.decide(image, new ControllerRequest.AdoptTopics("e2w-reverse", List.of("orders")))
            .records()
            .isEmpty(),
        "adopting again changes nothing");
  }

  @Test
  void oneOperationRunsPerLinkAndAStepIsRecordedOnlyFromTheStateItWasTakenIn() {
    ClusterController c = controller(region(1));
    apply(c.takeOffice(image, live(1, 1)));
    var type = dev.meridian.failover.FailoverOperation.Type.PLANNED;
    var first = dev.meridian.failover.FailoverOperation.start("op-1", "e2w", type, false, 1);
    ClusterController.Decision started =
        c.decide(image, new ControllerRequest.PutOperation(first, -1));
    assertTrue(started.results().get(0).ok());
    apply(started.records());
    assertEquals(first, image.operations().get("op-1"));

    var second = dev.meridian.failover.FailoverOperation.start("op-2", "e2w", type, false, 2);
    ItemResult refused =
        c.decide(image, new ControllerRequest.PutOperation(second, -1)).results().get(0);
    assertEquals(Errors.INVALID_REQUEST, refused.error());
    assertTrue(refused.message().contains("op-1"), refused.message());
    assertTrue(
        c.decide(
                image,
                new ControllerRequest.PutOperation(
                    dev.meridian.failover.FailoverOperation.start("op-3", "w2e", type, false, 2),
                    -1))
            .results()
            .get(0)
            .ok(),
        "another link's operation may run meanwhile");

    var machine = new dev.meridian.failover.FailoverMachine(1_000, 1_000);
    var fenced =
        machine.advance(
            first, new dev.meridian.failover.FailoverOutcome.Ends(Map.of("orders-0", 5L)), 3);
    ClusterController.Decision step =
        c.decide(image, new ControllerRequest.PutOperation(fenced, first.history().size()));
    assertTrue(step.results().get(0).ok());
    apply(step.records());
    assertEquals(
        Errors.INVALID_UPDATE_VERSION,
        c.decide(image, new ControllerRequest.PutOperation(fenced, first.history().size()))
            .results()
            .get(0)
            .error(),
        "a runner that took its step from an older state cannot record it");

    var rolledBack =
        machine.advance(
            machine.advance(
                fenced, new dev.meridian.failover.FailoverOutcome.Failed("source gone", false), 4),
            new dev.meridian.failover.FailoverOutcome.Done(),
            5);
    assertEquals(dev.meridian.failover.FailoverOperation.State.ROLLED_BACK, rolledBack.state());
    var rolling =
        machine.advance(
            fenced, new dev.meridian.failover.FailoverOutcome.Failed("source gone", false), 4);
    apply(
        c.decide(image, new ControllerRequest.PutOperation(rolling, fenced.history().size()))
            .records());
    apply(
        c.decide(image, new ControllerRequest.PutOperation(rolledBack, rolling.history().size()))
            .records());
    assertTrue(image.runningOperation("e2w").isEmpty());
    assertTrue(
        c.decide(image, new ControllerRequest.PutOperation(second, -1)).results().get(0).ok(),
        "after the first ended, a new operation of the link starts");
  }

  @Test
  void aLinkPauseIsRegionMetadataWrittenOnceAndClearedWithItsLink() throws Exception {
    ClusterController c = controller(region(3));
    apply(c.takeOffice(image, live(1, 1, 2, 3)));
    ClusterController.Decision paused =
        c.decide(image, new ControllerRequest.PauseLink("e2w", true));
    assertTrue(paused.results().get(0).ok());
    assertEquals(List.of(new MetadataRecord.LinkPaused("e2w", true)), paused.records());
    apply(paused.records());
    assertEquals(Set.of("e2w"), image.pausedLinks());
    assertTrue(
        c.decide(image, new ControllerRequest.PauseLink("e2w", true)).records().isEmpty(),
        "pausing a paused link changes nothing");

    dev.meridian.config.LinkConfig link =
        dev.meridian.config.ConfigLoader.parseLink(
            "{\"name\": \"e2w\", \"source\": {\"bootstrap\": \"127.0.0.1:1\"}, \"target\":"
                + " \"east\"}",
            "test");
    apply(c.decide(image, new ControllerRequest.AlterLinks(link, null)).records());
    apply(c.decide(image, new ControllerRequest.AlterLinks(null, "e2w")).records());
    assertTrue(image.pausedLinks().isEmpty(), "a deleted link's pause goes with it");

    apply(c.decide(image, new ControllerRequest.PauseLink("w2e", true)).records());
    apply(c.decide(image, new ControllerRequest.PauseLink("w2e", false)).records());
    assertTrue(image.pausedLinks().isEmpty());
  }

  @Test
  void aMirrorTopicNamesItsLinkAndItsLeaderEpochRisesOnlyForItsLeader() {
    ClusterController c = controller(region(3));
    apply(c.takeOffice(image, live(1, 1, 2, 3)));
    ClusterController.Decision created =
        c.decide(
            image,
            new ControllerRequest.CreateTopics(
                List.of(
                    new ControllerRequest.NewTopic(
                        "orders", 2, (short) 3, List.of(), Map.of(), "east-to-west")),
                false,
                false));
    apply(created.records());
    TopicImage t = image.topic("orders").orElseThrow();
    assertEquals("east-to-west", t.mirrorLink());
    assertTrue(t.isMirror());
    PartitionState before = t.partitions().get(0);

    ClusterController.Decision stale =
        c.decide(
            image,
            new ControllerRequest.BumpLeaderEpoch(
                t.id(), 0, before.leader(), before.leaderEpoch() - 1, 7));
    assertEquals(Errors.FENCED_LEADER_EPOCH, stale.results().get(0).error());
    assertTrue(stale.records().isEmpty());
    int other = before.replicas().get(1);
    assertEquals(
        Errors.FENCED_LEADER_EPOCH,
        c.decide(
                image,
                new ControllerRequest.BumpLeaderEpoch(t.id(), 0, other, before.leaderEpoch(), 7))
            .results()
            .get(0)
            .error());

    ClusterController.Decision bumped =
        c.decide(
            image,
            new ControllerRequest.BumpLeaderEpoch(
                t.id(), 0, before.leader(), before.leaderEpoch(), 7));
    assertTrue(bumped.results().get(0).ok());
    apply(bumped.records());
    PartitionState after = image.topic("orders").orElseThrow().partitions().get(0);
    assertEquals(7, after.leaderEpoch(), "raised to the source epoch");
    assertEquals(before.leader(), after.leader());
    assertEquals(before.isr(), after.isr());
    assertEquals(before.partitionEpoch() + 1, after.partitionEpoch());
    apply(
        c.decide(image, new ControllerRequest.BumpLeaderEpoch(t.id(), 0, after.leader(), 7, 3))
            .records());
    assertEquals(
        8,
        image.topic("orders").orElseThrow().partitions().get(0).leaderEpoch(),
        "epochs only grow");
    assertEquals("east-to-west", image.topic("orders").orElseThrow().mirrorLink());
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

    apply(c.reconcile(image, live(1, 1, 3))); // node 2 dies
    assertFalse(image.isAlive(2));
    for (PartitionState p : image.topic("t").orElseThrow().partitions()) {
      assertFalse(p.isr().contains(2), "a dead node leaves every ISR: " + p);
      if (p.replicas().get(0) == 2) {
        assertEquals(p.replicas().get(1), p.leader(), "the next in-sync replica leads: " + p);
        assertEquals(1, p.leaderEpoch(), "a new leader grows the epoch");
      } else {
        assertEquals(0, p.leaderEpoch(), "other partitions keep their leaders' epochs");
        assertEquals(1, p.partitionEpoch(), "but their ISR changed");
      }
    }

    apply(c.reconcile(image, live(1, 1))); // node 3 dies: node 1 is the last in sync
    apply(c.reconcile(image, live(1))); // and node 1 too
    for (PartitionState p : image.topic("t").orElseThrow().partitions()) {
      assertEquals(PartitionState.NO_LEADER, p.leader(), p.toString());
      assertEquals(List.of(1), p.isr(), "the last in-sync replica is remembered");
    }

    // node 2 returns: it may lack acknowledged records, so it does not lead (clean elections)
    Map<Integer, LiveNode> two = live(2, 2);
    apply(c.reconcile(image, two));
    for (PartitionState p : image.topic("t").orElseThrow().partitions()) {
      assertEquals(PartitionState.NO_LEADER, p.leader(), "no unclean leader: " + p);
    }
    // node 1 returns: it leads everything again, with epochs that only grew
    Map<Integer, LiveNode> oneAndTwo = new LinkedHashMap<>(two);
    oneAndTwo.putAll(live(2, 1));
    apply(c.reconcile(image, oneAndTwo));
    for (PartitionState p : image.topic("t").orElseThrow().partitions()) {
      assertEquals(1, p.leader(), p.toString());
      assertTrue(p.leaderEpoch() >= 2, "epochs only grow: " + p);
      assertEquals(List.of(1), p.isr(), "node 2 joins the ISR once it has caught up");
    }
  }

  private PartitionState partition(String topic, int index) {
    return image.topic(topic).orElseThrow().partition(index).orElseThrow();
  }

  private ItemResult alterIsr(
      ClusterController c,
      String topic,
      int leader,
      int leaderEpoch,
      int partitionEpoch,
      List<Integer> isr) {
    ClusterController.Decision d =
        c.decide(
            image,
            new ControllerRequest.AlterPartition(
                image.topic(topic).orElseThrow().id(),
                0,
                leader,
                leaderEpoch,
                partitionEpoch,
                isr));
    apply(d.records());
    return d.results().get(0);
  }

  @Test
  void anIsrChangeIsAcceptedOnlyFromTheCurrentLeaderAtTheCurrentEpochs() {
    ClusterController c = controller(region(3));
    apply(c.takeOffice(image, live(1, 1, 2, 3)));
    assertTrue(create(c, "t", 1, 3).ok());
    PartitionState s = partition("t", 0);
    int leader = s.leader();
    int follower = s.replicas().get(1);
    List<Integer> shrunk = s.isr().stream().filter(r -> r != follower).toList();

    assertEquals(
        Errors.FENCED_LEADER_EPOCH,
        alterIsr(c, "t", leader, s.leaderEpoch() - 1, s.partitionEpoch(), shrunk).error());
    assertEquals(
        Errors.FENCED_LEADER_EPOCH,
        alterIsr(c, "t", follower, s.leaderEpoch(), s.partitionEpoch(), shrunk).error(),
        "only the leader changes the ISR");
    assertEquals(
        Errors.INVALID_UPDATE_VERSION,
        alterIsr(c, "t", leader, s.leaderEpoch(), s.partitionEpoch() + 1, shrunk).error());
    assertEquals(
        Errors.INVALID_REQUEST,
        alterIsr(c, "t", leader, s.leaderEpoch(), s.partitionEpoch(), List.of(follower)).error(),
        "the leader stays in its ISR");
    assertEquals(s, partition("t", 0), "refusals change nothing");

    assertTrue(alterIsr(c, "t", leader, s.leaderEpoch(), s.partitionEpoch(), shrunk).ok());
    PartitionState after = partition("t", 0);
    assertEquals(shrunk, after.isr());
    assertEquals(s.leaderEpoch(), after.leaderEpoch(), "the leader is the same");
    assertEquals(s.partitionEpoch() + 1, after.partitionEpoch(), "the partition epoch grows");
    assertEquals(
        Errors.INVALID_UPDATE_VERSION,
        alterIsr(c, "t", leader, s.leaderEpoch(), s.partitionEpoch(), s.isr()).error(),
        "a retried change based on the old state is refused");

    // a dead replica does not join the ISR
    apply(
        c.reconcile(
            image,
            live(1, 1, 2, 3).entrySet().stream()
                .filter(e -> e.getKey() != follower)
                .collect(
                    LinkedHashMap::new, (m, e) -> m.put(e.getKey(), e.getValue()), Map::putAll)));
    PartitionState now = partition("t", 0);
    assertEquals(
        Errors.INVALID_REQUEST,
        alterIsr(c, "t", leader, now.leaderEpoch(), now.partitionEpoch(), s.isr()).error());
  }

  @Test
  void aControlledShutdownMovesLeadershipsAndKeepsTheNodeOutUntilItRestarts() {
    ClusterController c = controller(region(3));
    apply(c.takeOffice(image, live(1, 1, 2, 3)));
    assertTrue(create(c, "t", 6, 3).ok());
    ClusterController.Decision d = c.decide(image, new ControllerRequest.ControlledShutdown(1, 1));
    assertTrue(d.results().get(0).ok());
    apply(d.records());
    for (PartitionState p : image.topic("t").orElseThrow().partitions()) {
      assertTrue(p.leader() == 2 || p.leader() == 3, "led by a node that stays: " + p);
      assertFalse(p.isr().contains(1), p.toString());
    }
    assertFalse(image.isAlive(1));
    // still in the membership while it stops: not registered again
    apply(c.reconcile(image, live(1, 1, 2, 3)));
    assertFalse(image.isAlive(1), "a node shutting down stays out");
    // its next process is registered again
    Map<Integer, LiveNode> restarted = live(1, 2, 3);
    restarted.putAll(live(2, 1));
    apply(c.reconcile(image, restarted));
    assertTrue(image.isAlive(1));
    assertEquals(
        Errors.STALE_BROKER_EPOCH,
        c.decide(image, new ControllerRequest.ControlledShutdown(1, 1)).results().get(0).error(),
        "an old process's request is refused");
  }

  private ItemResult elect(ClusterController c, String topic, int partition, boolean unclean) {
    ClusterController.Decision d =
        c.decide(
            image,
            new ControllerRequest.ElectLeaders(
                List.of(new ControllerRequest.TopicPartitionRef(topic, partition)), unclean));
    apply(d.records());
    return d.results().get(0);
  }

  @Test
  void preferredAndUncleanElections() {
    ClusterController c = controller(region(3));
    apply(c.takeOffice(image, live(1, 1, 2, 3)));
    assertTrue(create(c, "t", 1, 3).ok());
    int preferred = partition("t", 0).replicas().get(0);
    assertEquals(Errors.ELECTION_NOT_NEEDED, elect(c, "t", 0, false).error());

    // the preferred leader dies: another leads; it returns but is not in sync yet
    Map<Integer, LiveNode> others = live(1, 1, 2, 3);
    others.remove(preferred);
    apply(c.reconcile(image, others));
    assertTrue(partition("t", 0).leader() != preferred);
    Map<Integer, LiveNode> all = new LinkedHashMap<>(others);
    all.putAll(live(2, preferred));
    apply(c.reconcile(image, all));
    assertEquals(Errors.PREFERRED_LEADER_NOT_AVAILABLE, elect(c, "t", 0, false).error());

    // once in sync, a preferred election moves leadership back with a new epoch
    PartitionState s = partition("t", 0);
    List<Integer> full = new ArrayList<>(s.isr());
    full.add(preferred);
    assertTrue(alterIsr(c, "t", s.leader(), s.leaderEpoch(), s.partitionEpoch(), full).ok());
    ItemResult r = elect(c, "t", 0, false);
    assertTrue(r.ok(), r.message());
    assertEquals(preferred, partition("t", 0).leader());
    assertEquals(s.leaderEpoch() + 1, partition("t", 0).leaderEpoch());
    assertEquals(Errors.ELECTION_NOT_NEEDED, elect(c, "t", 0, true).error(), "it has a leader");

    // the whole ISR dies but one out-of-sync replica lives: only an unclean election helps
    s = partition("t", 0);
    int outOfSync = s.replicas().get(2);
    List<Integer> without = s.isr().stream().filter(n -> n != outOfSync).toList();
    assertTrue(alterIsr(c, "t", s.leader(), s.leaderEpoch(), s.partitionEpoch(), without).ok());
    apply(c.reconcile(image, live(3, outOfSync)));
    assertFalse(partition("t", 0).hasLeader(), "no clean leader");
    r = elect(c, "t", 0, true);
    assertTrue(r.ok(), r.message());
    assertEquals(outOfSync, partition("t", 0).leader());
    assertEquals(List.of(outOfSync), partition("t", 0).isr());
  }

  private ItemResult reassign(ClusterController c, String topic, int partition, List<Integer> to) {
    ClusterController.Decision d =
        c.decide(
            image,
            new ControllerRequest.AlterReassignments(
                List.of(new ControllerRequest.Reassignment(topic, partition, to))));
    apply(d.records());
    return d.results().get(0);
  }

  @Test
  void aReassignmentAddsReplicasAndCompletesWhenTheyAreInSync() {
    ClusterController c = controller(region(4));
    apply(c.takeOffice(image, live(1, 1, 2, 3, 4)));
    assertTrue(create(c, "t", 1, 3).ok());
    PartitionState s = partition("t", 0);
    List<Integer> original = s.replicas();
    int leaving = original.get(0); // the leader leaves: leadership must move
    List<Integer> target = new ArrayList<>(original.subList(1, 3));
    target.add(0, 4);

    assertEquals(Errors.NONE, reassign(c, "t", 0, target).error());
    PartitionState running = partition("t", 0);
    assertTrue(running.reassigning());
    assertEquals(List.of(4), running.adding());
    assertEquals(List.of(leaving), running.removing());
    assertEquals(List.of(4, original.get(1), original.get(2), leaving), running.replicas());
    assertEquals(leaving, running.leader(), "the leader leads until the new replica is in sync");

    // the leader adds the caught-up replica to the ISR: the reassignment completes at once
    List<Integer> withNew = new ArrayList<>(running.isr());
    withNew.add(4);
    assertTrue(
        alterIsr(c, "t", leaving, running.leaderEpoch(), running.partitionEpoch(), withNew).ok());
    PartitionState done = partition("t", 0);
    assertFalse(done.reassigning(), done.toString());
    assertEquals(target, done.replicas());
    assertFalse(done.isr().contains(leaving));
    assertEquals(4, done.leader(), "the first in-sync target replica leads");
    assertEquals(running.leaderEpoch() + 1, done.leaderEpoch());
  }

  @Test
  void aReassignmentIsRefusedOrCancelledAsKafkaDoes() {
    ClusterController c = controller(region(4));
    apply(c.takeOffice(image, live(1, 1, 2, 3, 4)));
    assertTrue(create(c, "t", 1, 2).ok());
    PartitionState s = partition("t", 0);
    assertEquals(Errors.INVALID_REPLICA_ASSIGNMENT, reassign(c, "t", 0, List.of()).error());
    assertEquals(Errors.INVALID_REPLICA_ASSIGNMENT, reassign(c, "t", 0, List.of(1, 1)).error());
    assertEquals(Errors.INVALID_REPLICA_ASSIGNMENT, reassign(c, "t", 0, List.of(1, 9)).error());
    assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION, reassign(c, "t", 5, List.of(1)).error());
    assertEquals(Errors.NO_REASSIGNMENT_IN_PROGRESS, reassign(c, "t", 0, null).error());
    assertEquals(s, partition("t", 0), "refusals change nothing");

    List<Integer> others = new ArrayList<>(List.of(1, 2, 3, 4));
    others.removeAll(s.replicas());
    assertTrue(reassign(c, "t", 0, others).ok());
    assertEquals(others, partition("t", 0).adding());
    assertTrue(reassign(c, "t", 0, null).ok(), "cancel");
    PartitionState back = partition("t", 0);
    assertFalse(back.reassigning());
    assertEquals(s.replicas(), back.replicas());
    assertEquals(s.isr(), back.isr());
    assertEquals(s.leader(), back.leader());
    assertTrue(back.partitionEpoch() > s.partitionEpoch(), "epochs only grow");
  }

  @Test
  void aRebalanceSpreadsReplicasAndLeadershipsOntoANewNode() {
    ClusterController c = controller(region(4));
    apply(c.takeOffice(image, live(1, 1, 2, 3)));
    assertTrue(create(c, "a", 6, 3).ok());
    assertTrue(create(c, "b", 6, 2).ok());
    apply(c.reconcile(image, live(1, 1, 2, 3, 4))); // node 4 joins: it holds nothing
    ClusterController.Decision d = c.decide(image, new ControllerRequest.Rebalance());
    apply(d.records());
    assertTrue(d.results().stream().allMatch(ItemResult::ok), d.results().toString());
    Map<Integer, Integer> replicas = new HashMap<>();
    Map<Integer, Integer> leaders = new HashMap<>();
    for (String topic : List.of("a", "b")) {
      for (PartitionState p : image.topic(topic).orElseThrow().partitions()) {
        List<Integer> target = p.targetReplicas();
        assertEquals(target.size(), Set.copyOf(target).size(), "no node twice: " + p);
        target.forEach(r -> replicas.merge(r, 1, Integer::sum));
        leaders.merge(target.get(0), 1, Integer::sum);
      }
    }
    // 30 replicas and 12 preferred leaderships over 4 nodes
    replicas.values().forEach(n -> assertTrue(n == 7 || n == 8, "replicas " + replicas));
    leaders.values().forEach(n -> assertEquals(3, n, "leaders " + leaders));
    assertTrue(
        c.decide(image, new ControllerRequest.Rebalance()).records().isEmpty(),
        "partitions moving are left alone: a second rebalance changes nothing");
  }

  @Test
  void aTopicThatAllowsUncleanElectionGetsAnOutOfSyncLeaderAutomatically() {
    ClusterController c = controller(region(2));
    apply(c.takeOffice(image, live(1, 1, 2)));
    for (String name : List.of("clean", "unclean")) {
      ClusterController.Decision d =
          c.decide(
              image,
              new ControllerRequest.CreateTopics(
                  List.of(
                      new ControllerRequest.NewTopic(
                          name,
                          -1,
                          (short) -1,
                          List.of(List.of(1, 2)),
                          name.equals("unclean")
                              ? Map.of("unclean.leader.election.enable", "true")
                              : Map.of())),
                  false,
                  false));
      apply(d.records());
      assertTrue(d.results().get(0).ok(), d.results().get(0).message());
      PartitionState s = partition(name, 0);
      // node 2 falls out of the ISR
      assertTrue(alterIsr(c, name, 1, s.leaderEpoch(), s.partitionEpoch(), List.of(1)).ok());
    }
    apply(c.reconcile(image, live(1, 2))); // node 1, the only in-sync replica, dies
    assertFalse(partition("clean", 0).hasLeader(), "clean: offline until node 1 returns");
    assertEquals(2, partition("unclean", 0).leader(), "unclean: the live replica leads");
    assertEquals(List.of(2), partition("unclean", 0).isr());
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
    long base = ids1.results().get(0).firstProducerId();
    assertEquals(
        dev.meridian.config.ProducerIdRange.first("east"),
        base,
        "the region's own range, above every id an Apache Kafka cluster hands out");
    assertEquals(
        base + ClusterController.PRODUCER_ID_BLOCK,
        ids2.results().get(0).firstProducerId(),
        "disjoint");

    ClusterController.Decision delete =
        c.decide(
            image,
            new ControllerRequest.DeleteTopics(
                java.util.Arrays.asList("t", "nope"), java.util.Arrays.asList(null, null)));
    apply(delete.records());
    assertTrue(image.topic("t").isEmpty());
    assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION, delete.results().get(1).error());
  }

  private ClusterController.Decision alterNode(
      ClusterController c, int node, boolean validateOnly, TopicConfigUpdate.Op... ops) {
    return c.decide(
        image,
        new ControllerRequest.AlterNodeConfigs(
            List.of(new ControllerRequest.NodeConfigOps(node, List.of(ops))), validateOnly));
  }

  private static TopicConfigUpdate.Op set(String key, String value) {
    return new TopicConfigUpdate.Op(key, TopicConfigUpdate.OpType.SET, value);
  }

  private static TopicConfigUpdate.Op delete(String key) {
    return new TopicConfigUpdate.Op(key, TopicConfigUpdate.OpType.DELETE, null);
  }

  @Test
  void dynamicNodeConfigsAreSetPerNodeAsAWholeAndKeptInTheImage() {
    ClusterController c = controller(region(3));
    apply(c.takeOffice(image, live(1, 1, 2, 3)));
    String rate = "follower.replication.throttled.rate";
    String leaderRate = "leader.replication.throttled.rate";

    ClusterController.Decision d = alterNode(c, 2, false, set(rate, "1000"), set(leaderRate, "5"));
    assertTrue(d.results().get(0).ok());
    apply(d.records());
    assertEquals(Map.of(rate, "1000", leaderRate, "5"), image.nodeConfigs(2));
    assertEquals(Map.of(), image.nodeConfigs(1), "per node");

    assertTrue(alterNode(c, 2, true, set(rate, "7")).records().isEmpty(), "validateOnly");
    ClusterController.Decision bad = alterNode(c, 2, false, set(rate, "9"), set("x.y", "1"));
    assertEquals(Errors.INVALID_CONFIG, bad.results().get(0).error());
    assertTrue(bad.records().isEmpty(), "a node's operations apply as a whole or not at all");
    assertEquals(
        Errors.INVALID_CONFIG,
        alterNode(c, 2, false, new TopicConfigUpdate.Op(rate, TopicConfigUpdate.OpType.APPEND, "1"))
            .results()
            .get(0)
            .error());
    assertEquals(
        Errors.INVALID_REQUEST, alterNode(c, 9, false, set(rate, "1")).results().get(0).error());
    assertEquals(
        Errors.INVALID_REQUEST,
        alterNode(c, 2, false, set(rate, "1"), delete(rate)).results().get(0).error());

    apply(alterNode(c, 2, false, delete(rate)).records());
    assertEquals(Map.of(leaderRate, "5"), image.nodeConfigs(2));
    apply(alterNode(c, 2, false, delete(leaderRate)).records());
    assertTrue(image.nodeConfigs().isEmpty(), "a node without dynamic configs leaves the map");
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
