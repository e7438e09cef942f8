package dev.meridian.node.storage;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Random;

/**
 * Child process for {@link CrashRecoveryIT}: appends deterministic records to a log until it is
 * killed, flushing at random points and printing {@code FLUSHED <offset>} after each flush has
 * returned (everything below that offset must survive the kill). Record {@code o} has key {@code
 * k<o % 17>} and value {@code value-<o>}.
 */
public final class CrashAppender {
  private CrashAppender() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    Random random = new Random(Long.parseLong(args[1]));
    PrintStream out = new PrintStream(System.out, true);
    LogConfig config = LogConfig.DEFAULT.withSegmentBytes(64 * 1024).withIndexIntervalBytes(512);
    PartitionLog log = PartitionLog.open(dir, "crash", 0, config, System::currentTimeMillis, null);
    out.println("STARTED " + log.logEndOffset());
    while (true) {
      long base = log.logEndOffset();
      int n = 1 + random.nextInt(20);
      String[] kvs = new String[n * 2];
      for (int i = 0; i < n; i++) {
        kvs[2 * i] = "k" + ((base + i) % 17);
        kvs[2 * i + 1] = "value-" + (base + i) + "-" + "p".repeat(random.nextInt(300));
      }
      ByteBuffer batch = TestRecords.batch(System.currentTimeMillis(), kvs);
      log.appendAsLeader(batch, 0);
      if (random.nextInt(10) == 0) {
        log.flush();
        out.println("FLUSHED " + log.logEndOffset());
      }
    }
  }
}
