package dev.meridian.node.link;

/**
 * The watchdog of one mirror partition: it is stalled when the source is ahead of the mirror and
 * the mirror's log end has not moved for {@code stallMs}. Pure; time is passed in.
 */
final class StallWatch {
  private final long stallMs;
  private long behindSinceMs = -1;
  private long endWhenBehind = -1;

  StallWatch(long stallMs) {
    this.stallMs = stallMs;
  }

  /**
   * Takes one observation.
   *
   * @param sourceEnd where the source ends (its last stable offset)
   * @param mirrorEnd where the mirror ends
   * @return whether the partition is stalled now
   */
  boolean observe(long sourceEnd, long mirrorEnd, long nowMs) {
    if (mirrorEnd >= sourceEnd) {
      behindSinceMs = -1;
      return false;
    }
    if (behindSinceMs < 0 || mirrorEnd != endWhenBehind) {
      behindSinceMs = nowMs;
      endWhenBehind = mirrorEnd;
      return false;
    }
    return nowMs - behindSinceMs >= stallMs;
  }
}
