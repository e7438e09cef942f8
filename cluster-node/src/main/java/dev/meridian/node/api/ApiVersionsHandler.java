package dev.meridian.node.api;

import dev.meridian.node.protocol.ApiHandler;
import dev.meridian.node.protocol.ApiRegistry;
import dev.meridian.node.protocol.KafkaRequest;
import io.vertx.core.Future;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * ApiVersions 0–4: the advertised version table. Requests above v4 are answered by the connection
 * with UNSUPPORTED_VERSION at v0 (KIP-511) before they reach here.
 */
public final class ApiVersionsHandler implements ApiHandler {
  private final ApiRegistry registry;

  public ApiVersionsHandler(ApiRegistry registry) {
    this.registry = registry;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.API_VERSIONS;
  }

  @Override
  public short maxVersion() {
    return 4;
  }

  @Override
  public Future<ApiMessage> handle(KafkaRequest request) {
    return Future.succeededFuture(
        new ApiVersionsResponseData()
            .setErrorCode(Errors.NONE.code())
            .setApiKeys(registry.versions()));
  }
}
