package dev.meridian.node.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.meridian.node.group.GroupQuery.TopicPartitionRef;
import dev.meridian.node.group.LagEvaluator.CommitSample;
import dev.meridian.node.group.LagEvaluator.Evaluation;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Burrow's rules, one status at a time, driven through {@link LagEvaluator#observe} with a test
 * clock: a consumer that commits once a minute and an agent that samples every 10 s.
 */
class LagEvaluatorTest {

  private static final String G = "billing";
  private static final TopicPartitionRef TP = new TopicPartitionRef("orders", 0);
  private static final long MINUTE = 60_000;

  private final LagEvaluator lag = new LagEvaluator(5);
  private long now = 1_700_000_000_000L;
  private long lastOffset = -1;
  private long lastCommitMs = -1;

  /**
   * A minute later the consumer commits {@code offset}; the agent sees it with the end at {@code
   * end}.
   */
  private void commit(long offset, long end) {
    now += MINUTE;
    lastOffset = offset;
    lastCommitMs = now;
    lag.observe(G, TP, offset, now, end, now);
  }

  /** 10 s later the agent samples again: no new commit, the partition ends at {@code end}. */
  private void tick(long end) {
    now += 10_000;
    lag.observe(G, TP, lastOffset, lastCommitMs, end, now);
  }

  private LagStatus status(long currentLag) {
    return lag.evaluate(G, TP, currentLag, now).status();
  }

  private List<Long> lags() {
    return lag.window(G, TP).stream().map(CommitSample::lag).toList();
  }

  @Test
  void okWhenTheLagWasZeroSomewhereInTheWindow() {
    commit(100, 100);
    commit(200, 250);
    commit(300, 400);
    assertEquals(List.of(0L, 50L, 100L), lags());
    assertEquals(LagStatus.OK, status(100), "rule 1: zero lag in the window");
  }

  @Test
  void okWhenThereIsNoLagNowWhateverTheWindow() {
    for (int i = 0; i < 5; i++) {
      commit(100, 200 + i);
    }
    assertEquals(LagStatus.STALLED, status(104));
    assertEquals(LagStatus.OK, status(0));
    assertEquals(LagStatus.OK, status(-1), "unknown lag");
  }

  @Test
  void okWhenCatchingUp() {
    commit(100, 1000);
    commit(300, 1000);
    commit(500, 1000);
    assertEquals(LagStatus.OK, status(500), "rule 5 does not hold: the lag decreases");
  }

  @Test
  void okWhenTheLagDecreasesAnywhere() {
    commit(100, 200);
    commit(200, 400);
    commit(400, 550);
    commit(500, 800);
    assertEquals(List.of(100L, 200L, 150L, 300L), lags());
    assertEquals(LagStatus.OK, status(300));
  }

  @Test
  void warningWhenTheLagKeepsGrowing() {
    commit(100, 150);
    commit(200, 300);
    commit(300, 450);
    assertEquals(LagStatus.WARNING, status(150), "rule 5: lag never decreases");
  }

  @Test
  void warningWhenTheLagStaysTheSame() {
    commit(100, 200);
    commit(200, 300);
    commit(300, 400);
    assertEquals(LagStatus.WARNING, status(100), "not decreasing includes equal");
  }

  @Test
  void stalledWhenCommitsDoNotMoveTheOffset() {
    commit(100, 200);
    commit(100, 250);
    commit(100, 300);
    assertEquals(3, lag.window(G, TP).size(), "a repeated offset with a new timestamp is a commit");
    assertEquals(LagStatus.STALLED, status(200), "rule 4");
  }

  @Test
  void stalledEvenWhenTheLagDoesNotGrow() {
    commit(100, 200);
    commit(100, 200);
    commit(100, 200);
    assertEquals(LagStatus.STALLED, status(100));
  }

  @Test
  void stoppedOnceTheSilenceOutlastsTheWindow() {
    commit(100, 150);
    commit(200, 300);
    commit(300, 450);
    commit(400, 600); // the window spans 3 minutes
    for (int i = 0; i < 18; i++) {
      tick(600); // 3 minutes without a commit
    }
    assertEquals(LagStatus.WARNING, status(200), "silence == span is not yet stopped");
    now += 1;
    assertEquals(LagStatus.STOPPED, status(200), "rule 3: silence > span");
  }

  @Test
  void stoppedEvenIfTheLagWasOnceZero() {
    commit(100, 100);
    commit(200, 250);
    commit(300, 400);
    assertEquals(LagStatus.OK, status(100));
    for (int i = 0; i < 5; i++) {
      tick(400); // the end sample at 100, where the consumer was caught up, leaves the ring
    }
    now += 70_001; // 2 minutes and 1 ms of silence; the window spans 2 minutes
    assertEquals(
        LagStatus.STOPPED, status(100), "rule 3 comes before rule 1: the zero may be long ago");
  }

  @Test
  void notStoppedWhileTheConsumerWasCaughtUpRecently() {
    commit(100, 100);
    commit(200, 200);
    commit(300, 300);
    for (int i = 0; i < 30; i++) {
      tick(300); // idle topic, consumer caught up, no commits: 5 minutes
    }
    tick(301); // a record arrives
    assertEquals(
        LagStatus.OK, status(1), "a recent end offset <= last commit: give it time to commit");
    for (int i = 0; i < 4; i++) {
      tick(301); // the samples at 300 leave the 5-entry ring
    }
    assertEquals(LagStatus.STOPPED, status(1));
  }

  @Test
  void rewindWhenTheOffsetGoesBack() {
    commit(100, 200);
    commit(300, 400);
    commit(200, 450);
    commit(400, 500);
    assertEquals(LagStatus.REWIND, status(100), "rule 2");
  }

  @Test
  void aGroupIsItsWorstPartitionWithPartitionErrorsAsError() {
    assertEquals(LagStatus.OK, LagStatus.ofGroup(List.of()));
    assertEquals(LagStatus.OK, LagStatus.ofGroup(List.of(LagStatus.OK, LagStatus.OK)));
    assertEquals(LagStatus.WARNING, LagStatus.ofGroup(List.of(LagStatus.OK, LagStatus.WARNING)));
    for (LagStatus error : List.of(LagStatus.STOPPED, LagStatus.STALLED, LagStatus.REWIND)) {
      assertEquals(
          LagStatus.ERROR, LagStatus.ofGroup(List.of(LagStatus.WARNING, error, LagStatus.OK)));
    }
  }

  @Test
  void theWindowKeepsTheLastIntervalsCommits() {
    for (int i = 1; i <= 8; i++) {
      commit(i * 100L, i * 100L + 10);
    }
    List<CommitSample> window = lag.window(G, TP);
    assertEquals(5, window.size());
    assertEquals(400, window.get(0).offset());
    assertEquals(800, window.get(4).offset());
    Evaluation ev = lag.evaluate(G, TP, 10, now);
    assertEquals(1.0, ev.complete());
    assertEquals(window.get(0), ev.start());
    assertEquals(window.get(4), ev.end());
  }

  @Test
  void completeIsTheFilledShareOfTheWindow() {
    commit(100, 100);
    commit(200, 200);
    assertEquals(0.4, lag.evaluate(G, TP, 0, now).complete());
  }

  @Test
  void seeingTheSameCommitAgainAddsNoSample() {
    commit(100, 150);
    tick(200);
    tick(250);
    assertEquals(List.of(50L), lags());
  }

  @Test
  void aCommitsLagUsesTheEndSampledBeforeIt() {
    commit(100, 100);
    tick(150);
    tick(180); // sampled at commit + 20 s
    long committedAt = now + 5_000;
    now += 10_000;
    // the agent sees the commit made 5 s ago, with the end now at 240
    lag.observe(G, TP, 170, committedAt, 240, now);
    assertEquals(List.of(0L, 10L), lags(), "180 (sampled before the commit) - 170");
  }

  @Test
  void aCommitOlderThanEveryEndSampleUsesTheOldest() {
    lag.observe(G, TP, 100, now - 3_600_000, 130, now);
    assertEquals(List.of(30L), lags());
  }

  @Test
  void aCommitAheadOfTheSampledEndHasZeroLag() {
    commit(100, 90);
    assertEquals(List.of(0L), lags());
  }

  @Test
  void aNewerCommitInTheSameMillisecondReplacesTheLastOne() {
    lag.observe(G, TP, 100, now, 200, now);
    lag.observe(G, TP, 150, now, 200, now);
    assertEquals(150, lag.window(G, TP).get(0).offset());
    assertEquals(1, lag.window(G, TP).size());
  }

  @Test
  void anOlderCommitIsIgnored() {
    commit(200, 300);
    lag.observe(G, TP, 100, now - MINUTE, 300, now);
    assertEquals(200, lag.window(G, TP).get(0).offset());
  }

  @Test
  void commitsAreDroppedUntilTheEndOffsetIsKnown() {
    lag.observe(G, TP, 100, now, LogEndOffsets.UNKNOWN, now);
    assertEquals(List.of(), lag.window(G, TP));
    Evaluation ev = lag.evaluate(G, TP, 5, now);
    assertEquals(LagStatus.OK, ev.status());
    assertEquals(0.0, ev.complete());
    assertNull(ev.start());
  }

  @Test
  void noCommitRecordsOnlyTheEnd() {
    lag.observe(G, TP, -1, -1, 100, now);
    assertEquals(List.of(), lag.window(G, TP));
  }

  @Test
  void goneGroupsAndPartitionsAreForgotten() {
    TopicPartitionRef other = new TopicPartitionRef("orders", 1);
    commit(100, 100);
    lag.observe(G, other, 5, now, 10, now);
    lag.observe("other-group", TP, 5, now, 10, now);

    lag.retainPartitions(G, Set.of(TP));
    assertEquals(List.of(), lag.window(G, other));
    assertEquals(1, lag.window(G, TP).size());

    lag.retainGroups(Set.of(G));
    assertEquals(Set.of(G), lag.groups());
  }

  @Test
  void aWindowNeedsTwoIntervals() {
    assertThrows(IllegalArgumentException.class, () -> new LagEvaluator(1));
    assertEquals(10, new LagEvaluator().intervals());
  }
}
