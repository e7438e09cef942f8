package dev.meridian.node.storage;

import dev.meridian.node.storage.record.KafkaRecords;
import java.nio.ByteBuffer;

/**
 * Validates the batches of an append before anything is written: each must be a complete, CRC-valid
 * v2 batch ({@link RecordBatchHeader#validate}) no larger than max.message.bytes. One bad batch
 * rejects the whole append. {@link #validate} reads headers only; records are never decoded.
 *
 * <p>A leader append goes through {@link #validateAsLeader}, which adds the checks and the
 * conversion of the topic configs that look at records: keys on a compacted topic, the CreateTime
 * window and re-compression to {@code compression.type}. Records are decoded only when such a
 * config asks for it. Appends at given offsets (followers, mirror topics) never go through it.
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

  /** A leader append's batches (possibly re-compressed) and their facts. */
  record Leader(ByteBuffer records, Validated validated) {}

  /**
   * {@link #validate}, then {@link #forLeader}, then {@link #validate} again for re-compressed
   * batches (max.message.bytes applies to what is written).
   *
   * @param logAppendTimeMs the broker's time stamped into every batch, or -1 (CreateTime); it is
   *     the append's max timestamp then
   */
  static Leader validateAsLeader(
      ByteBuffer records, LogConfig config, long nowMs, long logAppendTimeMs, String partition) {
    Validated a = validate(records, config.maxMessageBytes(), partition);
    ByteBuffer out = forLeader(records, config, nowMs, logAppendTimeMs >= 0, partition);
    if (out != records) {
      a = validate(out, config.maxMessageBytes(), partition);
    }
    if (logAppendTimeMs >= 0) {
      a = new Validated(a.bytes(), a.records(), logAppendTimeMs);
    }
    return new Leader(out, a);
  }

  /**
   * The leader's record-level checks and conversion, as Kafka's {@code LogValidator} does them for
   * a client's produce:
   *
   * <ul>
   *   <li>compacted topic ({@code cleanup.policy} contains {@code compact}): every data record has
   *       a key, else {@link InvalidRecordException};
   *   <li>CreateTime topic with a finite {@code message.timestamp.before.max.ms} or {@code
   *       after.max.ms}: every record timestamp (but -1) is within {@code [now - before, now +
   *       after]}, else {@link InvalidTimestampException}. With only {@code after} finite (Kafka's
   *       default of one hour) the batch headers' max timestamps are checked, records are decoded
   *       only when one is out of the window;
   *   <li>{@code compression.type} other than {@code producer}: batches of another codec are
   *       re-compressed to it ({@link KafkaRecords#recompress}).
   * </ul>
   *
   * @param logAppendTime whether the broker stamps its own time (no timestamp checks then)
   * @return {@code records} itself, or the re-compressed copy
   */
  private static ByteBuffer forLeader(
      ByteBuffer records, LogConfig config, long nowMs, boolean logAppendTime, String partition) {
    if (config.compact() && KafkaRecords.firstWithoutKey(records) >= 0) {
      throw new InvalidRecordException(
          "Compacted topic cannot accept message without key in topic partition "
              + partition
              + ".");
    }
    if (config.checksTimestamps() && !logAppendTime) {
      checkTimestamps(records, config, nowMs);
    }
    if (config.recompresses() && hasOtherCodec(records, config.compressionType())) {
      return KafkaRecords.recompress(
          records, config.compressionType(), config.compressionLevel(), LogConfig.DEFAULT_LEVEL);
    }
    return records;
  }

  private static void checkTimestamps(ByteBuffer records, LogConfig config, long nowMs) {
    long before = config.timestampBeforeMaxMs();
    long after = config.timestampAfterMaxMs();
    long min = before >= nowMs ? Long.MIN_VALUE : nowMs - before;
    long max = after > Long.MAX_VALUE - nowMs ? Long.MAX_VALUE : nowMs + after;
    boolean decode = before != Long.MAX_VALUE;
    for (int p = records.position(); !decode && p < records.limit(); ) {
      boolean createTime = (RecordBatchHeader.attributes(records, p) & LOG_APPEND_TIME_FLAG) == 0;
      decode =
          createTime
              && !RecordBatchHeader.isControl(records, p)
              && RecordBatchHeader.maxTimestamp(records, p) > max;
      p += RecordBatchHeader.totalSize(records, p);
    }
    if (!decode) {
      return;
    }
    KafkaRecords.OffsetAndTimestamp bad = KafkaRecords.firstTimestampOutside(records, min, max);
    if (bad != null) {
      throw new InvalidTimestampException(
          "Timestamp "
              + bad.timestamp()
              + " of message with offset "
              + bad.offset()
              + " is out of range. The timestamp should be within ["
              + min
              + ", "
              + max
              + "]");
    }
  }

  private static final int LOG_APPEND_TIME_FLAG = 0x08;

  private static boolean hasOtherCodec(ByteBuffer records, String type) {
    for (int p = records.position(); p < records.limit(); ) {
      if (!RecordBatchHeader.isControl(records, p)
          && !KafkaRecords.isCompressedAs(RecordBatchHeader.attributes(records, p), type)) {
        return true;
      }
      p += RecordBatchHeader.totalSize(records, p);
    }
    return false;
  }
}
