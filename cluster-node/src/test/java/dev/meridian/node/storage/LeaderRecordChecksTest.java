package dev.meridian.node.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The topic configs a leader append applies to records (compression.type, the CreateTime window,
 * keys of compacted topics), and that appends at given offsets (followers, mirror topics) skip
 * them.
 */
class LeaderRecordChecksTest {
  @TempDir Path tmp;

  private static final int GZIP = 1;
  private static final int LZ4 = 3;
  private static final int ZSTD = 4;

  private static int codec(ByteBuffer stored, int pos) {
    return RecordBatchHeader.attributes(stored, pos) & 0x07;
  }

  private static ByteBuffer stored(PartitionLog log) {
    return log.read(0, 1 << 20, FetchIsolation.LOG_END, true).records();
  }

  private LogFixture fixture(LogConfig config) throws Exception {
    return new LogFixture(tmp, config);
  }

  @Test
  void aBatchOfAnotherCodecIsRecompressedToTheTopicsTypeKeepingProducerState() throws Exception {
    LogFixture f = fixture(LogConfig.DEFAULT.withCompression("zstd", LogConfig.DEFAULT_LEVEL));
    long ts = f.clock.get();
    ByteBuffer sent = TestRecords.idempotent(42L, (short) 3, 0, ts, "k1", "v1", "k2", null);
    assertEquals(0, codec(sent, 0));
    LogAppendInfo info = f.log.appendAsLeader(sent.duplicate(), 7);
    assertEquals(LogAppendInfo.Status.APPENDED, info.status());
    assertEquals(0, info.firstOffset());
    assertEquals(1, info.lastOffset());

    ByteBuffer stored = stored(f.log);
    assertEquals(ZSTD, codec(stored, 0));
    RecordBatch batch =
        MemoryRecords.readableRecords(stored.duplicate()).batches().iterator().next();
    batch.ensureValid();
    assertEquals(42L, batch.producerId());
    assertEquals(3, batch.producerEpoch());
    assertEquals(0, batch.baseSequence());
    assertEquals(1, batch.lastSequence());
    assertEquals(7, batch.partitionLeaderEpoch());
    assertEquals(
        List.of(new TestRecords.Rec(0, "k1", "v1", ts), new TestRecords.Rec(1, "k2", null, ts + 1)),
        TestRecords.decode(stored));

    // the idempotent retry of the same batch is recognised after re-compression too
    LogAppendInfo retry = f.log.appendAsLeader(sent.duplicate(), 7);
    assertEquals(LogAppendInfo.Status.DUPLICATE, retry.status());
    assertEquals(0, retry.firstOffset());
    assertEquals(2, f.log.logEndOffset());
  }

  @Test
  void producerKeepsTheBatchAsSentAndUncompressedDecompresses() throws Exception {
    LogFixture f = fixture(LogConfig.DEFAULT);
    long ts = f.clock.get();
    f.log.appendAsLeader(TestRecords.batch(Compression.gzip().build(), ts, "a", "1"), 0);
    assertEquals(GZIP, codec(stored(f.log), 0));

    LogFixture u =
        new LogFixture(
            tmp.resolve("u"),
            LogConfig.DEFAULT.withCompression("uncompressed", LogConfig.DEFAULT_LEVEL));
    u.log.appendAsLeader(TestRecords.batch(Compression.lz4().build(), ts, "a", "1", "b", "2"), 0);
    ByteBuffer plain = stored(u.log);
    assertEquals(0, codec(plain, 0));
    assertEquals(2, TestRecords.decode(plain).size());
  }

  @Test
  void aBatchAlreadyOfTheTopicsCodecIsNotRewritten() throws Exception {
    LogFixture f = fixture(LogConfig.DEFAULT.withCompression("lz4", 12));
    ByteBuffer sent = TestRecords.batch(Compression.lz4().build(), f.clock.get(), "a", "1");
    int size = sent.remaining();
    f.log.appendAsLeader(sent, 0);
    ByteBuffer stored = stored(f.log);
    assertEquals(LZ4, codec(stored, 0));
    assertEquals(size, stored.remaining());
  }

  @Test
  void followersAndMirrorsStoreTheSourcesBytesUnchanged() throws Exception {
    LogConfig config =
        LogConfig.DEFAULT
            .withCompression("zstd", LogConfig.DEFAULT_LEVEL)
            .withCleanupPolicy("compact")
            .withTimestampWindow(1000, 1000);
    LogFixture f = fixture(config);
    // uncompressed, without a key, timestamp far outside the window
    ByteBuffer source = TestRecords.batch(1L, null, "v");
    ByteBuffer copy = ByteBuffer.allocate(source.remaining()).put(source.duplicate()).flip();
    f.log.appendAtOffsets(source);
    ByteBuffer stored = stored(f.log);
    assertEquals(copy, stored);
  }

  @Test
  void createTimeOutsideTheWindowIsInvalidTimestamp() throws Exception {
    LogFixture f = fixture(LogConfig.DEFAULT.withTimestampWindow(60_000, 3_600_000));
    long now = f.clock.get();
    f.log.appendAsLeader(TestRecords.batch(now - 59_000, "k", "v"), 0);
    f.log.appendAsLeader(TestRecords.batch(now + 3_599_000, "k", "v"), 0);
    InvalidTimestampException old =
        assertThrows(
            InvalidTimestampException.class,
            () -> f.log.appendAsLeader(TestRecords.batch(now - 61_000, "k", "v"), 0));
    assertEquals(
        "Timestamp "
            + (now - 61_000)
            + " of message with offset 0 is out of range. The timestamp should be within ["
            + (now - 60_000)
            + ", "
            + (now + 3_600_000)
            + "]",
        old.getMessage());
    // only the second record of this batch is too new: found through the header's max timestamp
    assertThrows(
        InvalidTimestampException.class,
        () -> f.log.appendAsLeader(TestRecords.batch(now + 3_600_000, "a", "1", "b", "2"), 0));
    assertEquals(2, f.log.logEndOffset(), "nothing of a refused append is written");
    // the broker's own time (LogAppendTime) is never checked
    f.log.appendAsLeader(TestRecords.batch(now - 10_000_000, "k", "v"), 0, now);
    assertEquals(3, f.log.logEndOffset());
  }

  @Test
  void aCompactedTopicRefusesRecordsWithoutKey() throws Exception {
    LogFixture f = fixture(LogConfig.DEFAULT.withCleanupPolicy("compact,delete"));
    f.log.appendAsLeader(TestRecords.batch(f.clock.get(), "k", "v", "k2", null), 0);
    InvalidRecordException e =
        assertThrows(
            InvalidRecordException.class,
            () -> f.log.appendAsLeader(TestRecords.batch(f.clock.get(), "k", "v", null, "x"), 0));
    assertEquals(
        "Compacted topic cannot accept message without key in topic partition topic-0.",
        e.getMessage());
    assertEquals(2, f.log.logEndOffset());
    LogFixture d = new LogFixture(tmp.resolve("d"), LogConfig.DEFAULT);
    d.log.appendAsLeader(TestRecords.batch(d.clock.get(), null, "x"), 0);
    assertEquals(1, d.log.logEndOffset());
  }
}
