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
 * @param mirrorLink the link that writes this read-only mirror topic, or {@code null} for a topic
 *     clients write
 * @param fencedBy what refuses writes to this topic for now (a failover moving it to another
 *     region), or {@code null}
 */
public record TopicImage(
    String name,
    Uuid id,
    Map<String, String> configs,
    List<PartitionState> partitions,
    String mirrorLink,
    String fencedBy) {

  /** Copies the collections. */
  public TopicImage {
    configs = Map.copyOf(configs);
    partitions = List.copyOf(partitions);
  }

  /** A topic that is not fenced. */
  public TopicImage(
      String name,
      Uuid id,
      Map<String, String> configs,
      List<PartitionState> partitions,
      String mirrorLink) {
    this(name, id, configs, partitions, mirrorLink, null);
  }

  /** A topic clients write. */
  public TopicImage(
      String name, Uuid id, Map<String, String> configs, List<PartitionState> partitions) {
    this(name, id, configs, partitions, null);
  }

  /** Whether this is a read-only mirror topic. */
  public boolean isMirror() {
    return mirrorLink != null;
  }

  /** The same topic with other partitions. */
  public TopicImage withPartitions(List<PartitionState> newPartitions) {
    return new TopicImage(name, id, configs, newPartitions, mirrorLink, fencedBy);
  }

  /** The same topic with other configs. */
  public TopicImage withConfigs(Map<String, String> newConfigs) {
    return new TopicImage(name, id, newConfigs, partitions, mirrorLink, fencedBy);
  }

  /** The same topic as a mirror of {@code link} (or writable: null), fenced by {@code by}. */
  public TopicImage withRole(String link, String by) {
    return new TopicImage(name, id, configs, partitions, link, by);
  }

  /** Whether writes to this topic are fenced (by {@link #fencedBy()}). */
  public boolean isFenced() {
    return fencedBy != null;
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
