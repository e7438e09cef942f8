package dev.meridian.node.group;

import java.util.Collection;

/**
 * How a consumer group is doing on a partition, or as a whole, in Burrow's terms (linkedin/Burrow,
 * {@code core/protocol/evaluator.go}). Constants are in Burrow's order of severity, least severe
 * first; Burrow's names are in brackets.
 *
 * <p>A partition is rated {@link #OK}, {@link #WARNING}, {@link #STOPPED}, {@link #STALLED} or
 * {@link #REWIND} by {@link LagEvaluator}; never {@link #ERROR}. A group is rated {@link #OK},
 * {@link #WARNING} or {@link #ERROR}: its worst partition, where the three partition errors count
 * as {@link #ERROR} ({@link #ofGroup}).
 */
public enum LagStatus {
  /** Caught up at some point in the window, or catching up [OK]. */
  OK,
  /**
   * Committing, but the lag did not go down anywhere in the window: the consumer is slow [WARN].
   */
  WARNING,
  /**
   * Group only: at least one partition is {@link #STOPPED}, {@link #STALLED} or {@link #REWIND}.
   */
  ERROR,
  /** No commit for longer than the window spans, while there is lag [STOP]. */
  STOPPED,
  /** Commits keep coming but the offset does not move, while there is lag [STALL]. */
  STALLED,
  /** The committed offset went backwards within the window, while there is lag [REWIND]. */
  REWIND;

  /** Whether this status is worse than {@code other}. */
  public boolean isWorseThan(LagStatus other) {
    return compareTo(other) > 0;
  }

  /**
   * A group's status from its partitions' statuses, as Burrow rates a group: the worst partition
   * status, where anything worse than {@link #ERROR} counts as {@link #ERROR}; {@link #OK} for no
   * partitions.
   */
  public static LagStatus ofGroup(Collection<LagStatus> partitions) {
    LagStatus worst = OK;
    for (LagStatus s : partitions) {
      if (s.isWorseThan(worst)) {
        worst = s;
      }
    }
    return worst.isWorseThan(ERROR) ? ERROR : worst;
  }
}
