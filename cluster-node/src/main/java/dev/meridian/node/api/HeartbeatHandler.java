package dev.meridian.node.api;

import dev.meridian.node.protocol.ApiHandler;
import dev.meridian.node.protocol.KafkaRequest;
import io.vertx.core.Future;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * Heartbeat 0–4: keeps a member's session alive; REBALANCE_IN_PROGRESS tells it to rejoin,
 * ILLEGAL_GENERATION / UNKNOWN_MEMBER_ID that it was left behind, FENCED_INSTANCE_ID (v3+) that a
 * newer process took its static identity.
 */
public final class HeartbeatHandler implements ApiHandler {
  private final BrokerContext broker;

  public HeartbeatHandler(BrokerContext broker) {
    this.broker = broker;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.HEARTBEAT;
  }

  @Override
  public short maxVersion() {
    return 4;
  }

  @Override
  public Future<ApiMessage> handle(KafkaRequest request) {
    HeartbeatRequestData req = request.data();
    Errors error =
        req.groupId().isEmpty()
            ? Errors.INVALID_GROUP_ID
            : broker
                .groups()
                .heartbeat(
                    req.groupId(), req.memberId(), req.groupInstanceId(), req.generationId());
    return Future.succeededFuture(new HeartbeatResponseData().setErrorCode(error.code()));
  }
}
