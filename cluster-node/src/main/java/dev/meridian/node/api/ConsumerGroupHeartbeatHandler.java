package dev.meridian.node.api;

import dev.meridian.node.group.GroupCoordinator;
import dev.meridian.node.protocol.ApiHandler;
import dev.meridian.node.protocol.KafkaRequest;
import dev.meridian.node.protocol.RefusalLog;
import io.vertx.core.Future;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * ConsumerGroupHeartbeat 0–1, the KIP-848 consumer group protocol ({@code
 * group.protocol=consumer}): a member joins with epoch 0, heartbeats with its epoch and owned
 * partitions, and leaves with -1 (or -2, a static member that comes back). The coordinator answers
 * with the member's epoch and, when it changed, its assignment ({@link
 * GroupCoordinator#consumerHeartbeat}). v1 (KIP-1082) has the client make its member id; for v0 a
 * joining member without one gets a new id here. Requests that break the protocol's rules get
 * INVALID_REQUEST with Kafka's reason, unknown server assignors UNSUPPORTED_ASSIGNOR; both are
 * logged through {@link RefusalLog}.
 */
public final class ConsumerGroupHeartbeatHandler implements ApiHandler {
  private final BrokerContext broker;

  public ConsumerGroupHeartbeatHandler(BrokerContext broker) {
    this.broker = broker;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.CONSUMER_GROUP_HEARTBEAT;
  }

  @Override
  public short maxVersion() {
    return 1;
  }

  @Override
  public Future<ApiMessage> handle(KafkaRequest request) {
    ConsumerGroupHeartbeatRequestData req = request.data();
    if (request.version() == 0 && req.memberEpoch() == 0 && req.memberId().isEmpty()) {
      req.setMemberId(Uuid.randomUuid().toString());
    }
    String invalid = invalid(req, request.version());
    Errors error = Errors.INVALID_REQUEST;
    if (invalid == null
        && req.serverAssignor() != null
        && !req.serverAssignor().isEmpty()
        && !GroupCoordinator.ASSIGNORS.contains(req.serverAssignor())) {
      error = Errors.UNSUPPORTED_ASSIGNOR;
      invalid =
          "ServerAssignor "
              + req.serverAssignor()
              + " is not supported. Supported assignors: "
              + String.join(", ", GroupCoordinator.ASSIGNORS)
              + ".";
    }
    if (invalid != null) {
      RefusalLog.WARN.refused(request, error.name(), "group '" + req.groupId() + "': " + invalid);
      return Future.succeededFuture(
          new ConsumerGroupHeartbeatResponseData()
              .setErrorCode(error.code())
              .setErrorMessage(invalid));
    }
    return BrokerContext.future(
            broker.groups().consumerHeartbeat(req, request.clientId(), request.clientHost()))
        .map(resp -> (ApiMessage) resp);
  }

  /** Why the request breaks the protocol's rules (Kafka's wording), or null. */
  static String invalid(ConsumerGroupHeartbeatRequestData req, short version) {
    if (req.groupId() == null || req.groupId().isEmpty()) {
      return "GroupId can't be empty.";
    }
    if (req.rackId() != null && req.rackId().isEmpty()) {
      return "RackId can't be empty.";
    }
    if (req.instanceId() != null && req.instanceId().isEmpty()) {
      return "InstanceId can't be empty.";
    }
    int epoch = req.memberEpoch();
    if ((epoch > 0 || epoch == -1 || (epoch == 0 && version >= 1)) && req.memberId().isEmpty()) {
      return "MemberId can't be empty.";
    }
    if (epoch == 0) {
      if (req.rebalanceTimeoutMs() == -1) {
        return "RebalanceTimeoutMs must be provided in first request.";
      }
      if (req.topicPartitions() == null || !req.topicPartitions().isEmpty()) {
        return "TopicPartitions must be empty when (re-)joining.";
      }
      if (req.subscribedTopicNames() == null && req.subscribedTopicRegex() == null) {
        return "SubscribedTopicNames or SubscribedTopicRegex must be set in first request.";
      }
    } else if (epoch == -2) {
      if (req.instanceId() == null) {
        return "InstanceId can't be null.";
      }
    } else if (epoch < -2) {
      return "MemberEpoch is invalid.";
    }
    return null;
  }
}
