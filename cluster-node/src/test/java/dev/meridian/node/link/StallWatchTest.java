package dev.meridian.node.link;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StallWatchTest {

  @Test
  void aMirrorThatDoesNotMoveWhileTheSourceIsAheadStallsAfterTheTimeout() {
    StallWatch w = new StallWatch(30_000);
    assertFalse(w.observe(100, 100, 0), "caught up");
    assertFalse(w.observe(200, 100, 1_000), "behind: the clock starts");
    assertFalse(w.observe(300, 100, 30_999));
    assertTrue(w.observe(300, 100, 31_000), "30 s without progress");
    assertFalse(w.observe(300, 150, 31_500), "progress resets it");
    assertFalse(w.observe(300, 150, 61_499));
    assertTrue(w.observe(300, 150, 61_500));
    assertFalse(w.observe(300, 300, 62_000), "caught up again");
    assertFalse(w.observe(400, 300, 62_001));
  }
}
