package dev.meridian.node.api;

import dev.meridian.node.cluster.TopicManager;
import dev.meridian.node.cluster.TopicMetadata;
import dev.meridian.node.protocol.ApiHandler;
import dev.meridian.node.protocol.KafkaRequest;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * Metadata 1–12: brokers, cluster id, controller and topics with their partitions, leaders and
 * leader epochs. Unknown topics are created when auto.create.topics.enable is on and the request
 * allows it (v4+; always allowed before). Topic ids are returned from v10 (names stay the key:
 * Produce and Fetch are capped below the topic-id versions).
 */
public final class MetadataHandler implements ApiHandler {
  private final BrokerContext broker;

  public MetadataHandler(BrokerContext broker) {
    this.broker = broker;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.METADATA;
  }

  @Override
  public short maxVersion() {
    return 12;
  }

  @Override
  public Future<ApiMessage> handle(KafkaRequest request) {
    MetadataRequestData req = request.data();
    short version = request.version();
    boolean allowCreate = version < 4 || req.allowAutoTopicCreation();
    return broker.blocking(() -> answer(req, version, allowCreate));
  }

  private ApiMessage answer(MetadataRequestData req, short version, boolean allowCreate) {
    TopicManager topics = broker.topics();
    MetadataResponseData resp = new MetadataResponseData();
    resp.brokers()
        .add(
            new MetadataResponseData.MetadataResponseBroker()
                .setNodeId(broker.nodeId())
                .setHost(broker.host())
                .setPort(broker.port().getAsInt()));
    resp.setClusterId(broker.clusterId()).setControllerId(broker.nodeId());
    // all topics: a null list (v1+), or an empty one at v0 (where null did not exist)
    if (req.topics() == null || (version == 0 && req.topics().isEmpty())) {
      for (TopicMetadata t : topics.topics().values()) {
        resp.topics().add(describe(t, version));
      }
      return resp;
    }
    for (MetadataRequestData.MetadataRequestTopic rt : req.topics()) {
      String name = rt.name();
      if (name == null) {
        Uuid id = rt.topicId();
        TopicMetadata byId =
            topics.topics().values().stream()
                .filter(t -> t.id().equals(id))
                .findFirst()
                .orElse(null);
        resp.topics()
            .add(
                byId != null
                    ? describe(byId, version)
                    : new MetadataResponseData.MetadataResponseTopic()
                        .setTopicId(id)
                        .setErrorCode(Errors.UNKNOWN_TOPIC_ID.code()));
        continue;
      }
      TopicMetadata t = topics.topic(name).orElse(null);
      if (t == null) {
        t = maybeCreate(name, allowCreate, resp, version);
      }
      if (t != null) {
        resp.topics().add(describe(t, version));
      }
    }
    return resp;
  }

  private TopicMetadata maybeCreate(
      String name, boolean allowCreate, MetadataResponseData resp, short version) {
    Errors error = Errors.UNKNOWN_TOPIC_OR_PARTITION;
    if (allowCreate && broker.autoCreateTopics()) {
      try {
        return broker.topics().create(name, -1, (short) -1, Map.of());
      } catch (TopicManager.TopicException e) {
        if (e.error() == Errors.TOPIC_ALREADY_EXISTS) {
          return broker.topics().topic(name).orElse(null);
        }
        error = e.error();
      } catch (Exception e) {
        error = ErrorMapper.toError(e);
      }
    } else {
      try {
        org.apache.kafka.common.internals.Topic.validate(name);
      } catch (RuntimeException e) {
        error = Errors.INVALID_TOPIC_EXCEPTION;
      }
    }
    resp.topics()
        .add(
            new MetadataResponseData.MetadataResponseTopic()
                .setName(name)
                .setErrorCode(error.code()));
    return null;
  }

  private MetadataResponseData.MetadataResponseTopic describe(TopicMetadata t, short version) {
    List<MetadataResponseData.MetadataResponsePartition> parts = new ArrayList<>();
    for (int i = 0; i < t.partitions(); i++) {
      int epoch = broker.topics().partition(t.name(), i).map(p -> p.leaderEpoch()).orElse(0);
      MetadataResponseData.MetadataResponsePartition p =
          new MetadataResponseData.MetadataResponsePartition()
              .setPartitionIndex(i)
              .setLeaderId(broker.nodeId())
              .setReplicaNodes(List.of(broker.nodeId()))
              .setIsrNodes(List.of(broker.nodeId()));
      if (version >= 7) {
        p.setLeaderEpoch(epoch);
      }
      parts.add(p);
    }
    MetadataResponseData.MetadataResponseTopic topic =
        new MetadataResponseData.MetadataResponseTopic()
            .setName(t.name())
            .setIsInternal(t.name().startsWith("__"))
            .setPartitions(parts);
    if (version >= 10) {
      topic.setTopicId(t.id());
    }
    return topic;
  }
}
