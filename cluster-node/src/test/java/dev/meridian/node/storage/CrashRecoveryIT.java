package dev.meridian.node.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real crashes: a child JVM appends to a log and is killed with SIGKILL at a random moment, a few
 * times in a row on the same directory. After each kill the log is reopened and checked: everything
 * flushed before the kill is there, offsets are contiguous from 0, every record is exactly what was
 * written (nothing torn or corrupt is served), and appends continue.
 */
class CrashRecoveryIT {
  private static final int CYCLES = 3;

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void killedAppenderLosesNothingFlushedAndServesNothingTorn(
      long seed, @org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("crash-0");
    Random random = new Random(seed);
    long previousEnd = 0;
    for (int cycle = 0; cycle < CYCLES; cycle++) {
      long flushed = runAndKill(dir, seed * 100 + cycle, 150 + random.nextInt(600));
      try (PartitionLog log =
          PartitionLog.open(
              dir,
              "crash",
              0,
              LogConfig.DEFAULT.withSegmentBytes(64 * 1024),
              System::currentTimeMillis,
              null)) {
        long end = log.logEndOffset();
        String where = "seed " + seed + " cycle " + cycle;
        assertTrue(end >= flushed, where + ": end " + end + " below flushed " + flushed);
        assertTrue(end >= previousEnd, where + ": lost records of an earlier cycle");
        List<TestRecords.Rec> all = TestRecords.readAll(log, 0);
        assertEquals(end, all.size(), where);
        for (int i = 0; i < all.size(); i++) {
          TestRecords.Rec r = all.get(i);
          assertEquals(i, r.offset(), where + ": offsets contiguous");
          assertEquals("k" + (i % 17), r.key(), where);
          assertTrue(r.value().startsWith("value-" + i + "-"), where + ": " + r);
        }
        previousEnd = end;
      }
    }
    assertTrue(previousEnd > 0, "the appender appended nothing in " + CYCLES + " runs");
  }

  /** Starts the appender, kills it with SIGKILL after {@code runMs}; returns the last flush. */
  private static long runAndKill(Path dir, long seed, long runMs) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Process p =
        new ProcessBuilder(
                java,
                "-Xmx128m",
                "-cp",
                cp,
                CrashAppender.class.getName(),
                dir.toString(),
                Long.toString(seed))
            .redirectErrorStream(true)
            .start();
    AtomicLong flushed = new AtomicLong();
    AtomicLong started = new AtomicLong(-1);
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  if (line.startsWith("FLUSHED ")) {
                    flushed.set(Long.parseLong(line.substring(8)));
                  } else if (line.startsWith("STARTED ")) {
                    started.set(Long.parseLong(line.substring(8)));
                  }
                }
              } catch (IOException ignored) {
                // the process was killed
              }
            });
    reader.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (started.get() < 0 && p.isAlive() && System.nanoTime() < deadline) {
      Thread.onSpinWait();
      reader.join(10);
    }
    assertTrue(started.get() >= 0, "appender did not start");
    reader.join(runMs); // let it append for a while (bounded wait on the reader, not a sleep)
    long flushedBeforeKill = flushed.get();
    new ProcessBuilder("kill", "-9", Long.toString(p.pid())).start().waitFor();
    assertNotNull(p.onExit().get(10, TimeUnit.SECONDS));
    reader.join(5000);
    // a FLUSHED line read after we sampled still happened before the kill
    return Math.max(flushedBeforeKill, flushed.get());
  }
}
