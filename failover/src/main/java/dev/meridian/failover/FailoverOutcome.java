package dev.meridian.failover;

import java.util.Map;

/** What an executor answers for a {@link FailoverAction}. */
public sealed interface FailoverOutcome {
  /** The action is done. */
  record Done() implements FailoverOutcome {}

  /** Log ends by partition ({@code topic-p} → offset). */
  record Ends(Map<String, Long> ends) implements FailoverOutcome {
    public Ends {
      ends = Map.copyOf(ends);
    }
  }

  /**
   * The mirror topics are writable.
   *
   * @param promoted each partition's last mirrored position
   * @param sourceEnds the source's log ends last seen by the link ({@code topic-p} → offset)
   * @param oldestUnmirroredAgeMs the age of the oldest record the link knew of and had not copied
   *     (0 when it was caught up)
   */
  record Promoted(
      Map<String, FailoverOperation.Position> promoted,
      Map<String, Long> sourceEnds,
      long oldestUnmirroredAgeMs)
      implements FailoverOutcome {
    public Promoted {
      promoted = Map.copyOf(promoted);
      sourceEnds = Map.copyOf(sourceEnds);
    }
  }

  /**
   * How far the reverse link of a failback is behind.
   *
   * @param lagRecords records the reverse link has still to copy, over all partitions (-1: it does
   *     not report every partition yet)
   * @param quarantined per partition, the records kept in the old source's quarantine topic
   */
  record ReverseLag(long lagRecords, Map<String, Long> quarantined) implements FailoverOutcome {
    public ReverseLag {
      quarantined = Map.copyOf(quarantined);
    }
  }

  /**
   * The action failed.
   *
   * @param retriable whether trying again may help (the region's controller moved, a timeout)
   */
  record Failed(String message, boolean retriable) implements FailoverOutcome {}
}
