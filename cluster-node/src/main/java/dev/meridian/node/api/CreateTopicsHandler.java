package dev.meridian.node.api;

import dev.meridian.node.controller.ControllerRequest;
import dev.meridian.node.controller.ItemResult;
import dev.meridian.node.metadata.TopicConfigs;
import dev.meridian.node.protocol.ApiHandler;
import dev.meridian.node.protocol.KafkaRequest;
import dev.meridian.node.protocol.RefusalLog;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeConfigsResponse;

/**
 * CreateTopics 2–7, decided by the region's controller (this node forwards): partition count and
 * replication factor (or the region defaults with -1; the replication factor may not exceed the
 * live nodes), or explicit replica assignments naming registered nodes; config overrides validated
 * key by key (a refused one, INVALID_CONFIG, is also logged through {@link RefusalLog});
 * validateOnly. Replicas are placed by {@code ReplicaPlacement} (leaders spread over nodes and
 * racks). From v5 the response carries the topic's effective configs. The answer comes once the
 * creation is committed in the region's metadata log; without a controller within the broker
 * setting {@code controllerRequestTimeoutMs} it is REQUEST_TIMED_OUT.
 */
public final class CreateTopicsHandler implements ApiHandler {
  private final BrokerContext broker;

  public CreateTopicsHandler(BrokerContext broker) {
    this.broker = broker;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.CREATE_TOPICS;
  }

  @Override
  public short maxVersion() {
    return 7;
  }

  @Override
  public Future<ApiMessage> handle(KafkaRequest request) {
    CreateTopicsRequestData req = request.data();
    short version = request.version();
    Set<String> seen = new HashSet<>();
    Set<String> duplicated = new HashSet<>();
    for (CreateTopicsRequestData.CreatableTopic t : req.topics()) {
      if (!seen.add(t.name())) {
        duplicated.add(t.name());
      }
    }
    List<ControllerRequest.NewTopic> forward = new ArrayList<>();
    for (CreateTopicsRequestData.CreatableTopic t : req.topics()) {
      if (duplicated.contains(t.name())) {
        continue;
      }
      Map<String, String> configs = new LinkedHashMap<>();
      for (CreateTopicsRequestData.CreatableTopicConfig c : t.configs()) {
        if (c.value() != null) {
          configs.put(c.name(), c.value());
        } else if (!broker.topicConfigs().isKnown(c.name())) {
          configs.put(c.name(), ""); // an unknown key is refused even without a value
        }
      }
      List<List<Integer>> assignments = new ArrayList<>();
      for (CreateTopicsRequestData.CreatableReplicaAssignment a : t.assignments()) {
        assignments.add(new ArrayList<>(a.brokerIds()));
      }
      forward.add(
          new ControllerRequest.NewTopic(
              t.name(), t.numPartitions(), t.replicationFactor(), assignments, configs));
    }
    Future<List<ItemResult>> decided =
        forward.isEmpty()
            ? Future.succeededFuture(List.of())
            : broker.submit(new ControllerRequest.CreateTopics(forward, req.validateOnly(), false));
    return decided.map(results -> respond(request, req, version, duplicated, results));
  }

  private ApiMessage respond(
      KafkaRequest request,
      CreateTopicsRequestData req,
      short version,
      Set<String> duplicated,
      List<ItemResult> results) {
    CreateTopicsResponseData resp = new CreateTopicsResponseData();
    int next = 0;
    for (CreateTopicsRequestData.CreatableTopic t : req.topics()) {
      CreateTopicsResponseData.CreatableTopicResult result =
          new CreateTopicsResponseData.CreatableTopicResult().setName(t.name());
      resp.topics().add(result);
      if (duplicated.contains(t.name())) {
        fail(result, Errors.INVALID_REQUEST, "Duplicate topic name in the request.");
        continue;
      }
      ItemResult r = results.get(next++);
      if (!r.ok()) {
        fail(result, r.error(), r.message());
        if (r.error() == Errors.INVALID_CONFIG) {
          RefusalLog.WARN.refused(
              request, r.error().name(), "topic '" + t.name() + "': " + r.message());
        }
        continue;
      }
      result.setNumPartitions(r.partitions()).setReplicationFactor(r.replicationFactor());
      if (version >= 7) {
        result.setTopicId(r.topicId());
      }
      if (version >= 5) {
        result.setConfigs(describe(broker.topicConfigs(), r.configs()));
      }
    }
    return resp;
  }

  private static List<CreateTopicsResponseData.CreatableTopicConfigs> describe(
      TopicConfigs configs, Map<String, String> overrides) {
    return configs.defaults().keySet().stream()
        .sorted()
        .map(
            key ->
                new CreateTopicsResponseData.CreatableTopicConfigs()
                    .setName(key)
                    .setValue(configs.value(overrides, key))
                    .setReadOnly(false)
                    .setIsSensitive(false)
                    .setConfigSource(
                        (overrides.containsKey(key)
                                ? DescribeConfigsResponse.ConfigSource.TOPIC_CONFIG
                                : DescribeConfigsResponse.ConfigSource.DEFAULT_CONFIG)
                            .id()))
        .toList();
  }

  private static void fail(
      CreateTopicsResponseData.CreatableTopicResult result, Errors error, String message) {
    result
        .setErrorCode(error.code())
        .setErrorMessage(message)
        .setNumPartitions(-1)
        .setReplicationFactor((short) -1);
  }
}
