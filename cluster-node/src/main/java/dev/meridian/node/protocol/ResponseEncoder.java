package dev.meridian.node.protocol;

import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;

/**
 * Writes a response frame: int32 size, response header, body. The header version comes only from
 * {@link ApiKeys#responseHeaderVersion} (ApiVersions always uses v0).
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
}
