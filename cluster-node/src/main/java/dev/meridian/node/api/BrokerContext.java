package dev.meridian.node.api;

import dev.meridian.config.BrokerSettings;
import dev.meridian.config.RegionConfig;
import dev.meridian.config.TopicDefaults;
import dev.meridian.node.cluster.MetadataService;
import dev.meridian.node.cluster.ProducerIdManager;
import dev.meridian.node.controller.ControllerRequest;
import dev.meridian.node.controller.ItemResult;
import dev.meridian.node.group.GroupCoordinator;
import dev.meridian.node.metadata.MetadataImage;
import dev.meridian.node.metadata.TopicConfigs;
import dev.meridian.node.replication.Partition;
import dev.meridian.node.replication.ReplicaManager;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;

/**
 * What the API handlers of a node share. Every answer about the cluster comes from {@link
 * #image()}; every change of it goes to the region's controller through {@link #submit}.
 *
 * @param vertx for timers and worker execution
 * @param nodeId this broker's id
 * @param metadata the region's metadata as this node follows it, and the way to its controller
 * @param replicas the partitions this node hosts
 * @param topicConfigs the topic configs the region understands, with their defaults
 * @param producerIds idempotent producer id allocation
 * @param groups the group coordinator (consumer groups and committed offsets)
 * @param region this node's region, as configured
 * @param topicDefaults the region's topic defaults
 * @param settings the region's broker settings
 */
public record BrokerContext(
    Vertx vertx,
    int nodeId,
    MetadataService metadata,
    ReplicaManager replicas,
    TopicConfigs topicConfigs,
    ProducerIdManager producerIds,
    GroupCoordinator groups,
    RegionConfig region,
    TopicDefaults topicDefaults,
    BrokerSettings settings) {

  /** auto.create.topics.enable. */
  public boolean autoCreateTopics() {
    return topicDefaults.autoCreateTopics();
  }

  /** The node's current metadata image. */
  public MetadataImage image() {
    return metadata.image();
  }

  /** The hosted replica of a partition, if this node hosts one. */
  public Optional<Partition> partition(String topic, int index) {
    return replicas.partition(topic, index);
  }

  /** Asks the region's controller to decide a change; one result per item. */
  public Future<List<ItemResult>> submit(ControllerRequest request) {
    return future(metadata.submit(request));
  }

  /** Runs blocking work (storage, metadata files) on a worker thread, unordered. */
  public <T> Future<T> blocking(Callable<T> work) {
    return vertx.executeBlocking(work, false);
  }

  /** A Vert.x future of a coordinator's completion stage (it may complete on any thread). */
  public static <T> Future<T> future(CompletionStage<T> stage) {
    return Future.fromCompletionStage(stage);
  }
}
