package dev.meridian.node.api;

import dev.meridian.node.protocol.ApiHandler;
import dev.meridian.node.protocol.KafkaRequest;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * Handler tests through the wire codec both ways: a request encoded and parsed at a version (so
 * fields the version lacks are gone), a response encoded at it (which throws for a non-ignorable
 * field set where it does not exist) and decoded as a client would.
 */
final class WireRoundTrip {
  private WireRoundTrip() {}

  /** {@code data} as {@code handler}'s API receives it at {@code version}. */
  static KafkaRequest request(ApiHandler handler, ApiMessage data, short version) {
    ApiKeys key = handler.apiKey();
    AbstractRequest request =
        AbstractRequest.parseRequest(key, version, MessageUtil.toByteBufferAccessor(data, version))
            .request;
    return new KafkaRequest(
        new RequestHeader(key, version, "test-client", 7), request, "127.0.0.1:4242");
  }

  /** {@code response} as a client decodes it at {@code version}. */
  @SuppressWarnings("unchecked")
  static <T extends ApiMessage> T response(ApiKeys key, ApiMessage response, short version) {
    ByteBufferAccessor bytes = MessageUtil.toByteBufferAccessor(response, version);
    ApiMessage decoded = key.messageType.newResponse();
    decoded.read(bytes, version);
    return (T) decoded;
  }
}
