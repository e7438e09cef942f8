package dev.meridian.node.api;

import dev.meridian.node.protocol.ApiHandler;
import dev.meridian.node.protocol.KafkaRequest;
import io.vertx.core.Future;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FindCoordinatorRequest.CoordinatorType;

/**
 * FindCoordinator 0–6: a group's coordinator is the leader of its offsets partition — this node
 * (one replica). From v4 a request carries several keys (batched). Transactions are not supported:
 * a transaction key gets TRANSACTIONAL_ID_AUTHORIZATION_FAILED, which producers treat as fatal, so
 * a transactional producer fails at once instead of retrying forever. Share groups and unknown key
 * types are INVALID_REQUEST.
 */
public final class FindCoordinatorHandler implements ApiHandler {
  private final BrokerContext broker;

  public FindCoordinatorHandler(BrokerContext broker) {
    this.broker = broker;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.FIND_COORDINATOR;
  }

  @Override
  public short maxVersion() {
    return 6;
  }

  @Override
  public Future<ApiMessage> handle(KafkaRequest request) {
    FindCoordinatorRequestData req = request.data();
    FindCoordinatorResponseData resp = new FindCoordinatorResponseData();
    if (request.version() >= 4) {
      for (String key : req.coordinatorKeys()) {
        resp.coordinators().add(find(key, req.keyType()));
      }
    } else {
      FindCoordinatorResponseData.Coordinator c = find(req.key(), req.keyType());
      resp.setErrorCode(c.errorCode())
          .setErrorMessage(c.errorMessage())
          .setNodeId(c.nodeId())
          .setHost(c.host())
          .setPort(c.port());
    }
    return Future.succeededFuture(resp);
  }

  private FindCoordinatorResponseData.Coordinator find(String key, byte keyType) {
    FindCoordinatorResponseData.Coordinator c =
        new FindCoordinatorResponseData.Coordinator()
            .setKey(key)
            .setNodeId(-1)
            .setHost("")
            .setPort(-1);
    if (keyType == CoordinatorType.GROUP.id()) {
      return c.setNodeId(broker.nodeId())
          .setHost(broker.host())
          .setPort(broker.port().getAsInt())
          .setErrorCode(Errors.NONE.code());
    }
    if (keyType == CoordinatorType.TRANSACTION.id()) {
      return c.setErrorCode(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code())
          .setErrorMessage("Meridian does not support transactions");
    }
    return c.setErrorCode(Errors.INVALID_REQUEST.code())
        .setErrorMessage("unsupported coordinator key type " + keyType);
  }
}
