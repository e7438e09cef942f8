package dev.meridian.node.replication;

import dev.meridian.config.BrokerSettings;
import dev.meridian.config.NodeConfig;
import dev.meridian.config.RegionConfig;
import dev.meridian.config.TopicDefaults;
import dev.meridian.node.controller.ClusterController;
import dev.meridian.node.controller.ControllerRequest;
import dev.meridian.node.controller.LiveNode;
import dev.meridian.node.metadata.MetadataImage;
import dev.meridian.node.metadata.MetadataRecord;
import dev.meridian.node.metadata.PartitionState;
import dev.meridian.node.metadata.TopicConfigs;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;

/**
 * A deterministic simulation of one partition's replication: a controller running the real {@link
 * ClusterController} (its decisions: elections from the ISR, ISR changes fenced by epochs) and
 * three or more broker nodes with in-memory logs running the real {@link ReplicaLogic} (follower
 * progress, high watermark, ISR wishes, KIP-279 truncation), over a network that loses, delays and
 * reorders messages. Nodes crash (their log survives, as a killed process's page cache does) and
 * restart with a new incarnation; the network splits and heals; the controller sees liveness late.
 * A client produces acks=all through whichever node it thinks leads; a consumer reads from the
 * leader up to its high watermark. The controller itself is one reliable process here: its own
 * replication is {@code QuorumSimulation}'s subject.
 *
 * <p>Invariants (checked as it runs; an {@link AssertionError} names the seed and time): every
 * record acknowledged to the producer is in the log of every later leader at its offset (with
 * {@code unclean.leader.election.enable=false}, nothing acknowledged is lost while fewer than RF
 * replicas are down); one leader per leader epoch; any two replicas agree on every offset below
 * both their high watermarks; every record the consumer read stays at its offset in every later
 * leader (no consumer reads past the high watermark). After healing, every record acknowledged is
 * read back. Everything random comes from one seed.
 */
final class ReplicationSimulation {
  private static final long LAG_MAX_MS = 1000;

  private record Entry(long offset, int epoch, long value) {}

  private record Event(long at, long seq, Runnable action) {}

  private final long seed;
  private final Random random;
  private final int size;
  private double loss; // message loss; 0 after the heal
  private final PriorityQueue<Event> events =
      new PriorityQueue<>(Comparator.comparingLong(Event::at).thenComparingLong(Event::seq));
  private final Map<Integer, Broker> brokers = new TreeMap<>();
  private final ClusterController controller;
  private final Uuid topicId;
  private MetadataImage image = MetadataImage.EMPTY;
  private Set<Integer> sideA; // split: brokers on the controller's side; null when whole
  private long now;
  private long seq;
  private long nextValue = 1;
  private final Map<Long, Long> acked = new TreeMap<>(); // offset -> value
  private final Map<Long, Long> consumed = new TreeMap<>();
  private final Map<Integer, Integer> leaderOfEpoch = new HashMap<>();
  private final List<String> trace = new ArrayList<>();
  private int acks;

  /** A broker node: its log (survives crashes), and the state of the running process. */
  private final class Broker {
    final int id;
    final List<Entry> log = new ArrayList<>();
    long hw;
    boolean up = true;
    long incarnation = 1;
    MetadataImage known = MetadataImage.EMPTY;
    // leader state
    final Map<Integer, ReplicaLogic.FollowerState> followers = new HashMap<>();
    List<Integer> pendingIsr;
    long epochStart;
    int ledEpoch = -1;
    final TreeMap<Long, List<long[]>> waiting = new TreeMap<>(); // offset -> {value}
    // follower state
    int followingEpoch = -1;
    boolean truncated;

    Broker(int id) {
      this.id = id;
    }

    long leo() {
      return log.isEmpty() ? 0 : log.get(log.size() - 1).offset() + 1;
    }

    int latestEpoch() {
      return log.isEmpty() ? -1 : log.get(log.size() - 1).epoch();
    }

    /** {epoch, end offset} of the largest epoch at or below {@code epoch}, as the cache keeps. */
    long[] endOffsetFor(int epoch) {
      int found = -1;
      for (Entry e : log) {
        if (e.epoch() <= epoch) {
          found = Math.max(found, e.epoch());
        }
      }
      if (ledEpoch >= 0 && ledEpoch <= epoch && ledEpoch > found && isLeader()) {
        found = ledEpoch; // a leader's own epoch starts at its election, before its first append
      }
      if (found < 0) {
        return new long[] {-1, -1};
      }
      for (Entry e : log) {
        if (e.epoch() > found) {
          return new long[] {found, e.offset()};
        }
      }
      return new long[] {found, leo()};
    }

    void truncateTo(long offset) {
      while (!log.isEmpty() && log.get(log.size() - 1).offset() >= offset) {
        log.remove(log.size() - 1);
      }
      hw = Math.min(hw, leo());
    }

    PartitionState state() {
      return known.topic(topicId).flatMap(t -> t.partition(0)).orElse(null);
    }

    boolean active() {
      return known.isAlive(id) && known.node(id).orElseThrow().incarnation() == incarnation;
    }

    boolean isLeader() {
      PartitionState s = state();
      return up && s != null && s.leader() == id && active();
    }
  }

  ReplicationSimulation(long seed, int size, double loss) {
    this.seed = seed;
    this.random = new Random(seed);
    this.size = size;
    this.loss = loss;
    List<NodeConfig> configs = new ArrayList<>();
    for (int i = 1; i <= size; i++) {
      brokers.put(i, new Broker(i));
      configs.add(new NodeConfig(i, "127.0.0.1", 9090 + i, 8080 + i, "n" + i, 19090 + i, null));
    }
    controller =
        new ClusterController(
            new RegionConfig("sim", configs),
            TopicDefaults.DEFAULTS,
            BrokerSettings.DEFAULTS,
            new TopicConfigs(TopicDefaults.DEFAULTS),
            () -> new Uuid(random.nextLong(), random.nextLong()));
    topicId = new Uuid(seed, 42);
  }

  // ---- plumbing --------------------------------------------------------------------------------

  private void schedule(long delay, Runnable action) {
    events.add(new Event(now + delay, seq++, action));
  }

  private void trace(String s) {
    trace.add(now + " " + s);
    if (trace.size() > 60) {
      trace.remove(0);
    }
  }

  private void fail(String what) {
    throw new AssertionError(
        "seed "
            + seed
            + " at t="
            + now
            + " ms: "
            + what
            + "\nrecent:\n"
            + String.join("\n", trace));
  }

  /**
   * Whether a message between a and b (0 = the controller, -1 = the client, which reaches every
   * node) gets through a split.
   */
  private boolean connected(int a, int b) {
    if (sideA == null || a < 0 || b < 0) {
      return true;
    }
    boolean inA = a == 0 || sideA.contains(a);
    boolean inB = b == 0 || sideA.contains(b);
    return inA == inB;
  }

  /** Delivers {@code action} from {@code from} to {@code to} later, unless lost or cut off. */
  private void send(int from, int to, Runnable action) {
    if (random.nextDouble() < loss) {
      return;
    }
    Broker f = brokers.get(from);
    Broker t = brokers.get(to);
    long fromInc = f == null ? 0 : f.incarnation;
    schedule(
        1 + random.nextInt(15),
        () -> {
          if ((f != null && (!f.up || f.incarnation != fromInc))
              || (t != null && !t.up)
              || !connected(from, to)) {
            return;
          }
          action.run();
        });
  }

  // ---- controller ------------------------------------------------------------------------------

  private void commit(List<MetadataRecord> records) {
    if (records.isEmpty()) {
      return;
    }
    image = image.apply(image.version() + 1, records);
    PartitionState s = image.topic(topicId).flatMap(t -> t.partition(0)).orElse(null);
    trace("image " + image.version() + ": " + s);
    for (Broker b : brokers.values()) {
      publishTo(b);
    }
  }

  private void publishTo(Broker b) {
    MetadataImage snapshot = image;
    send(0, b.id, () -> learn(b, snapshot));
  }

  /** The controller's membership view: live brokers it can reach, seen with a delay. */
  private void controllerSees() {
    Map<Integer, LiveNode> live = new LinkedHashMap<>();
    for (Broker b : brokers.values()) {
      if (b.up && connected(0, b.id)) {
        live.put(b.id, new LiveNode(b.id, b.incarnation, 9090 + b.id, 8080 + b.id));
      }
    }
    commit(controller.reconcile(image, live));
  }

  private void alterIsr(Broker leader, PartitionState basedOn, List<Integer> isr) {
    send(
        leader.id,
        0,
        () -> {
          ClusterController.Decision d =
              controller.decide(
                  image,
                  new ControllerRequest.AlterPartition(
                      topicId, 0, leader.id, basedOn.leaderEpoch(), basedOn.partitionEpoch(), isr));
          commit(d.records());
          boolean ok = d.results().get(0).ok();
          long inc = leader.incarnation;
          send(
              0,
              leader.id,
              () -> {
                if (!ok && leader.incarnation == inc) {
                  leader.pendingIsr = null;
                }
              });
        });
  }

  // ---- brokers ---------------------------------------------------------------------------------

  /** A broker applies an image (newer ones only), taking up its role. */
  private void learn(Broker b, MetadataImage next) {
    if (next.version() <= b.known.version()) {
      return;
    }
    PartitionState before = b.state();
    b.known = next;
    PartitionState s = b.state();
    if (s == null) {
      return;
    }
    b.pendingIsr = null;
    if (b.isLeader()) {
      if (b.ledEpoch != s.leaderEpoch()) {
        Integer other = leaderOfEpoch.putIfAbsent(s.leaderEpoch(), b.id);
        if (other != null && other != b.id) {
          fail("nodes " + other + " and " + b.id + " lead epoch " + s.leaderEpoch());
        }
        becomeLeader(b, s);
      } else if (before != null) {
        for (int r : before.isr()) {
          if (r != b.id && !s.isr().contains(r)) {
            b.followers.put(r, ReplicaLogic.FollowerState.fresh(now));
          }
        }
      }
    } else {
      b.ledEpoch = -1;
      b.followers.clear();
      b.waiting.clear(); // their producers never hear back: not acknowledged
      if (s.hasLeader() && s.leader() != b.id && b.followingEpoch != s.leaderEpoch()) {
        b.followingEpoch = s.leaderEpoch();
        b.truncated = false;
      }
    }
    advanceHighWatermark(b);
  }

  private void becomeLeader(Broker b, PartitionState s) {
    trace("node " + b.id + " leads epoch " + s.leaderEpoch() + " with log end " + b.leo());
    for (Map.Entry<Long, Long> a : acked.entrySet()) {
      Entry e = a.getKey() < b.log.size() ? b.log.get(a.getKey().intValue()) : null;
      if (e == null || e.value() != a.getValue()) {
        fail(
            "node "
                + b.id
                + " leads epoch "
                + s.leaderEpoch()
                + " without the acknowledged record "
                + a.getValue()
                + " at offset "
                + a.getKey());
      }
    }
    b.ledEpoch = s.leaderEpoch();
    b.epochStart = b.leo();
    b.followers.clear();
    for (int r : s.replicas()) {
      if (r != b.id) {
        b.followers.put(r, ReplicaLogic.FollowerState.fresh(now));
      }
    }
  }

  private void advanceHighWatermark(Broker b) {
    if (!b.isLeader()) {
      return;
    }
    PartitionState s = b.state();
    Set<Integer> counted = new TreeSet<>(s.isr());
    if (b.pendingIsr != null) {
      counted.addAll(b.pendingIsr);
    }
    counted.remove(b.id);
    long hw = ReplicaLogic.highWatermark(b.hw, b.leo(), List.copyOf(counted), b.followers);
    if (hw > b.hw) {
      b.hw = hw;
      while (!b.waiting.isEmpty() && b.waiting.firstKey() < hw) {
        Map.Entry<Long, List<long[]>> w = b.waiting.pollFirstEntry();
        for (long[] v : w.getValue()) {
          long offset = w.getKey();
          long value = v[0];
          acked.put(offset, value);
          acks++;
        }
      }
    }
  }

  private void maybeChangeIsr(Broker b, long lagMax) {
    if (!b.isLeader() || b.pendingIsr != null) {
      return;
    }
    PartitionState s = b.state();
    List<Integer> want =
        ReplicaLogic.desiredIsr(
            b.id, s.replicas(), s.isr(), b.followers, b.hw, b.epochStart, now, lagMax);
    if (!new TreeSet<>(want).equals(new TreeSet<>(s.isr()))) {
      b.pendingIsr = want;
      alterIsr(b, s, want);
    }
  }

  /** A follower's fetch cycle: truncate once per epoch (OffsetForLeaderEpoch), then fetch. */
  private void followerStep(Broker f) {
    PartitionState s = f.state();
    if (!f.up || s == null || !s.hasLeader() || s.leader() == f.id || f.isLeader()) {
      return;
    }
    Broker leader = brokers.get(s.leader());
    int epoch = s.leaderEpoch();
    long inc = f.incarnation;
    if (!f.truncated) {
      int asked = f.latestEpoch();
      send(
          f.id,
          leader.id,
          () -> {
            if (!leader.isLeader() || leader.state().leaderEpoch() != epoch) {
              return;
            }
            long[] end = leader.endOffsetFor(asked);
            send(
                leader.id,
                f.id,
                () -> {
                  if (f.incarnation != inc || f.followingEpoch != epoch || f.truncated) {
                    return;
                  }
                  long offset =
                      ReplicaLogic.truncationOffset(
                          f.leo(), asked, (int) end[0], end[1], localEnd(f, (int) end[0]));
                  f.truncateTo(offset == ReplicaLogic.UNKNOWN ? f.hw : offset);
                  f.truncated = true;
                });
          });
      return;
    }
    long fetchOffset = f.leo();
    int lastEpoch = f.latestEpoch();
    send(
        f.id,
        leader.id,
        () -> {
          if (!leader.isLeader() || leader.state().leaderEpoch() != epoch) {
            return;
          }
          long[] end = lastEpoch >= 0 ? leader.endOffsetFor(lastEpoch) : new long[] {-1, -1};
          boolean diverged =
              lastEpoch >= 0 && end[0] >= 0 && (end[0] != lastEpoch || end[1] < fetchOffset);
          leader.followers.put(
              f.id,
              ReplicaLogic.onFetch(leader.followers.get(f.id), fetchOffset, leader.leo(), now));
          advanceHighWatermark(leader);
          maybeChangeIsr(leader, Long.MAX_VALUE);
          List<Entry> batch = new ArrayList<>();
          if (!diverged) {
            for (long o = fetchOffset; o < leader.leo() && batch.size() < 5; o++) {
              batch.add(leader.log.get((int) o));
            }
          }
          long leaderHw = leader.hw;
          send(
              leader.id,
              f.id,
              () -> {
                if (f.incarnation != inc || f.followingEpoch != epoch || !f.truncated) {
                  return;
                }
                if (diverged) {
                  f.truncateTo(Math.min(end[1], localEnd(f, (int) end[0])));
                  return;
                }
                if (!batch.isEmpty() && batch.get(0).offset() != f.leo()) {
                  return; // an old answer: fetched again since
                }
                f.log.addAll(batch);
                f.hw = Math.max(f.hw, Math.min(leaderHw, f.leo()));
              });
        });
  }

  private static long localEnd(Broker b, int epoch) {
    long[] end = b.endOffsetFor(epoch);
    return end[1] < 0 ? Long.MAX_VALUE : end[1];
  }

  private void produce() {
    // the client asks whichever node its last metadata names; here: the one the controller named
    PartitionState s = image.topic(topicId).flatMap(t -> t.partition(0)).orElse(null);
    if (s == null || !s.hasLeader()) {
      return;
    }
    Broker b = brokers.get(s.leader());
    long value = nextValue++;
    send(
        -1,
        b.id,
        () -> {
          if (!b.isLeader()) {
            return; // NOT_LEADER_OR_FOLLOWER: the producer retries elsewhere (a new value)
          }
          PartitionState st = b.state();
          if (st.isr().size() < 2) {
            return; // NOT_ENOUGH_REPLICAS (min.insync.replicas=2)
          }
          long offset = b.leo();
          b.log.add(new Entry(offset, st.leaderEpoch(), value));
          b.waiting.computeIfAbsent(offset, o -> new ArrayList<>()).add(new long[] {value});
          advanceHighWatermark(b);
        });
  }

  private void consume() {
    for (Broker b : brokers.values()) {
      if (b.isLeader()) {
        for (long o = 0; o < b.hw; o++) {
          long v = b.log.get((int) o).value();
          Long before = consumed.putIfAbsent(o, v);
          if (before != null && before != v) {
            fail("offset " + o + " was read as " + before + " and now as " + v);
          }
        }
      }
    }
  }

  private void checkAgreement() {
    List<Broker> all = new ArrayList<>(brokers.values());
    for (int i = 0; i < all.size(); i++) {
      for (int j = i + 1; j < all.size(); j++) {
        Broker a = all.get(i);
        Broker b = all.get(j);
        long upTo = Math.min(a.hw, b.hw);
        for (long o = 0; o < upTo; o++) {
          if (!a.log.get((int) o).equals(b.log.get((int) o))) {
            fail(
                "nodes "
                    + a.id
                    + " and "
                    + b.id
                    + " disagree at offset "
                    + o
                    + " below their high watermarks ("
                    + a.hw
                    + ", "
                    + b.hw
                    + ")");
          }
        }
      }
    }
    // the newest leader holds everything any consumer read (a deposed leader cut off from the
    // controller may still think it leads: it is behind, and it exposes nothing that conflicts)
    int newest = leaderOfEpoch.keySet().stream().max(Integer::compare).orElse(-1);
    for (Broker b : brokers.values()) {
      if (b.isLeader() && b.state().leaderEpoch() == newest) {
        for (Map.Entry<Long, Long> c : consumed.entrySet()) {
          if (c.getKey() >= b.log.size()
              || b.log.get(c.getKey().intValue()).value() != c.getValue()) {
            fail("leader " + b.id + " lost the consumed record at offset " + c.getKey());
          }
        }
      }
    }
  }

  // ---- the run ---------------------------------------------------------------------------------

  void run(long durationMs) {
    Map<Integer, LiveNode> live = new LinkedHashMap<>();
    brokers.values().forEach(b -> live.put(b.id, new LiveNode(b.id, b.incarnation, 0, 0)));
    commit(controller.takeOffice(image, live));
    List<Integer> all = new ArrayList<>(brokers.keySet());
    commit(
        List.of(
            new MetadataRecord.Topic("sim", topicId, Map.of()),
            new MetadataRecord.Partition(
                topicId, 0, new PartitionState(all.subList(0, 3), all.subList(0, 3), 1, 0, 0))));
    repeat(10, () -> brokers.values().forEach(this::followerStep));
    repeat(5, this::produceBurst);
    repeat(
        200,
        () ->
            brokers
                .values()
                .forEach(
                    b -> {
                      maybeChangeIsr(b, LAG_MAX_MS);
                      advanceHighWatermark(b);
                    }));
    repeat(100, this::consume);
    repeat(50, this::checkAgreement);
    repeat(300, this::membershipLags);
    // brokers catch up with the metadata log (the real quorum replicates it with retries): an
    // image whose only publication was lost reaches them on the next round
    repeat(500, () -> brokers.values().forEach(this::publishTo));
    faults(durationMs);
    runUntil(durationMs);
    // heal: everyone up and connected, no more faults, no loss
    sideA = null;
    loss = 0;
    for (Broker b : brokers.values()) {
      if (!b.up) {
        restart(b);
      }
    }
    quiet = true;
    runUntil(durationMs + 30_000);
    consume();
    checkAgreement();
    for (Map.Entry<Long, Long> a : acked.entrySet()) {
      Long read = consumed.get(a.getKey());
      if (read == null || !read.equals(a.getValue())) {
        fail("acknowledged record " + a.getValue() + " at " + a.getKey() + " not read back");
      }
    }
  }

  private boolean quiet;

  private void produceBurst() {
    if (!quiet) {
      for (int i = 0; i < 1 + random.nextInt(3); i++) {
        produce();
      }
    }
  }

  private void membershipLags() {
    controllerSees();
  }

  private void repeat(long every, Runnable action) {
    schedule(
        every,
        () -> {
          action.run();
          repeat(every, action);
        });
  }

  private void runUntil(long end) {
    while (!events.isEmpty() && events.peek().at() <= end) {
      Event e = events.poll();
      now = e.at();
      e.action().run();
    }
    now = end;
  }

  private void restart(Broker b) {
    b.up = true;
    b.incarnation++;
    b.known = MetadataImage.EMPTY;
    b.followers.clear();
    b.waiting.clear();
    b.pendingIsr = null;
    b.ledEpoch = -1;
    b.followingEpoch = -1;
    b.truncated = false;
    b.hw = 0; // the high watermark is relearned from the leader
    trace("node " + b.id + " restarts (incarnation " + b.incarnation + ")");
    publishTo(b);
  }

  private void faults(long until) {
    schedule(
        300 + random.nextInt(1200),
        () -> {
          if (now >= until) {
            return;
          }
          Broker b = brokers.get(1 + random.nextInt(size));
          int kind = random.nextInt(10);
          long down = brokers.values().stream().filter(x -> !x.up).count();
          if (kind < 4 && b.up && down < size - 1) {
            b.up = false;
            b.incarnation++;
            trace("node " + b.id + " crashes");
          } else if (kind < 7 && !b.up) {
            restart(b);
          } else if (kind < 9) {
            Set<Integer> side = new TreeSet<>();
            for (int id : brokers.keySet()) {
              if (random.nextBoolean()) {
                side.add(id);
              }
            }
            sideA = side;
            trace("split: controller with " + side);
          } else {
            sideA = null;
            trace("heal");
          }
          faults(until);
        });
  }

  int acks() {
    return acks;
  }

  long leaderEpochs() {
    return leaderOfEpoch.size();
  }
}
