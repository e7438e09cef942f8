package dev.meridian.node.api;

import dev.meridian.node.protocol.ApiHandler;
import dev.meridian.node.protocol.KafkaRequest;
import io.vertx.core.Future;
import java.util.List;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * LeaveGroup 0–5: v0–2 one member by id, its error at the top level; from v3 a batch of members by
 * id or by group instance id (Admin {@code removeMembersFromConsumerGroup}), errors per member. The
 * group rebalances without them at once, without waiting for their sessions.
 */
public final class LeaveGroupHandler implements ApiHandler {
  private final BrokerContext broker;

  public LeaveGroupHandler(BrokerContext broker) {
    this.broker = broker;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.LEAVE_GROUP;
  }

  @Override
  public short maxVersion() {
    return 5;
  }

  @Override
  public Future<ApiMessage> handle(KafkaRequest request) {
    LeaveGroupRequestData req = request.data();
    short version = request.version();
    if (req.groupId().isEmpty()) {
      return Future.succeededFuture(
          new LeaveGroupResponseData().setErrorCode(Errors.INVALID_GROUP_ID.code()));
    }
    List<LeaveGroupRequestData.MemberIdentity> leaving =
        version >= 3
            ? req.members()
            : List.of(new LeaveGroupRequestData.MemberIdentity().setMemberId(req.memberId()));
    LeaveGroupResponseData resp = broker.groups().leave(req.groupId(), leaving);
    if (version < 3) {
      short error = resp.errorCode();
      if (error == Errors.NONE.code() && !resp.members().isEmpty()) {
        error = resp.members().get(0).errorCode();
      }
      resp = new LeaveGroupResponseData().setErrorCode(error);
    }
    return Future.succeededFuture(resp);
  }
}
