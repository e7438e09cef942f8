package dev.meridian.node.link;

import dev.meridian.node.controller.ControllerRequest;
import dev.meridian.node.controller.ItemResult;
import dev.meridian.node.metadata.MetadataImage;
import dev.meridian.node.metadata.TopicConfigs;
import dev.meridian.node.replication.Partition;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** What a link needs from the node it runs in. */
public interface LinkHost {

  /** This node's id. */
  int nodeId();

  /** The region's current metadata image. */
  MetadataImage image();

  /** Whether this node is the region's controller (it creates and reconfigures mirror topics). */
  boolean isController();

  /** This node's replica of a partition, if it hosts one. */
  Optional<Partition> partition(String topic, int index);

  /** Asks the region's controller. */
  CompletableFuture<List<ItemResult>> submit(ControllerRequest request);

  /** The region's topic config rules. */
  TopicConfigs topicConfigs();

  /** {@code host:port} of this node's Kafka listener (for the local Admin client). */
  String localBootstrap();
}
