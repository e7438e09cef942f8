package dev.meridian.node.replication;

import dev.meridian.node.storage.LogAppendInfo;
import dev.meridian.node.storage.PartitionLog;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A partition this node leads: its log, leader epoch and in-sync replicas. With one replica (today)
 * the ISR is this node alone and the high watermark follows the log end at once; the replication
 * issue extends {@link #appendAsLeader} so acks=all waits for followers.
 *
 * <p>Fetchers waiting for data (long poll) register an append listener; it runs on the appending
 * thread and must only hand off.
 */
public final class Partition {
  private final String topic;
  private final int index;
  private final PartitionLog log;
  private volatile int leaderEpoch;
  private final List<Runnable> appendListeners = new CopyOnWriteArrayList<>();

  public Partition(String topic, int index, PartitionLog log, int leaderEpoch) {
    this.topic = topic;
    this.index = index;
    this.log = log;
    this.leaderEpoch = leaderEpoch;
    log.updateHighWatermark(log.logEndOffset());
  }

  public String topic() {
    return topic;
  }

  public int index() {
    return index;
  }

  public PartitionLog log() {
    return log;
  }

  public int leaderEpoch() {
    return leaderEpoch;
  }

  /** In-sync replicas, this node included. */
  public int isrSize() {
    return 1;
  }

  /**
   * Appends as leader (blocking: call from a worker), stamping the current leader epoch and, for
   * {@code logAppendTimeMs >= 0}, the broker's time; advances the high watermark and wakes waiting
   * fetchers.
   */
  public LogAppendInfo appendAsLeader(ByteBuffer records, long logAppendTimeMs) {
    LogAppendInfo info = log.appendAsLeader(records, leaderEpoch, logAppendTimeMs);
    if (info.status() == LogAppendInfo.Status.APPENDED) {
      log.updateHighWatermark(log.logEndOffset());
      for (Runnable r : appendListeners) {
        r.run();
      }
    }
    return info;
  }

  public void addAppendListener(Runnable listener) {
    appendListeners.add(listener);
  }

  public void removeAppendListener(Runnable listener) {
    appendListeners.remove(listener);
  }
}
