package dev.meridian.node;

import dev.meridian.config.TopicDefaults;
import dev.meridian.node.storage.LogConfig;

/** Converts the topic defaults of a region config into the storage layer's {@link LogConfig}. */
public final class NodeLogConfigs {

  private NodeLogConfigs() {}

  /**
   * The log settings a topic gets when it sets none of its own: {@link LogConfig#DEFAULT}
   * overridden by every log-related field of {@code defaults}. The fields that are not about one
   * partition's log (partitions, replicationFactor, minInsyncReplicas, autoCreateTopics) are not
   * part of a {@code LogConfig}.
   *
   * @throws IllegalArgumentException naming the Kafka key if a value is out of the storage layer's
   *     range (the region config validates most of them earlier)
   */
  public static LogConfig from(TopicDefaults defaults) {
    return LogConfig.DEFAULT
        .withSegmentBytes(defaults.segmentBytes())
        .withSegmentMs(defaults.segmentMs())
        .withRetention(defaults.retentionMs(), defaults.retentionBytes())
        .withCleanupPolicy(defaults.cleanupPolicy())
        .withMaxMessageBytes(defaults.maxMessageBytes())
        .withFlush(defaults.flushMessages(), defaults.flushMs())
        .withDeleteRetentionMs(defaults.deleteRetentionMs());
  }
}
