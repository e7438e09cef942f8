package dev.meridian.node.protocol;

import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.MessageSizeAccumulator;
import org.apache.kafka.common.protocol.ObjectSerializationCache;

/**
 * Writes a response frame: int32 size, response header, body. The header version comes only from
 * {@link ApiKeys#responseHeaderVersion} (ApiVersions always uses v0). Record sets that are
 * segment-file slices ({@link WireRecords#of(dev.meridian.node.storage.LogSlice)}) are not copied:
 * {@link #frame} returns them as file regions between heap chunks.
 */
public final class ResponseEncoder {
  private ResponseEncoder() {}

  public static Buffer encode(ApiKeys key, short version, int correlationId, ApiMessage body) {
    return encode(key.responseHeaderVersion(version), version, correlationId, body);
  }

  /** Encodes with an explicit header version (the ApiVersions downgrade answer uses v0). */
  public static Buffer encode(
      short headerVersion, short version, int correlationId, ApiMessage body) {
    ObjectSerializationCache cache = new ObjectSerializationCache();
    ResponseHeaderData header = new ResponseHeaderData().setCorrelationId(correlationId);
    int size = header.size(cache, headerVersion) + body.size(cache, version);
    ByteBuffer buf = ByteBuffer.allocate(4 + size);
    buf.putInt(size);
    ByteBufferAccessor out = new ByteBufferAccessor(buf);
    header.write(out, cache, headerVersion);
    body.write(out, cache, version);
    return Buffer.buffer(buf.array());
  }

  /**
   * The response frame as one buffer, or — when the body holds segment-file slices — as the list of
   * Netty messages to write in order (heap chunks and {@link SliceFileRegion}s).
   */
  static Object frame(ApiKeys key, short version, int correlationId, ApiMessage body) {
    short headerVersion = key.responseHeaderVersion(version);
    ObjectSerializationCache cache = new ObjectSerializationCache();
    ResponseHeaderData header = new ResponseHeaderData().setCorrelationId(correlationId);
    MessageSizeAccumulator size = new MessageSizeAccumulator();
    header.addSize(size, cache, headerVersion);
    body.addSize(size, cache, version);
    long sliceBytes = sliceBytes(body);
    if (sliceBytes == 0) {
      return encode(headerVersion, version, correlationId, body);
    }
    SplicingWritable out = new SplicingWritable((int) (4 + size.totalSize() - sliceBytes));
    out.writeInt(size.totalSize());
    header.write(out, cache, headerVersion);
    body.write(out, cache, version);
    return out.parts();
  }

  /** Bytes of the body's record sets that stay in segment files. */
  private static long sliceBytes(ApiMessage body) {
    long bytes = 0;
    if (body instanceof FetchResponseData fetch) {
      for (FetchResponseData.FetchableTopicResponse topic : fetch.responses()) {
        for (FetchResponseData.PartitionData p : topic.partitions()) {
          if (p.records() instanceof WireRecords.SliceRecords slice) {
            bytes += slice.sizeInBytes();
          }
        }
      }
    }
    return bytes;
  }
}
