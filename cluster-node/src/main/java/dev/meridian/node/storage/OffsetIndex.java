package dev.meridian.node.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Sparse map from offsets to file positions in one segment: one entry per {@code
 * index.interval.bytes} of log, keyed by the base offset of the batch that starts there.
 *
 * <pre>
 * file: entry*            entry: relativeOffset int32 | position int32   (big-endian)
 *       relativeOffset = batch base offset - segment base offset
 * </pre>
 *
 * <p>Entries are strictly increasing in both fields. The index lives in memory and is written whole
 * (atomically) when its segment is rolled, flushed or closed; a missing or inconsistent file is
 * rebuilt from the log by {@link LogSegment#rebuildIndexes()}. Lookups are a binary search; the
 * caller then scans batch headers forward. Not thread-safe for writers; readers see a consistent
 * prefix because the count is published last.
 */
final class OffsetIndex {
  static final int ENTRY_SIZE = 8;
  private final long baseOffset;
  private int[] relativeOffsets = new int[16];
  private int[] positions = new int[16];
  private volatile int count;

  OffsetIndex(long baseOffset) {
    this.baseOffset = baseOffset;
  }

  int entries() {
    return count;
  }

  /** Adds an entry; ignored unless both offset and position grow. */
  void append(long offset, int position) {
    int n = count;
    int rel = Math.toIntExact(offset - baseOffset);
    if (n > 0 && (rel <= relativeOffsets[n - 1] || position <= positions[n - 1])) {
      return;
    }
    if (n == relativeOffsets.length) {
      relativeOffsets = Arrays.copyOf(relativeOffsets, n * 2);
      positions = Arrays.copyOf(positions, n * 2);
    }
    relativeOffsets[n] = rel;
    positions[n] = position;
    count = n + 1;
  }

  /** Position of the last indexed batch whose base offset is at most {@code offset}, or 0. */
  int lookup(long offset) {
    int n = count;
    long rel = offset - baseOffset;
    int lo = 0;
    int hi = n - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (relativeOffsets[mid] <= rel) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found < 0 ? 0 : positions[found];
  }

  /** The largest indexed batch position at most {@code position}, or 0. */
  int floorPosition(int position) {
    int n = count;
    int lo = 0;
    int hi = n - 1;
    int found = 0;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (positions[mid] <= position) {
        found = positions[mid];
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** Drops the entries for batches at or after {@code position}. */
  void truncateToPosition(int position) {
    int n = count;
    while (n > 0 && positions[n - 1] >= position) {
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
      buf.putInt(relativeOffsets[i]).putInt(positions[i]);
    }
    buf.flip();
    IndexFiles.writeAtomically(file, buf, fsync);
  }

  /**
   * Loads an index file, or returns null when it is missing or suspect: a partial entry, entries
   * not strictly increasing, or a position at or past {@code segmentSize}.
   */
  static OffsetIndex load(Path file, long baseOffset, int segmentSize) throws IOException {
    ByteBuffer buf = IndexFiles.readIfExists(file);
    if (buf == null || buf.remaining() % ENTRY_SIZE != 0) {
      return null;
    }
    OffsetIndex index = new OffsetIndex(baseOffset);
    while (buf.hasRemaining()) {
      int rel = buf.getInt();
      int pos = buf.getInt();
      int n = index.count;
      boolean increasing =
          n == 0 || (rel > index.relativeOffsets[n - 1] && pos > index.positions[n - 1]);
      if (rel < 0 || pos < 0 || pos >= segmentSize || !increasing) {
        return null;
      }
      index.append(baseOffset + rel, pos);
    }
    return index;
  }
}
