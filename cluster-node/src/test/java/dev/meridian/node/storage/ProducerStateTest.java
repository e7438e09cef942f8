package dev.meridian.node.storage;

import static dev.meridian.node.storage.TestRecords.idempotent;
import static dev.meridian.node.storage.TestRecords.transactional;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.meridian.node.storage.record.KafkaRecords;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProducerStateTest {
  @TempDir Path tmp;

  @Test
  void acknowledgesADuplicateWithItsOriginalOffsetsAndAppendsNothing() throws IOException {
    LogFixture f = new LogFixture(tmp, LogConfig.DEFAULT);
    f.log.appendAsLeader(idempotent(7, (short) 0, 0, 1, "a", "1", "b", "2"), 0);
    f.log.appendAsLeader(idempotent(7, (short) 0, 2, 1, "c", "3"), 0);
    LogAppendInfo dup = f.log.appendAsLeader(idempotent(7, (short) 0, 0, 1, "a", "1", "b", "2"), 0);
    assertEquals(LogAppendInfo.Status.DUPLICATE, dup.status());
    assertEquals(0, dup.firstOffset());
    assertEquals(1, dup.lastOffset());
    assertEquals(3, f.log.logEndOffset());
  }

  @Test
  void rejectsASequenceGapAndAnOldEpoch() throws IOException {
    LogFixture f = new LogFixture(tmp, LogConfig.DEFAULT);
    f.log.appendAsLeader(idempotent(7, (short) 1, 0, 1, "a", "1"), 0);
    LogAppendInfo gap = f.log.appendAsLeader(idempotent(7, (short) 1, 5, 1, "a", "1"), 0);
    assertEquals(LogAppendInfo.Status.OUT_OF_ORDER_SEQUENCE, gap.status());
    LogAppendInfo old = f.log.appendAsLeader(idempotent(7, (short) 0, 1, 1, "a", "1"), 0);
    assertEquals(LogAppendInfo.Status.INVALID_PRODUCER_EPOCH, old.status());
    LogAppendInfo newEpochMidSequence =
        f.log.appendAsLeader(idempotent(7, (short) 2, 3, 1, "a", "1"), 0);
    assertEquals(LogAppendInfo.Status.OUT_OF_ORDER_SEQUENCE, newEpochMidSequence.status());
    LogAppendInfo bumped = f.log.appendAsLeader(idempotent(7, (short) 2, 0, 1, "a", "1"), 0);
    assertEquals(LogAppendInfo.Status.APPENDED, bumped.status());
    assertEquals(2, f.log.logEndOffset());
  }

  @Test
  void remembersOnlyTheLastFiveBatches() throws IOException {
    LogFixture f = new LogFixture(tmp, LogConfig.DEFAULT);
    for (int seq = 0; seq < 7; seq++) {
      f.log.appendAsLeader(idempotent(9, (short) 0, seq, 1, "k", "v" + seq), 0);
    }
    assertEquals(
        LogAppendInfo.Status.DUPLICATE,
        f.log.appendAsLeader(idempotent(9, (short) 0, 2, 1, "k", "v"), 0).status());
    assertEquals(
        LogAppendInfo.Status.OUT_OF_ORDER_SEQUENCE,
        f.log.appendAsLeader(idempotent(9, (short) 0, 1, 1, "k", "v"), 0).status(),
        "older than the last five: no longer recognised, and out of sequence");
  }

  @Test
  void deduplicationSurvivesCleanAndUncleanRestarts() throws IOException {
    LogFixture f = new LogFixture(tmp, LogConfig.DEFAULT.withSegmentBytes(300));
    for (int seq = 0; seq < 12; seq++) {
      f.log.appendAsLeader(idempotent(3, (short) 0, seq, 1, "k", "value-" + seq), 0);
    }
    PartitionLog clean = f.reopen();
    LogAppendInfo dup = clean.appendAsLeader(idempotent(3, (short) 0, 10, 1, "k", "value-10"), 0);
    assertEquals(LogAppendInfo.Status.DUPLICATE, dup.status());
    assertEquals(10, dup.firstOffset());
    clean.appendAsLeader(idempotent(3, (short) 0, 12, 1, "k", "value-12"), 0);
    PartitionLog crashed = f.crashAndReopen();
    LogAppendInfo dup2 =
        crashed.appendAsLeader(idempotent(3, (short) 0, 12, 1, "k", "value-12"), 0);
    assertEquals(LogAppendInfo.Status.DUPLICATE, dup2.status(), "replayed from the log");
    assertEquals(12, dup2.firstOffset());
    assertEquals(
        LogAppendInfo.Status.OUT_OF_ORDER_SEQUENCE,
        crashed.appendAsLeader(idempotent(3, (short) 0, 14, 1, "k", "x"), 0).status());
    assertEquals(
        LogAppendInfo.Status.APPENDED,
        crashed.appendAsLeader(idempotent(3, (short) 0, 13, 1, "k", "x"), 0).status());
  }

  @Test
  void truncationForgetsTruncatedBatches() throws IOException {
    LogFixture f = new LogFixture(tmp, LogConfig.DEFAULT);
    for (int seq = 0; seq < 4; seq++) {
      f.log.appendAsLeader(idempotent(5, (short) 0, seq, 1, "k", "v"), 0);
    }
    f.log.truncateTo(2);
    assertEquals(
        LogAppendInfo.Status.APPENDED,
        f.log.appendAsLeader(idempotent(5, (short) 0, 2, 1, "k", "again"), 0).status(),
        "sequence 2 was truncated away, so it is new again");
  }

  @Test
  void aTransactionStaysOpenUntilAMarkerEndsItAcrossRestartsAndTruncations() throws IOException {
    LogFixture f = new LogFixture(tmp, LogConfig.DEFAULT.withSegmentBytes(300));
    f.log.appendAtOffsets(at(0, idempotent(4, (short) 0, 0, 1, "plain", "idempotent")));
    f.log.appendAtOffsets(at(1, transactional(7, (short) 2, 0, 1, "a", "1", "b", "2")));
    f.log.appendAtOffsets(at(3, transactional(8, (short) 0, 0, 1, "c", "3")));
    f.log.appendAtOffsets(at(4, transactional(7, (short) 2, 2, 1, "d", "4")));
    assertEquals(
        List.of(new OpenTransaction(7, (short) 2, 1), new OpenTransaction(8, (short) 0, 3)),
        f.log.openTransactions(),
        "by first offset; the idempotent producer has none");

    f.log.appendAtOffsets(at(5, KafkaRecords.abortMarker(8, (short) 0, 1)));
    assertEquals(List.of(new OpenTransaction(7, (short) 2, 1)), f.log.openTransactions());
    assertEquals(
        List.of(new OpenTransaction(7, (short) 2, 1)),
        f.reopen().openTransactions(),
        "a clean restart reads it from the snapshot");
    assertEquals(
        List.of(new OpenTransaction(7, (short) 2, 1)),
        f.crashAndReopen().openTransactions(),
        "a crash replays it from the log");

    f.log.truncateTo(5);
    assertEquals(
        List.of(new OpenTransaction(7, (short) 2, 1), new OpenTransaction(8, (short) 0, 3)),
        f.log.openTransactions(),
        "the marker was truncated away: producer 8's transaction is open again");
    f.log.truncateTo(1);
    assertEquals(List.of(), f.log.openTransactions(), "both transactions were truncated away");
  }

  @Test
  void aLeaderAppendsAnAbortMarkerAfterTheProducersBatches() throws IOException {
    LogFixture f = new LogFixture(tmp, LogConfig.DEFAULT);
    f.log.appendAtOffsets(at(0, transactional(7, (short) 2, 0, 1, "a", "1", "b", "2")));
    LogAppendInfo marker = f.log.appendAsLeader(KafkaRecords.abortMarker(7, (short) 2, 5), 3);
    assertEquals(LogAppendInfo.Status.APPENDED, marker.status(), marker.message());
    assertEquals(2, marker.firstOffset());
    assertEquals(List.of(), f.log.openTransactions());
    assertEquals(3, f.log.logEndOffset(), "the marker takes an offset; consumers skip it");
    assertEquals(
        List.of("a", "b"),
        TestRecords.readAll(f.log, 0).stream().map(TestRecords.Rec::key).toList());
  }

  private static ByteBuffer at(long offset, ByteBuffer batch) {
    RecordBatchHeader.setBaseOffset(batch, batch.position(), offset);
    RecordBatchHeader.setPartitionLeaderEpoch(batch, batch.position(), 0);
    return batch;
  }
}
