package dev.meridian.failover;

import dev.meridian.failover.FailoverOperation.State;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The failover state machine: for an operation, the action its state needs ({@link #action}), and
 * the operation after that action's outcome ({@link #advance}). Pure: time is passed in, nothing is
 * done here; an executor performs the actions and persists every operation this returns before it
 * performs the next action.
 *
 * <pre>
 * planned:    FENCING → DRAINING → VERIFYING → STOPPING_LINK → PROMOTING → COPYING_OFFSETS
 *                 │          │           │                                   → [REVERSING] → COMPLETED
 *                 └──────────┴───────────┴→ ROLLING_BACK → ROLLED_BACK
 * unplanned:  STOPPING_LINK → PROMOTING → COPYING_OFFSETS → COMPLETED
 * failback:   FENCING → REVERSING → CATCHING_UP → COMPLETED
 *                 └→ ROLLING_BACK → ROLLED_BACK
 * </pre>
 *
 * Safety: nothing is promoted before the fence held (planned), and once promotion may have begun
 * there is no way back: failures after that are retried until {@code stateTimeoutMs}, then the
 * operation FAILS with the reason (the source stays fenced, so no topic is writable in both
 * regions). Before promotion, a failure past its timeout, a mirror that does not catch up within
 * {@code drainTimeoutMs}, or a source end that moved past the fence rolls the operation back.
 */
public final class FailoverMachine {
  private final long drainTimeoutMs;
  private final long stateTimeoutMs;

  /**
   * @param drainTimeoutMs how long a planned failover waits for the mirror to catch up
   * @param stateTimeoutMs how long a state retries a retriable failure
   */
  public FailoverMachine(long drainTimeoutMs, long stateTimeoutMs) {
    if (drainTimeoutMs <= 0 || stateTimeoutMs <= 0) {
      throw new IllegalArgumentException("timeouts must be positive");
    }
    this.drainTimeoutMs = drainTimeoutMs;
    this.stateTimeoutMs = stateTimeoutMs;
  }

  /** The action the operation's state needs, or null when it has ended. */
  public FailoverAction action(FailoverOperation op) {
    String link = op.link();
    return switch (op.state()) {
      case FENCING -> new FailoverAction.FenceSource(link);
      case DRAINING -> new FailoverAction.ReadTargetEnds(link);
      case VERIFYING -> new FailoverAction.ReadSourceEnds(link);
      case STOPPING_LINK -> new FailoverAction.StopLink(link);
      case PROMOTING -> new FailoverAction.Promote(link);
      case COPYING_OFFSETS -> new FailoverAction.CopyGroupOffsets(link);
      case REVERSING -> new FailoverAction.StartReverseLink(link);
      case CATCHING_UP -> new FailoverAction.ReadReverseLag(link);
      case ROLLING_BACK -> new FailoverAction.RollBack(link);
      case COMPLETED, ROLLED_BACK, FAILED -> null;
    };
  }

  /** The operation after its current action ended with {@code outcome} at {@code nowMs}. */
  public FailoverOperation advance(FailoverOperation op, FailoverOutcome outcome, long nowMs) {
    if (op.state().terminal()) {
      return op;
    }
    if (outcome instanceof FailoverOutcome.Failed f) {
      return failed(op, f, nowMs);
    }
    return switch (op.state()) {
      case FENCING ->
          op.withFencedEnds(ends(op, outcome))
              .to(failback(op) ? State.REVERSING : State.DRAINING, nowMs, null);
      case DRAINING -> drained(op, ends(op, outcome), nowMs);
      case VERIFYING -> verified(op, ends(op, outcome), nowMs);
      case STOPPING_LINK -> op.to(State.PROMOTING, nowMs, null);
      case PROMOTING -> promoted(op, outcome, nowMs);
      case COPYING_OFFSETS ->
          withSourceEnds(op, outcome)
              .to(op.reverse() ? State.REVERSING : State.COMPLETED, nowMs, null);
      case REVERSING -> op.to(failback(op) ? State.CATCHING_UP : State.COMPLETED, nowMs, null);
      case CATCHING_UP -> caughtUp(op, outcome, nowMs);
      case ROLLING_BACK -> op.to(State.ROLLED_BACK, nowMs, null);
      case COMPLETED, ROLLED_BACK, FAILED -> op;
    };
  }

  /** Whether the executor should try the state's action again now (it stays in the state). */
  public boolean waiting(FailoverOperation before, FailoverOperation after) {
    return before.state() == after.state() && !after.state().terminal();
  }

  private FailoverOperation failed(FailoverOperation op, FailoverOutcome.Failed f, long nowMs) {
    boolean timedOut = nowMs - op.stateSinceMs() >= stateTimeoutMs;
    if (f.retriable() && !timedOut) {
      return op; // try again
    }
    String why = op.state() + ": " + f.message() + (f.retriable() ? " (timed out)" : "");
    if (op.state() == State.ROLLING_BACK) {
      return op.to(State.FAILED, nowMs, "rolling back failed: " + why);
    }
    if (op.state().mayHavePromoted()) {
      return op.to(State.FAILED, nowMs, why + "; the source stays fenced, retry the operation");
    }
    if (op.state() == State.STOPPING_LINK && op.type() == FailoverOperation.Type.UNPLANNED) {
      return op.to(State.FAILED, nowMs, why);
    }
    return op.to(State.ROLLING_BACK, nowMs, why);
  }

  /**
   * An unplanned failover whose source answered the offset copy after all: the records it holds
   * beyond each promoted end join the RPO (where the link's last view of the source was behind).
   */
  private static FailoverOperation withSourceEnds(FailoverOperation op, FailoverOutcome outcome) {
    if (!(outcome instanceof FailoverOutcome.Ends e)
        || op.type() != FailoverOperation.Type.UNPLANNED) {
      return op;
    }
    Map<String, Long> behind = new TreeMap<>(op.sourceBehind());
    e.ends()
        .forEach(
            (tp, end) -> {
              FailoverOperation.Position at = op.promoted().get(tp);
              long beyond = end - (at == null ? 0 : at.offset());
              if (beyond > behind.getOrDefault(tp, 0L)) {
                behind.put(tp, beyond);
              }
            });
    return op.withPromoted(op.promoted(), behind, op.rpoMs());
  }

  private static boolean failback(FailoverOperation op) {
    return op.type() == FailoverOperation.Type.FAILBACK;
  }

  private FailoverOperation caughtUp(FailoverOperation op, FailoverOutcome outcome, long nowMs) {
    if (!(outcome instanceof FailoverOutcome.ReverseLag lag)) {
      throw new IllegalArgumentException("CATCHING_UP needs ReverseLag, not " + outcome);
    }
    FailoverOperation seen = op.withQuarantined(lag.quarantined());
    if (lag.lagRecords() == 0) {
      return seen.to(State.COMPLETED, nowMs, null);
    }
    if (nowMs - op.stateSinceMs() >= drainTimeoutMs) {
      return seen.to(
          State.FAILED,
          nowMs,
          "the reverse link did not catch up within "
              + drainTimeoutMs
              + " ms ("
              + (lag.lagRecords() < 0
                  ? "not every partition reports"
                  : lag.lagRecords() + " records behind")
              + "); it keeps running");
    }
    return op; // wait (what is in quarantine is recorded when the state ends)
  }

  private static Map<String, Long> ends(FailoverOperation op, FailoverOutcome outcome) {
    if (outcome instanceof FailoverOutcome.Ends e) {
      return e.ends();
    }
    throw new IllegalArgumentException(op.state() + " needs log ends, not " + outcome);
  }

  private FailoverOperation drained(FailoverOperation op, Map<String, Long> target, long nowMs) {
    List<String> behind = new ArrayList<>();
    op.fencedEnds()
        .forEach(
            (tp, end) -> {
              Long have = target.get(tp);
              if (have == null || have < end) {
                behind.add(tp + " at " + (have == null ? "?" : have) + " of " + end);
              }
            });
    if (behind.isEmpty()) {
      return op.to(State.VERIFYING, nowMs, null);
    }
    if (nowMs - op.stateSinceMs() >= drainTimeoutMs) {
      return op.to(
          State.ROLLING_BACK,
          nowMs,
          "the mirror did not catch up within " + drainTimeoutMs + " ms: " + behind);
    }
    return op; // wait
  }

  private static FailoverOperation verified(
      FailoverOperation op, Map<String, Long> source, long nowMs) {
    List<String> moved = new ArrayList<>();
    op.fencedEnds()
        .forEach(
            (tp, end) -> {
              Long now = source.get(tp);
              if (now != null && now != end.longValue()) {
                moved.add(tp + " " + end + " → " + now);
              }
            });
    source.keySet().stream()
        .filter(tp -> !op.fencedEnds().containsKey(tp))
        .forEach(tp -> moved.add(tp + " (new partition)"));
    if (moved.isEmpty()) {
      return op.to(State.STOPPING_LINK, nowMs, null);
    }
    return op.to(
        State.ROLLING_BACK, nowMs, "writes slipped past the fence on the source: " + moved);
  }

  private static FailoverOperation promoted(
      FailoverOperation op, FailoverOutcome outcome, long nowMs) {
    if (!(outcome instanceof FailoverOutcome.Promoted p)) {
      throw new IllegalArgumentException("PROMOTING needs Promoted, not " + outcome);
    }
    Map<String, Long> behind = new TreeMap<>();
    long rpoMs = 0;
    if (op.type() == FailoverOperation.Type.UNPLANNED) {
      p.sourceEnds()
          .forEach(
              (tp, end) -> {
                FailoverOperation.Position at = p.promoted().get(tp);
                long mirrored = at == null ? 0 : at.offset();
                if (end > mirrored) {
                  behind.put(tp, end - mirrored);
                }
              });
      rpoMs = behind.isEmpty() ? 0 : Math.max(0, p.oldestUnmirroredAgeMs());
    }
    return op.withPromoted(p.promoted(), behind, rpoMs).to(State.COPYING_OFFSETS, nowMs, null);
  }
}
