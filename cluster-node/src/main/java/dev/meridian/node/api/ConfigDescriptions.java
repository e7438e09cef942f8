package dev.meridian.node.api;

import dev.meridian.node.cluster.TopicConfigs;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;

/**
 * How DescribeConfigs presents each topic config: its data type, the name of the broker-level
 * config Kafka uses for the node-wide default (its "synonym"), and Kafka's documentation text (the
 * keys have Kafka's meanings). A key missing here is shown with type UNKNOWN and no synonym.
 */
final class ConfigDescriptions {
  /**
   * @param type the data type
   * @param brokerName the broker-level default's name in Kafka, e.g. {@code log.retention.ms}
   * @param doc the documentation
   */
  record Description(ConfigType type, String brokerName, String doc) {}

  private static final Description UNKNOWN = new Description(ConfigType.UNKNOWN, null, null);

  private static final Map<String, Description> TOPIC =
      Map.ofEntries(
          Map.entry(
              TopicConfigs.CLEANUP_POLICY,
              new Description(
                  ConfigType.LIST, "log.cleanup.policy", TopicConfig.CLEANUP_POLICY_DOC)),
          Map.entry(
              TopicConfigs.DELETE_RETENTION_MS,
              new Description(
                  ConfigType.LONG,
                  "log.cleaner.delete.retention.ms",
                  TopicConfig.DELETE_RETENTION_MS_DOC)),
          Map.entry(
              TopicConfigs.FLUSH_MESSAGES,
              new Description(
                  ConfigType.LONG,
                  "log.flush.interval.messages",
                  TopicConfig.FLUSH_MESSAGES_INTERVAL_DOC)),
          Map.entry(
              TopicConfigs.FLUSH_MS,
              new Description(ConfigType.LONG, "log.flush.interval.ms", TopicConfig.FLUSH_MS_DOC)),
          Map.entry(
              TopicConfigs.MAX_MESSAGE_BYTES,
              new Description(
                  ConfigType.INT, "message.max.bytes", TopicConfig.MAX_MESSAGE_BYTES_DOC)),
          Map.entry(
              TopicConfigs.MESSAGE_TIMESTAMP_TYPE,
              new Description(
                  ConfigType.STRING,
                  "log.message.timestamp.type",
                  TopicConfig.MESSAGE_TIMESTAMP_TYPE_DOC)),
          Map.entry(
              TopicConfigs.MIN_INSYNC_REPLICAS,
              new Description(
                  ConfigType.INT, "min.insync.replicas", TopicConfig.MIN_IN_SYNC_REPLICAS_DOC)),
          Map.entry(
              TopicConfigs.RETENTION_BYTES,
              new Description(
                  ConfigType.LONG, "log.retention.bytes", TopicConfig.RETENTION_BYTES_DOC)),
          Map.entry(
              TopicConfigs.RETENTION_MS,
              new Description(ConfigType.LONG, "log.retention.ms", TopicConfig.RETENTION_MS_DOC)),
          Map.entry(
              TopicConfigs.SEGMENT_BYTES,
              new Description(ConfigType.INT, "log.segment.bytes", TopicConfig.SEGMENT_BYTES_DOC)),
          Map.entry(
              TopicConfigs.SEGMENT_MS,
              new Description(ConfigType.LONG, "log.roll.ms", TopicConfig.SEGMENT_MS_DOC)));

  private ConfigDescriptions() {}

  /** The description of topic config {@code key}. */
  static Description topic(String key) {
    return TOPIC.getOrDefault(key, UNKNOWN);
  }
}
