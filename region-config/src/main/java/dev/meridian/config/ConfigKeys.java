package dev.meridian.config;

import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** The YAML keys, shared by the reader and the writer so that the two cannot drift apart. */
final class ConfigKeys {

  static final String REGIONS = "regions";
  static final String TOPIC_DEFAULTS = "topicDefaults";
  static final Set<String> ROOT = Set.of(REGIONS, TOPIC_DEFAULTS);

  static final String NAME = "name";
  static final String NODES = "nodes";
  static final Set<String> REGION = Set.of(NAME, NODES);

  static final String ID = "id";
  static final String HOST = "host";
  static final String KAFKA_PORT = "kafkaPort";
  static final String HTTP_PORT = "httpPort";
  static final String DATA_DIR = "dataDir";
  static final Set<String> NODE = Set.of(ID, HOST, KAFKA_PORT, HTTP_PORT, DATA_DIR);

  static final String PARTITIONS = "partitions";
  static final String REPLICATION_FACTOR = "replicationFactor";
  static final String RETENTION_MS = "retentionMs";
  static final String RETENTION_BYTES = "retentionBytes";
  static final String SEGMENT_BYTES = "segmentBytes";
  static final String SEGMENT_MS = "segmentMs";
  static final String CLEANUP_POLICY = "cleanupPolicy";
  static final String MAX_MESSAGE_BYTES = "maxMessageBytes";
  static final String MIN_INSYNC_REPLICAS = "minInsyncReplicas";
  static final String AUTO_CREATE_TOPICS = "autoCreateTopics";
  static final String FLUSH_MESSAGES = "flushMessages";
  static final String FLUSH_MS = "flushMs";
  static final String DELETE_RETENTION_MS = "deleteRetentionMs";

  /** The topic-default keys, in schema order. */
  private static final List<String> TOPIC_ORDER =
      List.of(
          PARTITIONS,
          REPLICATION_FACTOR,
          RETENTION_MS,
          RETENTION_BYTES,
          SEGMENT_BYTES,
          SEGMENT_MS,
          CLEANUP_POLICY,
          MAX_MESSAGE_BYTES,
          MIN_INSYNC_REPLICAS,
          AUTO_CREATE_TOPICS,
          FLUSH_MESSAGES,
          FLUSH_MS,
          DELETE_RETENTION_MS);

  static final Set<String> TOPIC = Set.copyOf(TOPIC_ORDER);

  /** Every key in the order of the schema (and of {@link ConfigLoader#toYaml}). */
  static final List<String> ORDER =
      Stream.concat(
              Stream.of(
                  REGIONS, TOPIC_DEFAULTS, NAME, NODES, ID, HOST, KAFKA_PORT, HTTP_PORT, DATA_DIR),
              TOPIC_ORDER.stream())
          .toList();

  private ConfigKeys() {}
}
