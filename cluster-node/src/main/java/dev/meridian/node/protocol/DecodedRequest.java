package dev.meridian.node.protocol;

import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestHeader;

/** What {@link RequestDecoder#decode} made of a request frame that it did not reject. */
public sealed interface DecodedRequest {

  /** The correlation id to answer with. */
  int correlationId();

  /**
   * A request of a served API at a served version, header and body decoded.
   *
   * @param header the request header
   * @param request the decoded body
   */
  record Parsed(RequestHeader header, AbstractRequest request) implements DecodedRequest {
    @Override
    public int correlationId() {
      return header.correlationId();
    }
  }

  /**
   * ApiVersions at a version this node does not serve (typically newer than ours). KIP-511: answer
   * UNSUPPORTED_VERSION with our version table, body and response header at v0; the body is not
   * parsed, since its layout may be unknown.
   *
   * @param version the version the client asked for
   * @param correlationId the client's correlation id
   */
  record UnsupportedApiVersions(short version, int correlationId) implements DecodedRequest {}
}
