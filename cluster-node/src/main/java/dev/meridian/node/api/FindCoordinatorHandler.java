package dev.meridian.node.api;

import dev.meridian.config.BrokerSettings;
import dev.meridian.node.controller.ControllerRequest;
import dev.meridian.node.controller.ItemResult;
import dev.meridian.node.group.OffsetsTopic;
import dev.meridian.node.metadata.MetadataImage;
import dev.meridian.node.metadata.NodeRegistration;
import dev.meridian.node.metadata.PartitionState;
import dev.meridian.node.metadata.TopicImage;
import dev.meridian.node.protocol.ApiHandler;
import dev.meridian.node.protocol.KafkaRequest;
import dev.meridian.node.protocol.RefusalLog;
import io.vertx.core.Future;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FindCoordinatorRequest.CoordinatorType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FindCoordinator 0–6: a group's coordinator is the leader of its {@code __consumer_offsets}
 * partition in the metadata image (COORDINATOR_NOT_AVAILABLE while that partition has no leader).
 * The first request for a group coordinator asks the controller to create the offsets topic (with
 * the broker settings' partitions and replication factor) and answers COORDINATOR_NOT_AVAILABLE
 * until it exists; clients retry. From v4 a request carries several keys (batched). Transactions
 * are not supported: a transaction key gets TRANSACTIONAL_ID_AUTHORIZATION_FAILED, which producers
 * treat as fatal, so a transactional producer fails at once instead of retrying forever (and a WARN
 * line through {@link RefusalLog} names the client). Share groups and unknown key types are
 * INVALID_REQUEST.
 */
public final class FindCoordinatorHandler implements ApiHandler {
  private static final Logger LOG = LoggerFactory.getLogger(FindCoordinatorHandler.class);
  private final BrokerContext broker;
  private final AtomicBoolean creatingOffsetsTopic = new AtomicBoolean();

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
    if (req.keyType() == CoordinatorType.TRANSACTION.id()) {
      List<String> ids = request.version() >= 4 ? req.coordinatorKeys() : List.of(req.key());
      RefusalLog.WARN.refused(
          request,
          "transactions",
          "transactional id(s) "
              + ids
              + ": Meridian does not support transactions (answered"
              + " TRANSACTIONAL_ID_AUTHORIZATION_FAILED)");
    }
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

  private FindCoordinatorResponseData.Coordinator groupCoordinator(
      String groupId, FindCoordinatorResponseData.Coordinator c) {
    MetadataImage image = broker.image();
    TopicImage offsets = image.topic(OffsetsTopic.NAME).orElse(null);
    if (offsets == null || offsets.partitionCount() == 0) {
      maybeCreateOffsetsTopic();
      return c.setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code())
          .setErrorMessage("The offsets topic is being created.");
    }
    int h = groupId == null ? 0 : groupId.hashCode();
    int partition = (h == Integer.MIN_VALUE ? 0 : Math.abs(h)) % offsets.partitionCount();
    PartitionState state = offsets.partitions().get(partition);
    NodeRegistration leader = image.nodes().get(state.leader());
    if (!state.hasLeader() || leader == null || !leader.alive()) {
      return c.setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code())
          .setErrorMessage(OffsetsTopic.NAME + "-" + partition + " has no leader.");
    }
    return c.setNodeId(leader.id())
        .setHost(leader.host())
        .setPort(leader.kafkaPort())
        .setErrorCode(Errors.NONE.code());
  }

  /** Asks the controller once (at a time) to create the offsets topic. */
  private void maybeCreateOffsetsTopic() {
    if (!creatingOffsetsTopic.compareAndSet(false, true)) {
      return;
    }
    BrokerSettings s = broker.settings();
    ControllerRequest.NewTopic topic =
        new ControllerRequest.NewTopic(
            OffsetsTopic.NAME,
            s.offsetsTopicPartitions(),
            s.effectiveOffsetsTopicReplicationFactor(broker.region().nodes().size()),
            List.of(),
            OffsetsTopic.CONFIGS);
    broker
        .submit(new ControllerRequest.CreateTopics(List.of(topic), false, true))
        .onComplete(
            ar -> {
              creatingOffsetsTopic.set(false);
              if (ar.succeeded()) {
                ItemResult r = ar.result().get(0);
                if (r.ok()) {
                  LOG.info(
                      "created {} with {} partitions, replication factor {}",
                      OffsetsTopic.NAME,
                      r.partitions(),
                      r.replicationFactor());
                } else if (r.error() != Errors.TOPIC_ALREADY_EXISTS) {
                  LOG.warn(
                      "cannot create {} yet: {} {}", OffsetsTopic.NAME, r.error(), r.message());
                }
              }
            });
  }

  private FindCoordinatorResponseData.Coordinator find(String key, byte keyType) {
    FindCoordinatorResponseData.Coordinator c =
        new FindCoordinatorResponseData.Coordinator()
            .setKey(key)
            .setNodeId(-1)
            .setHost("")
            .setPort(-1);
    if (keyType == CoordinatorType.GROUP.id()) {
      return groupCoordinator(key, c);
    }
    if (keyType == CoordinatorType.TRANSACTION.id()) {
      return c.setErrorCode(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code())
          .setErrorMessage("Meridian does not support transactions");
    }
    return c.setErrorCode(Errors.INVALID_REQUEST.code())
        .setErrorMessage("unsupported coordinator key type " + keyType);
  }
}
