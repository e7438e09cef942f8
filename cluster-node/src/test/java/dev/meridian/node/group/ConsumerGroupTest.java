package dev.meridian.node.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.node.group.GroupQuery.TopicPartitionRef;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/**
 * The KIP-848 group state machine: incremental revocation (nothing is given before its holder gave
 * it up), epochs and fencing, static members, offset-commit checks, storing and loading — and a
 * seeded simulation of clients that join, heartbeat, leave, die, change subscriptions while topics
 * grow, checking after every step that no partition is owned by two live clients and at the end
 * that the group settles with every partition owned once, balanced.
 */
class ConsumerGroupTest {
  private static final long SESSION = GroupConfig.DEFAULTS.consumerSessionTimeoutMs();

  private final ConsumerGroup group = new ConsumerGroup("g", GroupConfig.DEFAULTS);
  private final Map<String, Integer> topics = new TreeMap<>(Map.of("t", 6, "u", 3));
  private long now = 1_000;

  private static Set<TopicPartitionRef> parts(String topic, int... partitions) {
    Set<TopicPartitionRef> out = new HashSet<>();
    for (int p : partitions) {
      out.add(new TopicPartitionRef(topic, p));
    }
    return out;
  }

  private ConsumerGroup.Result join(String member, String instance, List<String> subscription) {
    return group.heartbeat(
        new ConsumerGroup.Heartbeat(
            member, 0, instance, null, 30_000, subscription, null, null, Set.of(), "c", "/h"),
        now,
        topics);
  }

  private ConsumerGroup.Result beat(String member, int epoch, Set<TopicPartitionRef> owned) {
    return group.heartbeat(
        new ConsumerGroup.Heartbeat(
            member, epoch, null, null, -1, null, null, null, owned, null, null),
        now,
        topics);
  }

  @Test
  void aSecondMemberGetsPartitionsOnlyAfterTheFirstRevokedThem() {
    ConsumerGroup.Result a = join("a", null, List.of("t"));
    assertEquals(Errors.NONE, a.error());
    assertEquals(1, a.memberEpoch());
    assertEquals(parts("t", 0, 1, 2, 3, 4, 5), a.assignment());

    ConsumerGroup.Result b = join("b", null, List.of("t"));
    assertEquals(2, b.memberEpoch(), "b is at the new target's epoch");
    assertEquals(Set.of(), b.assignment(), "but gets nothing a still holds");
    assertEquals("Reconciling", group.state());

    ConsumerGroup.Result a2 = beat("a", 1, a.assignment());
    assertEquals(1, a2.memberEpoch(), "a keeps its epoch while it revokes");
    assertEquals(3, a2.assignment().size(), "a is told to keep three");
    ConsumerGroup.Result b2 = beat("b", 2, Set.of());
    assertNull(b2.assignment(), "nothing new: a has not confirmed the revocation yet");

    ConsumerGroup.Result a3 = beat("a", 1, a2.assignment());
    assertEquals(2, a3.memberEpoch(), "revoked: a moves to the target's epoch");
    ConsumerGroup.Result b3 = beat("b", 2, Set.of());
    assertEquals(3, b3.assignment().size(), "released: b gets the rest");
    Set<TopicPartitionRef> all = new HashSet<>(a2.assignment());
    all.addAll(b3.assignment());
    assertEquals(parts("t", 0, 1, 2, 3, 4, 5), all);
    assertEquals("Stable", group.state());
  }

  @Test
  void membersHeartbeatFasterWhileTheGroupReconciles() {
    ConsumerGroups groups = new ConsumerGroups(GroupConfig.DEFAULTS, Map::of);
    ConsumerGroup.Result a = join("a", null, List.of("t"));
    assertEquals(5000, groups.heartbeatIntervalMs(group), "stable: the configured interval");
    join("b", null, List.of("t"));
    assertEquals("Reconciling", group.state());
    assertEquals(500, groups.heartbeatIntervalMs(group), "a tenth while partitions move");
    ConsumerGroup.Result kept = beat("a", a.memberEpoch(), a.assignment());
    beat("a", a.memberEpoch(), kept.assignment());
    beat("b", group.groupEpoch(), Set.of());
    assertEquals("Stable", group.state());
    assertEquals(5000, groups.heartbeatIntervalMs(group));
  }

  @Test
  void aStaleOrFutureEpochIsFencedButAMissedAnswerIsForgiven() {
    ConsumerGroup.Result a = join("a", null, List.of("t"));
    join("b", null, List.of("t"));
    ConsumerGroup.Result revoking = beat("a", 1, a.assignment());
    beat("a", 1, revoking.assignment()); // a is now at epoch 2
    assertEquals(Errors.FENCED_MEMBER_EPOCH, beat("a", 7, revoking.assignment()).error());
    // a did not get the answer that moved it to 2: its old epoch with a subset is accepted
    ConsumerGroup.Result again = beat("a", 1, revoking.assignment());
    assertEquals(Errors.NONE, again.error());
    assertEquals(2, again.memberEpoch());
    assertNotNull(again.assignment(), "it is told its assignment again");
    assertEquals(Errors.FENCED_MEMBER_EPOCH, beat("a", 1, parts("t", 0, 1, 2, 3, 4, 5)).error());
    assertEquals(Errors.UNKNOWN_MEMBER_ID, beat("nobody", 1, Set.of()).error());
  }

  @Test
  void offsetCommitsNeedAnEpochAtWhichTheMemberHeldThePartitions() {
    Set<TopicPartitionRef> t0 = parts("t", 0);
    assertEquals(Errors.NONE, group.validateOffsetCommit("", -1, t0), "an empty group: anyone");
    ConsumerGroup.Result a = join("a", null, List.of("t"));
    assertEquals(Errors.NONE, group.validateOffsetCommit("a", 1, t0));
    assertEquals(Errors.STALE_MEMBER_EPOCH, group.validateOffsetCommit("a", 0, t0));
    assertEquals(Errors.STALE_MEMBER_EPOCH, group.validateOffsetCommit("a", 2, t0), "future");
    assertEquals(Errors.UNKNOWN_MEMBER_ID, group.validateOffsetCommit("x", 1, t0));
    assertEquals(Errors.UNKNOWN_MEMBER_ID, group.validateOffsetCommit("", -1, t0), "not any more");

    // b joins; a revokes half and moves to epoch 2 keeping the other half
    join("b", null, List.of("t"));
    ConsumerGroup.Result kept = beat("a", 1, a.assignment());
    beat("a", 1, kept.assignment());
    assertEquals(2, group.members().get(0).memberEpoch);
    assertEquals(
        Errors.NONE,
        group.validateOffsetCommit("a", 1, kept.assignment()),
        "a commit a sent at epoch 1, for partitions it still holds, is still good");
    Set<TopicPartitionRef> gone = parts("t", 0, 1, 2, 3, 4, 5);
    gone.removeAll(kept.assignment());
    assertEquals(
        Errors.STALE_MEMBER_EPOCH,
        group.validateOffsetCommit("a", 1, gone),
        "not for partitions it gave up");
    assertEquals(Errors.NONE, group.validateOffsetFetch("a", 1), "reading with an old epoch");
    assertEquals(Errors.STALE_MEMBER_EPOCH, group.validateOffsetFetch("a", 3));
    assertEquals(Errors.UNKNOWN_MEMBER_ID, group.validateOffsetFetch("x", 1));
  }

  @Test
  void aStaticMemberComesBackToItsPartitionsWithoutANewEpoch() {
    ConsumerGroup.Result a = join("a1", "instance-a", List.of("t"));
    ConsumerGroup.Result b = join("b", "instance-b", List.of("t"));
    ConsumerGroup.Result ar = beat("a1", 1, a.assignment());
    beat("a1", 1, ar.assignment());
    beat("b", b.memberEpoch(), Set.of());
    int epoch = group.groupEpoch();
    assertEquals(
        Errors.UNRELEASED_INSTANCE_ID, join("a2", "instance-a", List.of("t")).error(), "a1 runs");

    ConsumerGroup.Result left =
        group.heartbeat(
            new ConsumerGroup.Heartbeat(
                "a1", -2, "instance-a", null, -1, null, null, null, null, null, null),
            now,
            topics);
    assertEquals(-2, left.memberEpoch());
    ConsumerGroup.Result a2 = join("a2", "instance-a", List.of("t"));
    assertEquals(Errors.NONE, a2.error());
    assertEquals(ar.assignment(), a2.assignment(), "the new process gets what a1 had");
    assertEquals(epoch, group.groupEpoch(), "no new group epoch");
    assertEquals(2, group.members().size());
  }

  @Test
  void aSilentMemberLeavesWhenItsSessionEndsAndItsPartitionsMove() {
    join("a", null, List.of("t"));
    ConsumerGroup.Result b = join("b", null, List.of("t"));
    now += SESSION - 1;
    beat("b", b.memberEpoch(), Set.of());
    assertEquals(List.of(), group.tick(now, topics));
    now += 2;
    assertEquals(List.of("a"), group.tick(now, topics));
    ConsumerGroup.Result all = beat("b", b.memberEpoch(), Set.of());
    assertEquals(parts("t", 0, 1, 2, 3, 4, 5), all.assignment());
  }

  @Test
  void newPartitionsAndRegexMatchesBumpTheGroupEpoch() {
    ConsumerGroup.Result a =
        group.heartbeat(
            new ConsumerGroup.Heartbeat(
                "a", 0, null, null, 30_000, null, "t|v.*", null, Set.of(), "c", "/h"),
            now,
            topics);
    assertEquals(parts("t", 0, 1, 2, 3, 4, 5), a.assignment());
    topics.put("v1", 2);
    topics.put("__internal", 1);
    ConsumerGroup.Result more = beat("a", a.memberEpoch(), a.assignment());
    assertEquals(a.memberEpoch() + 1, more.memberEpoch());
    assertEquals(8, more.assignment().size(), "v1 matches; internal topics never do");
  }

  @Test
  void theGroupRoundTripsThroughTheLog() {
    ConsumerGroup.Result a = join("a", "ia", List.of("t", "u"));
    join("b", null, List.of("t"));
    beat("a", a.memberEpoch(), a.assignment()); // a now revokes part of t
    GroupRecord r = ConsumerGroups.record(group);
    byte[] value = GroupRecordCodec.value(r);
    GroupRecord back =
        GroupRecordCodec.decode(ByteBuffer.wrap(GroupRecordCodec.key(r)), ByteBuffer.wrap(value));
    assertEquals(r, back);
    ConsumerGroup loaded = new ConsumerGroup("g", GroupConfig.DEFAULTS);
    loaded.load(((GroupRecord.ConsumerGroupState) back).value(), now);
    assertEquals(group.value(), loaded.value());
    assertEquals(group.state(), loaded.state());
    GroupRecord tombstone = new GroupRecord.ConsumerGroupState("g", null);
    assertNull(GroupRecordCodec.value(tombstone));
    assertEquals(
        tombstone, GroupRecordCodec.decode(ByteBuffer.wrap(GroupRecordCodec.key(tombstone)), null));
  }

  // ---- simulation ------------------------------------------------------------------------------

  /** A client as the Java consumer behaves: it owns what the last assignment said. */
  private static final class Client {
    final String id;
    final String instance;
    List<String> subscription;
    int epoch;
    Set<TopicPartitionRef> owned = new HashSet<>();

    Client(String id, String instance, List<String> subscription) {
      this.id = id;
      this.instance = instance;
      this.subscription = subscription;
    }
  }

  /** The seed that found a target losing partitions when two members expired in one tick. */
  @Test
  void twoMembersExpiringTogetherLoseNoPartition() {
    noPartitionIsEverOwnedTwiceAndTheGroupSettles(-28);
  }

  @Property(tries = 300)
  void noPartitionIsEverOwnedTwiceAndTheGroupSettles(@ForAll long seed) {
    Random rnd = new Random(seed);
    ConsumerGroup g = new ConsumerGroup("sim", GroupConfig.DEFAULTS);
    Map<String, Integer> counts =
        new TreeMap<>(Map.of("a", 1 + rnd.nextInt(8), "b", 1 + rnd.nextInt(4)));
    List<Client> live = new ArrayList<>();
    long[] clock = {0};
    int[] next = {0};
    List<List<String>> subscriptions = List.of(List.of("a"), List.of("a", "b"), List.of("b"));
    for (int step = 0; step < 200; step++) {
      clock[0] += 10;
      int op = rnd.nextInt(100);
      if (op < 12 || live.isEmpty()) {
        String instance = rnd.nextInt(3) == 0 ? "i" + rnd.nextInt(3) : null;
        if (instance != null && live.stream().anyMatch(c -> instance.equals(c.instance))) {
          continue;
        }
        Client c = new Client("m" + next[0]++, instance, subscriptions.get(rnd.nextInt(3)));
        send(g, c, 0, Set.of(), c.subscription, clock[0], counts, live, seed);
        live.add(c);
      } else if (op < 17) {
        Client c = live.remove(rnd.nextInt(live.size()));
        c.owned.clear(); // it revokes everything before it leaves
        send(
            g,
            c,
            c.instance != null && rnd.nextBoolean() ? -2 : -1,
            null,
            null,
            clock[0],
            counts,
            null,
            seed);
      } else if (op < 21) {
        // killed: it stops heartbeating; the others heartbeat and its session ends
        live.remove(rnd.nextInt(live.size()));
        clock[0] += SESSION + 1;
        for (Client c : List.copyOf(live)) {
          send(g, c, c.epoch, c.owned, null, clock[0], counts, live, seed);
        }
        g.tick(clock[0], counts);
      } else if (op < 25) {
        Client c = live.get(rnd.nextInt(live.size()));
        c.subscription = subscriptions.get(rnd.nextInt(3));
        send(g, c, c.epoch, c.owned, c.subscription, clock[0], counts, live, seed);
      } else if (op < 28) {
        String t = rnd.nextBoolean() ? "a" : "b";
        counts.put(t, counts.get(t) + 1 + rnd.nextInt(3));
      } else {
        Client c = live.get(rnd.nextInt(live.size()));
        send(
            g,
            c,
            c.epoch,
            rnd.nextInt(4) == 0 ? null : c.owned,
            null,
            clock[0],
            counts,
            live,
            seed);
      }
      assertOwnedOnce(live, seed, step);
      for (Map.Entry<TopicPartitionRef, List<String>> e : g.holders().entrySet()) {
        assertEquals(1, e.getValue().size(), "seed " + seed + ": held twice: " + e);
      }
    }
    // static members that left and did not come back keep their partitions until their session
    // ends: let it end
    clock[0] += SESSION + 1;
    for (Client c : List.copyOf(live)) {
      send(g, c, c.epoch, c.owned, null, clock[0], counts, live, seed);
    }
    g.tick(clock[0], counts);
    // settle: everyone heartbeats with what it owns until the group is stable
    for (int round = 0; round < 10 && !g.state().equals("Stable") && !live.isEmpty(); round++) {
      clock[0] += 10;
      for (Client c : List.copyOf(live)) {
        send(g, c, c.epoch, c.owned, null, clock[0], counts, live, seed);
      }
    }
    if (live.isEmpty()) {
      return;
    }
    assertEquals("Stable", g.state(), "seed " + seed + " settles");
    Map<TopicPartitionRef, String> owner = assertOwnedOnce(live, seed, -1);
    for (Map.Entry<String, Integer> t : counts.entrySet()) {
      List<Client> subscribers =
          live.stream().filter(c -> c.subscription.contains(t.getKey())).toList();
      for (int p = 0; p < t.getValue() && !subscribers.isEmpty(); p++) {
        TopicPartitionRef tp = new TopicPartitionRef(t.getKey(), p);
        assertNotNull(owner.get(tp), "seed " + seed + ": " + tp + " owned: " + g.value());
      }
    }
    boolean sameSubscription = live.stream().map(c -> c.subscription).distinct().count() == 1;
    if (sameSubscription) {
      int min = live.stream().mapToInt(c -> c.owned.size()).min().orElse(0);
      int max = live.stream().mapToInt(c -> c.owned.size()).max().orElse(0);
      assertTrue(max - min <= 1, "seed " + seed + ": balanced, " + min + ".." + max);
    }
  }

  /** Sends a heartbeat for {@code c} and applies the answer as the Java consumer would. */
  private static void send(
      ConsumerGroup g,
      Client c,
      int epoch,
      Set<TopicPartitionRef> owned,
      List<String> subscription,
      long nowMs,
      Map<String, Integer> counts,
      List<Client> live,
      long seed) {
    ConsumerGroup.Result r =
        g.heartbeat(
            new ConsumerGroup.Heartbeat(
                c.id,
                epoch,
                c.instance,
                null,
                epoch == 0 ? 30_000 : -1,
                subscription,
                null,
                null,
                owned == null ? null : Set.copyOf(owned),
                "c",
                "/h"),
            nowMs,
            counts);
    if (live == null) {
      return; // leaving
    }
    if (r.error() == Errors.FENCED_MEMBER_EPOCH || r.error() == Errors.UNKNOWN_MEMBER_ID) {
      c.owned.clear(); // partitions lost; it rejoins
      send(g, c, 0, Set.of(), c.subscription, nowMs, counts, live, seed);
      return;
    }
    assertEquals(Errors.NONE, r.error(), "seed " + seed + ": " + r.message());
    c.epoch = r.memberEpoch();
    if (r.assignment() != null) {
      c.owned = new HashSet<>(r.assignment());
    }
  }

  private static Map<TopicPartitionRef, String> assertOwnedOnce(
      List<Client> live, long seed, int step) {
    Map<TopicPartitionRef, String> owner = new HashMap<>();
    for (Client c : live) {
      for (TopicPartitionRef tp : c.owned) {
        String other = owner.put(tp, c.id);
        assertNull(
            other,
            "seed " + seed + " step " + step + ": " + tp + " owned by " + other + " and " + c.id);
      }
    }
    return owner;
  }
}
