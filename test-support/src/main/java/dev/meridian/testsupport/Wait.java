package dev.meridian.testsupport;

import java.time.Duration;
import java.util.concurrent.Callable;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/**
 * Waiting with a deadline instead of sleeping: polls a condition every 50 ms (exceptions while
 * polling count as "not yet") and fails with the description when the deadline passes.
 */
public final class Wait {
  /** The default deadline. */
  public static final Duration DEFAULT = Duration.ofSeconds(30);

  private Wait() {}

  /** An Awaitility condition with this project's polling defaults. */
  public static ConditionFactory await(String what, Duration atMost) {
    return Awaitility.await(what)
        .atMost(atMost)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(50))
        .ignoreExceptions();
  }

  /** Waits until {@code condition} holds. */
  public static void until(String what, Duration atMost, Callable<Boolean> condition) {
    await(what, atMost).until(condition);
  }

  /** Waits until {@code condition} holds, at most {@link #DEFAULT}. */
  public static void until(String what, Callable<Boolean> condition) {
    until(what, DEFAULT, condition);
  }

  /**
   * Waits until {@code supplier} returns a non-null value and returns it.
   *
   * @throws org.awaitility.core.ConditionTimeoutException at the deadline
   */
  public static <T> T forValue(String what, Duration atMost, Callable<T> supplier) {
    return await(what, atMost).until(supplier, v -> v != null);
  }
}
