package dev.meridian.node.replication;

import dev.meridian.node.metadata.PartitionState;
import dev.meridian.node.storage.FetchIsolation;
import dev.meridian.node.storage.LogAppendInfo;
import dev.meridian.node.storage.LogConfig;
import dev.meridian.node.storage.LogReadResult;
import dev.meridian.node.storage.LogSlice;
import dev.meridian.node.storage.PartitionLog;
import dev.meridian.node.storage.TimestampOffset;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;

/**
 * One replica of a partition hosted by this node, and the only door to its log: appends, reads,
 * offsets and the leader-epoch checks all go through here. Its role and epochs come from the
 * region's metadata image ({@link ReplicaManager} applies them with {@link #update}); a replica
 * that is not the leader of the current epoch refuses what only a leader may do.
 *
 * <p>Today only the leader has data: followers do not fetch yet (replication is a later step), so
 * the ISR is the leader alone and the high watermark follows the log end. Fetchers waiting for data
 * (long poll) register an append listener; it runs on the appending thread and must only hand off.
 * Thread-safe: the role is a volatile snapshot; appends are serialised by the log.
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

  /** The role and epochs of this replica, from one image. */
  private record View(Role role, int leader, int leaderEpoch, PartitionState state) {}

  private final String topic;
  private final int index;
  private final Uuid topicId;
  private final PartitionLog log;
  private final int localNode;
  private volatile View view;
  private final List<Runnable> appendListeners = new CopyOnWriteArrayList<>();

  Partition(String topic, int index, Uuid topicId, PartitionLog log, int localNode) {
    this.topic = topic;
    this.index = index;
    this.topicId = topicId;
    this.log = log;
    this.localNode = localNode;
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

  /**
   * Takes the role the image gives: leader when {@code active} (this process is a live node of the
   * image) and the image names this node leader, else follower or offline.
   *
   * @return whether this replica became the leader with this update (was not the leader of this
   *     epoch before)
   */
  boolean update(PartitionState state, boolean active) {
    View before = view;
    Role role;
    if (active && state.leader() == localNode) {
      role = Role.LEADER;
    } else if (state.hasLeader()) {
      role = Role.FOLLOWER;
    } else {
      role = Role.OFFLINE;
    }
    view = new View(role, state.leader(), state.leaderEpoch(), state);
    if (role == Role.LEADER) {
      // one replica in sync: everything in the log is committed
      log.updateHighWatermark(log.logEndOffset());
    }
    boolean became =
        role == Role.LEADER
            && (before.role() != Role.LEADER || before.leaderEpoch() != state.leaderEpoch());
    if (before.role() == Role.LEADER && role != Role.LEADER) {
      wakeWaiters(); // parked fetches answer (NOT_LEADER) instead of waiting out their time
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

  /**
   * Appends as leader (blocking: call from a worker), stamping the current leader epoch and, for
   * {@code logAppendTimeMs >= 0}, the broker's time; advances the high watermark and wakes waiting
   * fetchers.
   *
   * @throws NotLeaderException when this replica is not the leader
   */
  public LogAppendInfo appendAsLeader(ByteBuffer records, long logAppendTimeMs) {
    View v = view;
    checkLeader(-1);
    LogAppendInfo info = log.appendAsLeader(records, v.leaderEpoch(), logAppendTimeMs);
    if (info.status() == LogAppendInfo.Status.APPENDED) {
      log.updateHighWatermark(log.logEndOffset());
      wakeWaiters();
    }
    return info;
  }

  /**
   * Reads whole batches from {@code offset} for a Fetch, as leader of {@code currentLeaderEpoch}.
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

  public long highWatermark() {
    return log.highWatermark();
  }

  public long logStartOffset() {
    return log.logStartOffset();
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
   * Moves the log start to {@code offset} (DeleteRecords), as leader; blocking.
   *
   * @return the new log start offset
   */
  public long deleteRecordsBefore(long offset) {
    checkLeader(-1);
    log.maybeIncrementLogStartOffset(offset);
    return log.logStartOffset();
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

  private void wakeWaiters() {
    for (Runnable r : appendListeners) {
      r.run();
    }
  }

  public void addAppendListener(Runnable listener) {
    appendListeners.add(listener);
  }

  public void removeAppendListener(Runnable listener) {
    appendListeners.remove(listener);
  }

  @Override
  public String toString() {
    return topic + "-" + index;
  }
}
