package dev.meridian.node.api;

import dev.meridian.node.cluster.ProducerIdManager;
import dev.meridian.node.cluster.TopicManager;
import dev.meridian.node.group.GroupCoordinator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.function.IntSupplier;

/**
 * What the API handlers of a node share.
 *
 * @param vertx for timers and worker execution
 * @param nodeId this broker's id
 * @param host the advertised host of the Kafka listener
 * @param port the bound port of the Kafka listener (known once it listens)
 * @param clusterId the cluster id clients see
 * @param topics topic metadata and hosted partitions
 * @param producerIds idempotent producer id allocation
 * @param autoCreateTopics auto.create.topics.enable
 * @param groups the group coordinator (consumer groups and committed offsets)
 */
public record BrokerContext(
    Vertx vertx,
    int nodeId,
    String host,
    IntSupplier port,
    String clusterId,
    TopicManager topics,
    ProducerIdManager producerIds,
    boolean autoCreateTopics,
    GroupCoordinator groups) {

  /** Runs blocking work (storage, metadata files) on a worker thread, unordered. */
  public <T> Future<T> blocking(Callable<T> work) {
    return vertx.executeBlocking(work, false);
  }

  /** A Vert.x future of a coordinator's completion stage (it may complete on any thread). */
  public static <T> Future<T> future(CompletionStage<T> stage) {
    return Future.fromCompletionStage(stage);
  }
}
