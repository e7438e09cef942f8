package dev.meridian.node.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Sparse map from timestamps to offsets in one segment. An entry (t, o) says: every record in the
 * batches up to and including the batch whose base offset is o has a timestamp of at most t.
 * Entries are added beside offset-index entries, only when the segment's maximum timestamp grew.
 *
 * <pre>
 * file: entry*            entry: timestamp int64 | relativeOffset int32   (big-endian)
 * </pre>
 *
 * <p>Written whole like {@link OffsetIndex}; a suspect file is rebuilt from the log.
 */
final class TimeIndex {
  static final int ENTRY_SIZE = 12;
  private final long baseOffset;
  private long[] timestamps = new long[16];
  private int[] relativeOffsets = new int[16];
  private volatile int count;

  TimeIndex(long baseOffset) {
    this.baseOffset = baseOffset;
  }

  int entries() {
    return count;
  }

  /** Adds an entry; ignored unless both the timestamp and the offset grow. */
  void maybeAppend(long timestamp, long offset) {
    int n = count;
    int rel = Math.toIntExact(offset - baseOffset);
    if (n > 0 && (timestamp <= timestamps[n - 1] || rel <= relativeOffsets[n - 1])) {
      return;
    }
    if (n == timestamps.length) {
      timestamps = Arrays.copyOf(timestamps, n * 2);
      relativeOffsets = Arrays.copyOf(relativeOffsets, n * 2);
    }
    timestamps[n] = timestamp;
    relativeOffsets[n] = rel;
    count = n + 1;
  }

  /** Timestamp of the last entry, or -1. */
  long lastTimestamp() {
    int n = count;
    return n == 0 ? -1 : timestamps[n - 1];
  }

  /** Offset of the last entry, or -1. */
  long lastOffset() {
    int n = count;
    return n == 0 ? -1 : baseOffset + relativeOffsets[n - 1];
  }

  /**
   * The offset from which a scan for the first record with a timestamp at or after {@code target}
   * may start: the batch of the last entry whose timestamp is below the target (all its
   * predecessors are below it too), or the segment's base offset.
   */
  long lookupScanStart(long target) {
    int n = count;
    int lo = 0;
    int hi = n - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (timestamps[mid] < target) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found < 0 ? baseOffset : baseOffset + relativeOffsets[found];
  }

  /** Drops entries for batches at or after {@code offset}. */
  void truncateToOffset(long offset) {
    int n = count;
    while (n > 0 && baseOffset + relativeOffsets[n - 1] >= offset) {
      n--;
    }
    count = n;
  }

  void clear() {
    count = 0;
  }

  void writeTo(Path file, boolean fsync) throws IOException {
    int n = count;
    ByteBuffer buf = ByteBuffer.allocate(n * ENTRY_SIZE);
    for (int i = 0; i < n; i++) {
      buf.putLong(timestamps[i]).putInt(relativeOffsets[i]);
    }
    buf.flip();
    IndexFiles.writeAtomically(file, buf, fsync);
  }

  /** Loads an index file, or null when it is missing or suspect. */
  static TimeIndex load(Path file, long baseOffset, long nextOffset) throws IOException {
    ByteBuffer buf = IndexFiles.readIfExists(file);
    if (buf == null || buf.remaining() % ENTRY_SIZE != 0) {
      return null;
    }
    TimeIndex index = new TimeIndex(baseOffset);
    while (buf.hasRemaining()) {
      long ts = buf.getLong();
      int rel = buf.getInt();
      int n = index.count;
      boolean increasing =
          n == 0 || (ts > index.timestamps[n - 1] && rel > index.relativeOffsets[n - 1]);
      if (rel < 0 || baseOffset + rel >= nextOffset || !increasing) {
        return null;
      }
      index.maybeAppend(ts, baseOffset + rel);
    }
    return index;
  }
}
