package dev.meridian.node.storage;

import static dev.meridian.node.storage.TestRecords.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetentionTest {
  @TempDir Path tmp;

  /** 40 batches of one ~150-byte record, 4 per segment. */
  private LogFixture filled(LogConfig config) throws IOException {
    LogFixture f = new LogFixture(tmp, config.withSegmentBytes(700));
    for (int i = 0; i < 40; i++) {
      f.log.appendAsLeader(TestRecords.sized(1, 100, f.clock.get() + i), 0);
    }
    f.log.updateHighWatermark(f.log.logEndOffset());
    return f;
  }

  @Test
  void deletesWholeSegmentsOlderThanRetentionMs() throws IOException {
    LogFixture f = filled(LogConfig.DEFAULT.withRetention(10_000, -1));
    int before = f.log.segmentCount();
    assertEquals(0, f.log.applyRetention(), "nothing is old yet");
    f.clock.addAndGet(5_000);
    for (int i = 0; i < 8; i++) {
      f.log.appendAsLeader(TestRecords.sized(1, 100, f.clock.get()), 0);
    }
    f.log.updateHighWatermark(f.log.logEndOffset());
    f.clock.addAndGet(5_100);
    int deleted = f.log.applyRetention();
    assertEquals(before, deleted, "every segment of the first 40 records went");
    assertTrue(f.log.logStartOffset() >= 36 && f.log.logStartOffset() <= 40);
    assertEquals(48 - f.log.logStartOffset(), readAll(f.log, f.log.logStartOffset()).size());
    assertThrows(
        OffsetOutOfRangeException.class, () -> f.log.read(0, 100, FetchIsolation.LOG_END, true));
  }

  @Test
  void rollsAndDeletesAnExpiredActiveSegment() throws IOException {
    LogFixture f = filled(LogConfig.DEFAULT.withRetention(1_000, -1));
    f.clock.addAndGet(60_000);
    f.log.applyRetention();
    assertEquals(40, f.log.logStartOffset());
    assertEquals(40, f.log.logEndOffset());
    assertEquals(1, f.log.segmentCount());
    assertEquals(
        40, f.log.appendAsLeader(TestRecords.sized(1, 10, f.clock.get()), 0).firstOffset());
  }

  @Test
  void deletesOldestSegmentsBeyondRetentionBytes() throws IOException {
    LogFixture f = filled(LogConfig.DEFAULT.withRetention(-1, 2_000));
    long sizeBefore = f.log.size();
    int deleted = f.log.applyRetention();
    assertTrue(deleted > 0);
    assertTrue(f.log.size() <= 2_000 + 700, "size " + f.log.size() + " before " + sizeBefore);
    assertTrue(f.log.size() > 2_000 - 700);
    assertEquals(
        f.log.logEndOffset() - f.log.logStartOffset(),
        readAll(f.log, f.log.logStartOffset()).size());
  }

  @Test
  void neverDeletesAboveTheHighWatermark() throws IOException {
    LogFixture f = filled(LogConfig.DEFAULT.withRetention(1, -1));
    f.log.updateHighWatermark(10);
    f.clock.addAndGet(60_000);
    f.log.applyRetention();
    assertTrue(f.log.logStartOffset() <= 10, "start " + f.log.logStartOffset());
    assertTrue(f.log.logStartOffset() > 0);
  }

  @Test
  void compactOnlyTopicsKeepEverythingRegardlessOfAge() throws IOException {
    LogFixture f = filled(LogConfig.DEFAULT.withRetention(1, 10).withCleanupPolicy("compact"));
    f.clock.addAndGet(60_000);
    assertEquals(0, f.log.applyRetention());
    assertEquals(0, f.log.logStartOffset());
  }

  @Test
  void deleteRecordsAdvancesTheLogStartAndDropsWholeSegmentsBelowIt() throws IOException {
    LogFixture f = filled(LogConfig.DEFAULT);
    int before = f.log.segmentCount();
    assertTrue(f.log.maybeIncrementLogStartOffset(13));
    assertFalse(f.log.maybeIncrementLogStartOffset(5), "never moves backwards");
    assertEquals(13, f.log.logStartOffset());
    assertTrue(f.log.segmentCount() < before);
    assertEquals(27, readAll(f.log, 13).size());
    assertThrows(OffsetOutOfRangeException.class, () -> f.log.maybeIncrementLogStartOffset(41));
    PartitionLog reopened = f.reopen();
    assertEquals(13, reopened.logStartOffset(), "log start survives a restart");
    assertEquals(13, readAll(reopened, 13).get(0).offset());
  }
}
