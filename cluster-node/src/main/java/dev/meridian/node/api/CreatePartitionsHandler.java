package dev.meridian.node.api;

import dev.meridian.node.cluster.TopicManager;
import dev.meridian.node.cluster.TopicMetadata;
import dev.meridian.node.protocol.ApiHandler;
import dev.meridian.node.protocol.KafkaRequest;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * CreatePartitions 0–3: grows a topic to {@code count} partitions (never shrinks:
 * INVALID_PARTITIONS otherwise), honouring validateOnly. Manual assignments must give one entry per
 * new partition, each naming only this node (one replica): anything else is
 * INVALID_REPLICA_ASSIGNMENT.
 */
public final class CreatePartitionsHandler implements ApiHandler {
  private final BrokerContext broker;

  public CreatePartitionsHandler(BrokerContext broker) {
    this.broker = broker;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.CREATE_PARTITIONS;
  }

  @Override
  public short maxVersion() {
    return 3;
  }

  @Override
  public Future<ApiMessage> handle(KafkaRequest request) {
    CreatePartitionsRequestData req = request.data();
    return broker.blocking(() -> create(req));
  }

  private ApiMessage create(CreatePartitionsRequestData req) {
    Map<String, Integer> counts = new HashMap<>();
    for (CreatePartitionsRequestData.CreatePartitionsTopic t : req.topics()) {
      counts.merge(t.name(), 1, Integer::sum);
    }
    CreatePartitionsResponseData resp = new CreatePartitionsResponseData();
    for (CreatePartitionsRequestData.CreatePartitionsTopic t : req.topics()) {
      CreatePartitionsResponseData.CreatePartitionsTopicResult result =
          new CreatePartitionsResponseData.CreatePartitionsTopicResult()
              .setName(t.name())
              .setErrorCode(Errors.NONE.code());
      resp.results().add(result);
      if (counts.get(t.name()) > 1) {
        fail(result, Errors.INVALID_REQUEST, "Duplicate topic name in the request.");
        continue;
      }
      try {
        checkAssignments(t);
        broker.topics().addPartitions(t.name(), t.count(), req.validateOnly());
      } catch (TopicManager.TopicException e) {
        fail(result, e.error(), e.getMessage());
      } catch (Exception e) {
        fail(result, ErrorMapper.toError(e), e.getMessage());
      }
    }
    return resp;
  }

  private void checkAssignments(CreatePartitionsRequestData.CreatePartitionsTopic t)
      throws TopicManager.TopicException {
    if (t.assignments() == null) {
      return;
    }
    TopicMetadata current =
        broker
            .topics()
            .topic(t.name())
            .orElseThrow(
                () ->
                    new TopicManager.TopicException(
                        Errors.UNKNOWN_TOPIC_OR_PARTITION,
                        "Topic '" + t.name() + "' does not exist."));
    int added = t.count() - current.partitions();
    if (added > 0 && t.assignments().size() != added) {
      throw new TopicManager.TopicException(
          Errors.INVALID_REPLICA_ASSIGNMENT,
          "Increasing the number of partitions by "
              + added
              + " but "
              + t.assignments().size()
              + " assignments provided.");
    }
    for (CreatePartitionsRequestData.CreatePartitionsAssignment a : t.assignments()) {
      if (!a.brokerIds().equals(List.of(broker.nodeId()))) {
        throw new TopicManager.TopicException(
            Errors.INVALID_REPLICA_ASSIGNMENT,
            "Replica assignment "
                + a.brokerIds()
                + " is invalid: each new partition must be assigned to broker "
                + broker.nodeId()
                + " only.");
      }
    }
  }

  private static void fail(
      CreatePartitionsResponseData.CreatePartitionsTopicResult result,
      Errors error,
      String message) {
    result.setErrorCode(error.code()).setErrorMessage(message);
  }
}
