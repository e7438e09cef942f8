package dev.meridian.node.link;

import dev.meridian.node.replication.Partition;

/**
 * One mirror partition a link copies on this node, as the target partition's leader in one leader
 * epoch (the fence: once the epoch changes, appends of this copy are refused and a new one takes
 * over). Holds what the status and the watchdog show; written by one fetcher thread, read by any.
 */
final class MirrorPartition {

  /** States a mirror partition shows. */
  enum State {
    /** Checking where to start (log end against the source's epochs and log start). */
    STARTING,
    /** Copying, or caught up. */
    RUNNING,
    /** Waiting for the controller to raise the target leader epoch to a source epoch. */
    RAISING_EPOCH,
    /** The source advances and the mirror does not. */
    STALLED,
    /** The source answers with an error for this partition. */
    FAILING
  }

  final Partition target;
  final int leaderEpoch;
  final long startedMs;

  volatile boolean checked;
  volatile State state = State.STARTING;
  volatile long sourceLogStart = -1;
  volatile long sourceHighWatermark = -1;
  volatile long sourceLastStable = -1;
  volatile long bytes;
  volatile long records;
  volatile long lastAppendMs;

  /** The largest record timestamp mirrored so far (-1: none). */
  volatile long lastMirroredTimestamp = -1;

  /** When the mirror last was at the source's last stable offset (-1: never seen the source). */
  volatile long caughtUpMs = -1;

  /** When the source was last seen ahead of a mirror that did not move since. */
  volatile long behindSinceMs = -1;

  volatile long logEndAtBehind = -1;
  volatile String lastError;
  volatile int sourceNode = -1;

  private final StallWatch watch;

  MirrorPartition(Partition target, int leaderEpoch, long nowMs, long stallMs) {
    this.watch = new StallWatch(stallMs);
    this.target = target;
    this.leaderEpoch = leaderEpoch;
    this.startedMs = nowMs;
  }

  String topic() {
    return target.topic();
  }

  int index() {
    return target.index();
  }

  String key() {
    return target.topic() + "-" + target.index();
  }

  /** Lag in records: the source's last stable offset minus the mirror's high watermark. */
  long lagRecords() {
    long source = sourceLastStable >= 0 ? sourceLastStable : sourceHighWatermark;
    return source < 0 ? -1 : Math.max(0, source - target.highWatermark());
  }

  /**
   * Lag in bytes, estimated from the records not yet mirrored and the mean record size copied so
   * far (-1 when unknown): a Kafka source does not say how many bytes an offset range holds.
   */
  long lagBytes() {
    long lag = lagRecords();
    long n = records;
    return lag < 0 ? -1 : lag == 0 ? 0 : n == 0 ? -1 : lag * (bytes / n);
  }

  /**
   * The age of the oldest record not yet mirrored, bounded from above (0 when caught up, -1 when
   * unknown): that record came after the mirror was last caught up and after the newest record
   * mirrored, so its age is at most the smaller of the two times since.
   */
  long lagMs(long nowMs) {
    long lag = lagRecords();
    if (lag < 0) {
      return -1;
    }
    if (lag == 0) {
      return 0;
    }
    long sinceCaughtUp = caughtUpMs < 0 ? nowMs - startedMs : Math.max(0, nowMs - caughtUpMs);
    long ts = lastMirroredTimestamp;
    return ts < 0 ? sinceCaughtUp : Math.min(sinceCaughtUp, Math.max(0, nowMs - ts));
  }

  /**
   * Updates the source positions after a fetch answer and runs the {@link StallWatch}: STALLED
   * while the source is ahead and the mirror's log end does not move.
   */
  void observeSource(long logStart, long highWatermark, long lastStable, long nowMs) {
    if (logStart >= 0) {
      sourceLogStart = logStart;
    }
    sourceHighWatermark = highWatermark;
    sourceLastStable = lastStable >= 0 ? lastStable : highWatermark;
    long end = target.logEndOffset();
    if (end >= sourceLastStable) {
      caughtUpMs = nowMs;
    }
    boolean stalled = watch.observe(sourceLastStable, end, nowMs);
    if (stalled && state == State.RUNNING) {
      state = State.STALLED;
    } else if (!stalled && state == State.STALLED) {
      state = State.RUNNING;
    }
  }
}
