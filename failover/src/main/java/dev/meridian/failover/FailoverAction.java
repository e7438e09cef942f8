package dev.meridian.failover;

/**
 * What a failover asks its executor to do in its current state. Every action is idempotent: a node
 * that takes over an operation whose previous runner died performs the current state's action
 * again, so an action may run twice and must give the same outcome the second time.
 */
public sealed interface FailoverAction {
  /** Refuse writes to the link's source topics; answer their log ends once the fence holds. */
  record FenceSource(String link) implements FailoverAction {}

  /** Answer the mirror topics' high watermarks. */
  record ReadTargetEnds(String link) implements FailoverAction {}

  /** Answer the source topics' log ends (the fence must still hold). */
  record ReadSourceEnds(String link) implements FailoverAction {}

  /**
   * Stop the link's copies for good (it stays declared, but copies nothing into promoted topics).
   */
  record StopLink(String link) implements FailoverAction {}

  /**
   * Make the mirror topics writable with leader epochs above the last mirrored one; answer each
   * partition's last mirrored position and what was last known of the source.
   */
  record Promote(String link) implements FailoverAction {}

  /** Write the selected groups' final offsets (as the link's offset sync does, once more). */
  record CopyGroupOffsets(String link) implements FailoverAction {}

  /** Start the link in the other direction (this region → the old source). */
  record StartReverseLink(String link) implements FailoverAction {}

  /**
   * Failback: answer the reverse link's lag and what the old source keeps in quarantine ({@link
   * FailoverOutcome.ReverseLag}).
   */
  record ReadReverseLag(String link) implements FailoverAction {}

  /**
   * Lift the source fence and resume the link (nothing was promoted); a failback only lifts the
   * fence (its link stays stopped: this region's topics are the writable ones).
   */
  record RollBack(String link) implements FailoverAction {}
}
