package dev.meridian.node.storage;

import static dev.meridian.node.storage.TestRecords.batch;
import static dev.meridian.node.storage.TestRecords.readAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.compress.Compression;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionLogTest {
  @TempDir Path tmp;

  private LogFixture fixture(LogConfig config) throws IOException {
    return new LogFixture(tmp, config);
  }

  @Test
  void assignsContiguousOffsetsAndReadsThemBack() throws IOException {
    LogFixture f = fixture(LogConfig.DEFAULT);
    LogAppendInfo a = f.log.appendAsLeader(batch(1000, "a", "1", "b", "2"), 3);
    LogAppendInfo b = f.log.appendAsLeader(batch(1001, "c", "3"), 3);
    assertEquals(0, a.firstOffset());
    assertEquals(1, a.lastOffset());
    assertEquals(2, b.firstOffset());
    assertEquals(3, f.log.logEndOffset());
    List<TestRecords.Rec> all = readAll(f.log, 0);
    assertEquals(List.of(0L, 1L, 2L), all.stream().map(TestRecords.Rec::offset).toList());
    assertEquals("3", all.get(2).value());
    assertEquals(3, f.log.latestEpoch());
  }

  @Test
  void stampsBaseOffsetAndLeaderEpochWithoutTouchingTheRestOfTheBatch() throws IOException {
    LogFixture f = fixture(LogConfig.DEFAULT);
    f.log.appendAsLeader(batch(1, "x", "y"), 0);
    ByteBuffer original = batch(Compression.lz4().build(), 5, "k", "v".repeat(500), "k2", "w");
    byte[] sent = new byte[original.remaining()];
    original.duplicate().get(sent);
    f.log.appendAsLeader(original, 7);
    ByteBuffer stored = f.log.read(1, 1 << 20, FetchIsolation.LOG_END, true).records();
    byte[] got = new byte[stored.remaining()];
    stored.duplicate().get(got);
    assertEquals(sent.length, got.length, "compressed batch stays compressed, same size");
    assertEquals(1, RecordBatchHeader.baseOffset(stored, 0));
    assertEquals(7, RecordBatchHeader.partitionLeaderEpoch(stored, 0));
    // bytes after the base offset (8), length (4) and epoch (4) are exactly what was sent
    assertArrayEquals(
        java.util.Arrays.copyOfRange(sent, 16, sent.length),
        java.util.Arrays.copyOfRange(got, 16, got.length));
    assertEquals(null, RecordBatchHeader.validate(stored, 0, stored.limit()));
  }

  @Test
  void rejectsCorruptBatchAndAppendsNothing() throws IOException {
    LogFixture f = fixture(LogConfig.DEFAULT);
    ByteBuffer good = batch(1, "a", "1");
    ByteBuffer bad = batch(1, "b", "2");
    bad.put(bad.limit() - 1, (byte) (bad.get(bad.limit() - 1) ^ 0x5a));
    ByteBuffer both = TestRecords.concat(good, bad);
    CorruptRecordException e =
        assertThrows(CorruptRecordException.class, () -> f.log.appendAsLeader(both, 0));
    assertTrue(e.getMessage().contains("CRC mismatch"), e.getMessage());
    assertEquals(0, f.log.logEndOffset());
    ByteBuffer truncated = batch(1, "a", "1");
    truncated.limit(truncated.limit() - 3);
    assertThrows(CorruptRecordException.class, () -> f.log.appendAsLeader(truncated, 0));
    assertThrows(
        CorruptRecordException.class, () -> f.log.appendAsLeader(ByteBuffer.allocate(0), 0));
    assertEquals(0, f.log.size());
  }

  @Test
  void rejectsBatchLargerThanMaxMessageBytes() throws IOException {
    LogFixture f = fixture(LogConfig.DEFAULT.withMaxMessageBytes(500));
    RecordTooLargeException e =
        assertThrows(
            RecordTooLargeException.class,
            () -> f.log.appendAsLeader(TestRecords.sized(2, 400, 1), 0));
    assertTrue(e.getMessage().contains("max.message.bytes 500"));
    assertEquals(0, f.log.logEndOffset());
  }

  @Test
  void rollsBySegmentBytesAndFindsEveryOffsetAcrossSegments() throws IOException {
    LogFixture f = fixture(LogConfig.DEFAULT.withSegmentBytes(4096).withIndexIntervalBytes(256));
    for (int i = 0; i < 200; i++) {
      f.log.appendAsLeader(batch(i, "k" + i, "value-" + i), 0);
    }
    assertTrue(f.log.segmentCount() > 3, "segments: " + f.log.segmentCount());
    for (long off = 0; off < 200; off += 7) {
      ByteBuffer b = f.log.read(off, 100, FetchIsolation.LOG_END, true).records();
      assertEquals(off, RecordBatchHeader.baseOffset(b, 0));
    }
    assertEquals(200, readAll(f.log, 0).size());
  }

  @Test
  void rollsBySegmentMs() throws IOException {
    LogFixture f = fixture(LogConfig.DEFAULT.withSegmentMs(1000));
    f.log.appendAsLeader(batch(f.clock.get(), "a", "1"), 0);
    f.log.appendAsLeader(batch(f.clock.get(), "a", "1"), 0);
    assertEquals(1, f.log.segmentCount());
    f.clock.addAndGet(1001);
    f.log.appendAsLeader(batch(f.clock.get(), "a", "1"), 0);
    assertEquals(2, f.log.segmentCount());
  }

  @Test
  void readHonoursMaxBytesWholeBatchesAndHighWatermark() throws IOException {
    LogFixture f = fixture(LogConfig.DEFAULT);
    for (int i = 0; i < 10; i++) {
      f.log.appendAsLeader(TestRecords.sized(1, 100, i), 0);
    }
    int batchSize = f.log.read(0, 1 << 20, FetchIsolation.LOG_END, true).records().limit() / 10;
    ByteBuffer three = f.log.read(0, batchSize * 3 + 10, FetchIsolation.LOG_END, true).records();
    assertEquals(batchSize * 3, three.limit(), "only whole batches");
    ByteBuffer one = f.log.read(0, 5, FetchIsolation.LOG_END, true).records();
    assertEquals(batchSize, one.limit(), "minOneBatch returns the first batch whole");
    assertEquals(0, f.log.read(0, 5, FetchIsolation.LOG_END, false).records().limit());
    assertEquals(0, f.log.read(0, 1 << 20, FetchIsolation.HIGH_WATERMARK, true).records().limit());
    f.log.updateHighWatermark(4);
    ByteBuffer committed = f.log.read(0, 1 << 20, FetchIsolation.HIGH_WATERMARK, true).records();
    assertEquals(batchSize * 4, committed.limit());
    assertEquals(10, f.log.read(10, 100, FetchIsolation.LOG_END, true).logEndOffset());
    assertEquals(0, f.log.read(10, 100, FetchIsolation.LOG_END, true).records().limit());
    assertThrows(
        OffsetOutOfRangeException.class, () -> f.log.read(11, 100, FetchIsolation.LOG_END, true));
    assertThrows(
        OffsetOutOfRangeException.class, () -> f.log.read(-1, 100, FetchIsolation.LOG_END, true));
  }

  @Test
  void appendAtOffsetsKeepsOffsetsAcceptsGapsAndRejectsOverlaps() throws IOException {
    LogFixture source = new LogFixture(tmp.resolve("src"), LogConfig.DEFAULT);
    for (int i = 0; i < 5; i++) {
      source.log.appendAsLeader(batch(i, "k", "v" + i, "k2", "w" + i), 2);
    }
    ByteBuffer all = source.log.read(0, 1 << 20, FetchIsolation.LOG_END, true).records();
    LogFixture target = new LogFixture(tmp.resolve("dst"), LogConfig.DEFAULT);
    target.log.appendAtOffsets(all.duplicate());
    assertEquals(10, target.log.logEndOffset());
    assertEquals(readAll(source.log, 0), readAll(target.log, 0));
    assertEquals(2, target.log.latestEpoch());
    ByteBuffer later = source.log.read(4, 1 << 20, FetchIsolation.LOG_END, true).records();
    OffsetMismatchException overlap =
        assertThrows(OffsetMismatchException.class, () -> target.log.appendAtOffsets(later));
    assertTrue(overlap.getMessage().contains("overlaps"), overlap.getMessage());
    assertEquals(10, target.log.logEndOffset());

    // a gap (compaction removed the batches between) is kept as a gap
    LogFixture gapped = new LogFixture(tmp.resolve("gap"), LogConfig.DEFAULT);
    ByteBuffer first = source.log.read(0, 1, FetchIsolation.LOG_END, true).records();
    gapped.log.appendAtOffsets(first);
    ByteBuffer last = source.log.read(8, 1, FetchIsolation.LOG_END, true).records();
    gapped.log.appendAtOffsets(last);
    assertEquals(10, gapped.log.logEndOffset());
    List<TestRecords.Rec> kept = readAll(gapped.log, 0);
    assertEquals(List.of(0L, 1L, 8L, 9L), kept.stream().map(TestRecords.Rec::offset).toList());
    assertEquals(8, readAll(gapped.log, 2).get(0).offset(), "a read in the gap starts after it");
    // batches out of order within one append write nothing
    LogFixture unordered = new LogFixture(tmp.resolve("unordered"), LogConfig.DEFAULT);
    assertThrows(
        OffsetMismatchException.class,
        () ->
            unordered.log.appendAtOffsets(TestRecords.concat(last.duplicate(), first.duplicate())));
    assertEquals(0, unordered.log.logEndOffset());
  }

  @Test
  void truncatesToAnOffsetAndAcceptsNewAppends() throws IOException {
    LogFixture f = fixture(LogConfig.DEFAULT.withSegmentBytes(1024));
    for (int i = 0; i < 50; i++) {
      f.log.appendAsLeader(batch(i, "k" + i, "v" + i), i < 25 ? 1 : 2);
    }
    f.log.updateHighWatermark(50);
    int segmentsBefore = f.log.segmentCount();
    assertEquals(20, f.log.truncateTo(20));
    assertTrue(f.log.segmentCount() < segmentsBefore);
    assertEquals(20, f.log.logEndOffset());
    assertEquals(20, f.log.highWatermark());
    assertEquals(1, f.log.latestEpoch(), "epochs that started after 20 are gone");
    assertEquals(20, f.log.appendAsLeader(batch(99, "new", "x"), 3).firstOffset());
    List<TestRecords.Rec> all = readAll(f.log, 0);
    assertEquals(21, all.size());
    assertEquals("new", all.get(20).key());
    assertEquals(21, readAll(f.reopen(), 0).size());
  }

  @Test
  void truncatingToTheLogEndDropsAnEpochRecordedThereWithNoBatch() throws IOException {
    LogFixture f = fixture(LogConfig.DEFAULT);
    for (int i = 0; i < 5; i++) {
      f.log.appendAsLeader(batch(i, "k" + i, "v" + i), 2);
    }
    f.log.assignEpochAtLogEnd(7); // a leader took office, then the log became a copy again
    assertEquals(7, f.log.latestEpoch());
    assertEquals(5, f.log.truncateTo(5));
    assertEquals(5, f.log.logEndOffset(), "no record goes");
    assertEquals(2, f.log.latestEpoch(), "the epoch with no batch goes");
    assertEquals(5, f.log.truncateTo(9), "past the end: nothing to do");
    assertEquals(2, f.log.latestEpoch());
  }

  @Test
  void truncateFullyRestartsTheLogAtAnOffset() throws IOException {
    LogFixture f = fixture(LogConfig.DEFAULT);
    f.log.appendAsLeader(batch(1, "a", "1"), 0);
    f.log.truncateFullyAndStartAt(1000);
    assertEquals(1000, f.log.logStartOffset());
    assertEquals(1000, f.log.logEndOffset());
    assertEquals(1000, f.log.appendAsLeader(batch(1, "b", "2"), 0).firstOffset());
    PartitionLog reopened = f.reopen();
    assertEquals(1000, reopened.logStartOffset());
    assertEquals(1001, reopened.logEndOffset());
  }

  @Test
  void findsOffsetsByTimestampAndTheMaxTimestamp() throws IOException {
    LogFixture f = fixture(LogConfig.DEFAULT.withSegmentBytes(2048).withIndexIntervalBytes(128));
    for (int i = 0; i < 100; i++) {
      // batch i holds records with timestamps 1000*i and 1000*i+1
      f.log.appendAsLeader(batch(1000L * i, "a", "1", "b", "2"), 0);
    }
    assertEquals(new TimestampOffset(0, 0), f.log.offsetForTimestamp(0).orElseThrow());
    assertEquals(new TimestampOffset(42_000, 84), f.log.offsetForTimestamp(41_002).orElseThrow());
    assertEquals(new TimestampOffset(42_001, 85), f.log.offsetForTimestamp(42_001).orElseThrow());
    assertTrue(f.log.offsetForTimestamp(1_000_000).isEmpty());
    assertEquals(new TimestampOffset(99_001, 199), f.log.maxTimestamp().orElseThrow());
    PartitionLog reopened = f.reopen();
    assertEquals(
        new TimestampOffset(42_000, 84), reopened.offsetForTimestamp(41_002).orElseThrow());
    assertEquals(new TimestampOffset(99_001, 199), reopened.maxTimestamp().orElseThrow());
  }

  @Test
  void anIoErrorTakesOnlyThatPartitionOffline() throws IOException {
    LogConfig small = LogConfig.DEFAULT.withSegmentBytes(200);
    try (LogManager manager = LogManager.open(tmp.resolve("data"), small)) {
      PartitionLog broken = manager.getOrCreate("t", 0, small);
      PartitionLog healthy = manager.getOrCreate("t", 1, small);
      broken.appendAsLeader(TestRecords.sized(1, 150, 1), 0);
      // the partition directory disappears under the log: the next roll cannot create a file
      try (var files = Files.walk(broken.dir())) {
        files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
      }
      Files.writeString(broken.dir(), "not a directory");
      StorageException e =
          assertThrows(
              StorageException.class, () -> broken.appendAsLeader(TestRecords.sized(1, 150, 2), 0));
      assertTrue(e.getMessage().contains("t-0"), e.getMessage());
      assertTrue(broken.isOffline());
      assertThrows(StorageException.class, () -> broken.read(0, 100, FetchIsolation.LOG_END, true));
      for (int i = 0; i < 5; i++) {
        healthy.appendAsLeader(TestRecords.sized(1, 150, i), 0);
      }
      assertEquals(5, readAll(healthy, 0).size());
      assertFalse(healthy.isOffline());
    }
  }

  @Test
  void managerReopensEveryPartitionAndRefusesASecondOwner() throws IOException {
    Path data = tmp.resolve("data");
    try (LogManager m = LogManager.open(data, LogConfig.DEFAULT)) {
      m.getOrCreate("orders", 0, LogConfig.DEFAULT).appendAsLeader(batch(1, "a", "1"), 0);
      m.getOrCreate("orders-eu", 12, LogConfig.DEFAULT).appendAsLeader(batch(1, "b", "2"), 0);
      IOException busy =
          assertThrows(IOException.class, () -> LogManager.open(data, LogConfig.DEFAULT));
      assertTrue(busy.getMessage().contains("in use"), busy.getMessage());
    }
    try (LogManager m = LogManager.open(data, LogConfig.DEFAULT)) {
      assertEquals(2, m.partitionCount());
      assertEquals(1, m.get("orders-eu", 12).orElseThrow().logEndOffset());
      m.delete("orders", 0);
      assertFalse(Files.exists(data.resolve("orders-0")));
    }
  }
}
