package dev.meridian.node.api;

import dev.meridian.node.controller.ControllerRequest;
import dev.meridian.node.controller.ItemResult;
import dev.meridian.node.protocol.ApiHandler;
import dev.meridian.node.protocol.KafkaRequest;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * DeleteTopics 1–6, decided by the region's controller (this node forwards): by name (v1–5 {@code
 * topicNames}, v6 {@code topics}) or, from v6, by topic id (unknown → UNKNOWN_TOPIC_ID). The answer
 * comes once the deletion is committed in the region's metadata log; every replica then deletes its
 * partition directories and every coordinator the groups' committed offsets of the topic, as each
 * node applies the change. A name given twice, or both a name and an id in one v6 entry, is
 * INVALID_REQUEST for that entry.
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
    List<String> names = new ArrayList<>();
    List<Uuid> ids = new ArrayList<>();
    List<DeleteTopicsResponseData.DeletableTopicResult> refused = new ArrayList<>();
    for (DeleteTopicsRequestData.DeleteTopicState t : wanted) {
      if (t.name() != null && !Uuid.ZERO_UUID.equals(t.topicId())) {
        refused.add(
            failed(t, Errors.INVALID_REQUEST, "Give a topic name or a topic id, not both."));
      } else if (t.name() != null && nameCounts.get(t.name()) > 1) {
        refused.add(failed(t, Errors.INVALID_REQUEST, "Duplicate topic name in the request."));
      } else {
        refused.add(null);
        names.add(t.name());
        ids.add(t.name() == null ? t.topicId() : null);
      }
    }
    Future<List<ItemResult>> decided =
        names.isEmpty()
            ? Future.succeededFuture(List.of())
            : broker.submit(new ControllerRequest.DeleteTopics(names, ids));
    return decided.map(
        results -> {
          DeleteTopicsResponseData resp = new DeleteTopicsResponseData();
          int next = 0;
          for (int i = 0; i < wanted.size(); i++) {
            DeleteTopicsResponseData.DeletableTopicResult result = refused.get(i);
            if (result == null) {
              ItemResult r = results.get(next++);
              result =
                  r.ok()
                      ? new DeleteTopicsResponseData.DeletableTopicResult()
                          .setName(r.name())
                          .setTopicId(r.topicId())
                          .setErrorCode(Errors.NONE.code())
                      : failed(wanted.get(i), r.error(), r.message());
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
        });
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
