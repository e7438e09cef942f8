package dev.meridian.node.protocol;

import io.vertx.core.Future;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/** A handler that only declares a version range: for decoder tests, never asked to handle. */
record StubHandler(ApiKeys apiKey, short maxVersion) implements ApiHandler {

  /** Every API the client library knows, at every version it knows (some keys have none left). */
  static ApiRegistry everything() {
    ApiRegistry registry = new ApiRegistry();
    for (ApiKeys key : ApiKeys.values()) {
      if (key.hasValidVersion()) {
        registry.register(new StubHandler(key, key.latestVersion()));
      }
    }
    return registry;
  }

  @Override
  public Future<ApiMessage> handle(KafkaRequest request) {
    throw new UnsupportedOperationException("decoder tests do not handle requests");
  }
}
