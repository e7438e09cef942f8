package dev.meridian.node.tools;

import dev.meridian.node.storage.FetchIsolation;
import dev.meridian.node.storage.LogAppendInfo;
import dev.meridian.node.storage.LogConfig;
import dev.meridian.node.storage.LogReadResult;
import dev.meridian.node.storage.PartitionLog;
import dev.meridian.node.storage.RecordBatchHeader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * Append and read throughput of one {@link PartitionLog}, single-threaded, on a real directory (so
 * through the page cache: no fsync is measured, as with Kafka's default flush settings).
 *
 * <pre>
 * java -cp cluster-node.jar:lib/* dev.meridian.node.tools.LogBench \
 *     --dir /tmp/meridian-logbench --record-size 1024 --batch-bytes 16384 \
 *     --total-bytes 1073741824 --compression none --segment-bytes 1073741824 --mode both
 * </pre>
 *
 * <p>A pool of distinct batches is built once with kafka-clients (like a producer would send them:
 * null key, a value of {@code --record-size} random upper-case letters, as Kafka's
 * ProducerPerformance does), so batch construction is not measured. Each append is one batch, given
 * to {@link PartitionLog#appendAsLeader} as a fresh duplicate (the log stamps offsets into the
 * buffer; base offset and leader epoch are outside the CRC, so the batch stays valid). A warm-up
 * log is written and read first (JIT), then deleted; the measured log starts empty. Reads go
 * sequentially from offset 0 to the log end with 1 MiB fetches at {@link FetchIsolation#LOG_END}
 * and do not decode records (as the broker's fetch path does not); they come from a warm page
 * cache, right after the append.
 *
 * <p>Output: human-readable lines, and one machine-readable line per measurement:
 *
 * <pre>
 * RESULT mode=append record=1024 batch=16384 compression=none bytes=... records=... batches=...
 *     seconds=... MBps=... payloadMBps=... recps=... batchps=... load1=...
 * </pre>
 *
 * MB is 10^6 bytes; MBps counts log bytes (whole batches as stored), payloadMBps counts record
 * values only; load1 is the one-minute load average when the measurement ended.
 */
public final class LogBench {
  private static final int POOL_SIZE = 64;
  private static final int FETCH_BYTES = 1 << 20;
  private static final long WARMUP_MAX_BYTES = 256L << 20;

  private LogBench() {}

  /** Parsed command line. */
  record Options(
      Path dir,
      int recordSize,
      int batchBytes,
      long totalBytes,
      String compression,
      long segmentBytes,
      String mode,
      long warmupBytes) {

    boolean append() {
      return !mode.equals("read");
    }

    boolean read() {
      return !mode.equals("append");
    }
  }

  /** One timed run. */
  record Measurement(long bytes, long records, long batches, long nanos) {}

  public static void main(String[] args) throws IOException {
    if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
      System.out.println(usage());
      return;
    }
    Options o;
    try {
      o = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("LogBench: " + e.getMessage());
      System.err.println(usage());
      System.exit(2);
      return;
    }
    run(o, System.out);
  }

  static String usage() {
    return String.join(
        "\n",
        "usage: LogBench --dir DIR [--record-size N] [--batch-bytes N] [--total-bytes N]",
        "                [--compression none|lz4] [--segment-bytes N] [--mode append|read|both]",
        "                [--warmup-bytes N]",
        "  --dir            data directory; deleted at start and at the end",
        "  --record-size    value bytes per record (default 1024)",
        "  --batch-bytes    target batch size (default 16384)",
        "  --total-bytes    log bytes to append (default 2 GiB)",
        "  --compression    none (default) or lz4",
        "  --segment-bytes  segment.bytes (default 1 GiB)",
        "  --mode           append, read (appends unmeasured first) or both (default)",
        "  --warmup-bytes   bytes appended and read before measuring (default min(total/4,"
            + " 256 MiB))",
        "sizes accept a k/m/g suffix (powers of 1024)");
  }

  static Options parse(String[] args) {
    Path dir = null;
    int recordSize = 1024;
    int batchBytes = 16384;
    long totalBytes = 2L << 30;
    String compression = "none";
    long segmentBytes = 1L << 30;
    String mode = "both";
    long warmupBytes = -1;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("missing value for " + a);
      }
      String v = args[++i];
      switch (a) {
        case "--dir" -> dir = Paths.get(v);
        case "--record-size" -> recordSize = Math.toIntExact(size(a, v));
        case "--batch-bytes" -> batchBytes = Math.toIntExact(size(a, v));
        case "--total-bytes" -> totalBytes = size(a, v);
        case "--compression" -> compression = v;
        case "--segment-bytes" -> segmentBytes = size(a, v);
        case "--mode" -> mode = v;
        case "--warmup-bytes" -> warmupBytes = size(a, v);
        default -> throw new IllegalArgumentException("unknown option " + a);
      }
    }
    if (dir == null) {
      throw new IllegalArgumentException("--dir is required");
    }
    if (!compression.equals("none") && !compression.equals("lz4")) {
      throw new IllegalArgumentException("--compression must be none or lz4, was " + compression);
    }
    if (!mode.equals("append") && !mode.equals("read") && !mode.equals("both")) {
      throw new IllegalArgumentException("--mode must be append, read or both, was " + mode);
    }
    if (recordSize < 1 || batchBytes < 128 || totalBytes < batchBytes) {
      throw new IllegalArgumentException(
          "need --record-size >= 1, --batch-bytes >= 128, --total-bytes >= --batch-bytes");
    }
    if (warmupBytes < 0) {
      warmupBytes = Math.min(totalBytes / 4, WARMUP_MAX_BYTES);
    }
    return new Options(
        dir, recordSize, batchBytes, totalBytes, compression, segmentBytes, mode, warmupBytes);
  }

  private static long size(String name, String v) {
    String s = v.trim().toLowerCase(Locale.ROOT);
    long mult = 1;
    if (s.endsWith("k") || s.endsWith("m") || s.endsWith("g")) {
      char c = s.charAt(s.length() - 1);
      mult = c == 'k' ? 1L << 10 : c == 'm' ? 1L << 20 : 1L << 30;
      s = s.substring(0, s.length() - 1);
    }
    try {
      long n = Long.parseLong(s);
      if (n < 0) {
        throw new IllegalArgumentException(name + " must not be negative: " + v);
      }
      return Math.multiplyExact(n, mult);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException(name + ": not a size: " + v, e);
    }
  }

  static void run(Options o, PrintStream out) throws IOException {
    deleteRecursively(o.dir());
    Files.createDirectories(o.dir());
    try {
      ByteBuffer[] pool = buildPool(o);
      long poolBytes = 0;
      long poolRecords = 0;
      for (ByteBuffer b : pool) {
        poolBytes += b.remaining();
        poolRecords += RecordBatchHeader.recordsCount(b, 0);
      }
      out.printf(
          Locale.ROOT,
          "LogBench: %d batches in the pool, avg %d bytes and %.1f records per batch"
              + " (record value %d B, compression %s); total %d MiB, segment.bytes %d MiB,"
              + " dir %s%n",
          pool.length,
          poolBytes / pool.length,
          (double) poolRecords / pool.length,
          o.recordSize(),
          o.compression(),
          o.totalBytes() >> 20,
          o.segmentBytes() >> 20,
          o.dir());
      LogConfig config = LogConfig.DEFAULT.withSegmentBytes(o.segmentBytes());

      if (o.warmupBytes() > 0) {
        Path warmDir = o.dir().resolve("warmup-0");
        PartitionLog warm = open(warmDir, config);
        try {
          Measurement a = append(warm, pool, o.warmupBytes());
          Measurement r = readAll(warm);
          out.printf(
              Locale.ROOT,
              "warm-up: appended %d MiB at %.0f MB/s, read at %.0f MB/s (not counted)%n",
              a.bytes() >> 20,
              mbps(a),
              mbps(r));
        } finally {
          warm.deleteAll();
        }
      }

      PartitionLog log = open(o.dir().resolve("bench-0"), config);
      try {
        Measurement a = append(log, pool, o.totalBytes());
        if (o.append()) {
          report(out, "append", o, a);
        }
        if (o.read()) {
          Measurement r = readAll(log);
          if (r.bytes() != a.bytes() || r.records() != a.records()) {
            throw new IllegalStateException(
                "read "
                    + r.bytes()
                    + " bytes / "
                    + r.records()
                    + " records, appended "
                    + a.bytes()
                    + " / "
                    + a.records());
          }
          report(out, "read", o, r);
          out.println(
              "note: reads are served from a warm page cache (the log was just written);"
                  + " a cold read would be bound by the disk instead");
        }
        out.printf(
            Locale.ROOT,
            "log: %d segments, %d bytes, log end offset %d%n",
            log.segmentCount(),
            log.size(),
            log.logEndOffset());
      } finally {
        log.deleteAll();
      }
    } finally {
      deleteRecursively(o.dir());
    }
  }

  private static PartitionLog open(Path dir, LogConfig config) throws IOException {
    return PartitionLog.open(dir, "bench", 0, config, System::currentTimeMillis, null);
  }

  /** Builds {@link #POOL_SIZE} distinct batches of at most {@code batchBytes} each. */
  static ByteBuffer[] buildPool(Options o) {
    Compression compression =
        o.compression().equals("lz4") ? Compression.lz4().build() : Compression.NONE;
    SplittableRandom random = new SplittableRandom(42);
    ByteBuffer[] pool = new ByteBuffer[POOL_SIZE];
    long now = System.currentTimeMillis();
    for (int i = 0; i < POOL_SIZE; i++) {
      MemoryRecordsBuilder b =
          MemoryRecords.builder(
              ByteBuffer.allocate(o.batchBytes()),
              RecordBatch.MAGIC_VALUE_V2,
              compression,
              TimestampType.CREATE_TIME,
              0L,
              now,
              RecordBatch.NO_PRODUCER_ID,
              RecordBatch.NO_PRODUCER_EPOCH,
              RecordBatch.NO_SEQUENCE,
              false,
              RecordBatch.NO_PARTITION_LEADER_EPOCH);
      int n = 0;
      while (true) {
        byte[] value = new byte[o.recordSize()];
        for (int j = 0; j < value.length; j++) {
          value[j] = (byte) ('A' + random.nextInt(26));
        }
        if (n > 0 && !b.hasRoomFor(now + n, null, value, Record.EMPTY_HEADERS)) {
          break;
        }
        b.append(now + n, null, value);
        n++;
      }
      MemoryRecords records = b.build();
      ByteBuffer batch = ByteBuffer.allocate(records.sizeInBytes());
      batch.put(records.buffer().duplicate()).flip();
      pool[i] = batch;
    }
    return pool;
  }

  /** Appends pool batches, one per call, until at least {@code bytes} have been written. */
  static Measurement append(PartitionLog log, ByteBuffer[] pool, long bytes) {
    long written = 0;
    long records = 0;
    long batches = 0;
    long t0 = System.nanoTime();
    while (written < bytes) {
      ByteBuffer b = pool[(int) (batches % pool.length)].duplicate();
      LogAppendInfo info = log.appendAsLeader(b, 0);
      if (info.status() != LogAppendInfo.Status.APPENDED) {
        throw new IllegalStateException("append refused: " + info);
      }
      written += info.bytes();
      records += info.records();
      batches++;
    }
    return new Measurement(written, records, batches, System.nanoTime() - t0);
  }

  /** Reads the whole log from offset 0 with 1 MiB fetches, like a consumer catching up. */
  static Measurement readAll(PartitionLog log) {
    long offset = log.logStartOffset();
    long end = log.logEndOffset();
    long bytes = 0;
    long records = 0;
    long batches = 0;
    long t0 = System.nanoTime();
    while (offset < end) {
      LogReadResult r = log.read(offset, FETCH_BYTES, FetchIsolation.LOG_END, true);
      ByteBuffer buf = r.records();
      int limit = buf.limit();
      if (limit == 0) {
        throw new IllegalStateException("empty read at offset " + offset + " below end " + end);
      }
      int last = 0;
      for (int p = buf.position(); p < limit; p += RecordBatchHeader.totalSize(buf, p)) {
        records += RecordBatchHeader.recordsCount(buf, p);
        batches++;
        last = p;
      }
      bytes += limit - buf.position();
      offset = RecordBatchHeader.lastOffset(buf, last) + 1;
    }
    return new Measurement(bytes, records, batches, System.nanoTime() - t0);
  }

  private static double mbps(Measurement m) {
    return m.bytes() / 1e6 / (m.nanos() / 1e9);
  }

  private static void report(PrintStream out, String mode, Options o, Measurement m) {
    double s = m.nanos() / 1e9;
    double payload = (double) m.records() * o.recordSize();
    String load = loadAverage();
    out.printf(
        Locale.ROOT,
        "%-6s %8.1f MB/s  %10.0f records/s  %8.0f batches/s  (%d MiB, %d records in %.2f s;"
            + " load %s)%n",
        mode,
        mbps(m),
        m.records() / s,
        m.batches() / s,
        m.bytes() >> 20,
        m.records(),
        s,
        load);
    out.printf(
        Locale.ROOT,
        "RESULT mode=%s record=%d batch=%d compression=%s bytes=%d records=%d batches=%d"
            + " seconds=%.3f MBps=%.1f payloadMBps=%.1f recps=%.0f batchps=%.0f load1=%s%n",
        mode,
        o.recordSize(),
        o.batchBytes(),
        o.compression(),
        m.bytes(),
        m.records(),
        m.batches(),
        s,
        mbps(m),
        payload / 1e6 / s,
        m.records() / s,
        m.batches() / s,
        load);
  }

  private static String loadAverage() {
    try {
      String s = Files.readString(Paths.get("/proc/loadavg"), StandardCharsets.US_ASCII);
      return s.split(" ")[0];
    } catch (IOException | RuntimeException e) {
      return "n/a";
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    List<Path> paths = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.forEach(paths::add);
    }
    paths.sort(Comparator.reverseOrder());
    for (Path p : paths) {
      Files.deleteIfExists(p);
    }
  }
}
