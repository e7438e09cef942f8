package dev.meridian.node.api;

import dev.meridian.node.cluster.TopicManager;
import dev.meridian.node.cluster.TopicMetadata;
import dev.meridian.node.protocol.ApiHandler;
import dev.meridian.node.protocol.KafkaRequest;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * DeleteTopics 1–6: by name (v1–5 {@code topicNames}, v6 {@code topics}) or, from v6, by topic id
 * (resolved against the metadata image; unknown → UNKNOWN_TOPIC_ID). The topic leaves the image and
 * its partition directories are deleted before the answer, so {@code timeoutMs} is never reached;
 * the groups' committed offsets of the topic are removed too. A name given twice, or both a name
 * and an id in one v6 entry, is INVALID_REQUEST for that entry.
 */
public final class DeleteTopicsHandler implements ApiHandler {
  private final BrokerContext broker;

  public DeleteTopicsHandler(BrokerContext broker) {
    this.broker = broker;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.DELETE_TOPICS;
  }

  @Override
  public short maxVersion() {
    return 6;
  }

  @Override
  public Future<ApiMessage> handle(KafkaRequest request) {
    DeleteTopicsRequestData req = request.data();
    short version = request.version();
    return broker.blocking(() -> delete(req, version));
  }

  private ApiMessage delete(DeleteTopicsRequestData req, short version) {
    List<DeleteTopicsRequestData.DeleteTopicState> wanted =
        version >= 6
            ? req.topics()
            : req.topicNames().stream()
                .map(n -> new DeleteTopicsRequestData.DeleteTopicState().setName(n))
                .toList();
    Map<String, Integer> nameCounts = new HashMap<>();
    for (DeleteTopicsRequestData.DeleteTopicState t : wanted) {
      if (t.name() != null) {
        nameCounts.merge(t.name(), 1, Integer::sum);
      }
    }
    DeleteTopicsResponseData resp = new DeleteTopicsResponseData();
    for (DeleteTopicsRequestData.DeleteTopicState t : wanted) {
      DeleteTopicsResponseData.DeletableTopicResult result;
      if (t.name() != null && !Uuid.ZERO_UUID.equals(t.topicId())) {
        result = failed(t, Errors.INVALID_REQUEST, "Give a topic name or a topic id, not both.");
      } else if (t.name() != null && nameCounts.get(t.name()) > 1) {
        result = failed(t, Errors.INVALID_REQUEST, "Duplicate topic name in the request.");
      } else {
        result = deleteOne(t);
      }
      if (version < 6) {
        result.setTopicId(Uuid.ZERO_UUID);
      }
      if (version < 5) {
        result.setErrorMessage(null);
      }
      resp.responses().add(result);
    }
    return resp;
  }

  private DeleteTopicsResponseData.DeletableTopicResult deleteOne(
      DeleteTopicsRequestData.DeleteTopicState t) {
    String name = t.name();
    if (name == null) {
      Optional<TopicMetadata> byId = broker.topics().topicById(t.topicId());
      if (byId.isEmpty()) {
        return failed(t, Errors.UNKNOWN_TOPIC_ID, "No topic with id " + t.topicId() + ".");
      }
      name = byId.get().name();
    }
    try {
      TopicMetadata deleted = broker.topics().delete(name);
      if (broker.groups() != null) {
        broker.groups().removeOffsetsOfTopic(name);
      }
      return new DeleteTopicsResponseData.DeletableTopicResult()
          .setName(name)
          .setTopicId(deleted.id())
          .setErrorCode(Errors.NONE.code());
    } catch (TopicManager.TopicException e) {
      return failed(t, e.error(), e.getMessage());
    } catch (Exception e) {
      return failed(t, ErrorMapper.toError(e), e.getMessage());
    }
  }

  private static DeleteTopicsResponseData.DeletableTopicResult failed(
      DeleteTopicsRequestData.DeleteTopicState t, Errors error, String message) {
    return new DeleteTopicsResponseData.DeletableTopicResult()
        .setName(t.name())
        .setTopicId(t.topicId())
        .setErrorCode(error.code())
        .setErrorMessage(message);
  }
}
