package dev.meridian.failover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.failover.FailoverOperation.Position;
import dev.meridian.failover.FailoverOperation.State;
import dev.meridian.failover.FailoverOperation.Type;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Seeded simulation of failovers against a model of two regions: a source whose partitions grow
 * until fenced (a few writes may slip past the fence right after it), a mirror that catches up at
 * random speed, an executor whose actions fail (retriably or not) and whose runner dies between
 * performing an action and persisting the result (the next runner performs it again). Invariants:
 * no topic is writable in both regions; a completed planned failover lost nothing; a rolled back
 * one promoted nothing; every operation ends. A failing seed replays (jqwik prints it).
 */
class FailoverSimulationTest {
  private static final String[] PARTS = {"t-0", "t-1", "t-2"};

  /** The two regions as the executor sees and changes them. */
  private static final class World {
    final Random r;
    final Map<String, Long> source = new HashMap<>();
    final Map<String, Long> mirror = new HashMap<>();
    final Map<String, Long> promotedAt = new HashMap<>();
    boolean fenced;
    boolean linkRunning = true;
    boolean targetWritable;
    boolean sourceUp = true;
    int slips;

    World(Random r) {
      this.r = r;
      for (String p : PARTS) {
        long end = r.nextInt(1_000);
        source.put(p, end);
        mirror.put(p, Math.max(0, end - r.nextInt(50)));
      }
    }

    /**
     * Time passes: producers write unless fenced; a few writes may slip past a fence that does not
     * hold yet ({@code mayLeak}: before the failover verified it), the link copies.
     */
    void tick(long nowMs, boolean mayLeak) {
      for (String p : PARTS) {
        boolean slipWindow = fenced && mayLeak;
        if (sourceUp && (!fenced || (slipWindow && r.nextInt(25) == 0))) {
          long n = r.nextInt(30);
          source.merge(p, n, Long::sum);
          if (fenced && n > 0) {
            slips++;
          }
        }
        if (linkRunning && sourceUp && !targetWritable) {
          long behind = source.get(p) - mirror.get(p);
          long step = behind == 0 ? 0 : 1 + (long) r.nextInt((int) Math.min(behind, 100));
          mirror.merge(p, step, Long::sum);
        }
      }
      if (targetWritable) {
        assertTrue(fenced || !sourceUp, "a topic writable in both regions");
      }
    }

    FailoverOutcome perform(FailoverAction a) {
      int dice = r.nextInt(100);
      if (dice < 8) {
        return new FailoverOutcome.Failed("simulated timeout", true);
      }
      if (dice < 9) {
        return new FailoverOutcome.Failed("simulated refusal", false);
      }
      if (a instanceof FailoverAction.FenceSource) {
        fenced = true;
        return new FailoverOutcome.Ends(source);
      } else if (a instanceof FailoverAction.ReadTargetEnds) {
        return new FailoverOutcome.Ends(mirror);
      } else if (a instanceof FailoverAction.ReadSourceEnds) {
        return new FailoverOutcome.Ends(source);
      } else if (a instanceof FailoverAction.StopLink) {
        linkRunning = false;
        return new FailoverOutcome.Done();
      } else if (a instanceof FailoverAction.Promote) {
        targetWritable = true;
        Map<String, Position> at = new HashMap<>();
        for (String part : PARTS) {
          promotedAt.putIfAbsent(part, mirror.get(part));
          at.put(part, new Position(promotedAt.get(part), 7));
        }
        return new FailoverOutcome.Promoted(at, source, 100);
      } else if (a instanceof FailoverAction.RollBack) {
        fenced = false;
        linkRunning = true;
        return new FailoverOutcome.Done();
      }
      return new FailoverOutcome.Done(); // CopyGroupOffsets, StartReverseLink
    }
  }

  @Property(tries = 500)
  void failoversNeverLeaveATopicWritableTwiceAndAPlannedOneLosesNothing(
      @ForAll long seed, @ForAll boolean planned) {
    Random r = new Random(seed);
    World w = new World(r);
    FailoverMachine machine = new FailoverMachine(5_000, 3_000);
    long now = 0;
    if (!planned) {
      w.sourceUp = false; // the source region is gone
    }
    FailoverOperation persisted =
        FailoverOperation.start(
            "op", "e2w", planned ? Type.PLANNED : Type.UNPLANNED, planned && r.nextBoolean(), now);
    int steps = 0;
    while (!persisted.state().terminal()) {
      assertTrue(++steps < 10_000, "the operation ends: " + persisted);
      now += r.nextInt(300);
      State s = persisted.state();
      w.tick(now, s == State.FENCING || s == State.DRAINING);
      FailoverOutcome outcome = w.perform(machine.action(persisted));
      if (r.nextInt(10) == 0) {
        continue; // the runner died before persisting: the next one performs the action again
      }
      persisted = machine.advance(persisted, outcome, now);
    }
    w.tick(now + 1, false);
    switch (persisted.state()) {
      case COMPLETED -> {
        assertTrue(w.targetWritable);
        assertFalse(w.linkRunning);
        if (planned) {
          assertEquals(0, persisted.rpoRecords());
          for (String p : PARTS) {
            assertEquals(w.source.get(p), w.promotedAt.get(p), p + ": everything the source held");
          }
          assertTrue(w.fenced, "the old source stays fenced");
          assertEquals(w.source, persisted.fencedEnds(), "the fence held: no write after it");
        } else {
          long missing = 0;
          for (String p : PARTS) {
            missing += w.source.get(p) - w.promotedAt.get(p);
          }
          assertEquals(missing, persisted.rpoRecords(), "the reported RPO is what is missing");
        }
      }
      case ROLLED_BACK -> {
        assertTrue(planned);
        assertFalse(w.targetWritable, "nothing promoted");
        assertFalse(w.fenced);
        assertTrue(w.linkRunning);
        assertTrue(persisted.reason() != null && !persisted.reason().isEmpty());
      }
      case FAILED -> {
        assertTrue(persisted.reason() != null);
        assertTrue(!w.targetWritable || w.fenced || !w.sourceUp);
      }
      default -> throw new AssertionError("not ended: " + persisted);
    }
  }
}
