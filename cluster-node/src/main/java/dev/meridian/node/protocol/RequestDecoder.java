package dev.meridian.node.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * Turns a request frame's payload (the bytes after the int32 size) into a {@link DecodedRequest},
 * or rejects it with a {@link RequestDecodeException} that says why. Pure: no I/O, no state, safe
 * on any thread; {@code ProtocolFuzzTest} feeds it random and mutated frames.
 *
 * <pre>
 * payload:  api key (int16) | api version (int16) | correlation id (int32) | rest of header | body
 *           \________________ fixed, read before anything else ________/
 * </pre>
 *
 * <p>Decisions, in order: fewer than 8 bytes, an API key the client library does not know, or one
 * this node does not serve: rejected. A version outside the served range: ApiVersions gets {@link
 * DecodedRequest.UnsupportedApiVersions} (KIP-511), any other API is rejected. Then the header and
 * the body are parsed by kafka-clients' generated code; anything it throws is rejected.
 *
 * <p>Declared lengths cannot make the parsers allocate beyond the frame (checked in kafka-clients
 * 4.4.0): strings, bytes and tagged fields are checked against the bytes remaining, arrays too (and
 * capped at 1,000,000 elements, with an initial capacity of at most 1,000), and record sets are
 * slices of the frame. So a decode allocates in proportion to the frame, which the listener has
 * already bounded by {@code socket.request.max.bytes}.
 */
public final class RequestDecoder {
  /** API key, API version and correlation id: the part of every request header's layout. */
  static final int FIXED_HEADER_BYTES = 8;

  private RequestDecoder() {}

  /**
   * Decodes one request; advances {@code payload}'s position.
   *
   * @throws RequestDecodeException for any frame that is not a served request, never anything else
   */
  public static DecodedRequest decode(ByteBuffer payload, ApiRegistry registry)
      throws RequestDecodeException {
    int start = payload.position();
    if (payload.remaining() < FIXED_HEADER_BYTES) {
      throw new RequestDecodeException(
          "request of "
              + payload.remaining()
              + " bytes is shorter than the fixed header (api key, version, correlation id)");
    }
    short keyId = payload.getShort(start);
    short version = payload.getShort(start + 2);
    if (!ApiKeys.hasId(keyId)) {
      throw RequestDecodeException.unsupported(
          "unknown API key " + keyId + " (v" + version + ")",
          "unsupported API",
          "API key " + keyId,
          version,
          clientId(payload, start));
    }
    ApiKeys key = ApiKeys.forId(keyId);
    ApiHandler handler = registry.handler(key);
    if (handler == null) {
      throw RequestDecodeException.unsupported(
          key + " (API key " + keyId + ") is not served",
          "unsupported API",
          key.name(),
          version,
          clientId(payload, start));
    }
    if (!registry.supports(key, version)) {
      if (key == ApiKeys.API_VERSIONS) {
        return new DecodedRequest.UnsupportedApiVersions(version, payload.getInt(start + 4));
      }
      throw RequestDecodeException.unsupported(
          key
              + " v"
              + version
              + " is not supported (served: v"
              + key.oldestVersion()
              + " to v"
              + handler.maxVersion()
              + ")",
          "unsupported version",
          key.name(),
          version,
          clientId(payload, start));
    }
    RequestHeader header;
    try {
      header = RequestHeader.parse(payload);
    } catch (RuntimeException e) {
      throw new RequestDecodeException(
          "undecodable " + key + " v" + version + " request header: " + rootMessage(e), e);
    }
    AbstractRequest request;
    try {
      request = AbstractRequest.parseRequest(key, version, new ByteBufferAccessor(payload)).request;
    } catch (RuntimeException e) {
      throw new RequestDecodeException(
          "undecodable "
              + key
              + " v"
              + version
              + " body (correlation id "
              + header.correlationId()
              + "): "
              + rootMessage(e),
          e);
    }
    return new DecodedRequest.Parsed(header, request);
  }

  /**
   * The client id of a request header, for a log line, without parsing the rest: every request
   * header version but v0 (which no served API uses) has it right after the fixed part, as an int16
   * length (-1 for null) and UTF-8 bytes, also in the flexible header v2. Null when it cannot be
   * read.
   */
  static String clientId(ByteBuffer payload, int start) {
    int at = start + FIXED_HEADER_BYTES;
    if (payload.limit() - at < 2) {
      return null;
    }
    int length = payload.getShort(at);
    if (length < 0 || length > payload.limit() - at - 2) {
      return null;
    }
    byte[] bytes = new byte[length];
    payload.get(at + 2, bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** The innermost cause, as {@code Type: message}: what the parser actually tripped over. */
  private static String rootMessage(Throwable e) {
    Throwable t = e;
    for (int depth = 0; depth < 8 && t.getCause() != null && t.getCause() != t; depth++) {
      t = t.getCause();
    }
    return t.toString();
  }
}
