package dev.meridian.node.storage;

import static dev.meridian.node.storage.TestRecords.batch;
import static dev.meridian.node.storage.TestRecords.readAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecoveryTest {
  @TempDir Path tmp;

  private LogFixture withRecords(int n, LogConfig config) throws IOException {
    LogFixture f = new LogFixture(tmp, config);
    for (int i = 0; i < n; i++) {
      f.log.appendAsLeader(batch(i, "k" + i, "v" + i), 0);
    }
    return f;
  }

  private Path activeFile(LogFixture f) throws IOException {
    try (Stream<Path> s = Files.list(f.dir)) {
      return s.filter(p -> p.toString().endsWith(".log")).sorted().reduce((a, b) -> b).get();
    }
  }

  @Test
  void cleanShutdownReopensWithoutRecovery() throws IOException {
    LogFixture f = withRecords(100, LogConfig.DEFAULT.withSegmentBytes(2048));
    List<TestRecords.Rec> before = readAll(f.log, 0);
    f.log.close();
    assertTrue(Files.exists(f.dir.resolve(LogLoader.CLEAN_SHUTDOWN_FILE)));
    PartitionLog reopened = f.open();
    assertFalse(Files.exists(f.dir.resolve(LogLoader.CLEAN_SHUTDOWN_FILE)), "marker consumed");
    assertEquals(before, readAll(reopened, 0));
    assertEquals(100, reopened.logEndOffset());
  }

  @Test
  void truncatesATornTailAfterACrash() throws IOException {
    LogFixture f = withRecords(20, LogConfig.DEFAULT);
    Path file = activeFile(f);
    long goodSize = Files.size(file);
    // half of a 21st batch reached the file before the process died
    ByteBuffer next = batch(99, "torn", "x".repeat(200));
    next.putLong(0, 20);
    next.limit(next.limit() / 2);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.write(next, goodSize);
    }
    PartitionLog reopened = f.crashAndReopen();
    assertEquals(20, reopened.logEndOffset());
    assertEquals(goodSize, Files.size(file), "torn bytes removed");
    assertEquals(20, readAll(reopened, 0).size());
    assertEquals(20, reopened.appendAsLeader(batch(1, "after", "crash"), 0).firstOffset());
  }

  @Test
  void truncatesAtTheFirstCorruptBatchAndDropsLaterSegments() throws IOException {
    LogFixture f = withRecords(60, LogConfig.DEFAULT.withSegmentBytes(1024));
    assertTrue(f.log.segmentCount() >= 3);
    List<Path> logs;
    try (Stream<Path> s = Files.list(f.dir)) {
      logs = s.filter(p -> p.toString().endsWith(".log")).sorted().toList();
    }
    Path second = logs.get(1);
    long base = Long.parseLong(second.getFileName().toString().substring(0, 20));
    // flip one byte inside the value of the second batch of the second segment
    int firstBatch;
    try (FileChannel ch = FileChannel.open(second, StandardOpenOption.READ)) {
      ByteBuffer h = ByteBuffer.allocate(12);
      ch.read(h, 0);
      firstBatch = h.getInt(8) + 12;
    }
    try (FileChannel ch =
        FileChannel.open(second, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      ch.read(one, firstBatch + 70);
      one.put(0, (byte) (one.get(0) ^ 0xff));
      ch.write(one.rewind(), firstBatch + 70);
    }
    // recovery starts from the recovery point, which is 0 without a flush
    PartitionLog reopened = f.crashAndReopen();
    assertEquals(base + 1, reopened.logEndOffset(), "everything from the corrupt batch on is gone");
    assertEquals(base + 1, readAll(reopened, 0).size());
    assertEquals(2, reopened.segmentCount());
  }

  @Test
  void rebuildsMissingOrGarbageIndexes() throws IOException {
    LogFixture f =
        withRecords(300, LogConfig.DEFAULT.withSegmentBytes(4096).withIndexIntervalBytes(100));
    List<TestRecords.Rec> before = readAll(f.log, 0);
    f.log.close();
    try (Stream<Path> s = Files.list(f.dir)) {
      for (Path p : s.toList()) {
        String n = p.toString();
        if (n.endsWith(".index")) {
          Files.write(p, new byte[] {1, 2, 3}); // not a whole entry
        } else if (n.endsWith(".timeindex")) {
          Files.delete(p);
        }
      }
    }
    PartitionLog reopened = f.open();
    assertEquals(before, readAll(reopened, 0));
    for (long off = 0; off < 300; off += 13) {
      ByteBuffer b = reopened.read(off, 10, FetchIsolation.LOG_END, true).records();
      assertEquals(off, RecordBatchHeader.baseOffset(b, 0));
    }
    assertEquals(new TimestampOffset(150, 150), reopened.offsetForTimestamp(150).orElseThrow());
  }

  @Test
  void flushedRecordsAdvanceTheRecoveryPoint() throws IOException {
    LogFixture f = withRecords(10, LogConfig.DEFAULT.withFlush(5, Long.MAX_VALUE));
    assertEquals(10, f.log.recoveryPoint(), "flush.messages=5 flushed after 5 and 10 records");
    f.log.appendAsLeader(batch(1, "a", "b"), 0);
    assertEquals(10, f.log.recoveryPoint());
    f.log.flush();
    assertEquals(11, f.log.recoveryPoint());
  }

  @Test
  void flushMsFlushesOnTheAgentsTick() throws IOException {
    LogFixture f = withRecords(3, LogConfig.DEFAULT.withFlush(Long.MAX_VALUE, 1000));
    f.log.maybeFlush();
    assertEquals(0, f.log.recoveryPoint());
    f.clock.addAndGet(1000);
    f.log.maybeFlush();
    assertEquals(3, f.log.recoveryPoint());
  }
}
