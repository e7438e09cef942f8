package dev.meridian.node.storage;

import java.nio.channels.FileChannel;

/**
 * Whole batches of a log as a region of one segment file, for zero-copy sends (sendfile), with the
 * log's offsets at the time of the read. The channel belongs to the log: never close it. A slice
 * stays readable for {@code file.delete.delay.ms} after retention or compaction replaced its
 * segment.
 */
public final class LogSlice {
  private final LogSegment segment;
  private final int position;
  private final int length;
  private final long highWatermark;
  private final long logStartOffset;
  private final long logEndOffset;

  LogSlice(
      LogSegment segment,
      int position,
      int length,
      long highWatermark,
      long logStartOffset,
      long logEndOffset) {
    this.segment = segment;
    this.position = position;
    this.length = length;
    this.highWatermark = highWatermark;
    this.logStartOffset = logStartOffset;
    this.logEndOffset = logEndOffset;
  }

  static LogSlice empty(long hw, long start, long end) {
    return new LogSlice(null, 0, 0, hw, start, end);
  }

  LogSegment segment() {
    return segment;
  }

  /** The segment file's channel, or null when the slice is empty. */
  public FileChannel channel() {
    return segment == null ? null : segment.channel();
  }

  /** File position of the first batch. */
  public int position() {
    return position;
  }

  /** Bytes of whole batches; 0 when nothing is available. */
  public int length() {
    return length;
  }

  public long highWatermark() {
    return highWatermark;
  }

  public long logStartOffset() {
    return logStartOffset;
  }

  public long logEndOffset() {
    return logEndOffset;
  }
}
