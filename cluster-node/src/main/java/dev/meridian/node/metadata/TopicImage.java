package dev.meridian.node.metadata;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.Uuid;

/**
 * A topic in the metadata image.
 *
 * @param name the topic name
 * @param id a stable id, assigned at creation and never reused
 * @param configs topic-level config overrides (unset keys take the region's defaults)
 * @param partitions the partitions by index (the count only grows)
 */
public record TopicImage(
    String name, Uuid id, Map<String, String> configs, List<PartitionState> partitions) {

  /** Copies the collections. */
  public TopicImage {
    configs = Map.copyOf(configs);
    partitions = List.copyOf(partitions);
  }

  /** The number of partitions. */
  public int partitionCount() {
    return partitions.size();
  }

  /** The state of partition {@code index}, if it exists. */
  public Optional<PartitionState> partition(int index) {
    return index >= 0 && index < partitions.size()
        ? Optional.of(partitions.get(index))
        : Optional.empty();
  }
}
