package dev.meridian.node.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.node.group.GroupQuery.TopicPartitionRef;
import dev.meridian.node.group.LagEvaluator.CommitSample;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * Properties of Burrow's rules over random windows, and of the windows {@link LagEvaluator#observe}
 * builds from random commit and sampling sequences.
 */
class LagEvaluatorPropertyTest {

  /** A random window: 1 to 10 commits, timestamps increasing, small offsets and lags. */
  @Provide
  Arbitrary<List<CommitSample>> windows() {
    Arbitrary<long[]> step =
        Combinators.combine(
                Arbitraries.longs().between(-3, 6), // offset change: mostly forward
                Arbitraries.longs().between(1, 120_000), // time to the next commit
                Arbitraries.longs().between(0, 5)) // lag
            .as((d, t, l) -> new long[] {d, t, l});
    return step.list()
        .ofMinSize(1)
        .ofMaxSize(10)
        .map(
            steps -> {
              List<CommitSample> window = new ArrayList<>();
              long offset = 1000;
              long time = 1_700_000_000_000L;
              for (long[] s : steps) {
                offset = Math.max(0, offset + s[0]);
                time += s[1];
                window.add(new CommitSample(offset, time, s[2]));
              }
              return window;
            });
  }

  @Provide
  Arbitrary<List<Long>> ends() {
    return Arbitraries.longs().between(990, 1100).list().ofMaxSize(10);
  }

  private static long last(List<CommitSample> w) {
    return w.get(w.size() - 1).timestampMs();
  }

  @Property
  void noLagNowIsAlwaysOk(
      @ForAll("windows") List<CommitSample> w,
      @ForAll("ends") List<Long> ends,
      @ForAll @LongRange(min = -5, max = 0) long currentLag,
      @ForAll @LongRange(min = 0, max = 10_000_000) long later) {
    assertEquals(LagStatus.OK, LagEvaluator.status(w, ends, currentLag, last(w) + later));
  }

  @Property
  void aPartitionIsNeverRatedError(
      @ForAll("windows") List<CommitSample> w,
      @ForAll("ends") List<Long> ends,
      @ForAll @LongRange(min = 0, max = 100) long currentLag,
      @ForAll @LongRange(min = 0, max = 10_000_000) long later) {
    assertNotEquals(LagStatus.ERROR, LagEvaluator.status(w, ends, currentLag, last(w) + later));
  }

  @Property
  void eachStatusIsJustifiedByItsRule(
      @ForAll("windows") List<CommitSample> w,
      @ForAll("ends") List<Long> ends,
      @ForAll @LongRange(min = 1, max = 100) long currentLag,
      @ForAll @LongRange(min = 0, max = 10_000_000) long later) {
    long now = last(w) + later;
    LagStatus status = LagEvaluator.status(w, ends, currentLag, now);
    boolean stopped = LagEvaluator.stopped(w, now) && !LagEvaluator.recentlyCaughtUp(w, ends);
    assertEquals(stopped, status == LagStatus.STOPPED, "STOPPED iff rule 3 holds");
    if (status == LagStatus.REWIND) {
      assertTrue(LagEvaluator.rewound(w));
    }
    if (status == LagStatus.STALLED) {
      assertTrue(w.stream().map(CommitSample::offset).distinct().count() == 1);
    }
    if (status == LagStatus.WARNING) {
      assertTrue(LagEvaluator.lagNeverDecreases(w) && !LagEvaluator.stalled(w));
    }
    if (status != LagStatus.OK && status != LagStatus.STOPPED) {
      assertTrue(w.stream().allMatch(c -> c.lag() > 0), "rule 1 would have said OK");
    }
    if (!stopped && LagEvaluator.lagEverZero(w)) {
      assertEquals(LagStatus.OK, status);
    }
  }

  @Property
  void onlyTimeDifferencesMatter(
      @ForAll("windows") List<CommitSample> w,
      @ForAll("ends") List<Long> ends,
      @ForAll @LongRange(min = 0, max = 100) long currentLag,
      @ForAll @LongRange(min = 0, max = 10_000_000) long later,
      @ForAll @LongRange(min = -1_000_000_000L, max = 1_000_000_000L) long shift) {
    List<CommitSample> shifted =
        w.stream()
            .map(c -> new CommitSample(c.offset(), c.timestampMs() + shift, c.lag()))
            .toList();
    long now = last(w) + later;
    assertEquals(
        LagEvaluator.status(w, ends, currentLag, now),
        LagEvaluator.status(shifted, ends, currentLag, now + shift));
  }

  @Property
  void aPartitionCommittingTheSameOffsetAtIncreasingLagIsStalledUntilItStops(
      @ForAll @IntRange(min = 2, max = 10) int commits,
      @ForAll @LongRange(min = 1, max = 1000) long lag) {
    List<CommitSample> w = new ArrayList<>();
    for (int i = 0; i < commits; i++) {
      w.add(new CommitSample(500, 60_000L * i, lag + i));
    }
    long span = 60_000L * (commits - 1);
    List<Long> ends = List.of(500 + lag + commits);
    assertEquals(LagStatus.STALLED, LagEvaluator.status(w, ends, lag + commits, last(w) + span));
    assertEquals(
        LagStatus.STOPPED, LagEvaluator.status(w, ends, lag + commits, last(w) + span + 1));
  }

  /** One step of a random feed: the consumer may commit, then the agent samples. */
  record Step(boolean commits, int offsetDelta, int produced, int elapsedMs) {}

  @Provide
  Arbitrary<List<Step>> feeds() {
    return Combinators.combine(
            Arbitraries.of(true, false),
            Arbitraries.integers().between(-2, 30),
            Arbitraries.integers().between(0, 30),
            Arbitraries.integers().between(0, 20_000))
        .as(Step::new)
        .list()
        .ofMaxSize(60);
  }

  @Property
  void windowsAreBoundedOrderedAndNonNegative(
      @ForAll("feeds") List<Step> feed, @ForAll @IntRange(min = 2, max = 12) int intervals) {
    LagEvaluator lag = new LagEvaluator(intervals);
    TopicPartitionRef tp = new TopicPartitionRef("t", 0);
    long now = 1_000_000;
    long end = 100;
    long offset = 50;
    long committedAt = now;
    for (Step s : feed) {
      now += s.elapsedMs();
      end += s.produced();
      if (s.commits()) {
        offset = Math.max(0, offset + s.offsetDelta());
        committedAt = now;
      }
      lag.observe("g", tp, offset, committedAt, end, now);

      List<CommitSample> w = lag.window("g", tp);
      assertTrue(w.size() <= intervals);
      for (int i = 1; i < w.size(); i++) {
        assertTrue(w.get(i - 1).timestampMs() < w.get(i).timestampMs(), "strictly newer");
      }
      assertTrue(w.stream().allMatch(c -> c.lag() >= 0));
      double complete = lag.evaluate("g", tp, Math.max(0, end - offset), now).complete();
      assertEquals((double) w.size() / intervals, complete);
    }
  }
}
