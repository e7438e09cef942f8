package dev.meridian.node.api;

import dev.meridian.node.protocol.ApiHandler;
import dev.meridian.node.protocol.KafkaRequest;
import io.vertx.core.Future;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * SyncGroup 0–5: the leader hands in the assignment, every member gets its own. A follower's
 * response waits for the leader's; the leader's for the group metadata to be written to the offsets
 * topic. v5 checks the protocol type and name (INCONSISTENT_GROUP_PROTOCOL).
 */
public final class SyncGroupHandler implements ApiHandler {
  private final BrokerContext broker;

  public SyncGroupHandler(BrokerContext broker) {
    this.broker = broker;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.SYNC_GROUP;
  }

  @Override
  public short maxVersion() {
    return 5;
  }

  @Override
  public Future<ApiMessage> handle(KafkaRequest request) {
    SyncGroupRequestData req = request.data();
    if (req.groupId().isEmpty()) {
      return Future.succeededFuture(
          new SyncGroupResponseData().setErrorCode(Errors.INVALID_GROUP_ID.code()));
    }
    return BrokerContext.future(broker.groups().sync(req)).map(ApiMessage.class::cast);
  }
}
