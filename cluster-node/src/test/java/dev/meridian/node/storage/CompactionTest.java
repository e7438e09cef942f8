package dev.meridian.node.storage;

import static dev.meridian.node.storage.TestRecords.batch;
import static dev.meridian.node.storage.TestRecords.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.compress.Compression;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompactionTest {
  @TempDir Path tmp;

  private static final LogConfig COMPACT =
      LogConfig.DEFAULT
          .withCleanupPolicy("compact")
          .withSegmentBytes(1024)
          .withDeleteRetentionMs(10_000);

  @Test
  void keepsTheNewestRecordPerKeyAndNeverChangesOffsets() throws IOException {
    LogFixture f = new LogFixture(tmp, COMPACT);
    for (int i = 0; i < 300; i++) {
      f.log.appendAsLeader(batch(i, "key-" + (i % 10), "value-" + i), 0);
    }
    f.log.updateHighWatermark(f.log.logEndOffset());
    long activeBase = f.log.activeSegment().baseOffset();
    // the cleaner works below the active segment: newest there is what must survive
    Map<String, Long> newest = new HashMap<>();
    for (TestRecords.Rec rec : readAll(f.log, 0)) {
      if (rec.offset() < activeBase) {
        newest.put(rec.key(), rec.offset());
      }
    }
    List<TestRecords.Rec> activeBefore = readAll(f.log, activeBase);
    LogCleaner.Result r = LogCleaner.maybeClean(f.log, true);
    assertTrue(r.bytesAfter() < r.bytesBefore() / 5, r.toString());
    List<TestRecords.Rec> all = readAll(f.log, 0);
    for (TestRecords.Rec rec : all) {
      if (rec.offset() < activeBase) {
        assertEquals(newest.get(rec.key()), rec.offset(), "only the newest survives: " + rec);
        assertEquals("value-" + rec.offset(), rec.value(), "offset kept with its record");
      }
    }
    assertEquals(activeBefore, readAll(f.log, activeBase), "active segment untouched");
    assertEquals(300, f.log.logEndOffset());
    // a second pass right away finds nothing dirty
    assertEquals(0, LogCleaner.maybeClean(f.log, false).segments());
    // and everything survives a restart
    PartitionLog reopened = f.reopen();
    assertEquals(all, readAll(reopened, 0));
  }

  @Test
  void aReplicaCopiesACleanedLogWithItsGapsAtTheSameOffsets() throws IOException {
    LogFixture leader = new LogFixture(tmp.resolve("leader"), COMPACT);
    for (int i = 0; i < 300; i++) {
      leader.log.appendAsLeader(batch(i, "key-" + (i % 10), "value-" + i), 0);
    }
    leader.log.updateHighWatermark(leader.log.logEndOffset());
    LogCleaner.maybeClean(leader.log, true);
    // copy as a follower does: from its log end, whole batches, until it has the leader's end
    LogFixture follower = new LogFixture(tmp.resolve("follower"), COMPACT);
    while (follower.log.logEndOffset() < leader.log.logEndOffset()) {
      follower.log.appendAtOffsets(
          leader
              .log
              .read(follower.log.logEndOffset(), 4096, FetchIsolation.LOG_END, true)
              .records());
    }
    assertEquals(readAll(leader.log, 0), readAll(follower.log, 0), "same records, same offsets");
    assertEquals(300, follower.log.logEndOffset());
    assertTrue(readAll(follower.log, 0).size() < 100, "the copy has the cleaned log's gaps");
  }

  @Test
  void removesTombstonesOnlyAfterDeleteRetention() throws IOException {
    LogFixture f = new LogFixture(tmp, COMPACT);
    f.log.appendAsLeader(batch(1, "gone", "v1"), 0);
    f.log.appendAsLeader(batch(2, "kept", "v2"), 0);
    f.log.appendAsLeader(batch(3, "gone", null), 0);
    f.log.roll();
    f.log.appendAsLeader(batch(4, "other", "x"), 0);
    f.log.updateHighWatermark(f.log.logEndOffset());
    LogCleaner.maybeClean(f.log, true);
    List<TestRecords.Rec> first = readAll(f.log, 0);
    assertEquals(
        List.of("kept", "gone", "other"), first.stream().map(TestRecords.Rec::key).toList());
    assertEquals(null, first.get(1).value(), "tombstone kept within delete.retention.ms");
    f.clock.addAndGet(10_001);
    LogCleaner.maybeClean(f.log, true);
    List<TestRecords.Rec> later = readAll(f.log, 0);
    assertEquals(List.of("kept", "other"), later.stream().map(TestRecords.Rec::key).toList());
    assertEquals(1, later.get(0).offset());
  }

  @Test
  void compactsCompressedBatchesAndKeepsThemReadable() throws IOException {
    LogFixture f = new LogFixture(tmp, COMPACT);
    for (int i = 0; i < 50; i++) {
      f.log.appendAsLeader(
          batch(Compression.lz4().build(), i, "a", "a" + i, "b", "b" + i, "c" + i, "c"), 0);
    }
    f.log.updateHighWatermark(f.log.logEndOffset());
    LogCleaner.maybeClean(f.log, true);
    List<TestRecords.Rec> all = readAll(f.log, 0);
    long activeBase = f.log.activeSegment().baseOffset();
    long as = all.stream().filter(r -> r.key().equals("a") && r.offset() < activeBase).count();
    assertTrue(as <= 1, "one 'a' left in the cleaned part, got " + as);
    assertTrue(all.stream().anyMatch(r -> r.key().equals("c0")), "unique keys all survive");
  }

  @Test
  void readersAndWritersKeepGoingDuringCompaction() throws Exception {
    LogFixture f = new LogFixture(tmp, COMPACT.withFileDeleteDelayMs(0));
    for (int i = 0; i < 500; i++) {
      f.log.appendAsLeader(batch(i, "key-" + (i % 7), "v" + i), 0);
    }
    f.log.updateHighWatermark(f.log.logEndOffset());
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<Integer> writer =
          pool.submit(
              () -> {
                int n = 0;
                while (!stop.get() && n < 2000) {
                  f.log.appendAsLeader(batch(n, "w" + (n % 3), "x"), 0);
                  n++;
                }
                return n;
              });
      Future<Integer> reader =
          pool.submit(
              () -> {
                int reads = 0;
                while (!stop.get() && reads < 2000) {
                  long start = f.log.logStartOffset();
                  List<TestRecords.Rec> recs = readAll(f.log, start);
                  for (int i = 1; i < recs.size(); i++) {
                    assertTrue(recs.get(i).offset() > recs.get(i - 1).offset());
                  }
                  reads++;
                }
                return reads;
              });
      for (int i = 0; i < 5; i++) {
        LogCleaner.maybeClean(f.log, true);
      }
      stop.set(true);
      assertTrue(writer.get() > 0);
      assertTrue(reader.get() > 0);
    } finally {
      pool.shutdownNow();
    }
  }
}
