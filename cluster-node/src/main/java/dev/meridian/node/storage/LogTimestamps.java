package dev.meridian.node.storage;

import dev.meridian.node.storage.record.KafkaRecords;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.Optional;

/**
 * Lookups by time over a log's segments (ListOffsets): a segment is chosen by its max timestamp,
 * the time index narrows the scan, and only the batches scanned are decoded.
 */
final class LogTimestamps {
  private LogTimestamps() {}

  /** Reads whole batches of one segment from an offset; null when the segment went away. */
  @FunctionalInterface
  interface SegmentReader {
    ByteBuffer read(LogSegment segment, long fromOffset, int maxBytes);
  }

  static Optional<TimestampOffset> offsetForTimestamp(
      Collection<LogSegment> segments, long logStart, long timestamp, SegmentReader reader) {
    for (LogSegment seg : segments) {
      if (seg.maxTimestamp() < timestamp || seg.nextOffset() <= logStart) {
        continue;
      }
      long from = Math.max(seg.timeIndexScanStart(timestamp), logStart);
      while (from < seg.nextOffset()) {
        ByteBuffer batches = reader.read(seg, from, 1 << 20);
        if (batches == null || !batches.hasRemaining()) {
          break;
        }
        KafkaRecords.OffsetAndTimestamp hit =
            KafkaRecords.firstAtOrAfter(batches, timestamp, logStart);
        if (hit != null) {
          return Optional.of(new TimestampOffset(hit.timestamp(), hit.offset()));
        }
        from = RecordBatchHeader.lastOffset(batches, lastBatchPosition(batches)) + 1;
      }
    }
    return Optional.empty();
  }

  static Optional<TimestampOffset> maxTimestamp(
      Collection<LogSegment> segments, long logStart, SegmentReader reader) {
    LogSegment best = null;
    for (LogSegment seg : segments) {
      if (seg.maxTimestamp() >= 0 && (best == null || seg.maxTimestamp() > best.maxTimestamp())) {
        best = seg;
      }
    }
    if (best == null) {
      return Optional.empty();
    }
    long from = Math.max(best.offsetOfMaxTimestamp(), logStart);
    ByteBuffer batches = reader.read(best, from, 1);
    if (batches == null || !batches.hasRemaining()) {
      return Optional.empty();
    }
    KafkaRecords.OffsetAndTimestamp hit = KafkaRecords.maxTimestamp(batches);
    return hit == null
        ? Optional.empty()
        : Optional.of(new TimestampOffset(hit.timestamp(), Math.max(hit.offset(), from)));
  }

  private static int lastBatchPosition(ByteBuffer batches) {
    int p = 0;
    int last = 0;
    while (p < batches.limit()) {
      last = p;
      p += RecordBatchHeader.totalSize(batches, p);
    }
    return last;
  }
}
