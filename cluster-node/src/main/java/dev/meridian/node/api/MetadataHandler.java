package dev.meridian.node.api;

import dev.meridian.node.controller.ControllerRequest;
import dev.meridian.node.metadata.MetadataImage;
import dev.meridian.node.metadata.NodeRegistration;
import dev.meridian.node.metadata.PartitionState;
import dev.meridian.node.metadata.TopicImage;
import dev.meridian.node.protocol.ApiHandler;
import dev.meridian.node.protocol.KafkaRequest;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Metadata 1–12, from the node's metadata image: every live broker of the region (with its rack),
 * the cluster id, the controller, and per partition the leader, leader epoch, replicas, ISR and
 * offline replicas (LEADER_NOT_AVAILABLE while a partition has no leader). Unknown topics are
 * created by the controller when auto.create.topics.enable is on and the request allows it (v4+;
 * always allowed before): the answer does not wait for that and says LEADER_NOT_AVAILABLE, as
 * Kafka's does, so clients ask again. Topic ids are returned from v10 (names stay the key: Produce
 * and Fetch are capped below the topic-id versions). Reads memory only: runs on the event loop.
 */
public final class MetadataHandler implements ApiHandler {
  private static final Logger LOG = LoggerFactory.getLogger(MetadataHandler.class);
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
    return Future.succeededFuture(answer(req, version, allowCreate));
  }

  private ApiMessage answer(MetadataRequestData req, short version, boolean allowCreate) {
    MetadataImage image = broker.image();
    MetadataResponseData resp = new MetadataResponseData();
    for (NodeRegistration n : image.aliveNodes()) {
      resp.brokers()
          .add(
              new MetadataResponseData.MetadataResponseBroker()
                  .setNodeId(n.id())
                  .setHost(n.host())
                  .setPort(n.kafkaPort())
                  .setRack(n.rack()));
    }
    resp.setClusterId(image.clusterId()).setControllerId(controllerId(image));
    // all topics: a null list (v1+), or an empty one at v0 (where null did not exist)
    if (req.topics() == null || (version == 0 && req.topics().isEmpty())) {
      for (TopicImage t : image.topics().values()) {
        resp.topics().add(describe(image, t, version));
      }
      return resp;
    }
    List<ControllerRequest.NewTopic> toCreate = new ArrayList<>();
    for (MetadataRequestData.MetadataRequestTopic rt : req.topics()) {
      String name = rt.name();
      // by id: a null name (v10+), or the empty default a client leaves beside a topic id
      if (name == null || (name.isEmpty() && !Uuid.ZERO_UUID.equals(rt.topicId()))) {
        Uuid id = rt.topicId();
        TopicImage byId = image.topic(id).orElse(null);
        resp.topics()
            .add(
                byId != null
                    ? describe(image, byId, version)
                    : new MetadataResponseData.MetadataResponseTopic()
                        .setTopicId(id)
                        .setErrorCode(Errors.UNKNOWN_TOPIC_ID.code()));
        continue;
      }
      TopicImage t = image.topic(name).orElse(null);
      if (t != null) {
        resp.topics().add(describe(image, t, version));
        continue;
      }
      Errors error;
      if (!Topic.isValid(name)) {
        error = Errors.INVALID_TOPIC_EXCEPTION;
      } else if (allowCreate && broker.autoCreateTopics() && !Topic.isInternal(name)) {
        toCreate.add(new ControllerRequest.NewTopic(name, -1, (short) -1, List.of(), Map.of()));
        error = Errors.LEADER_NOT_AVAILABLE;
      } else {
        error = Errors.UNKNOWN_TOPIC_OR_PARTITION;
      }
      resp.topics()
          .add(
              new MetadataResponseData.MetadataResponseTopic()
                  .setName(name)
                  .setErrorCode(error.code()));
    }
    if (!toCreate.isEmpty()) {
      broker
          .submit(new ControllerRequest.CreateTopics(toCreate, false, false))
          .onSuccess(
              results ->
                  results.stream()
                      .filter(r -> !r.ok() && r.error() != Errors.TOPIC_ALREADY_EXISTS)
                      .forEach(
                          r ->
                              LOG.warn(
                                  "auto-creating topic {} failed: {} {}",
                                  r.name(),
                                  r.error(),
                                  r.message())));
    }
    return resp;
  }

  /** The controller of the image, when it is alive; -1 otherwise. */
  static int controllerId(MetadataImage image) {
    return image.isAlive(image.controllerId()) ? image.controllerId() : -1;
  }

  private static MetadataResponseData.MetadataResponseTopic describe(
      MetadataImage image, TopicImage t, short version) {
    List<MetadataResponseData.MetadataResponsePartition> parts = new ArrayList<>();
    for (int i = 0; i < t.partitionCount(); i++) {
      PartitionState s = t.partitions().get(i);
      List<Integer> offline = s.replicas().stream().filter(r -> !image.isAlive(r)).toList();
      MetadataResponseData.MetadataResponsePartition p =
          new MetadataResponseData.MetadataResponsePartition()
              .setPartitionIndex(i)
              .setErrorCode(s.hasLeader() ? Errors.NONE.code() : Errors.LEADER_NOT_AVAILABLE.code())
              .setLeaderId(s.leader())
              .setReplicaNodes(new ArrayList<>(s.replicas()))
              .setIsrNodes(new ArrayList<>(s.isr()));
      if (version >= 5) {
        p.setOfflineReplicas(new ArrayList<>(offline));
      }
      if (version >= 7) {
        p.setLeaderEpoch(s.leaderEpoch());
      }
      parts.add(p);
    }
    MetadataResponseData.MetadataResponseTopic topic =
        new MetadataResponseData.MetadataResponseTopic()
            .setName(t.name())
            .setIsInternal(Topic.isInternal(t.name()))
            .setPartitions(parts);
    if (version >= 10) {
      topic.setTopicId(t.id());
    }
    return topic;
  }
}
