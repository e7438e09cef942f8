package dev.meridian.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.failover.FailoverOperation.Position;
import dev.meridian.failover.FailoverOperation.State;
import dev.meridian.failover.FailoverOperation.Type;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The failover state machine, step by step with a test clock. */
class FailoverMachineTest {
  private final FailoverMachine machine = new FailoverMachine(10_000, 5_000);
  private static final FailoverOutcome DONE = new FailoverOutcome.Done();

  private static FailoverOutcome ends(long a, long b) {
    return new FailoverOutcome.Ends(Map.of("t-0", a, "t-1", b));
  }

  private static List<State> states(FailoverOperation op) {
    return op.history().stream().map(FailoverOperation.Transition::state).toList();
  }

  @Test
  void aPlannedFailoverFencesDrainsVerifiesStopsPromotesCopiesOffsetsAndReverses() {
    FailoverOperation op = FailoverOperation.start("op-1", "e2w", Type.PLANNED, true, 1_000);
    assertInstanceOf(FailoverAction.FenceSource.class, machine.action(op));
    op = machine.advance(op, ends(100, 50), 1_010);
    assertEquals(Map.of("t-0", 100L, "t-1", 50L), op.fencedEnds());
    assertInstanceOf(FailoverAction.ReadTargetEnds.class, machine.action(op));
    FailoverOperation waiting = machine.advance(op, ends(90, 50), 1_100);
    assertEquals(State.DRAINING, waiting.state(), "the mirror is behind: wait");
    assertTrue(machine.waiting(op, waiting));
    op = machine.advance(waiting, ends(100, 50), 1_300);
    assertInstanceOf(FailoverAction.ReadSourceEnds.class, machine.action(op));
    op = machine.advance(op, ends(100, 50), 1_310);
    assertInstanceOf(FailoverAction.StopLink.class, machine.action(op));
    op = machine.advance(op, DONE, 1_320);
    assertInstanceOf(FailoverAction.Promote.class, machine.action(op));
    op =
        machine.advance(
            op,
            new FailoverOutcome.Promoted(
                Map.of("t-0", new Position(100, 4), "t-1", new Position(50, 4)),
                Map.of("t-0", 100L, "t-1", 50L),
                0),
            1_400);
    assertEquals(0, op.rpoRecords());
    assertEquals(400, op.rtoMs(), "from the fence to the end of the promotion");
    assertInstanceOf(FailoverAction.CopyGroupOffsets.class, machine.action(op));
    op = machine.advance(op, DONE, 1_450);
    assertInstanceOf(FailoverAction.StartReverseLink.class, machine.action(op));
    op = machine.advance(op, DONE, 1_500);
    assertEquals(State.COMPLETED, op.state());
    assertNull(machine.action(op));
    assertEquals(
        List.of(
            State.FENCING,
            State.DRAINING,
            State.VERIFYING,
            State.STOPPING_LINK,
            State.PROMOTING,
            State.COPYING_OFFSETS,
            State.REVERSING,
            State.COMPLETED),
        states(op));
  }

  @Test
  void aFailbackFencesTheOldSourceStartsTheReverseLinkAndWaitsUntilItCaughtUp() {
    Map<String, Position> promoted = Map.of("t-0", new Position(80, 5), "t-1", new Position(40, 5));
    FailoverOperation op = FailoverOperation.startFailback("fb-1", "e2w", promoted, 1_000);
    assertEquals(Type.FAILBACK, op.type());
    assertEquals(promoted, op.promoted(), "the point the old source's records are compared with");
    assertInstanceOf(FailoverAction.FenceSource.class, machine.action(op));
    op = machine.advance(op, ends(100, 40), 1_010);
    assertEquals(State.REVERSING, op.state(), "no drain: the old source is not the primary");
    assertInstanceOf(FailoverAction.StartReverseLink.class, machine.action(op));
    op = machine.advance(op, DONE, 1_100);
    assertInstanceOf(FailoverAction.ReadReverseLag.class, machine.action(op));
    FailoverOperation behind =
        machine.advance(op, new FailoverOutcome.ReverseLag(7, Map.of("t-0", 20L)), 1_200);
    assertTrue(machine.waiting(op, behind));
    assertEquals(op, behind, "nothing recorded while waiting");
    op =
        machine.advance(
            behind, new FailoverOutcome.ReverseLag(0, Map.of("t-0", 20L, "t-1", 0L)), 1_300);
    assertEquals(State.COMPLETED, op.state());
    assertEquals(20, op.quarantinedRecords());
    assertEquals(-1, op.rtoMs(), "the promoted region took writes throughout");
    assertEquals(
        List.of(State.FENCING, State.REVERSING, State.CATCHING_UP, State.COMPLETED), states(op));
  }

  @Test
  void aFailbackWhoseOldSourceCannotBeFencedRollsBackButOneWhoseReverseLinkLagsFails() {
    FailoverOperation op =
        FailoverOperation.startFailback("fb-1", "e2w", Map.of("t-0", new Position(1, 1)), 0);
    FailoverOperation unfenced =
        machine.advance(op, new FailoverOutcome.Failed("east does not answer", true), 6_000);
    assertEquals(State.ROLLING_BACK, unfenced.state());
    op = machine.advance(op, ends(1, 1), 10);
    op = machine.advance(op, DONE, 20);
    op = machine.advance(op, new FailoverOutcome.ReverseLag(-1, Map.of()), 10_020);
    assertEquals(State.FAILED, op.state());
    assertTrue(op.reason().contains("did not catch up"), op.reason());
    assertThrows(
        IllegalArgumentException.class,
        () -> FailoverOperation.start("x", "e2w", Type.FAILBACK, false, 0));
  }

  @Test
  void aWriteThatSlippedPastTheFenceRollsBackAndSaysWhere() {
    FailoverOperation op = FailoverOperation.start("op-1", "e2w", Type.PLANNED, false, 0);
    op = machine.advance(op, ends(100, 50), 10);
    op = machine.advance(op, ends(100, 50), 20);
    op = machine.advance(op, ends(101, 50), 30);
    assertEquals(State.ROLLING_BACK, op.state());
    assertTrue(op.reason().contains("t-0 100 → 101"), op.reason());
    assertInstanceOf(FailoverAction.RollBack.class, machine.action(op));
    op = machine.advance(op, DONE, 40);
    assertEquals(State.ROLLED_BACK, op.state());
    assertTrue(op.promoted().isEmpty());
  }

  @Test
  void aMirrorThatDoesNotCatchUpInTimeRollsBack() {
    FailoverOperation op = FailoverOperation.start("op-1", "e2w", Type.PLANNED, false, 0);
    op = machine.advance(op, ends(100, 50), 0);
    op = machine.advance(op, ends(10, 50), 9_999);
    assertEquals(State.DRAINING, op.state());
    op = machine.advance(op, ends(10, 50), 10_000);
    assertEquals(State.ROLLING_BACK, op.state());
    assertTrue(op.reason().contains("t-0 at 10 of 100"), op.reason());
  }

  @Test
  void retriableFailuresAreRetriedUntilTheStateTimesOutThenRollBackBeforePromotion() {
    FailoverOperation op = FailoverOperation.start("op-1", "e2w", Type.PLANNED, false, 0);
    FailoverOutcome busy = new FailoverOutcome.Failed("controller moved", true);
    assertEquals(State.FENCING, machine.advance(op, busy, 4_999).state());
    FailoverOperation back = machine.advance(op, busy, 5_000);
    assertEquals(State.ROLLING_BACK, back.state());
    assertTrue(back.reason().contains("controller moved (timed out)"), back.reason());
    assertEquals(
        State.ROLLING_BACK,
        machine.advance(op, new FailoverOutcome.Failed("no such link", false), 1).state());
  }

  @Test
  void afterPromotionBeganThereIsNoWayBackOnlyFailureWithTheSourceStillFenced() {
    FailoverOperation op = FailoverOperation.start("op-1", "e2w", Type.PLANNED, false, 0);
    op = machine.advance(op, ends(1, 1), 1);
    op = machine.advance(op, ends(1, 1), 2);
    op = machine.advance(op, ends(1, 1), 3);
    op = machine.advance(op, DONE, 4);
    assertEquals(State.PROMOTING, op.state());
    FailoverOperation failed =
        machine.advance(op, new FailoverOutcome.Failed("controller refused", false), 5);
    assertEquals(State.FAILED, failed.state());
    assertTrue(failed.reason().contains("source stays fenced"), failed.reason());
    FailoverOperation ended = machine.advance(failed, DONE, 6);
    assertEquals(failed, ended, "an ended operation does not move");
  }

  @Test
  void anUnplannedFailoverPromotesAtOnceAndReportsWhatWasNotMirrored() {
    FailoverOperation op = FailoverOperation.start("op-2", "e2w", Type.UNPLANNED, false, 0);
    assertInstanceOf(FailoverAction.StopLink.class, machine.action(op));
    op = machine.advance(op, DONE, 5);
    op =
        machine.advance(
            op,
            new FailoverOutcome.Promoted(
                Map.of("t-0", new Position(90, 3), "t-1", new Position(50, 3)),
                Map.of("t-0", 100L, "t-1", 50L),
                1_250),
            20);
    assertEquals(10, op.rpoRecords());
    assertEquals(Map.of("t-0", 10L), op.sourceBehind());
    assertEquals(1_250, op.rpoMs());
    FailoverOperation sourceAnswered = machine.advance(op, ends(95, 58), 30);
    assertEquals(
        Map.of("t-0", 10L, "t-1", 8L),
        sourceAnswered.sourceBehind(),
        "a source that answers the offset copy after all completes the RPO (the link's view of"
            + " t-1 was stale)");
    assertEquals(18, sourceAnswered.rpoRecords());
    op = machine.advance(op, DONE, 30);
    assertEquals(State.COMPLETED, op.state(), "no reverse link: the source is gone");
    assertEquals(10, op.rpoRecords());
    assertThrows(
        IllegalArgumentException.class,
        () -> FailoverOperation.start("op-3", "e2w", Type.UNPLANNED, true, 0));
  }
}
