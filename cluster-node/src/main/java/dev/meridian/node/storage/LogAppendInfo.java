package dev.meridian.node.storage;

/**
 * What an append did. Producer-state outcomes are statuses, not exceptions: they are frequent and
 * expected on the produce path.
 *
 * @param status whether the batches were appended, or why not
 * @param firstOffset offset of the first record appended (for a duplicate: of the original)
 * @param lastOffset offset of the last record appended (for a duplicate: of the original)
 * @param maxTimestamp largest batch max timestamp in the append, -1 when none
 * @param logStartOffset the log start offset after the append
 * @param records number of records appended
 * @param bytes number of bytes appended
 * @param message the reason for a non-APPENDED status, else null
 */
public record LogAppendInfo(
    Status status,
    long firstOffset,
    long lastOffset,
    long maxTimestamp,
    long logStartOffset,
    int records,
    int bytes,
    String message) {

  /** Outcome of an append. */
  public enum Status {
    /** The batches were written. */
    APPENDED,
    /** A retry of a batch already in the log: nothing written, offsets are the original's. */
    DUPLICATE,
    /** The producer's sequence has a gap: nothing written (OUT_OF_ORDER_SEQUENCE_NUMBER). */
    OUT_OF_ORDER_SEQUENCE,
    /** The producer epoch is older than the partition's (INVALID_PRODUCER_EPOCH). */
    INVALID_PRODUCER_EPOCH
  }
}
