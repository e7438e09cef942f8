package dev.meridian.node.storage;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Flyweight accessors for the fixed 61-byte header of a Kafka v2 record batch, read in place from a
 * buffer (absolute gets; the buffer's position is never moved).
 *
 * <pre>
 * offset size field                  covered by CRC
 *   0     8   baseOffset             no  (stamped on append)
 *   8     4   batchLength            no  (bytes after this field)
 *  12     4   partitionLeaderEpoch   no  (stamped on append)
 *  16     1   magic (= 2)            no
 *  17     4   crc (CRC-32C)          no
 *  21     2   attributes             yes (bits 0-2 codec, 3 timestamp type, 4 txn, 5 control)
 *  23     4   lastOffsetDelta        yes
 *  27     8   baseTimestamp          yes
 *  35     8   maxTimestamp           yes
 *  43     8   producerId             yes
 *  51     2   producerEpoch          yes
 *  53     4   baseSequence           yes
 *  57     4   recordsCount           yes
 *  61     ... records (compressed as a whole when the codec is not none)
 * </pre>
 *
 * <p>Only the base offset and the leader epoch are rewritten by the log; neither is covered by the
 * CRC, so a stored batch is byte-for-byte what the producer sent apart from those two.
 */
public final class RecordBatchHeader {
  /** Bytes of the header before the first record. */
  public static final int HEADER_SIZE = 61;

  /** Bytes that precede {@code batchLength}'s count: baseOffset and batchLength itself. */
  public static final int LOG_OVERHEAD = 12;

  public static final byte MAGIC_V2 = 2;
  private static final int LENGTH_OFFSET = 8;
  private static final int LEADER_EPOCH_OFFSET = 12;
  private static final int MAGIC_OFFSET = 16;
  private static final int CRC_OFFSET = 17;
  private static final int ATTRIBUTES_OFFSET = 21;
  private static final int LAST_OFFSET_DELTA_OFFSET = 23;
  private static final int BASE_TIMESTAMP_OFFSET = 27;
  private static final int MAX_TIMESTAMP_OFFSET = 35;
  private static final int PRODUCER_ID_OFFSET = 43;
  private static final int PRODUCER_EPOCH_OFFSET = 51;
  private static final int BASE_SEQUENCE_OFFSET = 53;
  private static final int RECORDS_COUNT_OFFSET = 57;
  private static final int LOG_APPEND_TIME_FLAG = 0x08;
  private static final int TRANSACTIONAL_FLAG = 0x10;
  private static final int CONTROL_FLAG = 0x20;

  private RecordBatchHeader() {}

  public static long baseOffset(ByteBuffer b, int pos) {
    return b.getLong(pos);
  }

  /** The whole batch size in bytes, including the 12-byte log overhead. */
  public static int totalSize(ByteBuffer b, int pos) {
    return b.getInt(pos + LENGTH_OFFSET) + LOG_OVERHEAD;
  }

  public static int batchLength(ByteBuffer b, int pos) {
    return b.getInt(pos + LENGTH_OFFSET);
  }

  public static int partitionLeaderEpoch(ByteBuffer b, int pos) {
    return b.getInt(pos + LEADER_EPOCH_OFFSET);
  }

  public static byte magic(ByteBuffer b, int pos) {
    return b.get(pos + MAGIC_OFFSET);
  }

  public static int attributes(ByteBuffer b, int pos) {
    return b.getShort(pos + ATTRIBUTES_OFFSET);
  }

  public static int lastOffsetDelta(ByteBuffer b, int pos) {
    return b.getInt(pos + LAST_OFFSET_DELTA_OFFSET);
  }

  public static long lastOffset(ByteBuffer b, int pos) {
    return baseOffset(b, pos) + lastOffsetDelta(b, pos);
  }

  public static long baseTimestamp(ByteBuffer b, int pos) {
    return b.getLong(pos + BASE_TIMESTAMP_OFFSET);
  }

  public static long maxTimestamp(ByteBuffer b, int pos) {
    return b.getLong(pos + MAX_TIMESTAMP_OFFSET);
  }

  public static long producerId(ByteBuffer b, int pos) {
    return b.getLong(pos + PRODUCER_ID_OFFSET);
  }

  public static short producerEpoch(ByteBuffer b, int pos) {
    return b.getShort(pos + PRODUCER_EPOCH_OFFSET);
  }

  public static int baseSequence(ByteBuffer b, int pos) {
    return b.getInt(pos + BASE_SEQUENCE_OFFSET);
  }

  /** The sequence of the last record, wrapping at {@code Integer.MAX_VALUE} as Kafka does. */
  public static int lastSequence(ByteBuffer b, int pos) {
    int base = baseSequence(b, pos);
    if (base < 0) {
      return -1;
    }
    long last = (long) base + lastOffsetDelta(b, pos);
    return (int) (last > Integer.MAX_VALUE ? last - Integer.MAX_VALUE - 1 : last);
  }

  public static int recordsCount(ByteBuffer b, int pos) {
    return b.getInt(pos + RECORDS_COUNT_OFFSET);
  }

  public static boolean isTransactional(ByteBuffer b, int pos) {
    return (attributes(b, pos) & TRANSACTIONAL_FLAG) != 0;
  }

  public static boolean isControl(ByteBuffer b, int pos) {
    return (attributes(b, pos) & CONTROL_FLAG) != 0;
  }

  public static void setBaseOffset(ByteBuffer b, int pos, long offset) {
    b.putLong(pos, offset);
  }

  public static void setPartitionLeaderEpoch(ByteBuffer b, int pos, int epoch) {
    b.putInt(pos + LEADER_EPOCH_OFFSET, epoch);
  }

  /**
   * Marks the batch as timestamped by the broker ({@code message.timestamp.type=LogAppendTime}):
   * sets the timestamp-type attribute and the max timestamp, and rewrites the CRC they are covered
   * by. Records keep their own timestamps; readers use the batch's.
   */
  public static void setLogAppendTime(ByteBuffer b, int pos, long timestampMs) {
    b.putShort(pos + ATTRIBUTES_OFFSET, (short) (attributes(b, pos) | LOG_APPEND_TIME_FLAG));
    b.putLong(pos + MAX_TIMESTAMP_OFFSET, timestampMs);
    b.putInt(pos + CRC_OFFSET, (int) computeCrc(b, pos));
  }

  /** The CRC stored in the header. */
  public static long storedCrc(ByteBuffer b, int pos) {
    return Integer.toUnsignedLong(b.getInt(pos + CRC_OFFSET));
  }

  /** Recomputes CRC-32C over attributes..end of batch. */
  public static long computeCrc(ByteBuffer b, int pos) {
    CRC32C crc = new CRC32C();
    int end = pos + totalSize(b, pos);
    ByteBuffer slice = b.duplicate();
    slice.limit(end).position(pos + ATTRIBUTES_OFFSET);
    crc.update(slice);
    return crc.getValue();
  }

  /**
   * Checks that a complete, well-formed v2 batch starts at {@code pos}: sizes consistent with the
   * buffer, magic 2, non-negative deltas and counts, and a matching CRC.
   *
   * @return null when valid, else the reason
   */
  public static String validate(ByteBuffer b, int pos, int limit) {
    if (limit - pos < HEADER_SIZE) {
      return "truncated header: " + (limit - pos) + " bytes left, need " + HEADER_SIZE;
    }
    int length = batchLength(b, pos);
    if (length < HEADER_SIZE - LOG_OVERHEAD) {
      return "batch length " + length + " is smaller than the v2 header";
    }
    if ((long) length + LOG_OVERHEAD > limit - pos) {
      return "batch of "
          + (length + LOG_OVERHEAD)
          + " bytes overruns the data ("
          + (limit - pos)
          + " bytes left)";
    }
    byte magic = magic(b, pos);
    if (magic != MAGIC_V2) {
      return "unsupported record batch magic " + magic + " (only v2 is stored)";
    }
    int delta = lastOffsetDelta(b, pos);
    int count = recordsCount(b, pos);
    if (delta < 0 || count < 0) {
      return "negative lastOffsetDelta " + delta + " or recordsCount " + count;
    }
    long stored = storedCrc(b, pos);
    long computed = computeCrc(b, pos);
    if (stored != computed) {
      return "CRC mismatch: stored " + stored + ", computed " + computed;
    }
    return null;
  }
}
