package dev.meridian.node.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
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

  /**
   * The offset after the slice's last batch (that batch's last offset + 1), read from the batch
   * headers in the file; {@code -1} when the slice is empty.
   *
   * @throws IOException when the file cannot be read
   */
  public long nextOffset() throws IOException {
    if (length == 0) {
      return -1;
    }
    FileChannel ch = channel();
    ByteBuffer header = ByteBuffer.allocate(RecordBatchHeader.HEADER_SIZE);
    long pos = position;
    long end = (long) position + length;
    long next = -1;
    while (pos + RecordBatchHeader.HEADER_SIZE <= end) {
      header.clear();
      while (header.hasRemaining()) {
        if (ch.read(header, pos + header.position()) < 0) {
          throw new IOException("segment ended inside a batch header at " + pos);
        }
      }
      next = RecordBatchHeader.lastOffset(header, 0) + 1;
      pos += RecordBatchHeader.totalSize(header, 0);
    }
    return next;
  }

  /** The offset after the last whole batch of {@code batches} (from its position); -1 if none. */
  public static long nextOffset(ByteBuffer batches) {
    long next = -1;
    int pos = batches.position();
    while (pos + RecordBatchHeader.HEADER_SIZE <= batches.limit()) {
      next = RecordBatchHeader.lastOffset(batches, pos) + 1;
      pos += RecordBatchHeader.totalSize(batches, pos);
    }
    return next;
  }
}
