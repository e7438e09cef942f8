package dev.meridian.node.group;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Settings of consumer lag monitoring. They are not part of the region config; a node reads them
 * from JVM system properties ({@link #fromProperties}).
 *
 * <table>
 *   <caption>settings</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@value #INTERVALS_PROPERTY}</td><td>10</td><td>commits kept per group and partition:
 *       the sliding window the status is rated over (Burrow's {@code storage.intervals}); 2 to
 *       1000</td></tr>
 *   <tr><td>{@value #SAMPLE_MS_PROPERTY}</td><td>10000</td><td>milliseconds between two samples of
 *       every group's committed offsets and its partitions' end offsets (Burrow's {@code
 *       offset-refresh}, whose default is also 10 s); at least 100</td></tr>
 * </table>
 *
 * @param intervals the window length, in commits
 * @param sampleMs the sampling period of the {@link LagAgent}
 */
public record LagConfig(int intervals, long sampleMs) {

  /** System property: the window length in commits. */
  public static final String INTERVALS_PROPERTY = "meridian.lag.intervals";

  /** System property: milliseconds between two samples. */
  public static final String SAMPLE_MS_PROPERTY = "meridian.lag.sample.ms";

  /** Burrow's defaults: 10 commits, sampled every 10 s. */
  public static final LagConfig DEFAULT = new LagConfig(LagEvaluator.DEFAULT_INTERVALS, 10_000);

  private static final int MAX_INTERVALS = 1000;
  private static final long MIN_SAMPLE_MS = 100;

  /**
   * Reads the settings, a default for each property that is not set.
   *
   * @param properties the value of a property, {@code null} when unset ({@code
   *     System::getProperty})
   * @throws IllegalArgumentException naming every property whose value is invalid, and the value
   */
  public static LagConfig fromProperties(UnaryOperator<String> properties) {
    List<String> problems = new ArrayList<>();
    long intervals =
        read(
            properties,
            INTERVALS_PROPERTY,
            DEFAULT.intervals(),
            2,
            MAX_INTERVALS,
            "an integer from 2 to " + MAX_INTERVALS,
            problems);
    long sampleMs =
        read(
            properties,
            SAMPLE_MS_PROPERTY,
            DEFAULT.sampleMs(),
            MIN_SAMPLE_MS,
            Long.MAX_VALUE,
            "a number of milliseconds, at least " + MIN_SAMPLE_MS,
            problems);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    return new LagConfig((int) intervals, sampleMs);
  }

  private static long read(
      UnaryOperator<String> properties,
      String key,
      long fallback,
      long min,
      long max,
      String expected,
      List<String> problems) {
    String value = properties.apply(key);
    if (value == null) {
      return fallback;
    }
    long parsed;
    try {
      parsed = Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      parsed = min - 1;
    }
    if (parsed < min || parsed > max) {
      problems.add("system property " + key + " must be " + expected + ", was '" + value + "'");
      return fallback;
    }
    return parsed;
  }
}
