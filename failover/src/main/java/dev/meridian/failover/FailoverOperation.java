package dev.meridian.failover;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One failover of a mirror link, as kept in the target region's metadata: what it is, where it is,
 * what it found on the way. Immutable; every change makes a new value ({@code with*}), so the value
 * persisted after each step is all a node needs to resume the operation after the node that ran it
 * died.
 *
 * @param id unique per operation
 * @param link the mirror link failed over (source → this region)
 * @param type planned (RPO 0) or unplanned (the source is unreachable)
 * @param reverse whether a reverse link (this region → the old source) starts at the end
 * @param state where the operation is
 * @param startedMs when it started
 * @param stateSinceMs when it entered {@code state}
 * @param fencedEnds the source partitions' log ends when the fence took hold ({@code topic-p} →
 *     offset); empty before
 * @param promoted each promoted partition's last mirrored position ({@code topic-p} → offset and
 *     leader epoch); empty before promotion
 * @param sourceBehind per partition, the records the source was known to hold beyond the promoted
 *     end (unplanned failovers: the RPO in records); empty otherwise
 * @param rpoMs the age of the oldest record not mirrored when promoted (unplanned), 0 for planned
 * @param quarantined failbacks: per partition of the old source, the records it held beyond the
 *     promoted point, copied into its quarantine topic before it truncated them; empty otherwise
 * @param reason why it rolled back or failed; null otherwise
 * @param history every state entered, with its time
 */
public record FailoverOperation(
    String id,
    String link,
    Type type,
    boolean reverse,
    State state,
    long startedMs,
    long stateSinceMs,
    Map<String, Long> fencedEnds,
    Map<String, Position> promoted,
    Map<String, Long> sourceBehind,
    long rpoMs,
    Map<String, Long> quarantined,
    String reason,
    List<Transition> history) {

  /** What kind of failover. */
  public enum Type {
    /** Fence the source, drain the link, verify, promote: nothing acknowledged is lost. */
    PLANNED,
    /** The source is gone: promote at once, report what was not mirrored. */
    UNPLANNED,
    /**
     * After a failover, the old source returned: fence it, start the reverse link (which keeps what
     * the old source held beyond the promoted point in a quarantine topic, then truncates it), and
     * wait until the reverse link has caught up.
     */
    FAILBACK
  }

  /** The states of a failover; {@link #terminal()} ones end it. */
  public enum State {
    /** Fencing writes to the source topics. */
    FENCING,
    /** Waiting until the mirror holds everything the source held when fenced. */
    DRAINING,
    /** Checking that the source's log ends did not move past the fence. */
    VERIFYING,
    /** Stopping the link's copies. */
    STOPPING_LINK,
    /** Making the mirror topics writable, their leader epochs above the last mirrored one. */
    PROMOTING,
    /** Writing the selected groups' final offsets. */
    COPYING_OFFSETS,
    /** Starting the reverse link. */
    REVERSING,
    /** Failback: waiting until the reverse link has caught up (lag 0). */
    CATCHING_UP,
    /** Done: the target region's topics are the writable ones. */
    COMPLETED,
    /** Undoing the fence and resuming the link (before anything was promoted). */
    ROLLING_BACK,
    /** Undone: the source is writable and mirrored as before. */
    ROLLED_BACK,
    /** Stopped with an error after promotion began; {@code reason} says what is left to do. */
    FAILED;

    public boolean terminal() {
      return this == COMPLETED || this == ROLLED_BACK || this == FAILED;
    }

    /** Whether any target topic may already be writable in this state. */
    public boolean mayHavePromoted() {
      return this == PROMOTING
          || this == COPYING_OFFSETS
          || this == REVERSING
          || this == CATCHING_UP
          || this == COMPLETED
          || this == FAILED;
    }
  }

  /** A partition position: offset and leader epoch. */
  public record Position(long offset, int epoch) {}

  /** A state entered at a time, with a note (may be null). */
  public record Transition(State state, long atMs, String note) {}

  /** Copies the maps and the history. */
  public FailoverOperation {
    fencedEnds = Map.copyOf(fencedEnds);
    promoted = Map.copyOf(promoted);
    sourceBehind = Map.copyOf(sourceBehind);
    quarantined = Map.copyOf(quarantined);
    history = List.copyOf(history);
  }

  /** A new operation in its first state. */
  public static FailoverOperation start(
      String id, String link, Type type, boolean reverse, long nowMs) {
    if (type == Type.FAILBACK) {
      throw new IllegalArgumentException("a failback starts with startFailback");
    }
    if (type == Type.UNPLANNED && reverse) {
      throw new IllegalArgumentException(
          "an unplanned failover cannot start the reverse link: its source is gone (fail back"
              + " when it returns)");
    }
    State first = type == Type.PLANNED ? State.FENCING : State.STOPPING_LINK;
    return new FailoverOperation(
        id,
        link,
        type,
        reverse,
        first,
        nowMs,
        nowMs,
        Map.of(),
        Map.of(),
        Map.of(),
        0,
        Map.of(),
        null,
        List.of(new Transition(first, nowMs, null)));
  }

  /**
   * A new failback of {@code link}, undoing the failover that promoted {@code promoted} (its
   * positions are the point the old source's records are compared with).
   */
  public static FailoverOperation startFailback(
      String id, String link, Map<String, Position> promoted, long nowMs) {
    return new FailoverOperation(
        id,
        link,
        Type.FAILBACK,
        true,
        State.FENCING,
        nowMs,
        nowMs,
        Map.of(),
        new TreeMap<>(promoted),
        Map.of(),
        0,
        Map.of(),
        null,
        List.of(new Transition(State.FENCING, nowMs, null)));
  }

  /** This operation moved to {@code next} at {@code nowMs}. */
  FailoverOperation to(State next, long nowMs, String note) {
    List<Transition> h = new ArrayList<>(history);
    h.add(new Transition(next, nowMs, note));
    String why = next == State.ROLLING_BACK || next == State.FAILED ? note : reason;
    return new FailoverOperation(
        id,
        link,
        type,
        reverse,
        next,
        startedMs,
        nowMs,
        fencedEnds,
        promoted,
        sourceBehind,
        rpoMs,
        quarantined,
        why,
        h);
  }

  FailoverOperation withFencedEnds(Map<String, Long> ends) {
    return new FailoverOperation(
        id,
        link,
        type,
        reverse,
        state,
        startedMs,
        stateSinceMs,
        new TreeMap<>(ends),
        promoted,
        sourceBehind,
        rpoMs,
        quarantined,
        reason,
        history);
  }

  FailoverOperation withPromoted(
      Map<String, Position> positions, Map<String, Long> behind, long rpo) {
    return new FailoverOperation(
        id,
        link,
        type,
        reverse,
        state,
        startedMs,
        stateSinceMs,
        fencedEnds,
        new TreeMap<>(positions),
        new TreeMap<>(behind),
        rpo,
        quarantined,
        reason,
        history);
  }

  FailoverOperation withQuarantined(Map<String, Long> records) {
    return new FailoverOperation(
        id,
        link,
        type,
        reverse,
        state,
        startedMs,
        stateSinceMs,
        fencedEnds,
        promoted,
        sourceBehind,
        rpoMs,
        new TreeMap<>(records),
        reason,
        history);
  }

  /** Records the old source held beyond the promoted point, kept in quarantine (failbacks). */
  public long quarantinedRecords() {
    return quarantined.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Records the source held beyond the promoted ends (the RPO in records). */
  public long rpoRecords() {
    return sourceBehind.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * The time writes were refused: from the fence (planned) or the start (unplanned) to the
   * promotion's end, or -1 before that.
   */
  public long rtoMs() {
    if (type == Type.FAILBACK) {
      return -1; // the promoted region takes writes throughout
    }
    for (Transition t : history) {
      if (t.state() == State.COPYING_OFFSETS || t.state() == State.COMPLETED) {
        return t.atMs() - startedMs;
      }
    }
    return -1;
  }
}
