package dev.meridian.node.api;

import dev.meridian.node.cluster.TopicConfigs;
import dev.meridian.node.cluster.TopicManager;
import dev.meridian.node.cluster.TopicMetadata;
import dev.meridian.node.protocol.ApiHandler;
import dev.meridian.node.protocol.KafkaRequest;
import io.vertx.core.Future;
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
 * CreateTopics 2–7: partition count (or the default with -1), replication factor (1 or -1 on a
 * single node), manual assignments naming this node only, config overrides validated key by key,
 * and validateOnly. From v5 the response carries the topic's effective configs.
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
    return broker.blocking(() -> create(req, version));
  }

  private ApiMessage create(CreateTopicsRequestData req, short version) {
    CreateTopicsResponseData resp = new CreateTopicsResponseData();
    Set<String> seen = new HashSet<>();
    Set<String> duplicated = new HashSet<>();
    for (CreateTopicsRequestData.CreatableTopic t : req.topics()) {
      if (!seen.add(t.name())) {
        duplicated.add(t.name());
      }
    }
    TopicManager topics = broker.topics();
    for (CreateTopicsRequestData.CreatableTopic t : req.topics()) {
      CreateTopicsResponseData.CreatableTopicResult result =
          new CreateTopicsResponseData.CreatableTopicResult().setName(t.name());
      resp.topics().add(result);
      if (duplicated.contains(t.name())) {
        fail(result, Errors.INVALID_REQUEST, "Duplicate topic name in the request.");
        continue;
      }
      Map<String, String> configs = new LinkedHashMap<>();
      for (CreateTopicsRequestData.CreatableTopicConfig c : t.configs()) {
        configs.put(c.name(), c.value());
      }
      int partitions = t.numPartitions();
      if (!t.assignments().isEmpty()) {
        if (partitions != -1 || t.replicationFactor() != -1) {
          fail(
              result,
              Errors.INVALID_REQUEST,
              "Both numPartitions or replicationFactor and replicasAssignments were set.");
          continue;
        }
        boolean onlyThisNode = true;
        for (CreateTopicsRequestData.CreatableReplicaAssignment a : t.assignments()) {
          onlyThisNode &= a.brokerIds().equals(List.of(broker.nodeId()));
        }
        if (!onlyThisNode) {
          fail(
              result,
              Errors.INVALID_REPLICA_ASSIGNMENT,
              "Replica assignments may only name broker " + broker.nodeId() + ".");
          continue;
        }
        partitions = t.assignments().size();
      }
      try {
        TopicMetadata created;
        if (req.validateOnly()) {
          topics.validateCreate(t.name(), partitions, t.replicationFactor(), configs);
          created =
              new TopicMetadata(
                  t.name(),
                  org.apache.kafka.common.Uuid.ZERO_UUID,
                  partitions == -1 ? topics.defaultPartitions() : partitions,
                  configs);
        } else {
          created = topics.create(t.name(), partitions, t.replicationFactor(), configs);
        }
        result.setNumPartitions(created.partitions()).setReplicationFactor((short) 1);
        if (version >= 7) {
          result.setTopicId(created.id());
        }
        if (version >= 5) {
          result.setConfigs(describe(topics.configs(), created.configs()));
        }
      } catch (TopicManager.TopicException e) {
        fail(result, e.error(), e.getMessage());
      } catch (Exception e) {
        fail(result, ErrorMapper.toError(e), e.getMessage());
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
