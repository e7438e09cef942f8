package dev.meridian.node.replication;

import java.util.function.LongSupplier;

/**
 * A token bucket of bytes a second for throttled replication (the replicas a reassignment adds to
 * this node): the fetchers leave throttled partitions out of their fetches while it is empty and
 * charge what the others brought; leaders use one the same way for what they serve throttled
 * followers. Up to one second of rate may be spent at once; a fetch that brings more puts the
 * bucket in debt, so the average holds. A rate of 0 never throttles; the rate may change at any
 * time.
 */
public final class ReplicationQuota {
  private volatile long bytesPerSecond;
  private final LongSupplier nanoClock;
  private double tokens;
  private long last;

  ReplicationQuota(long bytesPerSecond, LongSupplier nanoClock) {
    this.bytesPerSecond = bytesPerSecond;
    this.nanoClock = nanoClock;
    this.tokens = bytesPerSecond;
    this.last = nanoClock.getAsLong();
  }

  /** Changes the rate (0: no limit); a new limit starts with a full second of it. */
  synchronized void setRate(long newBytesPerSecond) {
    if (newBytesPerSecond != bytesPerSecond) {
      bytesPerSecond = newBytesPerSecond;
      tokens = newBytesPerSecond;
      last = nanoClock.getAsLong();
    }
  }

  /** The rate, 0 for no limit. */
  public long rate() {
    return bytesPerSecond;
  }

  /** Whether the quota limits anything. */
  public boolean enabled() {
    return bytesPerSecond > 0;
  }

  /** The most bytes one throttled partition should ask for in one fetch. */
  public int partitionMaxBytes(int unthrottled) {
    long rate = bytesPerSecond;
    return rate > 0 ? (int) Math.max(16 * 1024, Math.min(unthrottled, rate)) : unthrottled;
  }

  /** Whether throttled partitions may be fetched now. */
  public synchronized boolean allows() {
    if (!enabled()) {
      return true;
    }
    refill();
    return tokens > 0;
  }

  /** Charges {@code bytes} fetched for throttled partitions. */
  public synchronized void record(long bytes) {
    if (enabled()) {
      refill();
      tokens -= bytes;
    }
  }

  private void refill() {
    long now = nanoClock.getAsLong();
    tokens = Math.min(bytesPerSecond, tokens + (now - last) / 1e9 * bytesPerSecond);
    last = now;
  }
}
