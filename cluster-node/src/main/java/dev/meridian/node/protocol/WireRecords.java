package dev.meridian.node.protocol;

import java.nio.ByteBuffer;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * The protocol layer's only contact with kafka-clients' internal record classes (which move between
 * releases): record sets in requests and responses are carried as plain bytes.
 */
public final class WireRecords {
  private WireRecords() {}

  /** The bytes of a request's record set (position 0 to its size), or an empty buffer. */
  public static ByteBuffer bytes(BaseRecords records) {
    if (records == null) {
      return ByteBuffer.allocate(0);
    }
    if (records instanceof MemoryRecords m) {
      return m.buffer();
    }
    throw new IllegalArgumentException("unexpected record set " + records.getClass());
  }

  /** Batches read from a log, as a response's record set. */
  public static BaseRecords of(ByteBuffer batches) {
    return MemoryRecords.readableRecords(batches);
  }
}
