package dev.meridian.node.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random operation sequences against a partition log and a plain in-memory model of batches: the
 * log must always read back exactly the model, with offsets strictly increasing (contiguous when
 * nothing is compacted), across rolls, truncations, retention, compaction and restarts.
 */
class PartitionLogPropertyTest {

  /** One operation; {@code a} and {@code b} are its random parameters. */
  record Op(String kind, int a, int b) {}

  /** A batch of the model: its offsets and its records (key, value). */
  record Batch(long base, long last, long timestamp, List<TestRecords.Rec> records) {}

  @Provide
  Arbitrary<List<Op>> deleteOps() {
    return ops(
        "append",
        "append",
        "append",
        "append",
        "truncate",
        "roll",
        "deleteRecords",
        "timeRetention",
        "sizeRetention",
        "reopen",
        "crash");
  }

  @Provide
  Arbitrary<List<Op>> compactOps() {
    return ops(
        "append", "append", "append", "append", "truncate", "roll", "compact", "reopen", "crash");
  }

  private Arbitrary<List<Op>> ops(String... kinds) {
    Arbitrary<Op> op =
        Arbitraries.of(kinds)
            .flatMap(
                k ->
                    Arbitraries.integers()
                        .between(0, 1000)
                        .tuple2()
                        .map(t -> new Op(k, t.get1(), t.get2())));
    return op.list().ofMinSize(5).ofMaxSize(60);
  }

  @Property(tries = 100)
  void deletePolicyLogMatchesModel(@ForAll("deleteOps") List<Op> ops) throws IOException {
    run(ops, LogConfig.DEFAULT.withSegmentBytes(600).withRetention(10_000, -1), false);
  }

  @Property(tries = 100)
  void compactedLogMatchesModel(@ForAll("compactOps") List<Op> ops) throws IOException {
    run(ops, LogConfig.DEFAULT.withSegmentBytes(600).withCleanupPolicy("compact"), true);
  }

  private void run(List<Op> ops, LogConfig config, boolean compacted) throws IOException {
    Path tmp = Files.createTempDirectory("log-prop");
    try {
      LogFixture f = new LogFixture(tmp, config);
      List<Batch> model = new ArrayList<>();
      long logStart = 0;
      for (Op op : ops) {
        PartitionLog log = f.log;
        switch (op.kind()) {
          case "append" -> {
            int n = 1 + op.a() % 5;
            String[] kvs = new String[n * 2];
            List<TestRecords.Rec> recs = new ArrayList<>();
            long base = log.logEndOffset();
            long ts = f.clock.get();
            for (int i = 0; i < n; i++) {
              kvs[2 * i] = "k" + ((op.b() + i) % 7);
              kvs[2 * i + 1] = "v" + op.a() + "-" + i + "x".repeat(op.b() % 40);
              recs.add(new TestRecords.Rec(base + i, kvs[2 * i], kvs[2 * i + 1], ts + i));
            }
            LogAppendInfo info = log.appendAsLeader(TestRecords.batch(ts, kvs), 0);
            assertEquals(base, info.firstOffset());
            model.add(new Batch(base, base + n - 1, ts, recs));
          }
          case "truncate" -> {
            long leo = log.logEndOffset();
            long target = logStart + (leo == logStart ? 0 : op.a() % (leo - logStart + 1));
            long end = Math.min(target, log.logEndOffset());
            for (Batch b : model) {
              if (b.base() < target && b.last() >= target) {
                end = b.base(); // a straddling batch goes whole
              }
            }
            log.truncateTo(target);
            model.removeIf(b -> b.last() >= target);
            assertEquals(Math.max(end, logStart), log.logEndOffset(), "end after " + op);
          }
          case "roll" -> log.roll();
          case "deleteRecords" -> {
            long leo = log.logEndOffset();
            long target = logStart + (leo == logStart ? 0 : op.a() % (leo - logStart + 1));
            log.maybeIncrementLogStartOffset(target);
            logStart = Math.max(logStart, target);
          }
          case "timeRetention" -> {
            f.clock.addAndGet(op.a() * 20L);
            log.applyRetention();
            assertTrue(log.logStartOffset() >= logStart);
            logStart = log.logStartOffset();
          }
          case "sizeRetention" -> {
            f.config = config.withRetention(-1, 600L + op.a() * 3L);
            log.updateConfig(f.config);
            log.applyRetention();
            assertTrue(log.logStartOffset() >= logStart);
            logStart = log.logStartOffset();
            f.config = config;
            log.updateConfig(config);
          }
          case "compact" -> {
            long upper = log.activeSegment().baseOffset();
            LogCleaner.maybeClean(log, true);
            compactModel(model, upper);
          }
          case "reopen" -> f.reopen();
          case "crash" -> f.crashAndReopen();
          default -> throw new IllegalStateException(op.kind());
        }
        f.log.updateHighWatermark(f.log.logEndOffset());
        final long start = logStart;
        assertEquals(logStart, f.log.logStartOffset(), "log start after " + op);
        List<TestRecords.Rec> expected = new ArrayList<>();
        for (Batch b : model) {
          for (TestRecords.Rec r : b.records()) {
            if (r.offset() >= start) {
              expected.add(r);
            }
          }
        }
        List<TestRecords.Rec> actual = TestRecords.readAll(f.log, start);
        assertEquals(expected, actual, "after " + op + " in " + ops);
        for (int i = 1; i < actual.size(); i++) {
          long step = actual.get(i).offset() - actual.get(i - 1).offset();
          assertTrue(compacted ? step > 0 : step == 1, "offsets after " + op);
        }
      }
      f.log.close();
    } finally {
      try (Stream<Path> s = Files.walk(tmp)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** Keeps, below {@code upper}, only the newest record of each key; drops emptied batches. */
  private static void compactModel(List<Batch> model, long upper) {
    Map<String, Long> newest = new HashMap<>();
    for (Batch b : model) {
      for (TestRecords.Rec r : b.records()) {
        if (r.offset() < upper) {
          newest.put(r.key(), r.offset());
        }
      }
    }
    List<Batch> out = new ArrayList<>();
    for (Batch b : model) {
      if (b.last() >= upper) {
        out.add(b);
        continue;
      }
      List<TestRecords.Rec> kept =
          b.records().stream().filter(r -> newest.get(r.key()) == r.offset()).toList();
      if (!kept.isEmpty()) {
        out.add(new Batch(b.base(), b.last(), b.timestamp(), kept));
      }
    }
    model.clear();
    model.addAll(out);
  }
}
