package dev.meridian.node.storage;

import java.nio.ByteBuffer;

/**
 * Validates the batches of an append before anything is written: each must be a complete, CRC-valid
 * v2 batch ({@link RecordBatchHeader#validate}) no larger than max.message.bytes. One bad batch
 * rejects the whole append. Reads headers only; records are never decoded.
 */
final class LogValidator {
  private LogValidator() {}

  /** Facts about a valid append. */
  record Validated(int bytes, int records, long maxTimestamp) {}

  /**
   * @throws CorruptRecordException for an empty append or a malformed batch
   * @throws RecordTooLargeException for a batch over {@code maxMessageBytes}
   */
  static Validated validate(ByteBuffer records, int maxMessageBytes, String partition) {
    int pos = records.position();
    int limit = records.limit();
    if (pos == limit) {
      throw new CorruptRecordException(partition + ": empty append");
    }
    int count = 0;
    long maxTs = -1;
    for (int p = pos; p < limit; ) {
      String problem = RecordBatchHeader.validate(records, p, limit);
      if (problem != null) {
        throw new CorruptRecordException(
            partition + ": invalid batch at byte " + (p - pos) + " of the append: " + problem);
      }
      int size = RecordBatchHeader.totalSize(records, p);
      if (size > maxMessageBytes) {
        throw new RecordTooLargeException(
            partition
                + ": batch of "
                + size
                + " bytes exceeds max.message.bytes "
                + maxMessageBytes);
      }
      count += RecordBatchHeader.recordsCount(records, p);
      maxTs = Math.max(maxTs, RecordBatchHeader.maxTimestamp(records, p));
      p += size;
    }
    return new Validated(limit - pos, count, maxTs);
  }
}
