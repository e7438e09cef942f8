package dev.meridian.node.quorum;

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
import dev.meridian.node.metadata.TopicImage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;

/**
 * A deterministic simulation of a region's metadata quorum: {@code n} nodes running {@link
 * MetadataQuorum} over an in-memory network that loses, delays, duplicates and reorders messages;
 * nodes crash (their {@link MemoryQuorumStore} is the disk that survives) and restart; the network
 * splits and heals; membership views follow with a detection delay, ordered by join time as
 * Hazelcast orders members; the epoch register refuses a side without a majority (as seen by the
 * member's lagging view, and each side of a split keeps its own copy). Whoever leads runs the real
 * {@link ClusterController}: it registers and fences nodes as its view changes and elects partition
 * leaders; a client creates topics and takes producer ids through it.
 *
 * <p>Invariants, checked as the simulation runs ({@link AssertionError} with the seed and the time
 * on a violation): at most one controller per epoch; promised epochs only grow on every node, also
 * across restarts; every node's committed entries agree with every other's (same version, same
 * entry); an entry is committed only while a majority of the nodes stores it; an acknowledged
 * change is never lost; leader and partition epochs only grow and a partition is only ever led by a
 * live registered node; after healing and a quiet period every node holds the same image, one
 * controller leads, and every node is registered alive in its current incarnation.
 *
 * <p>Everything random comes from one seed, so a failing seed replays exactly.
 */
final class QuorumSimulation {
  private final long seed;
  private final Random random;
  private final int size;
  private final int majority;
  private final QuorumTimings timings = new QuorumTimings(100, 1000, 800, 300, 50);
  private final PriorityQueue<Event> events =
      new PriorityQueue<>(Comparator.comparingLong(Event::at).thenComparingLong(Event::seq));
  private final Map<Integer, SimNode> nodes = new HashMap<>();
  private final Map<Long, Integer> leaderOfEpoch = new HashMap<>();
  private final Map<Long, LogEntry> committedEntries = new HashMap<>();
  private final List<Long> acknowledged = new ArrayList<>();
  private final double dropRate;
  private long now;
  private long seq;
  private long registerEpoch;
  private long registerEpochB; // while split: the copy of the register on the side outside sideA
  private Set<Integer> sideA; // when split: nodes of one side; the rest form the other
  private int proposals;
  private int commits;
  private final List<String> trace = new ArrayList<>();
  private final ClusterController controller;
  private int topicsCreated;

  private record Event(long at, long seq, Runnable action) {}

  private final class SimNode implements QuorumEnv, QuorumListener {
    final int id;
    final MemoryQuorumStore disk = new MemoryQuorumStore();
    MetadataQuorum quorum;
    boolean up;
    long joinedAt;
    long incarnation;
    long lastPromised;
    MetadataImage image = MetadataImage.EMPTY;
    List<Integer> view = List.of();

    SimNode(int id) {
      this.id = id;
    }

    void start() {
      up = true;
      incarnation++;
      joinedAt = now;
      quorum =
          new MetadataQuorum(
              id, nodes.keySet(), disk, this, this, timings, new Random(random.nextLong()));
      quorum.start(now);
      image = quorum.committedImage();
    }

    void crash() {
      up = false;
      quorum = null;
      incarnation++;
    }

    @Override
    public void send(int to, QuorumMessage message) {
      long inc = incarnation;
      int copies = random.nextDouble() < 0.02 ? 2 : 1;
      for (int c = 0; c < copies; c++) {
        if (random.nextDouble() < dropRate) {
          continue;
        }
        schedule(
            1 + random.nextInt(30),
            () -> {
              SimNode target = nodes.get(to);
              if (up && incarnation == inc && target.up && reachable(id, to)) {
                target.quorum.onMessage(id, message, now);
                target.check();
              }
            });
      }
    }

    @Override
    public void claimEpoch(long floor) {
      long inc = incarnation;
      schedule(
          1 + random.nextInt(20),
          () -> {
            if (!up || incarnation != inc) {
              return;
            }
            // split-brain protection judges by the member's view, which lags the network: a
            // minority can still claim until it notices, and each side has its own copy of the
            // register (Hazelcast keeps the map on both sides of a split)
            if (view.size() >= majority) {
              long claimed;
              if (sideA == null || sideA.contains(id)) {
                claimed = registerEpoch = Math.max(registerEpoch, floor) + 1;
              } else {
                claimed = registerEpochB = Math.max(registerEpochB, floor) + 1;
              }
              quorum.onEpochClaimed(claimed, now);
            } else {
              quorum.onEpochClaimFailed(now);
            }
            check();
          });
    }

    @Override
    public void onCommitted(MetadataImage committed, List<LogEntry> entries) {
      if (committed.version() < image.version()) {
        fail("node " + id + " committed image went back from " + image.version());
      }
      checkEpochsGrow(id, image, committed);
      image = committed;
      for (LogEntry e : entries) {
        LogEntry known = committedEntries.putIfAbsent(e.version(), e);
        if (known != null && !known.equals(e)) {
          fail("version " + e.version() + " committed as " + known + " and as " + e);
        }
        if (quorum != null && quorum.isLeader()) {
          int holders = 0;
          for (SimNode n : nodes.values()) {
            // a node holds the entry in its log, or in a snapshot it took of committed entries
            if (n.disk.epochAt(e.version()) == e.epoch()
                || n.disk.snapshot().version() >= e.version()) {
              holders++;
            }
          }
          if (holders < majority) {
            fail("node " + id + " committed " + e.version() + " held by " + holders + " nodes");
          }
        }
      }
      commits += entries.size();
    }

    @Override
    public void onLeader(long epoch) {
      Integer other = leaderOfEpoch.putIfAbsent(epoch, id);
      if (other != null && other != id) {
        fail("nodes " + other + " and " + id + " both lead epoch " + epoch);
      }
      trace("node " + id + " leads epoch " + epoch);
    }

    @Override
    public void onResigned(long epoch) {
      trace("node " + id + " resigns epoch " + epoch);
    }

    void check() {
      if (disk.promisedEpoch() < lastPromised) {
        fail("node " + id + " promise went back from " + lastPromised);
      }
      lastPromised = disk.promisedEpoch();
    }
  }

  QuorumSimulation(long seed, int size, double dropRate) {
    this.seed = seed;
    this.random = new Random(seed);
    this.size = size;
    this.majority = size / 2 + 1;
    this.dropRate = dropRate;
    List<NodeConfig> configs = new ArrayList<>();
    for (int i = 1; i <= size; i++) {
      nodes.put(i, new SimNode(i));
      configs.add(
          new NodeConfig(
              i, "127.0.0.1", 9090 + i, 8080 + i, "n" + i, 19090 + i, "rack-" + (i % 2)));
    }
    this.controller =
        new ClusterController(
            new RegionConfig("sim", configs),
            TopicDefaults.DEFAULTS,
            BrokerSettings.DEFAULTS,
            new TopicConfigs(TopicDefaults.DEFAULTS),
            () -> new Uuid(random.nextLong(), random.nextLong()));
  }

  private void schedule(long delay, Runnable action) {
    events.add(new Event(now + delay, seq++, action));
  }

  private void trace(String s) {
    trace.add(now + " " + s);
    if (trace.size() > 200) {
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

  private boolean reachable(int a, int b) {
    return sideA == null || sideA.contains(a) == sideA.contains(b);
  }

  private List<Integer> reachableUp(int from) {
    List<Integer> out = new ArrayList<>();
    for (SimNode n : nodes.values()) {
      if (n.up && reachable(from, n.id)) {
        out.add(n.id);
      }
    }
    return out;
  }

  /** Re-computes every node's membership view after a detection delay. */
  private void topologyChanged(boolean crash) {
    for (SimNode n : nodes.values()) {
      long inc = n.incarnation;
      // a killed process is seen at once; a silent one after the failure timeout
      long delay = crash ? 50 + random.nextInt(300) : 300 + random.nextInt(2000);
      schedule(
          delay,
          () -> {
            if (n.up && n.incarnation == inc) {
              List<Integer> view =
                  reachableUp(n.id).stream()
                      .sorted(
                          Comparator.comparingLong((Integer i) -> nodes.get(i).joinedAt)
                              .thenComparingInt(i -> i))
                      .toList();
              n.view = view;
              n.quorum.onMembership(view, now);
              reconcile(n);
              n.check();
            }
          });
    }
  }

  /** Runs with faults for {@code durationMs}, then heals and checks convergence. */
  void run(long durationMs) {
    for (SimNode n : nodes.values()) {
      n.start();
    }
    topologyChanged(true);
    scheduleTicks();
    scheduleClient(durationMs);
    scheduleFaults(durationMs);
    runUntil(durationMs);
    // heal everything and let it settle
    sideA = null;
    registerEpoch = Math.max(registerEpoch, registerEpochB);
    for (SimNode n : nodes.values()) {
      if (!n.up) {
        n.start();
        trace("node " + n.id + " restarts for the end");
      }
    }
    topologyChanged(false);
    runUntil(durationMs + 20_000);
    converged();
  }

  private void runUntil(long end) {
    while (!events.isEmpty() && events.peek().at() <= end) {
      Event e = events.poll();
      now = e.at();
      e.action().run();
    }
    now = end;
  }

  private void scheduleTicks() {
    schedule(
        10,
        () -> {
          for (SimNode n : nodes.values()) {
            if (n.up) {
              n.quorum.tick(now);
              n.check();
              if (now % 100 < 10) {
                reconcile(n); // the controller's periodic pass
              }
            }
          }
          scheduleTicks();
        });
  }

  private void scheduleClient(long until) {
    schedule(
        20 + random.nextInt(80),
        () -> {
          if (now >= until) {
            return;
          }
          for (SimNode n : nodes.values()) {
            if (n.up && n.quorum.isLeader()) {
              reconcile(n);
              MetadataImage pending = n.quorum.pendingImage();
              List<MetadataRecord> change;
              if (random.nextInt(4) == 0) {
                int rf = 1 + random.nextInt(size);
                ClusterController.Decision d =
                    controller.decide(
                        pending,
                        new ControllerRequest.CreateTopics(
                            List.of(
                                new ControllerRequest.NewTopic(
                                    "t" + topicsCreated++,
                                    1 + random.nextInt(4),
                                    (short) rf,
                                    List.of(),
                                    java.util.Map.of())),
                            false,
                            false));
                change = d.records();
              } else {
                change = List.of(new MetadataRecord.ProducerIds(n.id, pending.nextProducerId(), 1));
              }
              if (change.isEmpty()) {
                break; // refused (e.g. more replicas than live nodes): nothing to propose
              }
              try {
                long v = n.quorum.propose(change, now);
                proposals++;
                watchAck(n, v);
              } catch (MetadataQuorum.NotLeaderException e) {
                fail("a leader refused a proposal: " + e.getMessage());
              }
              break;
            }
          }
          scheduleClient(until);
        });
  }

  /** What the controller of a node's quorum does on a membership change: register and fence. */
  private void reconcile(SimNode n) {
    if (!n.up || !n.quorum.isLeader()) {
      return;
    }
    java.util.Map<Integer, LiveNode> live = new java.util.LinkedHashMap<>();
    for (int id : n.view) {
      SimNode m = nodes.get(id);
      live.put(id, new LiveNode(id, m.incarnation, 9090 + id, 8080 + id));
    }
    List<MetadataRecord> records = controller.reconcile(n.quorum.pendingImage(), live);
    if (!records.isEmpty()) {
      try {
        n.quorum.propose(records, now);
      } catch (MetadataQuorum.NotLeaderException e) {
        fail("a leader refused its own reconciliation");
      }
    }
  }

  /** Leader and partition epochs only grow; leaders are live registered nodes (or none). */
  private void checkEpochsGrow(int node, MetadataImage before, MetadataImage after) {
    for (TopicImage t : after.topics().values()) {
      TopicImage b = before.topic(t.name()).filter(x -> x.id().equals(t.id())).orElse(null);
      for (int i = 0; i < t.partitionCount(); i++) {
        PartitionState p = t.partitions().get(i);
        if (p.hasLeader() && !after.isAlive(p.leader())) {
          fail(
              "node "
                  + node
                  + " image "
                  + after.version()
                  + ": "
                  + t.name()
                  + "-"
                  + i
                  + " led by dead node "
                  + p.leader());
        }
        if (b != null && i < b.partitionCount()) {
          PartitionState q = b.partitions().get(i);
          if (p.leaderEpoch() < q.leaderEpoch() || p.partitionEpoch() < q.partitionEpoch()) {
            fail(
                "node "
                    + node
                    + ": "
                    + t.name()
                    + "-"
                    + i
                    + " epochs went back from "
                    + q
                    + " to "
                    + p);
          }
        }
      }
    }
  }

  /** Acknowledges proposal {@code v} once its proposer sees it committed in its own epoch. */
  private void watchAck(SimNode proposer, long v) {
    watchAck(proposer, v, proposer.quorum.epoch(), proposer.incarnation);
  }

  private void watchAck(SimNode proposer, long v, long epoch, long inc) {
    schedule(
        10,
        () -> {
          if (!proposer.up || proposer.incarnation != inc) {
            return; // the client never heard back: neither acknowledged nor refused
          }
          if (proposer.image.version() >= v) {
            LogEntry e = committedEntries.get(v);
            if (e != null && e.epoch() == epoch) {
              acknowledged.add(v);
            }
            return;
          }
          if (proposer.quorum.epoch() == epoch && proposer.quorum.isLeader()) {
            watchAck(proposer, v, epoch, inc);
          }
        });
  }

  private void scheduleFaults(long until) {
    schedule(
        200 + random.nextInt(1500),
        () -> {
          if (now >= until) {
            return;
          }
          int kind = random.nextInt(10);
          List<Integer> ids = new ArrayList<>(new TreeSet<>(nodes.keySet()));
          SimNode n = nodes.get(ids.get(random.nextInt(ids.size())));
          if (kind < 3) {
            if (n.up && nodes.values().stream().filter(x -> x.up).count() > 1) {
              n.crash();
              trace("node " + n.id + " crashes");
              topologyChanged(true);
            }
          } else if (kind < 6) {
            if (!n.up) {
              n.start();
              trace("node " + n.id + " restarts");
              topologyChanged(false);
            }
          } else if (kind < 8) {
            Set<Integer> side = new HashSet<>();
            for (int id : ids) {
              if (random.nextBoolean()) {
                side.add(id);
              }
            }
            if (sideA == null) {
              registerEpochB = registerEpoch;
            }
            sideA = side;
            trace("network splits: " + side + " | rest");
            topologyChanged(false);
          } else {
            if (sideA != null) {
              sideA = null;
              // the merge keeps one side's copy of the register, not necessarily the higher
              if (random.nextBoolean()) {
                registerEpoch = registerEpochB;
              }
              // Hazelcast merges the smaller side into the larger: its members join anew
              trace("network heals");
              topologyChanged(false);
            }
          }
          scheduleFaults(until);
        });
  }

  private void converged() {
    List<SimNode> all = new ArrayList<>(nodes.values());
    MetadataImage first = all.get(0).image;
    int leaders = 0;
    for (SimNode n : all) {
      if (!n.image.equals(first)) {
        fail("node " + n.id + " image " + n.image + " differs from " + first);
      }
      if (n.quorum.isLeader()) {
        leaders++;
      }
    }
    if (leaders != 1) {
      fail(leaders + " controllers after healing");
    }
    for (SimNode n : all) {
      if (!first.isAlive(n.id) || first.node(n.id).orElseThrow().incarnation() != n.incarnation) {
        fail("node " + n.id + " is not registered alive in its incarnation: " + first.nodes());
      }
    }
    for (long v : acknowledged) {
      if (!committedEntries.containsKey(v) || first.version() < v) {
        fail("acknowledged change " + v + " is lost");
      }
    }
    if (first.version() < 1) {
      fail("nothing committed");
    }
  }

  int proposals() {
    return proposals;
  }

  int acknowledgedCount() {
    return acknowledged.size();
  }

  long finalVersion() {
    return nodes.get(1).image.version();
  }

  long maxEpoch() {
    return leaderOfEpoch.keySet().stream().mapToLong(Long::longValue).max().orElse(0);
  }
}
