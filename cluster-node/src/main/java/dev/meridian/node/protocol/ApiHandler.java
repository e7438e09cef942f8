package dev.meridian.node.protocol;

import io.vertx.core.Future;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * Serves one Kafka API. Implementations live in {@code dev.meridian.node.api}, one class per API
 * key, and are registered with {@link ApiRegistry}.
 *
 * <p>{@link #handle} runs on the connection's event loop and must not block: storage work goes to a
 * worker ({@code Vertx.executeBlocking}). A failed future is answered with the API's generic error
 * response for the exception (via {@code AbstractRequest.getErrorResponse}); per-partition errors
 * belong in the response itself.
 */
public interface ApiHandler {
  ApiKeys apiKey();

  /** The highest version implemented; the lowest advertised is {@code apiKey().oldestVersion()}. */
  short maxVersion();

  /**
   * @return the response body, or a future of null when the request gets no response (Produce with
   *     acks=0)
   */
  Future<ApiMessage> handle(KafkaRequest request);
}
