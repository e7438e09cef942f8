package dev.meridian.node.replication;

import dev.meridian.node.metadata.DynamicNodeConfigs;
import dev.meridian.node.metadata.MetadataImage;
import dev.meridian.node.metadata.MetadataPublisher;
import dev.meridian.node.metadata.PartitionState;
import dev.meridian.node.metadata.TopicConfigs;
import dev.meridian.node.metadata.TopicImage;
import dev.meridian.node.storage.LogManager;
import dev.meridian.node.storage.PartitionLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replicas this node hosts, kept in step with the region's metadata image: for every partition
 * whose replicas name this node it opens the log and gives the {@link Partition} its role (leader
 * when the image says so and this process is a live node of it); it closes and deletes the logs of
 * partitions that are gone (topic deleted, or this node no longer a replica).
 *
 * <p>Each partition directory holds {@code partition.metadata} ({@code topic_id: <uuid>}, as in
 * Kafka), so a topic deleted and created again under the same name while this node was down never
 * mixes with the old data. Once the node is live in the image, logs on disk that no partition of
 * the image claims are deleted (logged at WARN).
 *
 * <p>{@link #publish} runs on the metadata publisher thread and blocks (opens and deletes logs).
 * Lookups are lock-free. Thread-safe.
 */
public final class ReplicaManager implements MetadataPublisher {
  /** Hears when this node starts or stops leading a partition. Called on the publisher thread. */
  public interface LeadershipListener {
    void becameLeader(Partition partition);

    void stoppedLeading(Partition partition);
  }

  static final String PARTITION_METADATA = "partition.metadata";
  private static final Logger LOG = LoggerFactory.getLogger(ReplicaManager.class);

  /**
   * Asks the controller to change a partition's ISR; completes with null when it was committed,
   * else with the reason it was not.
   */
  public interface IsrSubmitter {
    CompletableFuture<String> alterIsr(
        Uuid topicId, int partition, PartitionState basedOn, List<Integer> newIsr);
  }

  private final int nodeId;
  private final LogManager logs;
  private final TopicConfigs configs;
  private final Predicate<MetadataImage> active;
  private final Supplier<MetadataImage> image;
  private final IsrSubmitter isr;
  private final long replicaLagTimeMaxMs;
  private final ScheduledExecutorService timers;
  private final Map<Integer, ReplicaFetcher> fetchers = new ConcurrentHashMap<>();
  private final Map<String, Partition> partitions = new ConcurrentHashMap<>();
  private final List<LeadershipListener> listeners = new CopyOnWriteArrayList<>();
  private boolean straysChecked;
  private final long defaultFollowerRate;
  private final ReplicationQuota followerQuota;
  private final ReplicationQuota leaderQuota;

  /**
   * @param active whether an image holds this process as a live node (only then it leads)
   * @param image the node's current image (followers find their leaders' endpoints there)
   * @param isr how a leader asks the controller for a new ISR
   * @param replicaLagTimeMaxMs how long an in-sync follower may stay behind before it leaves the
   *     ISR (Kafka's replica.lag.time.max.ms)
   * @param reassignmentThrottleBytesPerSecond the most bytes a second this node copies for the
   *     replicas reassignments add to it, 0 for no limit
   */
  public ReplicaManager(
      int nodeId,
      LogManager logs,
      TopicConfigs configs,
      Predicate<MetadataImage> active,
      Supplier<MetadataImage> image,
      IsrSubmitter isr,
      long replicaLagTimeMaxMs,
      long reassignmentThrottleBytesPerSecond) {
    this.nodeId = nodeId;
    this.logs = logs;
    this.configs = configs;
    this.active = active;
    this.image = image;
    this.isr = isr;
    this.replicaLagTimeMaxMs = replicaLagTimeMaxMs;
    this.defaultFollowerRate = reassignmentThrottleBytesPerSecond;
    this.followerQuota = new ReplicationQuota(reassignmentThrottleBytesPerSecond, System::nanoTime);
    this.leaderQuota = new ReplicationQuota(0, System::nanoTime);
    ScheduledThreadPoolExecutor t =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread th = new Thread(r, "meridian-replication-timers-" + nodeId);
              th.setDaemon(true);
              return th;
            });
    t.setRemoveOnCancelPolicy(true);
    this.timers = t;
    long every = Math.max(100, Math.min(replicaLagTimeMaxMs / 2, 5000));
    timers.scheduleWithFixedDelay(this::checkIsr, every, every, TimeUnit.MILLISECONDS);
  }

  /** Shrinks the ISR of the partitions this node leads where followers fell behind. */
  private void checkIsr() {
    long now = System.currentTimeMillis();
    for (Partition p : partitions.values()) {
      if (p.isLeader()) {
        try {
          p.maybeChangeIsr(now, replicaLagTimeMaxMs);
        } catch (RuntimeException e) {
          LOG.warn("{}: ISR check failed", p, e);
        }
      }
    }
  }

  private void requestIsr(Partition p, PartitionState basedOn, List<Integer> newIsr) {
    LOG.info(
        "{}: asking the controller to change the ISR from {} to {} (partition epoch {})",
        p,
        basedOn.isr(),
        newIsr,
        basedOn.partitionEpoch());
    isr.alterIsr(p.topicId(), p.index(), basedOn, newIsr)
        .whenComplete(
            (refused, e) -> {
              if (e != null || refused != null) {
                LOG.warn(
                    "{}: ISR change to {} not made: {}",
                    p,
                    newIsr,
                    e != null ? e.toString() : refused);
              }
              p.isrChangeDone(e == null && refused == null);
            });
  }

  /** Stops the fetchers and timers (before the logs close). */
  public void close() {
    timers.shutdownNow();
    fetchers.values().forEach(ReplicaFetcher::shutdown);
    for (ReplicaFetcher f : fetchers.values()) {
      try {
        f.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    fetchers.clear();
  }

  private static String key(String topic, int index) {
    return topic + "-" + index;
  }

  public void addLeadershipListener(LeadershipListener listener) {
    listeners.add(listener);
  }

  /** The hosted replica of a partition. */
  public Optional<Partition> partition(String topic, int index) {
    return Optional.ofNullable(partitions.get(key(topic, index)));
  }

  /** Every hosted replica. */
  public Collection<Partition> partitions() {
    return List.copyOf(partitions.values());
  }

  /** The number of hosted replicas. */
  public int partitionCount() {
    return partitions.size();
  }

  @Override
  public void publish(MetadataImage previous, MetadataImage next) {
    boolean isActive = active.test(next);
    Map<String, String> dynamic = next.nodeConfigs(nodeId);
    followerQuota.setRate(
        DynamicNodeConfigs.rate(dynamic, DynamicNodeConfigs.FOLLOWER_RATE)
            .orElse(defaultFollowerRate));
    leaderQuota.setRate(DynamicNodeConfigs.rate(dynamic, DynamicNodeConfigs.LEADER_RATE).orElse(0));
    for (Partition p : partitions()) {
      TopicImage t = next.topic(p.topic()).orElse(null);
      boolean kept =
          t != null
              && t.id().equals(p.topicId())
              && p.index() < t.partitionCount()
              && t.partitions().get(p.index()).replicas().contains(nodeId);
      if (!kept) {
        remove(p, t == null ? "its topic was deleted" : "this node is no longer a replica");
      }
    }
    for (TopicImage t : next.topics().values()) {
      TopicImage before = previous.topic(t.name()).orElse(null);
      boolean configChanged = before == null || !before.configs().equals(t.configs());
      for (int i = 0; i < t.partitionCount(); i++) {
        PartitionState state = t.partitions().get(i);
        if (!state.replicas().contains(nodeId)) {
          continue;
        }
        try {
          Partition p = partitions.get(key(t.name(), i));
          if (p == null) {
            p = open(t, i);
          } else if (configChanged) {
            p.updateConfig(configs.logConfig(t.configs()));
          }
          boolean wasLeader = p.isLeader();
          boolean became = p.update(state, isActive, t.mirrorLink());
          follow(p, state, t.configs());
          if (became) {
            LOG.info("{}: leader in epoch {}", p, state.leaderEpoch());
            for (LeadershipListener l : listeners) {
              l.becameLeader(p);
            }
          } else if (wasLeader && !p.isLeader()) {
            LOG.info(
                "{}: no longer leader (leader {}, epoch {})",
                p,
                state.leader(),
                state.leaderEpoch());
            for (LeadershipListener l : listeners) {
              l.stoppedLeading(p);
            }
          }
        } catch (RuntimeException e) {
          LOG.error("{}-{}: cannot host this replica", t.name(), i, e);
        }
      }
    }
    stopIdleFetchers();
    if (isActive && !straysChecked) {
      straysChecked = true;
      setAsideStrays();
    }
  }

  /** Fetches {@code p} from its leader when this node follows it; stops fetching it otherwise. */
  private void follow(Partition p, PartitionState state, Map<String, String> topicConfigs) {
    int leader = p.role() == Partition.Role.FOLLOWER ? state.leader() : PartitionState.NO_LEADER;
    for (Map.Entry<Integer, ReplicaFetcher> f : fetchers.entrySet()) {
      if (f.getKey() != leader) {
        f.getValue().remove(p);
      }
    }
    if (leader != PartitionState.NO_LEADER && leader != nodeId) {
      fetchers
          .computeIfAbsent(
              leader,
              l -> {
                ReplicaFetcher f =
                    new ReplicaFetcher(nodeId, l, id -> image.get().node(id), followerQuota);
                f.start();
                return f;
              })
          .add(p, state.leaderEpoch(), followerThrottled(p, state, topicConfigs));
    }
  }

  /**
   * Whether this node, out of the ISR of {@code p}, fetches it under the follower throttle: a
   * replica a reassignment adds to it, or one its topic lists in {@code
   * follower.replication.throttled.replicas} (Kafka throttles only replicas out of sync).
   */
  private boolean followerThrottled(
      Partition p, PartitionState state, Map<String, String> topicConfigs) {
    return !state.isr().contains(nodeId)
        && (state.adding().contains(nodeId)
            || configs.throttled(topicConfigs, false, p.index(), nodeId));
  }

  /**
   * Whether this node, leading {@code p}, throttles what it serves follower {@code replicaId}: the
   * follower is out of the ISR and the topic lists this node's replica in {@code
   * leader.replication.throttled.replicas} while the node has a {@code
   * leader.replication.throttled.rate}.
   */
  public boolean leaderThrottled(Partition p, int replicaId) {
    if (!leaderQuota.enabled() || p.isr().contains(replicaId)) {
      return false;
    }
    return image
        .get()
        .topic(p.topic())
        .map(t -> configs.throttled(t.configs(), true, p.index(), nodeId))
        .orElse(false);
  }

  /** The directory that holds this node's partition logs. */
  public java.nio.file.Path logDir() {
    return logs.dataDir();
  }

  /** What this node serves throttled followers as a leader ({@link #leaderThrottled}). */
  public ReplicationQuota leaderQuota() {
    return leaderQuota;
  }

  /** What this node fetches for throttled replicas as a follower. */
  public ReplicationQuota followerQuota() {
    return followerQuota;
  }

  private void stopIdleFetchers() {
    for (Map.Entry<Integer, ReplicaFetcher> f : Map.copyOf(fetchers).entrySet()) {
      if (f.getValue().isEmpty()) {
        fetchers.remove(f.getKey());
        f.getValue().shutdown();
      }
    }
  }

  private Partition open(TopicImage t, int index) {
    PartitionLog log = logs.getOrCreate(t.name(), index, configs.logConfig(t.configs()));
    Uuid onDisk = readTopicId(log.dir());
    if (onDisk != null && !onDisk.equals(t.id())) {
      LOG.warn(
          "{}-{}: the log on disk belongs to an older topic of that name (id {}, now {});"
              + " deleting it",
          t.name(),
          index,
          onDisk,
          t.id());
      try {
        logs.delete(t.name(), index);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      log = logs.getOrCreate(t.name(), index, configs.logConfig(t.configs()));
      onDisk = null;
    }
    log.updateConfig(configs.logConfig(t.configs()));
    if (onDisk == null) {
      writeTopicId(log.dir(), t.id());
    }
    Partition p = new Partition(t.name(), index, t.id(), log, nodeId, timers, this::requestIsr);
    partitions.put(key(t.name(), index), p);
    return p;
  }

  private void remove(Partition p, String why) {
    partitions.remove(key(p.topic(), p.index()));
    fetchers.values().forEach(f -> f.remove(p));
    if (p.isLeader()) {
      for (LeadershipListener l : listeners) {
        l.stoppedLeading(p);
      }
    }
    try {
      logs.delete(p.topic(), p.index());
      LOG.info("{}: replica deleted: {}", p, why);
    } catch (IOException | RuntimeException e) {
      LOG.error("{}: cannot delete the replica ({})", p, why, e);
    }
  }

  /** Sets aside the logs on disk that no hosted partition claims (left from before a restart). */
  private void setAsideStrays() {
    for (PartitionLog log : logs.all()) {
      if (!partitions.containsKey(key(log.topic(), log.partition()))) {
        try {
          Path aside = logs.setAside(log.topic(), log.partition());
          LOG.warn(
              "{}: no partition of the region's metadata claims this log; set aside as {}",
              log,
              aside);
        } catch (IOException | RuntimeException e) {
          LOG.error("{}: cannot set a stray log aside", log, e);
        }
      }
    }
  }

  static Uuid readTopicId(Path dir) {
    Path file = dir.resolve(PARTITION_METADATA);
    if (!Files.exists(file)) {
      return null;
    }
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (line.startsWith("topic_id:")) {
          return Uuid.fromString(line.substring("topic_id:".length()).trim());
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("{}: unreadable; treating the log as of unknown topic", file, e);
    }
    return null;
  }

  private static void writeTopicId(Path dir, Uuid id) {
    try {
      Path tmp = dir.resolve(PARTITION_METADATA + ".tmp");
      Files.writeString(tmp, "version: 0\ntopic_id: " + id + "\n", StandardCharsets.UTF_8);
      Files.move(
          tmp,
          dir.resolve(PARTITION_METADATA),
          java.nio.file.StandardCopyOption.ATOMIC_MOVE,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(dir + ": cannot write " + PARTITION_METADATA, e);
    }
  }
}
