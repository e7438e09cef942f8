package dev.meridian.testsupport;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** A clock that moves only when the test says so: pass it where code takes "time in". */
public final class TestClock implements LongSupplier {
  private final AtomicLong now;

  public TestClock(long startMs) {
    this.now = new AtomicLong(startMs);
  }

  /** A clock at an arbitrary fixed instant (2026-01-01T00:00:00Z). */
  public TestClock() {
    this(1_767_225_600_000L);
  }

  @Override
  public long getAsLong() {
    return now.get();
  }

  /** The current time in ms. */
  public long now() {
    return now.get();
  }

  /** Moves the clock forward; returns the new time. */
  public long advance(long ms) {
    if (ms < 0) {
      throw new IllegalArgumentException("time does not go back: " + ms);
    }
    return now.addAndGet(ms);
  }
}
