package dev.meridian.node.storage;

import dev.meridian.node.storage.record.KafkaRecords;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compaction for {@code cleanup.policy=compact}: keeps the newest record per key in the closed
 * segments below the high watermark, as Kafka's log cleaner does.
 *
 * <p>One pass: (1) build a map key → newest offset from the dirty part of the log (records after
 * the last cleaned offset), (2) rewrite each closed segment through {@link KafkaRecords#compact}
 * into {@code <base>.log.cleaned}, keeping records that are the newest for their key, records
 * without a key, and tombstones until their delete horizon ({@code delete.retention.ms} after the
 * pass that first saw them), (3) swap each cleaned file in atomically. Offsets never change; the
 * active segment is never touched. Appends and reads continue during a pass: it holds the log's
 * cleaner lock (excluding retention and truncation) and takes the append lock only for each swap. A
 * crash mid-pass leaves either the old or the new segment file; {@code .cleaned} leftovers are
 * removed on load.
 *
 * <p>When a pass runs, per the topic configs in {@link LogConfig}: a log is cleaned once the dirty
 * share of its cleanable segments is at least {@code min.cleanable.dirty.ratio}, or — whatever the
 * ratio — when its oldest dirty segment's first batch is older than {@code max.compaction.lag.ms}
 * (or kept tombstones are due). Segments holding a record younger than {@code
 * min.compaction.lag.ms}, and every segment after the first of them, are not cleaned yet, as in
 * Kafka.
 */
public final class LogCleaner {
  private static final Logger LOG = LoggerFactory.getLogger(LogCleaner.class);

  private LogCleaner() {}

  /** What a pass did. */
  public record Result(int segments, long bytesBefore, long bytesAfter, int keys) {
    static final Result NOTHING = new Result(0, 0, 0, 0);
  }

  /**
   * Cleans {@code log} if it is compacted and its dirty ratio is at least {@code
   * min.cleanable.dirty.ratio}, its oldest dirty record is older than {@code
   * max.compaction.lag.ms}, or kept tombstones are due (always, with {@code force}); segments
   * within {@code min.compaction.lag.ms} are left out even then.
   */
  public static Result maybeClean(PartitionLog log, boolean force) throws IOException {
    LogConfig config = log.config();
    if (!config.compact()) {
      return Result.NOTHING;
    }
    log.cleanerLock.lock();
    try {
      long upper = Math.min(log.activeSegment().baseOffset(), log.highWatermark());
      long firstDirty = Math.max(log.cleanerOffset(), log.logStartOffset());
      long now = log.nowMs();
      List<LogSegment> cleanable =
          pastMinLag(log.segmentsBelow(upper), firstDirty, now, config.minCompactionLagMs());
      long end =
          cleanable.isEmpty() ? firstDirty : cleanable.get(cleanable.size() - 1).nextOffset();
      boolean tombstonesDue = now >= log.tombstoneHorizonMs;
      if (cleanable.isEmpty() || (firstDirty >= end && !tombstonesDue && !force)) {
        return Result.NOTHING;
      }
      long total = 0;
      long dirty = 0;
      for (LogSegment s : cleanable) {
        total += s.size();
        if (s.nextOffset() > firstDirty) {
          dirty += s.size();
        }
      }
      boolean dirtyEnough = total > 0 && (double) dirty / total >= config.minCleanableDirtyRatio();
      boolean overdue = overdue(cleanable, firstDirty, now, config.maxCompactionLagMs());
      if (!force && !dirtyEnough && !tombstonesDue && !overdue) {
        return Result.NOTHING;
      }
      long cleanedUpTo = cleanable.get(cleanable.size() - 1).nextOffset();
      Map<ByteBuffer, Long> latest = buildOffsetMap(cleanable, firstDirty, cleanedUpTo);
      Set<Long> producerLast = log.producerLastOffsets();
      long deleteRetentionMs = config.deleteRetentionMs();
      long after = 0;
      boolean[] tombstonesKept = {false};
      for (LogSegment s : cleanable) {
        after += cleanSegment(log, s, latest, producerLast, now, deleteRetentionMs, tombstonesKept);
      }
      // kept tombstones got a horizon of now + delete.retention.ms: clean again after it
      log.tombstoneHorizonMs = tombstonesKept[0] ? now + deleteRetentionMs : Long.MAX_VALUE;
      log.markCleanedUpTo(cleanedUpTo);
      LOG.info(
          "{}: compacted {} segments, {} -> {} bytes, {} keys in the dirty section",
          log.name(),
          cleanable.size(),
          total,
          after,
          latest.size());
      return new Result(cleanable.size(), total, after, latest.size());
    } finally {
      log.cleanerLock.unlock();
    }
  }

  /**
   * {@code segments} up to (without) the first dirty one holding a record younger than {@code
   * minLagMs}: Kafka's first uncleanable offset for min.compaction.lag.ms.
   */
  static List<LogSegment> pastMinLag(
      List<LogSegment> segments, long firstDirty, long now, long minLagMs) {
    if (minLagMs <= 0) {
      return segments;
    }
    for (int i = 0; i < segments.size(); i++) {
      LogSegment s = segments.get(i);
      if (s.nextOffset() > firstDirty && s.largestTimestamp() > now - minLagMs) {
        return segments.subList(0, i);
      }
    }
    return segments;
  }

  /** Whether the oldest dirty segment's first batch is older than max.compaction.lag.ms. */
  static boolean overdue(List<LogSegment> segments, long firstDirty, long now, long maxLagMs) {
    if (maxLagMs == Long.MAX_VALUE) {
      return false;
    }
    for (LogSegment s : segments) {
      if (s.nextOffset() > firstDirty) {
        // a segment opened without a scan knows only its newest timestamp: later, never early
        long first = s.firstBatchTimestamp() >= 0 ? s.firstBatchTimestamp() : s.largestTimestamp();
        return now - first > maxLagMs;
      }
    }
    return false;
  }

  private static Map<ByteBuffer, Long> buildOffsetMap(List<LogSegment> segments, long from, long to)
      throws IOException {
    Map<ByteBuffer, Long> latest = new HashMap<>();
    for (LogSegment s : segments) {
      if (s.nextOffset() <= from) {
        continue;
      }
      s.scan(
          0,
          (chunk, p, filePos) -> {
            ByteBuffer batch = slice(chunk, p);
            KafkaRecords.forEachKey(
                batch,
                (offset, key, tombstone) -> {
                  if (key != null && offset >= from && offset < to) {
                    ByteBuffer copy = ByteBuffer.allocate(key.remaining());
                    copy.put(key.duplicate()).flip();
                    latest.put(copy, offset);
                  }
                });
            return true;
          });
    }
    return latest;
  }

  private static long cleanSegment(
      PartitionLog log,
      LogSegment s,
      Map<ByteBuffer, Long> latest,
      Set<Long> producerLast,
      long now,
      long deleteRetentionMs,
      boolean[] tombstonesKept)
      throws IOException {
    Path cleaned = s.logFile().resolveSibling(s.logFile().getFileName() + LogLoader.CLEANED_SUFFIX);
    long written = 0;
    try (FileChannel out =
        FileChannel.open(
            cleaned,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      long[] total = {0};
      s.scan(
          0,
          (chunk, p, filePos) -> {
            ByteBuffer batch = slice(chunk, p);
            KafkaRecords.Compacted compacted =
                KafkaRecords.compact(
                    batch,
                    (key, offset) -> {
                      Long newest = latest.get(key);
                      return newest == null || offset >= newest;
                    },
                    now,
                    deleteRetentionMs,
                    producerLast::contains);
            tombstonesKept[0] |= compacted.tombstonesKept();
            ByteBuffer kept = compacted.batches();
            while (kept.hasRemaining()) {
              total[0] += out.write(kept);
            }
            return true;
          });
      written = total[0];
      out.force(true);
    }
    log.replaceSegment(s, cleaned);
    return written;
  }

  private static ByteBuffer slice(ByteBuffer chunk, int p) {
    ByteBuffer b = chunk.duplicate();
    b.position(p).limit(p + RecordBatchHeader.totalSize(chunk, p));
    return b.slice();
  }
}
