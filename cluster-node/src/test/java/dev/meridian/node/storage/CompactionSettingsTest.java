package dev.meridian.node.storage;

import static dev.meridian.node.storage.TestRecords.batch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When the cleaner runs a log: min.cleanable.dirty.ratio, min and max.compaction.lag.ms. */
class CompactionSettingsTest {
  @TempDir Path tmp;

  private static final long HOUR = 3_600_000L;

  private static final LogConfig COMPACT =
      LogConfig.DEFAULT.withCleanupPolicy("compact").withSegmentBytes(1024);

  private static void append(LogFixture f, int from, int count) {
    for (int i = from; i < from + count; i++) {
      f.log.appendAsLeader(batch(f.clock.get(), "key-" + (i % 5), "value-" + i), 0);
    }
    f.log.updateHighWatermark(f.log.logEndOffset());
  }

  /** A log cleaned once, then a few dirty segments: a small dirty share. */
  private LogFixture cleanedThenSlightlyDirty(LogConfig config) throws IOException {
    LogFixture f = new LogFixture(tmp, config);
    append(f, 0, 300);
    assertTrue(LogCleaner.maybeClean(f.log, true).segments() > 0);
    append(f, 300, 15);
    return f;
  }

  @Test
  void theDirtyRatioDecidesWhetherALogIsCleaned() throws IOException {
    LogFixture f = cleanedThenSlightlyDirty(COMPACT.withCompaction(0, Long.MAX_VALUE, 0.99));
    assertEquals(0, LogCleaner.maybeClean(f.log, false).segments(), "not dirty enough");
    f.log.updateConfig(COMPACT.withCompaction(0, Long.MAX_VALUE, 0.01));
    assertTrue(LogCleaner.maybeClean(f.log, false).segments() > 0, "dirty enough now");
  }

  @Test
  void maxCompactionLagCleansAnOldDirtyLogWhateverItsRatio() throws IOException {
    LogFixture f = cleanedThenSlightlyDirty(COMPACT.withCompaction(0, HOUR, 0.99));
    assertEquals(0, LogCleaner.maybeClean(f.log, false).segments(), "dirty records still young");
    f.clock.addAndGet(2 * HOUR);
    assertTrue(LogCleaner.maybeClean(f.log, false).segments() > 0, "overdue by max lag");
  }

  @Test
  void minCompactionLagLeavesYoungSegmentsAlone() throws IOException {
    LogFixture f = new LogFixture(tmp, COMPACT.withCompaction(HOUR, Long.MAX_VALUE, 0.5));
    append(f, 0, 300);
    assertEquals(0, LogCleaner.maybeClean(f.log, true).segments(), "every record is too young");
    f.clock.addAndGet(2 * HOUR);
    append(f, 300, 30); // young again: these segments stay dirty
    LogCleaner.Result r = LogCleaner.maybeClean(f.log, true);
    assertTrue(r.segments() > 0, r.toString());
    long cleanedUpTo = f.log.cleanerOffset();
    assertTrue(
        cleanedUpTo > 0 && cleanedUpTo <= 300,
        "cleaned up to the first young segment: " + cleanedUpTo);
  }

  @Test
  void aCompactedTopicsLogConfigFromTheNodeRollsByMaxLag() {
    dev.meridian.node.metadata.TopicConfigs configs =
        new dev.meridian.node.metadata.TopicConfigs(dev.meridian.config.TopicDefaults.DEFAULTS);
    assertEquals(
        60_000,
        configs
            .logConfig(
                java.util.Map.of("cleanup.policy", "compact", "max.compaction.lag.ms", "60000"))
            .segmentMs());
    assertEquals(
        604_800_000L,
        configs.logConfig(java.util.Map.of("max.compaction.lag.ms", "60000")).segmentMs());
  }
}
