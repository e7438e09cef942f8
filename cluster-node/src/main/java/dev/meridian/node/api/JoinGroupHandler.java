package dev.meridian.node.api;

import dev.meridian.node.protocol.ApiHandler;
import dev.meridian.node.protocol.KafkaRequest;
import io.vertx.core.Future;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * JoinGroup 0–9 (classic protocol). The response is delayed until the rebalance completes: when
 * every member has rejoined, or at the rebalance timeout (the first rebalance of an empty group
 * also waits group.initial.rebalance.delay.ms). From v4 a member without an id first gets
 * MEMBER_ID_REQUIRED with its id; v5 adds static membership (group.instance.id); v9 lets a static
 * leader that comes back skip the assignment. The connection handles nothing else meanwhile, as in
 * Kafka.
 */
public final class JoinGroupHandler implements ApiHandler {
  private final BrokerContext broker;

  public JoinGroupHandler(BrokerContext broker) {
    this.broker = broker;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.JOIN_GROUP;
  }

  @Override
  public short maxVersion() {
    return 9;
  }

  @Override
  public Future<ApiMessage> handle(KafkaRequest request) {
    JoinGroupRequestData req = request.data();
    short version = request.version();
    return BrokerContext.future(
            broker.groups().join(req, version, request.clientId(), request.clientHost()))
        .map(resp -> forVersion(resp, version));
  }

  /** Fields the version lacks or cannot hold null in get their defaults. */
  static ApiMessage forVersion(JoinGroupResponseData resp, short version) {
    if (version < 7 && resp.protocolName() == null) {
      resp.setProtocolName("");
    }
    if (resp.leader() == null) {
      resp.setLeader("");
    }
    if (resp.memberId() == null) {
      resp.setMemberId("");
    }
    if (version < 9) {
      resp.setSkipAssignment(false);
    }
    return resp;
  }
}
