package dev.meridian.node.replication;

import dev.meridian.node.metadata.PartitionState;
import dev.meridian.node.storage.FetchIsolation;
import dev.meridian.node.storage.LogAppendInfo;
import dev.meridian.node.storage.LogConfig;
import dev.meridian.node.storage.LogReadResult;
import dev.meridian.node.storage.LogSlice;
import dev.meridian.node.storage.OpenTransaction;
import dev.meridian.node.storage.PartitionLog;
import dev.meridian.node.storage.TimestampOffset;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;

/**
 * One replica of a partition hosted by this node, and the only door to its log: appends, reads,
 * offsets and the leader-epoch checks all go through here. Its role and epochs come from the
 * region's metadata image ({@link ReplicaManager} applies them with {@link #update}); a replica
 * that is not the leader of the current epoch refuses what only a leader may do.
 *
 * <p><b>As leader</b> it tracks each follower's log end from its fetches ({@link
 * #onFollowerFetch}), moves the high watermark to the smallest log end in the ISR, answers an
 * acks=all append once the high watermark passes it ({@link #awaitReplication}), and asks the
 * controller to shrink the ISR when a follower falls behind for {@code replica.lag.time.max.ms} and
 * to expand it when a follower caught up ({@link #maybeChangeIsr}); the high watermark counts a
 * replica whose addition is pending too. <b>As follower</b> it appends the leader's batches at
 * their offsets ({@link #appendAsFollower}), takes the leader's high watermark, and truncates to
 * the divergence point before fetching from a new leader. The decisions are {@link ReplicaLogic}'s.
 *
 * <p>Fetchers waiting for data (long poll) register a listener; it runs when the log end or the
 * high watermark moves, on the thread that moved it, and must only hand off. Thread-safe: the role
 * is a volatile snapshot; appends are serialised by the log; the leader's bookkeeping is guarded by
 * this object.
 */
public final class Partition {
  /** What a replica is in the current image. */
  public enum Role {
    LEADER,
    FOLLOWER,
    /** the partition has no leader (every in-sync replica is down) */
    OFFLINE
  }

  /** A request for leader-only work on a replica that is not the leader (of that epoch). */
  public static final class NotLeaderException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final Errors error;

    NotLeaderException(Errors error, String message) {
      super(message);
      this.error = error;
    }

    /** NOT_LEADER_OR_FOLLOWER, FENCED_LEADER_EPOCH or UNKNOWN_LEADER_EPOCH. */
    public Errors error() {
      return error;
    }
  }

  /** Asks the controller for a new ISR; answers through {@link #isrChangeDone}. */
  interface IsrChanger {
    void request(Partition partition, PartitionState basedOn, List<Integer> newIsr);
  }

  /** The role and epochs of this replica, from one image. */
  private record View(Role role, int leader, int leaderEpoch, PartitionState state) {}

  private record Waiter(long offset, int minIsr, CompletableFuture<Errors> done) {}

  private final String topic;
  private final int index;
  private final Uuid topicId;
  private final PartitionLog log;
  private final int localNode;
  private final ScheduledExecutorService timers;
  private final IsrChanger isrChanger;
  private volatile View view;
  private volatile String mirrorLink;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

  // leader bookkeeping, guarded by this
  private final Map<Integer, ReplicaLogic.FollowerState> followers = new HashMap<>();
  private final TreeMap<Long, List<Waiter>> waiters = new TreeMap<>();
  private List<Integer> pendingIsr;
  private long nextIsrRequestMs;
  private long leaderEpochStart;

  /** How long a leader waits after a refused ISR change before it asks again. */
  private static final long ISR_RETRY_MS = 1000;

  Partition(
      String topic,
      int index,
      Uuid topicId,
      PartitionLog log,
      int localNode,
      ScheduledExecutorService timers,
      IsrChanger isrChanger) {
    this.topic = topic;
    this.index = index;
    this.topicId = topicId;
    this.log = log;
    this.localNode = localNode;
    this.timers = timers;
    this.isrChanger = isrChanger;
    this.view = new View(Role.OFFLINE, PartitionState.NO_LEADER, -1, null);
  }

  public String topic() {
    return topic;
  }

  public int index() {
    return index;
  }

  public Uuid topicId() {
    return topicId;
  }

  /** This replica's role in the newest image it was given. */
  public Role role() {
    return view.role();
  }

  public boolean isLeader() {
    return view.role() == Role.LEADER;
  }

  /** The leader's node id, or -1. */
  public int leaderId() {
    return view.leader();
  }

  /** The current leader epoch (-1 before the first image). */
  public int leaderEpoch() {
    return view.leaderEpoch();
  }

  /** The partition's state in the newest image, or {@code null} before the first. */
  public PartitionState state() {
    return view.state();
  }

  /** The in-sync replicas of the newest image (empty before the first). */
  public List<Integer> isr() {
    PartitionState s = view.state();
    return s == null ? List.of() : s.isr();
  }

  /**
   * Takes the role the image gives: leader when {@code active} (this process is a live node of the
   * image) and the image names this node leader, else follower or offline.
   *
   * @return whether this replica became the leader with this update (was not the leader of this
   *     epoch before)
   */
  boolean update(PartitionState state, boolean active) {
    return update(state, active, null);
  }

  /**
   * As {@link #update(PartitionState, boolean)}, for a partition of a mirror topic written by link
   * {@code link} ({@code null}: a topic clients write). A mirror partition's leader does not start
   * an epoch of its own in the log: its epoch cache follows the source epochs of the batches it
   * copies.
   */
  boolean update(PartitionState state, boolean active, String link) {
    mirrorLink = link;
    View before = view;
    Role role;
    if (active && state.leader() == localNode) {
      role = Role.LEADER;
    } else if (state.hasLeader()) {
      role = Role.FOLLOWER;
    } else {
      role = Role.OFFLINE;
    }
    boolean became =
        role == Role.LEADER
            && (before.role() != Role.LEADER || before.leaderEpoch() != state.leaderEpoch());
    List<Waiter> abandoned = List.of();
    synchronized (this) {
      view = new View(role, state.leader(), state.leaderEpoch(), state);
      pendingIsr = null;
      if (became) {
        long now = System.currentTimeMillis();
        followers.clear();
        for (int r : state.replicas()) {
          if (r != localNode) {
            followers.put(r, ReplicaLogic.FollowerState.fresh(now));
          }
        }
        if (link == null) {
          log.assignEpochAtLogEnd(state.leaderEpoch());
        }
        leaderEpochStart = log.logEndOffset();
      }
      if (role != Role.LEADER) {
        followers.clear();
        abandoned = drainWaiters();
      } else if (!became && before.state() != null) {
        // a replica the controller took out of the ISR (it fell behind, or its node left) must
        // fetch again before it can come back: what is known of it is stale
        for (int r : before.state().isr()) {
          if (r != localNode && !state.isr().contains(r)) {
            followers.put(r, ReplicaLogic.FollowerState.fresh(System.currentTimeMillis()));
          }
        }
      }
    }
    abandoned.forEach(w -> w.done().complete(Errors.NOT_LEADER_OR_FOLLOWER));
    if (role == Role.LEADER) {
      maybeAdvanceHighWatermark();
    }
    if (before.role() == Role.LEADER && role != Role.LEADER) {
      wake(); // parked fetches answer (NOT_LEADER) instead of waiting out their time
    }
    return became;
  }

  /**
   * Checks a request's view of the leader epoch ({@code -1}: the client does not know it).
   *
   * @throws NotLeaderException when this replica is not the leader, or the epochs differ
   */
  public void checkLeader(int currentLeaderEpoch) {
    View v = view;
    if (v.role() != Role.LEADER) {
      throw new NotLeaderException(
          Errors.NOT_LEADER_OR_FOLLOWER,
          "node " + localNode + " is not the leader of " + this + " (leader " + v.leader() + ")");
    }
    if (currentLeaderEpoch >= 0 && currentLeaderEpoch != v.leaderEpoch()) {
      throw new NotLeaderException(
          currentLeaderEpoch > v.leaderEpoch()
              ? Errors.UNKNOWN_LEADER_EPOCH
              : Errors.FENCED_LEADER_EPOCH,
          this + ": leader epoch " + currentLeaderEpoch + " vs " + v.leaderEpoch());
    }
  }

  /** The error of {@link #checkLeader}, or NONE. */
  public Errors leaderError(int currentLeaderEpoch) {
    try {
      checkLeader(currentLeaderEpoch);
      return Errors.NONE;
    } catch (NotLeaderException e) {
      return e.error();
    }
  }

  // ---- leader ----------------------------------------------------------------------------------

  /**
   * Appends as leader (blocking: call from a worker), stamping the current leader epoch and, for
   * {@code logAppendTimeMs >= 0}, the broker's time. With the leader alone in the ISR the high
   * watermark moves at once; otherwise when the followers have fetched it.
   *
   * @throws NotLeaderException when this replica is not the leader
   */
  public LogAppendInfo appendAsLeader(ByteBuffer records, long logAppendTimeMs) {
    View v = view;
    checkLeader(-1);
    LogAppendInfo info = log.appendAsLeader(records, v.leaderEpoch(), logAppendTimeMs);
    if (info.status() == LogAppendInfo.Status.APPENDED) {
      maybeAdvanceHighWatermark();
      wake();
    }
    return info;
  }

  /**
   * Appends as leader in {@code leaderEpoch} only (blocking), like {@link #appendAsLeader}: an
   * active-active link's copier that started under an earlier leadership is fenced.
   *
   * @throws NotLeaderException when this replica is not the leader in {@code leaderEpoch}
   */
  public LogAppendInfo appendAsLeaderInEpoch(
      ByteBuffer records, int leaderEpoch, long logAppendTimeMs) {
    LogAppendInfo info;
    synchronized (this) { // no leadership change between the check and the append
      checkLeader(leaderEpoch);
      info = log.appendAsLeader(records, leaderEpoch, logAppendTimeMs);
    }
    if (info.status() == LogAppendInfo.Status.APPENDED) {
      maybeAdvanceHighWatermark();
      wake();
    }
    return info;
  }

  /** The link that writes this partition of a mirror topic, or {@code null}. */
  public String mirrorLink() {
    return mirrorLink;
  }

  /**
   * Appends batches copied from a mirror topic's source at their source offsets, keeping their
   * source leader epochs (blocking). Only the leader in {@code leaderEpoch} may: a runner that
   * started under an earlier leadership is fenced.
   *
   * @throws NotLeaderException when this replica is not the leader in {@code leaderEpoch}
   * @throws dev.meridian.node.storage.OffsetMismatchException when a batch overlaps the log
   */
  public LogAppendInfo appendMirrored(ByteBuffer records, int leaderEpoch) {
    LogAppendInfo info;
    synchronized (this) { // no leadership change between the check and the append
      checkLeader(leaderEpoch);
      info = log.appendAtOffsets(records);
    }
    maybeAdvanceHighWatermark();
    wake();
    return info;
  }

  /**
   * Truncates a mirror partition's log to {@code offset} as its leader in {@code leaderEpoch} (the
   * source truncated: an unclean election there); followers find the divergence by epoch.
   */
  public long truncateMirrored(long offset, int leaderEpoch) {
    synchronized (this) {
      checkLeader(leaderEpoch);
      long end = log.truncateTo(offset);
      if (log.highWatermark() > end) {
        log.updateHighWatermark(end);
      }
      // what this leader had when its epoch began is gone: its high watermark is established at
      // the truncated end (else ListOffsets would wait for the log to grow back past the old end)
      leaderEpochStart = Math.min(leaderEpochStart, end);
      return end;
    }
  }

  /**
   * Restarts a mirror partition's log empty at {@code offset}, as its leader in {@code
   * leaderEpoch}: the source's log start passed the mirror's end (retention).
   */
  public void restartMirroredAt(long offset, int leaderEpoch) {
    synchronized (this) {
      checkLeader(leaderEpoch);
      log.truncateFullyAndStartAt(offset);
    }
    wake();
  }

  /**
   * Completes once the high watermark reaches {@code offset} (an acks=all append is then on every
   * in-sync replica): NONE, or NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR shrank below {@code
   * minIsr} meanwhile, NOT_LEADER_OR_FOLLOWER when this replica stopped leading, REQUEST_TIMED_OUT
   * after {@code timeoutMs}. Never blocks.
   */
  public CompletableFuture<Errors> awaitReplication(long offset, int minIsr, long timeoutMs) {
    CompletableFuture<Errors> done = new CompletableFuture<>();
    Waiter w = new Waiter(offset, minIsr, done);
    synchronized (this) {
      if (view.role() != Role.LEADER) {
        done.complete(Errors.NOT_LEADER_OR_FOLLOWER);
        return done;
      }
      if (log.highWatermark() >= offset) {
        done.complete(isrSize() < minIsr ? Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND : Errors.NONE);
        return done;
      }
      waiters.computeIfAbsent(offset, o -> new ArrayList<>()).add(w);
    }
    timers.schedule(
        () -> {
          synchronized (this) {
            List<Waiter> at = waiters.get(offset);
            if (at != null && at.remove(w) && at.isEmpty()) {
              waiters.remove(offset);
            }
          }
          done.complete(Errors.REQUEST_TIMED_OUT);
        },
        Math.max(1, timeoutMs),
        TimeUnit.MILLISECONDS);
    return done;
  }

  private int isrSize() {
    return isr().size();
  }

  /**
   * A follower fetched from {@code fetchOffset}: its log end is there. Moves the high watermark
   * and, when the follower caught up from outside the ISR, asks for it to be added.
   */
  public void onFollowerFetch(int replicaId, long fetchOffset, long nowMs) {
    synchronized (this) {
      PartitionState s = view.state();
      if (view.role() != Role.LEADER || s == null || !s.replicas().contains(replicaId)) {
        return;
      }
      followers.put(
          replicaId,
          ReplicaLogic.onFetch(followers.get(replicaId), fetchOffset, log.logEndOffset(), nowMs));
    }
    maybeAdvanceHighWatermark();
    maybeChangeIsr(nowMs, Long.MAX_VALUE);
  }

  /**
   * Asks the controller for the ISR {@link ReplicaLogic#desiredIsr} gives, when it differs from the
   * image's and no change is pending: expansions whenever a follower caught up, shrinks of
   * followers not caught up within {@code lagMaxMs}.
   */
  void maybeChangeIsr(long nowMs, long lagMaxMs) {
    PartitionState basedOn;
    List<Integer> wanted;
    synchronized (this) {
      basedOn = view.state();
      if (view.role() != Role.LEADER
          || basedOn == null
          || pendingIsr != null
          || nowMs < nextIsrRequestMs) {
        return;
      }
      wanted =
          ReplicaLogic.desiredIsr(
              localNode,
              basedOn.replicas(),
              basedOn.isr(),
              followers,
              log.highWatermark(),
              leaderEpochStart,
              nowMs,
              lagMaxMs);
      if (new LinkedHashSet<>(wanted).equals(new LinkedHashSet<>(basedOn.isr()))) {
        return;
      }
      pendingIsr = wanted;
    }
    isrChanger.request(this, basedOn, wanted);
  }

  /** The controller answered an ISR change: a refused or lost one may be asked again. */
  void isrChangeDone(boolean committed) {
    if (!committed) {
      synchronized (this) {
        pendingIsr = null;
        nextIsrRequestMs = System.currentTimeMillis() + ISR_RETRY_MS;
      }
    }
  }

  private void maybeAdvanceHighWatermark() {
    List<Waiter> ready = new ArrayList<>();
    boolean moved;
    synchronized (this) {
      PartitionState s = view.state();
      if (view.role() != Role.LEADER || s == null) {
        return;
      }
      Set<Integer> counted = new LinkedHashSet<>(s.isr());
      if (pendingIsr != null) {
        counted.addAll(pendingIsr); // an addition under way counts before it is committed
      }
      counted.remove(localNode);
      long before = log.highWatermark();
      long hw =
          ReplicaLogic.highWatermark(before, log.logEndOffset(), List.copyOf(counted), followers);
      moved = hw > before;
      if (moved) {
        log.updateHighWatermark(hw);
        while (!waiters.isEmpty() && waiters.firstKey() <= hw) {
          ready.addAll(waiters.pollFirstEntry().getValue());
        }
      }
    }
    int isr = isrSize();
    ready.forEach(
        w ->
            w.done()
                .complete(
                    isr < w.minIsr() ? Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND : Errors.NONE));
    if (moved) {
      wake();
    }
  }

  private List<Waiter> drainWaiters() {
    List<Waiter> all = new ArrayList<>();
    waiters.values().forEach(all::addAll);
    waiters.clear();
    return all;
  }

  // ---- follower --------------------------------------------------------------------------------

  /**
   * Appends the leader's batches at their offsets, as a follower (blocking); the producer state and
   * the leader-epoch cache follow them.
   */
  public LogAppendInfo appendAsFollower(ByteBuffer records) {
    LogAppendInfo info = log.appendAtOffsets(records);
    wake();
    return info;
  }

  /** Takes the leader's high watermark, as far as this log reaches. */
  public void followerHighWatermark(long leaderHighWatermark) {
    synchronized (this) { // not after this replica became the leader: its own rules then
      if (view.role() != Role.LEADER) {
        log.updateHighWatermark(Math.min(leaderHighWatermark, log.logEndOffset()));
      }
    }
  }

  /** Truncates the log to {@code offset} (the divergence point with the leader); blocking. */
  public long truncateTo(long offset) {
    if (view.role() == Role.LEADER) {
      return log.logEndOffset(); // a late answer of the leader it followed: a leader keeps its log
    }
    long end = log.truncateTo(offset);
    if (log.highWatermark() > end) {
      log.updateHighWatermark(end);
    }
    return end;
  }

  /** Restarts the log empty at {@code offset} (the leader no longer has anything below it). */
  public void truncateFullyAndStartAt(long offset) {
    log.truncateFullyAndStartAt(offset);
  }

  /** The transactions begun in this replica's log that no marker ended yet. */
  public List<OpenTransaction> openTransactions() {
    return log.openTransactions();
  }

  /** The latest leader epoch in this replica's log, or -1. */
  public int latestEpoch() {
    return log.latestEpoch();
  }

  /**
   * The end offset of {@code epoch} in this replica's log (KIP-101): {epoch found, end offset},
   * {-1, -1} when unknown. The leader answers OffsetForLeaderEpoch with it.
   */
  public long[] endOffsetForEpoch(int epoch) {
    return log.endOffsetForEpoch(epoch);
  }

  // ---- reads and offsets -----------------------------------------------------------------------

  /**
   * Reads whole batches from {@code offset} for a Fetch, as leader of {@code leaderEpoch}:
   * consumers up to the high watermark, followers ({@link FetchIsolation#LOG_END}) to the end.
   */
  public LogSlice readSlice(
      long offset, int maxBytes, FetchIsolation isolation, boolean minOneBatch, int leaderEpoch) {
    checkLeader(leaderEpoch);
    return log.readSlice(offset, maxBytes, isolation, minOneBatch);
  }

  /** Reads records into memory from {@code offset} (internal topics), as leader. */
  public LogReadResult read(long offset, int maxBytes, FetchIsolation isolation) {
    checkLeader(-1);
    return log.read(offset, maxBytes, isolation, true);
  }

  /**
   * Whether this leader's high watermark reached the log end it had when its epoch began (before,
   * it may be behind the previous leader's: followers' fetches have not told it yet). Kafka answers
   * consumers' ListOffsets with OFFSET_NOT_AVAILABLE meanwhile.
   */
  public boolean highWatermarkEstablished() {
    synchronized (this) {
      return view.role() == Role.LEADER && log.highWatermark() >= leaderEpochStart;
    }
  }

  public long highWatermark() {
    return log.highWatermark();
  }

  public long logStartOffset() {
    return log.logStartOffset();
  }

  /** The bytes of the partition's log segments on disk. */
  public long sizeBytes() {
    return log.size();
  }

  public long logEndOffset() {
    return log.logEndOffset();
  }

  /** The first record at or after {@code timestamp}. */
  public Optional<TimestampOffset> offsetForTimestamp(long timestamp) {
    return log.offsetForTimestamp(timestamp);
  }

  /** The record with the largest timestamp. */
  public Optional<TimestampOffset> maxTimestamp() {
    return log.maxTimestamp();
  }

  /**
   * Moves the log start to {@code offset} (DeleteRecords), as leader; blocking. Followers follow
   * the leader's log start when they fetch.
   *
   * @return the new log start offset
   */
  public long deleteRecordsBefore(long offset) {
    checkLeader(-1);
    log.maybeIncrementLogStartOffset(offset);
    return log.logStartOffset();
  }

  /** As a follower: moves the log start to the leader's (never back). */
  public void followerLogStart(long leaderLogStart) {
    if (leaderLogStart > log.logStartOffset() && leaderLogStart <= log.logEndOffset()) {
      log.maybeIncrementLogStartOffset(leaderLogStart);
    }
  }

  /** The log's current settings. */
  public LogConfig logConfig() {
    return log.config();
  }

  /** Applies new log settings. */
  void updateConfig(LogConfig config) {
    log.updateConfig(config);
  }

  PartitionLog log() {
    return log;
  }

  private void wake() {
    for (Runnable r : listeners) {
      r.run();
    }
  }

  /** Registers a listener run when the log end or the high watermark moves. */
  public void addAppendListener(Runnable listener) {
    listeners.add(listener);
  }

  public void removeAppendListener(Runnable listener) {
    listeners.remove(listener);
  }

  @Override
  public String toString() {
    return topic + "-" + index;
  }
}
