package dev.meridian.config;

import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** The YAML keys, shared by the reader and the writer so that the two cannot drift apart. */
final class ConfigKeys {

  static final String REGIONS = "regions";
  static final String TOPIC_DEFAULTS = "topicDefaults";
  static final String BROKER = "broker";
  static final String LINKS = "links";
  static final String CONTROL_PLANE = "controlPlane";
  static final String TOKENS = "tokens";
  static final String TOKEN = "token";
  static final String ROLE = "role";
  static final String ALLOW_HALT = "allowHalt";
  static final String TLS = "tls";
  static final Set<String> CONTROL_PLANE_KEYS = Set.of(TOKENS, ALLOW_HALT, TLS);
  static final String KEY_STORE = "keyStore";
  static final String KEY_STORE_PASSWORD = "keyStorePassword";
  static final String TRUST_STORE = "trustStore";
  static final String TRUST_STORE_PASSWORD = "trustStorePassword";
  static final Set<String> TLS_KEYS =
      Set.of(KEY_STORE, KEY_STORE_PASSWORD, TRUST_STORE, TRUST_STORE_PASSWORD);
  static final Set<String> TOKEN_KEYS = Set.of("name", TOKEN, ROLE);

  static final Set<String> ROOT = Set.of(REGIONS, TOPIC_DEFAULTS, BROKER, LINKS, CONTROL_PLANE);

  static final String NAME = "name";
  static final String NODES = "nodes";
  static final Set<String> REGION = Set.of(NAME, NODES);

  static final String ID = "id";
  static final String HOST = "host";
  static final String KAFKA_PORT = "kafkaPort";
  static final String HTTP_PORT = "httpPort";
  static final String CLUSTER_PORT = "clusterPort";
  static final String DATA_DIR = "dataDir";
  static final String RACK = "rack";

  /** The node keys, in schema order. */
  private static final List<String> NODE_ORDER =
      List.of(ID, HOST, KAFKA_PORT, HTTP_PORT, CLUSTER_PORT, DATA_DIR, RACK);

  static final Set<String> NODE = Set.copyOf(NODE_ORDER);

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

  static final String RETENTION_CHECK_INTERVAL_MS = "retentionCheckIntervalMs";
  static final String GROUP_INITIAL_REBALANCE_DELAY_MS = "groupInitialRebalanceDelayMs";
  static final String OFFSETS_RETENTION_MINUTES = "offsetsRetentionMinutes";
  static final String OFFSETS_RETENTION_CHECK_INTERVAL_MS = "offsetsRetentionCheckIntervalMs";
  static final String OFFSETS_TOPIC_PARTITIONS = "offsetsTopicPartitions";
  static final String OFFSETS_TOPIC_REPLICATION_FACTOR = "offsetsTopicReplicationFactor";
  static final String LAG_INTERVALS = "lagIntervals";
  static final String LAG_SAMPLE_MS = "lagSampleMs";
  static final String MEMBER_HEARTBEAT_SECONDS = "memberHeartbeatSeconds";
  static final String MEMBER_FAILURE_SECONDS = "memberFailureSeconds";
  static final String MEMBER_MERGE_DELAY_SECONDS = "memberMergeDelaySeconds";
  static final String CONTROLLER_REQUEST_TIMEOUT_MS = "controllerRequestTimeoutMs";
  static final String REPLICA_LAG_TIME_MAX_MS = "replicaLagTimeMaxMs";
  static final String LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS =
      "leaderImbalanceCheckIntervalSeconds";
  static final String REASSIGNMENT_THROTTLE_BYTES_PER_SECOND = "reassignmentThrottleBytesPerSecond";
  static final String FAILOVER_DRAIN_TIMEOUT_MS = "failoverDrainTimeoutMs";
  static final String FAILOVER_STATE_TIMEOUT_MS = "failoverStateTimeoutMs";
  static final String GROUP_CONSUMER_SESSION_TIMEOUT_MS = "groupConsumerSessionTimeoutMs";
  static final String GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS = "groupConsumerHeartbeatIntervalMs";

  /** The broker keys, in schema order. */
  private static final List<String> BROKER_ORDER =
      List.of(
          RETENTION_CHECK_INTERVAL_MS,
          GROUP_INITIAL_REBALANCE_DELAY_MS,
          OFFSETS_RETENTION_MINUTES,
          OFFSETS_RETENTION_CHECK_INTERVAL_MS,
          OFFSETS_TOPIC_PARTITIONS,
          OFFSETS_TOPIC_REPLICATION_FACTOR,
          LAG_INTERVALS,
          LAG_SAMPLE_MS,
          MEMBER_HEARTBEAT_SECONDS,
          MEMBER_FAILURE_SECONDS,
          MEMBER_MERGE_DELAY_SECONDS,
          CONTROLLER_REQUEST_TIMEOUT_MS,
          REPLICA_LAG_TIME_MAX_MS,
          LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS,
          REASSIGNMENT_THROTTLE_BYTES_PER_SECOND,
          FAILOVER_DRAIN_TIMEOUT_MS,
          FAILOVER_STATE_TIMEOUT_MS,
          GROUP_CONSUMER_SESSION_TIMEOUT_MS,
          GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS);

  static final Set<String> BROKER_KEYS = Set.copyOf(BROKER_ORDER);

  static final String SOURCE = "source";
  static final String TARGET = "target";
  static final String MODE = "mode";
  static final String TOPICS = "topics";
  static final String GROUPS = "groups";
  static final String COMPRESSION = "compression";
  static final String RATE_LIMIT_BYTES_PER_SECOND = "rateLimitBytesPerSecond";
  static final String FOLLOW_CONFIGS = "followConfigs";
  static final String START_POSITION = "startPosition";
  static final String OFFSET_SYNC_INTERVAL_MS = "offsetSyncIntervalMs";
  static final String REVERSE_OF = "reverseOf";

  /** The link keys, in schema order. */
  private static final List<String> LINK_ORDER =
      List.of(
          NAME,
          SOURCE,
          TARGET,
          MODE,
          TOPICS,
          GROUPS,
          COMPRESSION,
          RATE_LIMIT_BYTES_PER_SECOND,
          FOLLOW_CONFIGS,
          START_POSITION,
          OFFSET_SYNC_INTERVAL_MS,
          REVERSE_OF);

  static final Set<String> LINK = Set.copyOf(LINK_ORDER);

  static final String REGION_KEY = "region";
  static final String BOOTSTRAP = "bootstrap";
  static final String PROPERTIES = "properties";
  static final Set<String> LINK_SOURCE = Set.of(REGION_KEY, BOOTSTRAP, PROPERTIES);

  static final String INCLUDE = "include";
  static final String EXCLUDE = "exclude";
  static final Set<String> FILTER = Set.of(INCLUDE, EXCLUDE);

  /** Every key in the order of the schema (and of {@link ConfigLoader#toYaml}). */
  static final List<String> ORDER =
      Stream.of(
              Stream.of(REGIONS, TOPIC_DEFAULTS, BROKER, LINKS, NAME, NODES),
              NODE_ORDER.stream(),
              TOPIC_ORDER.stream(),
              BROKER_ORDER.stream(),
              LINK_ORDER.stream().filter(k -> !k.equals(NAME)),
              Stream.of(REGION_KEY, BOOTSTRAP, PROPERTIES, INCLUDE, EXCLUDE),
              Stream.of(CONTROL_PLANE, TOKENS, TOKEN, ROLE))
          .flatMap(s -> s)
          .toList();

  private ConfigKeys() {}
}
