package dev.meridian.node.group;

/**
 * Settings of consumer lag monitoring, from the region config's {@code broker} section ({@code
 * lagIntervals}, {@code lagSampleMs}; validated there, see docs/configuration.md).
 *
 * @param intervals commits kept per group and partition: the sliding window the status is rated
 *     over (Burrow's {@code storage.intervals})
 * @param sampleMs milliseconds between two samples of every group's committed offsets and its
 *     partitions' end offsets (Burrow's {@code offset-refresh}), by the {@link LagAgent}
 */
public record LagConfig(int intervals, long sampleMs) {

  /** Burrow's defaults: 10 commits, sampled every 10 s. */
  public static final LagConfig DEFAULT = new LagConfig(LagEvaluator.DEFAULT_INTERVALS, 10_000);
}
