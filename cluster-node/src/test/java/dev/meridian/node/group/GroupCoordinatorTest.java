package dev.meridian.node.group;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.node.group.GroupQuery.TopicPartitionRef;
import dev.meridian.testsupport.TestClock;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The classic group state machine through the coordinator, with a test clock, an in-memory offsets
 * log and a writer executor the test drains: join, sync, heartbeat, leave, session and rebalance
 * timeouts, static membership, commits, deletion, expiry and reloading — no sleeping.
 */
class GroupCoordinatorTest {
  private static final int SESSION = 10_000;
  private static final int REBALANCE = 30_000;
  private static final short V = 9;

  private final TestClock clock = new TestClock(1_000_000);
  private final MemoryLog log = new MemoryLog(4);
  private final ManualExecutor writer = new ManualExecutor();
  private GroupCoordinator coordinator;

  /** An offsets log in memory: one list of records per partition. */
  static final class MemoryLog implements GroupLog {
    final List<List<GroupRecord>> partitions = new ArrayList<>();
    boolean fail;

    MemoryLog(int n) {
      for (int i = 0; i < n; i++) {
        partitions.add(new ArrayList<>());
      }
    }

    @Override
    public int partitions() {
      return partitions.size();
    }

    @Override
    public void append(int partition, List<GroupRecord> records) {
      if (fail) {
        throw new AppendException(Errors.KAFKA_STORAGE_ERROR, "disk on fire", null);
      }
      partitions.get(partition).addAll(records);
    }

    @Override
    public void replay(int partition, Consumer<GroupRecord> visitor) {
      partitions.get(partition).forEach(visitor);
    }
  }

  /** Runs queued tasks when the test says so. */
  static final class ManualExecutor implements Executor {
    final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

    @Override
    public void execute(Runnable r) {
      tasks.add(r);
    }

    void drain() {
      while (!tasks.isEmpty()) {
        tasks.poll().run();
      }
    }
  }

  @BeforeEach
  void setUp() {
    coordinator = newCoordinator(GroupConfig.DEFAULTS.withInitialRebalanceDelayMs(0));
  }

  /** A coordinator that owns every offsets partition, loaded. */
  private GroupCoordinator newCoordinator(GroupConfig config) {
    GroupCoordinator c = new GroupCoordinator(config, log, writer, clock);
    c.loadAll();
    writer.drain();
    return c;
  }

  private void advance(long ms) {
    clock.advance(ms);
    coordinator.tick();
    writer.drain();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static JoinGroupRequestData joinRequest(String group, String memberId, String instance) {
    JoinGroupRequestData req =
        new JoinGroupRequestData()
            .setGroupId(group)
            .setMemberId(memberId)
            .setGroupInstanceId(instance)
            .setSessionTimeoutMs(SESSION)
            .setRebalanceTimeoutMs(REBALANCE)
            .setProtocolType("consumer");
    req.protocols()
        .add(
            new JoinGroupRequestData.JoinGroupRequestProtocol()
                .setName("range")
                .setMetadata(bytes("sub-" + memberId)));
    return req;
  }

  private CompletableFuture<JoinGroupResponseData> join(
      String group, String memberId, String instance) {
    CompletableFuture<JoinGroupResponseData> f =
        coordinator.join(joinRequest(group, memberId, instance), V, "client", "/127.0.0.1");
    writer.drain();
    return f;
  }

  /** A dynamic member's first join: MEMBER_ID_REQUIRED, then the join with its id (parked). */
  private CompletableFuture<JoinGroupResponseData> newMember(String group) {
    JoinGroupResponseData first = join(group, "", null).getNow(null);
    assertEquals(Errors.MEMBER_ID_REQUIRED.code(), first.errorCode());
    assertFalse(first.memberId().isEmpty());
    return join(group, first.memberId(), null);
  }

  private CompletableFuture<SyncGroupResponseData> sync(
      String group, JoinGroupResponseData joined, Map<String, String> assignment) {
    SyncGroupRequestData req =
        new SyncGroupRequestData()
            .setGroupId(group)
            .setMemberId(joined.memberId())
            .setGenerationId(joined.generationId())
            .setProtocolType("consumer")
            .setProtocolName(joined.protocolName());
    assignment.forEach(
        (m, a) ->
            req.assignments()
                .add(
                    new SyncGroupRequestData.SyncGroupRequestAssignment()
                        .setMemberId(m)
                        .setAssignment(bytes(a))));
    CompletableFuture<SyncGroupResponseData> f = coordinator.sync(req);
    writer.drain();
    return f;
  }

  private static <T> T done(CompletableFuture<T> f) {
    assertTrue(f.isDone(), "completed");
    return f.join();
  }

  private Errors heartbeat(String group, JoinGroupResponseData m) {
    return coordinator.heartbeat(group, m.memberId(), null, m.generationId());
  }

  private GroupState state(String group) {
    return GroupState.fromKafkaName(coordinator.group(group).orElseThrow().state());
  }

  /** Two members formed into a stable generation 1: returns their join responses. */
  private List<JoinGroupResponseData> stableGroupOfTwo(String group) {
    CompletableFuture<JoinGroupResponseData> a = newMember(group);
    CompletableFuture<JoinGroupResponseData> b = newMember(group);
    assertFalse(a.isDone(), "the initial rebalance waits for its (zero) delay to pass");
    advance(0);
    JoinGroupResponseData ja = done(a);
    JoinGroupResponseData jb = done(b);
    assertEquals(1, ja.generationId());
    assertEquals(ja.leader(), ja.memberId(), "the first member leads");
    assertEquals(2, ja.members().size(), "the leader gets the members");
    assertEquals(0, jb.members().size());
    assertEquals("range", ja.protocolName());
    CompletableFuture<SyncGroupResponseData> sb = sync(group, jb, Map.of());
    assertFalse(sb.isDone(), "a follower waits for the leader's assignment");
    SyncGroupResponseData sa =
        done(sync(group, ja, Map.of(ja.memberId(), "to-a", jb.memberId(), "to-b")));
    assertEquals("to-a", new String(sa.assignment(), StandardCharsets.UTF_8));
    assertEquals("to-b", new String(done(sb).assignment(), StandardCharsets.UTF_8));
    assertEquals(GroupState.STABLE, state(group));
    return List.of(ja, jb);
  }

  @Test
  void membersJoinSyncAndGetTheLeadersAssignment() {
    stableGroupOfTwo("g");
    GroupQuery.GroupDetail d = coordinator.group("g").orElseThrow();
    assertEquals(1, d.generation());
    assertEquals("range", d.protocol());
    assertEquals(2, d.members().size());
  }

  @Test
  void theInitialRebalanceWaitsForMoreMembersUpToTheDelay() {
    coordinator = newCoordinator(GroupConfig.DEFAULTS);
    CompletableFuture<JoinGroupResponseData> a = newMember("g");
    advance(2000);
    CompletableFuture<JoinGroupResponseData> b = newMember("g");
    advance(1000);
    assertFalse(a.isDone(), "a new member extends the delay");
    advance(2999);
    assertFalse(a.isDone());
    advance(1);
    assertEquals(2, done(a).members().size());
    assertEquals(1, done(b).generationId());
  }

  @Test
  void aJoinToAStableGroupRebalancesOnceEveryoneRejoined() {
    List<JoinGroupResponseData> two = stableGroupOfTwo("g");
    CompletableFuture<JoinGroupResponseData> c = newMember("g");
    assertEquals(GroupState.PREPARING_REBALANCE, state("g"));
    assertEquals(Errors.REBALANCE_IN_PROGRESS, heartbeat("g", two.get(0)));
    CompletableFuture<JoinGroupResponseData> a = join("g", two.get(0).memberId(), null);
    assertFalse(c.isDone());
    CompletableFuture<JoinGroupResponseData> b = join("g", two.get(1).memberId(), null);
    assertEquals(2, done(a).generationId());
    assertEquals(3, done(a).members().size());
    assertEquals(2, done(b).generationId());
    assertEquals(2, done(c).generationId());
  }

  @Test
  void aMemberThatDoesNotRejoinIsDroppedAtTheRebalanceTimeout() {
    List<JoinGroupResponseData> two = stableGroupOfTwo("g");
    CompletableFuture<JoinGroupResponseData> a = join("g", two.get(0).memberId(), null);
    assertFalse(a.isDone(), "the leader's rejoin starts a rebalance");
    // b stays alive (heartbeats) but never rejoins
    for (int i = 0; i < 5; i++) {
      advance(5000);
      assertEquals(Errors.REBALANCE_IN_PROGRESS, heartbeat("g", two.get(1)));
    }
    advance(REBALANCE - 25_001);
    assertEquals(Errors.REBALANCE_IN_PROGRESS, heartbeat("g", two.get(1)));
    assertFalse(a.isDone());
    advance(1);
    JoinGroupResponseData ja = done(a);
    assertEquals(2, ja.generationId());
    assertEquals(1, ja.members().size(), "the member that did not rejoin left");
    assertEquals(Errors.UNKNOWN_MEMBER_ID, heartbeat("g", two.get(1)));
  }

  @Test
  void aMemberWithoutHeartbeatsLeavesAfterItsSessionTimeout() {
    List<JoinGroupResponseData> two = stableGroupOfTwo("g");
    advance(SESSION / 2);
    assertEquals(Errors.NONE, heartbeat("g", two.get(0)));
    advance(SESSION / 2 - 1);
    assertEquals(GroupState.STABLE, state("g"));
    advance(1);
    assertEquals(GroupState.PREPARING_REBALANCE, state("g"), "b's session ended");
    assertEquals(Errors.REBALANCE_IN_PROGRESS, heartbeat("g", two.get(0)));
    JoinGroupResponseData a = done(join("g", two.get(0).memberId(), null));
    assertEquals(2, a.generationId());
    assertEquals(1, a.members().size());
  }

  @Test
  void aMemberThatNeverSyncsIsDroppedAtTheRebalanceTimeout() {
    CompletableFuture<JoinGroupResponseData> a = newMember("g");
    CompletableFuture<JoinGroupResponseData> b = newMember("g");
    advance(0);
    JoinGroupResponseData ja = done(a);
    JoinGroupResponseData jb = done(b);
    done(sync("g", ja, Map.of(ja.memberId(), "x")));
    assertEquals(GroupState.STABLE, state("g"));
    for (int i = 0; i < 5; i++) {
      advance(5000);
      assertEquals(Errors.NONE, heartbeat("g", jb), "heartbeats alone do not count as a sync");
      assertEquals(Errors.NONE, heartbeat("g", ja));
    }
    advance(5000);
    assertEquals(GroupState.PREPARING_REBALANCE, state("g"), "b never sent SyncGroup");
    assertEquals(1, coordinator.group("g").orElseThrow().members().size());
  }

  @Test
  void leavingRebalancesAndTheLastLeaveEmptiesTheGroup() {
    List<JoinGroupResponseData> two = stableGroupOfTwo("g");
    LeaveGroupRequestData.MemberIdentity b =
        new LeaveGroupRequestData.MemberIdentity().setMemberId(two.get(1).memberId());
    assertEquals(
        Errors.NONE.code(), coordinator.leave("g", List.of(b)).members().get(0).errorCode());
    assertEquals(
        Errors.UNKNOWN_MEMBER_ID.code(),
        coordinator.leave("g", List.of(b)).members().get(0).errorCode());
    done(join("g", two.get(0).memberId(), null));
    coordinator.leave(
        "g",
        List.of(new LeaveGroupRequestData.MemberIdentity().setMemberId(two.get(0).memberId())));
    writer.drain();
    assertEquals(GroupState.EMPTY, state("g"));
    List<GroupRecord> stored = log.partitions.get(log.partitionFor("g"));
    GroupRecord last = stored.get(stored.size() - 1);
    assertEquals(
        0,
        ((GroupRecord.GroupMetadata) last).value().members().size(),
        "the empty generation is stored");
  }

  @Test
  void aStaticMemberRestartingWithinItsSessionKeepsItsAssignmentWithoutRebalance() {
    CompletableFuture<JoinGroupResponseData> a = join("g", "", "instance-a");
    CompletableFuture<JoinGroupResponseData> b = join("g", "", "instance-b");
    advance(0);
    JoinGroupResponseData ja = done(a);
    JoinGroupResponseData jb = done(b);
    sync("g", jb, Map.of());
    done(sync("g", ja, Map.of(ja.memberId(), "to-a", jb.memberId(), "to-b")));

    // b restarts: a new process, the same instance id, no member id
    advance(SESSION - 1);
    assertEquals(Errors.NONE, heartbeat("g", ja));
    JoinGroupResponseData again = done(join("g", "", "instance-b"));
    assertEquals(Errors.NONE.code(), again.errorCode());
    assertEquals(1, again.generationId(), "no rebalance");
    assertNotEquals(jb.memberId(), again.memberId());
    assertEquals(GroupState.STABLE, state("g"));
    SyncGroupResponseData sb = done(sync("g", again, Map.of()));
    assertArrayEquals(bytes("to-b"), sb.assignment(), "the old assignment");

    // the old process, if still alive, is fenced
    assertEquals(
        Errors.FENCED_INSTANCE_ID,
        coordinator.heartbeat("g", jb.memberId(), "instance-b", jb.generationId()));
    assertEquals(
        Errors.NONE,
        coordinator.heartbeat("g", again.memberId(), "instance-b", again.generationId()));
  }

  @Test
  void aStaticLeaderComingBackIsToldToSkipTheAssignment() {
    CompletableFuture<JoinGroupResponseData> a = join("g", "", "instance-a");
    advance(0);
    JoinGroupResponseData ja = done(a);
    done(sync("g", ja, Map.of(ja.memberId(), "to-a")));
    JoinGroupResponseData again = done(join("g", "", "instance-a"));
    assertEquals(again.memberId(), again.leader());
    assertTrue(again.skipAssignment(), "v9: the leader does not reassign a stable group");
    assertEquals(1, again.members().size());
  }

  @Test
  void offsetsCommittedByMembersAndByAdminAreFetchedAndSurviveAReload() {
    List<JoinGroupResponseData> two = stableGroupOfTwo("g");
    TopicPartitionRef t0 = new TopicPartitionRef("t", 0);
    TopicPartitionRef t1 = new TopicPartitionRef("t", 1);
    CompletableFuture<Map<TopicPartitionRef, Errors>> stale =
        coordinator.commitOffsets(
            "g", two.get(0).memberId(), null, 7, Map.of(t0, new CommittedOffset(5, 0, "", -1)));
    writer.drain();
    assertEquals(Errors.ILLEGAL_GENERATION, done(stale).get(t0));
    CompletableFuture<Map<TopicPartitionRef, Errors>> ok =
        coordinator.commitOffsets(
            "g",
            two.get(0).memberId(),
            null,
            1,
            Map.of(t0, new CommittedOffset(5, 0, "m", -1), t1, new CommittedOffset(9, 0, "", -1)));
    assertFalse(ok.isDone(), "answered once in the log");
    writer.drain();
    assertEquals(Errors.NONE, done(ok).get(t0));
    CompletableFuture<Map<TopicPartitionRef, Errors>> admin =
        coordinator.commitOffsets(
            "g", "", null, -1, Map.of(t0, new CommittedOffset(1, -1, "", -1)));
    writer.drain();
    assertEquals(Errors.UNKNOWN_MEMBER_ID, done(admin).get(t0), "not while the group has members");
    CompletableFuture<Map<TopicPartitionRef, Errors>> simple =
        coordinator.commitOffsets(
            "solo", "", null, -1, Map.of(t0, new CommittedOffset(3, -1, "", -1)));
    writer.drain();
    assertEquals(Errors.NONE, done(simple).get(t0));

    GroupCoordinator reloaded = newCoordinator(GroupConfig.DEFAULTS);
    assertEquals(5, reloaded.committedOffsets("g").get(t0).offset());
    assertEquals("m", reloaded.committedOffsets("g").get(t0).metadata());
    assertEquals(clock.now(), reloaded.committedOffsets("g").get(t0).commitTimestampMs());
    assertEquals(9, reloaded.committedOffsets("g").get(t1).offset());
    assertEquals(3, reloaded.committedOffsets("solo").get(t0).offset());
    GroupQuery.GroupDetail g = reloaded.group("g").orElseThrow();
    assertEquals("Stable", g.state());
    assertEquals(1, g.generation());
    assertEquals(2, g.members().size());
    assertEquals(
        Errors.NONE,
        reloaded.heartbeat("g", two.get(1).memberId(), null, 1),
        "members carry on against the reloaded coordinator");
    assertEquals("Empty", reloaded.group("solo").orElseThrow().state());
  }

  @Test
  void aFailedAppendFailsTheCommitAndChangesNothing() {
    TopicPartitionRef t0 = new TopicPartitionRef("t", 0);
    log.fail = true;
    CompletableFuture<Map<TopicPartitionRef, Errors>> f =
        coordinator.commitOffsets(
            "g", "", null, -1, Map.of(t0, new CommittedOffset(1, -1, "", -1)));
    writer.drain();
    assertEquals(Errors.NOT_COORDINATOR, done(f).get(t0));
    assertTrue(coordinator.committedOffsets("g").isEmpty());
  }

  @Test
  void groupsWithMembersCannotBeDeletedEmptyOnesGoWithTheirOffsets() {
    List<JoinGroupResponseData> two = stableGroupOfTwo("g");
    TopicPartitionRef t0 = new TopicPartitionRef("t", 0);
    coordinator.commitOffsets("g", two.get(0).memberId(), null, 1, Map.of(t0, offset(4)));
    writer.drain();
    CompletableFuture<Map<String, Errors>> busy = coordinator.deleteGroups(List.of("g", "nope"));
    writer.drain();
    assertEquals(
        Map.of("g", Errors.NON_EMPTY_GROUP, "nope", Errors.GROUP_ID_NOT_FOUND), done(busy));
    for (JoinGroupResponseData m : two) {
      coordinator.leave(
          "g", List.of(new LeaveGroupRequestData.MemberIdentity().setMemberId(m.memberId())));
    }
    writer.drain();
    CompletableFuture<Map<String, Errors>> gone = coordinator.deleteGroups(List.of("g"));
    writer.drain();
    assertEquals(Map.of("g", Errors.NONE), done(gone));
    assertTrue(coordinator.group("g").isEmpty());
    GroupCoordinator reloaded = newCoordinator(GroupConfig.DEFAULTS);
    assertTrue(reloaded.group("g").isEmpty(), "tombstones delete it for good");
    assertTrue(reloaded.committedOffsets("g").isEmpty());
  }

  private static CommittedOffset offset(long o) {
    return new CommittedOffset(o, -1, "", -1);
  }

  @Test
  void offsetsOfAnEmptyGroupExpireAfterTheRetention() {
    coordinator =
        newCoordinator(
            GroupConfig.DEFAULTS.withInitialRebalanceDelayMs(0).withOffsetsRetention(60_000, 1000));
    TopicPartitionRef t0 = new TopicPartitionRef("t", 0);
    coordinator.commitOffsets("solo", "", null, -1, Map.of(t0, offset(1)));
    writer.drain();
    List<JoinGroupResponseData> two = stableGroupOfTwo("busy");
    coordinator.commitOffsets("busy", two.get(0).memberId(), null, 1, Map.of(t0, offset(2)));
    writer.drain();
    for (int i = 0; i < 59; i++) {
      advance(1000);
      heartbeat("busy", two.get(0));
      heartbeat("busy", two.get(1));
    }
    assertEquals(1, coordinator.committedOffsets("solo").get(t0).offset());
    advance(1000);
    heartbeat("busy", two.get(0));
    heartbeat("busy", two.get(1));
    advance(1000);
    assertTrue(coordinator.committedOffsets("solo").isEmpty(), "expired");
    assertTrue(coordinator.group("solo").isEmpty(), "an empty group without offsets goes");
    assertEquals(
        2, coordinator.committedOffsets("busy").get(t0).offset(), "groups with members keep");
    GroupCoordinator reloaded = newCoordinator(GroupConfig.DEFAULTS);
    assertTrue(reloaded.group("solo").isEmpty());
  }

  @Test
  void deletingOffsetsSparesTopicsTheMembersSubscribeTo() {
    TopicPartitionRef t0 = new TopicPartitionRef("t", 0);
    TopicPartitionRef u0 = new TopicPartitionRef("u", 0);
    coordinator.commitOffsets("solo", "", null, -1, Map.of(t0, offset(1), u0, offset(2)));
    writer.drain();
    CompletableFuture<GroupCoordinator.OffsetDeleteResult> f =
        coordinator.deleteOffsets("solo", List.of(t0));
    writer.drain();
    assertEquals(Errors.NONE, done(f).partitions().get(t0));
    assertEquals(
        Map.of(u0, new CommittedOffset(2, -1, "", clock.now())),
        coordinator.committedOffsets("solo"));
    CompletableFuture<GroupCoordinator.OffsetDeleteResult> missing =
        coordinator.deleteOffsets("nope", List.of(t0));
    writer.drain();
    assertEquals(Errors.GROUP_ID_NOT_FOUND, done(missing).error());
    // a group whose members' subscriptions are not the consumer protocol's cannot tell
    stableGroupOfTwo("g");
    CompletableFuture<GroupCoordinator.OffsetDeleteResult> busy =
        coordinator.deleteOffsets("g", List.of(t0));
    writer.drain();
    assertEquals(Errors.NON_EMPTY_GROUP, done(busy).error());
  }

  @Test
  void invalidJoinsAreRefused() {
    JoinGroupRequestData shortSession = joinRequest("g", "", null).setSessionTimeoutMs(10);
    assertEquals(
        Errors.INVALID_SESSION_TIMEOUT.code(),
        coordinator.join(shortSession, V, "c", "h").join().errorCode());
    assertEquals(
        Errors.INVALID_GROUP_ID.code(),
        coordinator.join(joinRequest("", "", null), V, "c", "h").join().errorCode());
    assertEquals(
        Errors.UNKNOWN_MEMBER_ID.code(),
        coordinator.join(joinRequest("g", "ghost", null), V, "c", "h").join().errorCode());
    stableGroupOfTwo("g");
    JoinGroupRequestData other = joinRequest("g", "", null).setProtocolType("connect");
    assertEquals(
        Errors.INCONSISTENT_GROUP_PROTOCOL.code(),
        coordinator.join(other, V, "c", "h").join().errorCode());
  }

  @Test
  void beforeV4ANewMemberJoinsWithoutMemberIdRequired() {
    CompletableFuture<JoinGroupResponseData> f =
        coordinator.join(joinRequest("g", "", null), (short) 3, "c", "h");
    advance(0);
    JoinGroupResponseData r = done(f);
    assertEquals(Errors.NONE.code(), r.errorCode());
    assertEquals(1, r.generationId());
  }

  @Test
  void listAndDescribeShowStateProtocolAndMembers() {
    stableGroupOfTwo("g");
    coordinator.commitOffsets(
        "solo", "", null, -1, Map.of(new TopicPartitionRef("t", 0), offset(1)));
    writer.drain();
    List<GroupCoordinator.ListedGroup> listed = coordinator.listGroups();
    assertEquals(
        List.of(
            new GroupCoordinator.ListedGroup("g", "consumer", "Stable", "classic"),
            new GroupCoordinator.ListedGroup("solo", "", "Empty", "classic")),
        listed);
    var d = coordinator.describe("g");
    assertEquals("Stable", d.groupState());
    assertEquals("range", d.protocolData());
    assertEquals(2, d.members().size());
    assertEquals("/127.0.0.1", d.members().get(0).clientHost());
    assertEquals("Dead", coordinator.describe("nope").groupState());
  }

  @Test
  void theOffsetsOfADeletedTopicGoFromEveryGroup() {
    TopicPartitionRef t0 = new TopicPartitionRef("t", 0);
    TopicPartitionRef u0 = new TopicPartitionRef("u", 0);
    coordinator.commitOffsets("a", "", null, -1, Map.of(t0, offset(1), u0, offset(2)));
    coordinator.commitOffsets("b", "", null, -1, Map.of(t0, offset(3)));
    writer.drain();
    CompletableFuture<Integer> removed = coordinator.removeOffsetsOfTopic("t");
    writer.drain();
    assertEquals(2, done(removed));
    assertEquals(
        Map.of(u0, new CommittedOffset(2, -1, "", clock.now())), coordinator.committedOffsets("a"));
    assertTrue(coordinator.committedOffsets("b").isEmpty());
    GroupCoordinator reloaded = newCoordinator(GroupConfig.DEFAULTS);
    assertEquals(
        Map.of(u0, new CommittedOffset(2, -1, "", clock.now())), reloaded.committedOffsets("a"));
  }

  @Test
  void onlyLoadedShardsAreServedAndUnloadingAnswersParkedRequestsWithNotCoordinator() {
    GroupCoordinator c =
        new GroupCoordinator(
            GroupConfig.DEFAULTS.withInitialRebalanceDelayMs(0), log, writer, clock);
    assertEquals(Errors.NOT_COORDINATOR, c.coordinatorError("g"));
    assertEquals(
        Errors.NOT_COORDINATOR.code(),
        c.join(joinRequest("g", "", null), V, "client", "/127.0.0.1").getNow(null).errorCode());
    int p = c.partitionFor("g");
    c.loadShard(p);
    assertEquals(Errors.COORDINATOR_LOAD_IN_PROGRESS, c.coordinatorError("g"), "until replayed");
    writer.drain();
    assertEquals(Errors.NONE, c.coordinatorError("g"));
    assertTrue(c.coordinates(p));

    coordinator = c;
    List<CompletableFuture<JoinGroupResponseData>> parked = new ArrayList<>();
    for (CompletableFuture<JoinGroupResponseData> f : List.of(newMember("g"), newMember("g"))) {
      if (!f.isDone()) {
        parked.add(f);
      }
    }
    assertFalse(parked.isEmpty(), "a second member waits for the first to rejoin");
    c.unloadShard(p);
    for (CompletableFuture<JoinGroupResponseData> f : parked) {
      assertEquals(Errors.NOT_COORDINATOR.code(), f.getNow(null).errorCode());
    }
    assertEquals(Errors.NOT_COORDINATOR, c.coordinatorError("g"));
    assertTrue(c.groups().isEmpty(), "the shard's groups left memory");
    assertEquals(Errors.NOT_COORDINATOR, c.heartbeat("g", "m", null, 1));
  }
}
