package dev.meridian.node.protocol;

import dev.meridian.node.storage.LogSlice;
import java.nio.ByteBuffer;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordsSend;

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

  /**
   * Batches left in their segment file, as a response's record set: {@link ResponseEncoder} sends
   * them with sendfile instead of copying them into the response.
   */
  public static BaseRecords of(LogSlice slice) {
    return slice.length() == 0 ? MemoryRecords.EMPTY : new SliceRecords(slice);
  }

  /** A record set that is a region of a segment file. */
  static final class SliceRecords implements BaseRecords {
    final LogSlice slice;

    SliceRecords(LogSlice slice) {
      this.slice = slice;
    }

    @Override
    public int sizeInBytes() {
      return slice.length();
    }

    @Override
    public RecordsSend<? extends BaseRecords> toSend() {
      throw new UnsupportedOperationException("file slices are sent by ResponseEncoder");
    }

    @Override
    public String toString() {
      return "SliceRecords(" + slice.position() + "+" + slice.length() + ")";
    }
  }
}
