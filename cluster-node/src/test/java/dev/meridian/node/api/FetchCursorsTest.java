package dev.meridian.node.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** What a source remembers of a pipelined fetcher: where its Fetches continue. */
class FetchCursorsTest {
  private final FetchCursors cursors = new FetchCursors();

  @Test
  void aFetchSentBeforeTheLastAnswerArrivedContinuesAfterWhatWasSent() {
    assertEquals(100, cursors.readFrom(1, "t-0", 100, 0));
    cursors.sent(1, "t-0", 100, 150, 0);
    // sent before the fetcher saw [100, 150): continues at 150
    assertEquals(150, cursors.readFrom(1, "t-0", 100, 0));
    cursors.sent(1, "t-0", 150, 180, 0);
    // three answers ahead of the fetcher: still inside the run [100, 180)
    assertEquals(180, cursors.readFrom(1, "t-0", 100, 0));
    assertEquals(180, cursors.readFrom(1, "t-0", 150, 0));
    assertEquals(180, cursors.readFrom(1, "t-0", 179, 0));
  }

  @Test
  void anOffsetOutsideTheRunStartsANewRunThere() {
    cursors.sent(1, "t-0", 100, 150, 0);
    assertEquals(40, cursors.readFrom(1, "t-0", 40, 0)); // truncated fetcher
    cursors.sent(1, "t-0", 40, 60, 0);
    assertEquals(60, cursors.readFrom(1, "t-0", 50, 0));
    assertEquals(120, cursors.readFrom(1, "t-0", 120, 0)); // the old run is gone
    assertEquals(150, cursors.readFrom(1, "t-0", 150, 0)); // the end itself: read from there
  }

  @Test
  void anEmptyAnswerKeepsTheRun() {
    cursors.sent(1, "t-0", 100, 150, 0);
    cursors.sent(1, "t-0", 150, -1, 0); // nothing new
    assertEquals(150, cursors.readFrom(1, "t-0", 100, 0));
  }

  @Test
  void pipelinesAndPartitionsAreSeparateAndAnErrorForgetsThePartition() {
    cursors.sent(1, "t-0", 100, 150, 0);
    assertEquals(100, cursors.readFrom(2, "t-0", 100, 0)); // a new pipeline starts afresh
    assertEquals(100, cursors.readFrom(1, "t-1", 100, 0));
    cursors.forget(1, "t-0");
    assertEquals(100, cursors.readFrom(1, "t-0", 100, 0));
  }

  @Test
  void anIdlePipelineIsForgottenAndTheirNumberIsBounded() {
    cursors.sent(1, "t-0", 100, 150, 0);
    assertEquals(100, cursors.readFrom(1, "t-0", 100, FetchCursors.IDLE_MS + 1));
    for (long id = 10; id < 10 + FetchCursors.MAX_PIPELINES + 50; id++) {
      cursors.sent(id, "t-0", 0, 10, 0);
    }
    assertEquals(FetchCursors.MAX_PIPELINES, cursors.size());
  }

  @Test
  void aPipelinesAnswersLeaveAtLeastTheSpacingApart() {
    cursors.readFrom(1, "t-0", 0, 0);
    long ms = 1_000_000;
    assertEquals(0, cursors.holdNanos(1, 25 * ms, 100 * ms), "the first answer leaves at once");
    assertEquals(25 * ms, cursors.holdNanos(1, 25 * ms, 100 * ms), "the next one 25 ms later");
    assertEquals(20 * ms, cursors.holdNanos(1, 25 * ms, 130 * ms), "after the one at 125 ms");
    assertEquals(0, cursors.holdNanos(1, 25 * ms, 500 * ms), "a late one leaves at once");
    assertEquals(0, cursors.holdNanos(1, 0, 501 * ms), "no spacing asked: no hold");
    assertEquals(0, cursors.holdNanos(9, 25 * ms, 0), "an unknown pipeline is not held");
  }
}
