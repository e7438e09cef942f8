package dev.meridian.node.protocol;

import dev.meridian.node.protocol.WireRecords.SliceRecords;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Writable;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * A {@link Writable} that writes a message into a heap buffer except for record sets that are
 * segment-file slices: those become {@link SliceFileRegion}s between heap chunks, so a Fetch
 * response's records go from the page cache to the socket without being copied (Kafka's zero-copy
 * fetch).
 */
final class SplicingWritable implements Writable {
  private final ByteBuffer buf;
  private final ByteBufferAccessor out;
  private final List<Object> parts = new ArrayList<>();
  private int chunkStart;

  SplicingWritable(int heapBytes) {
    this.buf = ByteBuffer.allocate(heapBytes);
    this.out = new ByteBufferAccessor(buf);
  }

  ByteBuffer buffer() {
    return buf;
  }

  /** The frame as Netty messages, in order: heap chunks and file regions. */
  List<Object> parts() {
    endChunk();
    return parts;
  }

  private void endChunk() {
    if (buf.position() > chunkStart) {
      parts.add(Unpooled.wrappedBuffer(buf.array(), chunkStart, buf.position() - chunkStart));
      chunkStart = buf.position();
    }
  }

  @Override
  public void writeRecords(BaseRecords records) {
    if (records instanceof SliceRecords slice) {
      endChunk();
      parts.add(
          new SliceFileRegion(slice.slice.channel(), slice.slice.position(), slice.slice.length()));
    } else if (records instanceof MemoryRecords m) {
      out.writeByteBuffer(m.buffer());
    } else {
      throw new IllegalArgumentException("unexpected record set " + records.getClass());
    }
  }

  @Override
  public void writeByte(byte val) {
    out.writeByte(val);
  }

  @Override
  public void writeShort(short val) {
    out.writeShort(val);
  }

  @Override
  public void writeInt(int val) {
    out.writeInt(val);
  }

  @Override
  public void writeLong(long val) {
    out.writeLong(val);
  }

  @Override
  public void writeDouble(double val) {
    out.writeDouble(val);
  }

  @Override
  public void writeByteArray(byte[] arr) {
    out.writeByteArray(arr);
  }

  @Override
  public void writeUnsignedVarint(int i) {
    out.writeUnsignedVarint(i);
  }

  @Override
  public void writeByteBuffer(ByteBuffer src) {
    out.writeByteBuffer(src);
  }

  @Override
  public void writeVarint(int i) {
    out.writeVarint(i);
  }

  @Override
  public void writeVarlong(long i) {
    out.writeVarlong(i);
  }
}
