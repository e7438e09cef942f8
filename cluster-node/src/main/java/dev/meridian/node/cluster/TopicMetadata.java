package dev.meridian.node.cluster;

import java.util.Map;
import org.apache.kafka.common.Uuid;

/**
 * A topic as the metadata image knows it.
 *
 * @param name the topic name
 * @param id a stable UUID, assigned at creation and never reused
 * @param partitions the partition count (only grows)
 * @param configs topic-level config overrides (unset keys take the node defaults)
 */
public record TopicMetadata(String name, Uuid id, int partitions, Map<String, String> configs) {
  public TopicMetadata {
    configs = Map.copyOf(configs);
  }

  public TopicMetadata withPartitions(int count) {
    return new TopicMetadata(name, id, count, configs);
  }

  public TopicMetadata withConfigs(Map<String, String> newConfigs) {
    return new TopicMetadata(name, id, partitions, newConfigs);
  }
}
