package dev.meridian.node.link;

import dev.meridian.node.storage.RecordBatchHeader;
import java.nio.ByteBuffer;

/**
 * What of a source's fetched record set a mirror partition appends: whole batches only (a fetch may
 * end with a partial one), none that ends below the mirror's log end (already copied), and none
 * from the first batch whose source leader epoch is above the mirror partition's own leader epoch
 * (the epoch must be raised first: DLE >= SLE).
 *
 * @param batches the batches to append (a slice of the fetched bytes; may be empty)
 * @param records how many records they hold
 * @param maxTimestamp the largest batch max timestamp among them, or -1
 * @param higherEpoch the source epoch that stopped the copy, or -1 when none did
 * @param straddleBase the base offset of a first batch that starts below the log end and ends above
 *     it (it cannot be appended at its offsets: records deleted in the middle of a batch), or -1
 */
record MirrorBatches(
    ByteBuffer batches, long records, long maxTimestamp, int higherEpoch, long straddleBase) {

  /** Whether the first batch starts below the log end and ends above it. */
  boolean straddling() {
    return straddleBase >= 0;
  }

  /**
   * Selects what to append from {@code fetched} (not modified).
   *
   * @param logEnd the mirror partition's log end offset
   * @param leaderEpoch the mirror partition's leader epoch
   */
  static MirrorBatches select(ByteBuffer fetched, long logEnd, int leaderEpoch) {
    int start = fetched.position();
    int limit = fetched.limit();
    int from = start;
    int to = start;
    long records = 0;
    long maxTs = -1;
    int higher = -1;
    long straddleBase = -1;
    int p = start;
    while (limit - p >= RecordBatchHeader.HEADER_SIZE) {
      int size = RecordBatchHeader.totalSize(fetched, p);
      if (size < RecordBatchHeader.HEADER_SIZE || limit - p < size) {
        break; // a partial batch at the end of the fetch
      }
      long last = RecordBatchHeader.lastOffset(fetched, p);
      long base = RecordBatchHeader.baseOffset(fetched, p);
      if (last < logEnd) {
        from = p + size; // already copied
        to = from;
        p += size;
        continue;
      }
      if (base < logEnd) {
        straddleBase = to == from ? base : -1;
        break;
      }
      int epoch = RecordBatchHeader.partitionLeaderEpoch(fetched, p);
      if (epoch > leaderEpoch) {
        higher = epoch;
        break;
      }
      records += RecordBatchHeader.recordsCount(fetched, p);
      maxTs = Math.max(maxTs, RecordBatchHeader.maxTimestamp(fetched, p));
      p += size;
      to = p;
    }
    ByteBuffer out = fetched.duplicate();
    out.position(from).limit(to);
    return new MirrorBatches(out.slice(), records, maxTs, higher, straddleBase);
  }
}
