package dev.meridian.config;

import static dev.meridian.config.ConfigKeys.AUTO_CREATE_TOPICS;
import static dev.meridian.config.ConfigKeys.BROKER;
import static dev.meridian.config.ConfigKeys.CLEANUP_POLICY;
import static dev.meridian.config.ConfigKeys.CLUSTER_PORT;
import static dev.meridian.config.ConfigKeys.CONTROLLER_REQUEST_TIMEOUT_MS;
import static dev.meridian.config.ConfigKeys.DATA_DIR;
import static dev.meridian.config.ConfigKeys.DELETE_RETENTION_MS;
import static dev.meridian.config.ConfigKeys.FLUSH_MESSAGES;
import static dev.meridian.config.ConfigKeys.FLUSH_MS;
import static dev.meridian.config.ConfigKeys.GROUP_INITIAL_REBALANCE_DELAY_MS;
import static dev.meridian.config.ConfigKeys.HOST;
import static dev.meridian.config.ConfigKeys.HTTP_PORT;
import static dev.meridian.config.ConfigKeys.ID;
import static dev.meridian.config.ConfigKeys.KAFKA_PORT;
import static dev.meridian.config.ConfigKeys.LAG_INTERVALS;
import static dev.meridian.config.ConfigKeys.LAG_SAMPLE_MS;
import static dev.meridian.config.ConfigKeys.MAX_MESSAGE_BYTES;
import static dev.meridian.config.ConfigKeys.MEMBER_FAILURE_SECONDS;
import static dev.meridian.config.ConfigKeys.MEMBER_HEARTBEAT_SECONDS;
import static dev.meridian.config.ConfigKeys.MEMBER_MERGE_DELAY_SECONDS;
import static dev.meridian.config.ConfigKeys.MIN_INSYNC_REPLICAS;
import static dev.meridian.config.ConfigKeys.NAME;
import static dev.meridian.config.ConfigKeys.NODES;
import static dev.meridian.config.ConfigKeys.OFFSETS_RETENTION_CHECK_INTERVAL_MS;
import static dev.meridian.config.ConfigKeys.OFFSETS_RETENTION_MINUTES;
import static dev.meridian.config.ConfigKeys.OFFSETS_TOPIC_PARTITIONS;
import static dev.meridian.config.ConfigKeys.OFFSETS_TOPIC_REPLICATION_FACTOR;
import static dev.meridian.config.ConfigKeys.PARTITIONS;
import static dev.meridian.config.ConfigKeys.RACK;
import static dev.meridian.config.ConfigKeys.REGIONS;
import static dev.meridian.config.ConfigKeys.REPLICATION_FACTOR;
import static dev.meridian.config.ConfigKeys.RETENTION_BYTES;
import static dev.meridian.config.ConfigKeys.RETENTION_CHECK_INTERVAL_MS;
import static dev.meridian.config.ConfigKeys.RETENTION_MS;
import static dev.meridian.config.ConfigKeys.SEGMENT_BYTES;
import static dev.meridian.config.ConfigKeys.SEGMENT_MS;
import static dev.meridian.config.ConfigKeys.TOPIC_DEFAULTS;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Walks a parsed YAML tree by hand, keeping the path of each value, and builds the records while
 * collecting every structural problem (unknown keys, wrong types, missing keys, values that do not
 * fit their Java type). A value with a problem is replaced by a placeholder (a default, {@code
 * null} or {@code -1}) so that reading goes on; the loader hides semantic problems at or below a
 * path that already has a structural one.
 */
final class ConfigTreeReader {

  private static final int MISSING_INT = -1;

  private final List<ConfigProblem> problems = new ArrayList<>();

  List<ConfigProblem> problems() {
    return List.copyOf(problems);
  }

  MeridianConfig readConfig(JsonNode root) {
    if (root == null || root.isMissingNode() || root.isNull()) {
      problem(ConfigPath.ROOT, "the document is empty (expected a mapping with 'regions')");
      return new MeridianConfig(List.of(), null);
    }
    if (!checkMapping(root, ConfigPath.ROOT, ConfigKeys.ROOT)) {
      return new MeridianConfig(List.of(), null);
    }
    List<RegionConfig> regions = readList(root, "", REGIONS, this::readRegion);
    TopicDefaults topicDefaults = TopicDefaults.DEFAULTS;
    JsonNode defaults = optional(root, TOPIC_DEFAULTS);
    if (defaults != null) {
      topicDefaults = readTopicDefaults(defaults, ConfigPath.key("", TOPIC_DEFAULTS));
    }
    BrokerSettings broker = BrokerSettings.DEFAULTS;
    JsonNode brokerNode = optional(root, BROKER);
    if (brokerNode != null) {
      broker = readBroker(brokerNode, ConfigPath.key("", BROKER));
    }
    List<LinkConfig> links = List.of();
    if (optional(root, ConfigKeys.LINKS) != null) {
      links = readList(root, "", ConfigKeys.LINKS, this::readLink);
    }
    ControlPlaneSettings controlPlane = ControlPlaneSettings.DEFAULTS;
    JsonNode cp = optional(root, ConfigKeys.CONTROL_PLANE);
    if (cp != null) {
      String path = ConfigPath.key("", ConfigKeys.CONTROL_PLANE);
      if (checkMapping(cp, path, ConfigKeys.CONTROL_PLANE_KEYS)) {
        List<ApiToken> tokens =
            optional(cp, ConfigKeys.TOKENS) == null
                ? List.of()
                : readList(cp, path, ConfigKeys.TOKENS, this::readToken);
        ControlPlaneTls tls = null;
        JsonNode tlsNode = optional(cp, ConfigKeys.TLS);
        if (tlsNode != null) {
          String tlsPath = ConfigPath.key(path, ConfigKeys.TLS);
          if (checkMapping(tlsNode, tlsPath, ConfigKeys.TLS_KEYS)) {
            tls =
                new ControlPlaneTls(
                    readString(tlsNode, tlsPath, ConfigKeys.KEY_STORE),
                    readString(tlsNode, tlsPath, ConfigKeys.KEY_STORE_PASSWORD),
                    readOptionalString(tlsNode, tlsPath, ConfigKeys.TRUST_STORE, null),
                    readOptionalString(tlsNode, tlsPath, ConfigKeys.TRUST_STORE_PASSWORD, null));
          }
        }
        controlPlane =
            new ControlPlaneSettings(
                tokens, readBoolean(cp, path, ConfigKeys.ALLOW_HALT, false), tls);
      }
    }
    return new MeridianConfig(regions, topicDefaults, broker, links, controlPlane);
  }

  private ApiToken readToken(JsonNode node, String path) {
    if (!checkMapping(node, path, ConfigKeys.TOKEN_KEYS)) {
      return new ApiToken(null, null, null);
    }
    return new ApiToken(
        readString(node, path, NAME),
        readString(node, path, ConfigKeys.TOKEN),
        readOptionalString(node, path, ConfigKeys.ROLE, "operator"));
  }

  /** Reads one link at {@code path} ({@code ""} for a document that is the link itself). */
  LinkConfig readLinkAt(JsonNode node, String path) {
    if (!node.isObject()) {
      problem(path.isEmpty() ? ConfigPath.ROOT : path, describe(node) + " is not a mapping");
      return LinkConfig.mirror(null, null, null);
    }
    return readLink(node, path);
  }

  private LinkConfig readLink(JsonNode node, String path) {
    if (!checkMapping(node, path, ConfigKeys.LINK)) {
      return LinkConfig.mirror(null, null, null);
    }
    String name = readString(node, path, NAME);
    LinkSource source = null;
    JsonNode sourceNode = required(node, path, ConfigKeys.SOURCE);
    if (sourceNode != null) {
      source = readLinkSource(sourceNode, ConfigPath.key(path, ConfigKeys.SOURCE));
    }
    String target = readString(node, path, ConfigKeys.TARGET);
    return new LinkConfig(
        name,
        source,
        target,
        readOptionalString(node, path, ConfigKeys.MODE, null),
        readFilter(node, path, ConfigKeys.TOPICS),
        readFilter(node, path, ConfigKeys.GROUPS),
        readOptionalString(node, path, ConfigKeys.COMPRESSION, null),
        readLong(node, path, ConfigKeys.RATE_LIMIT_BYTES_PER_SECOND, 0),
        readStrings(node, path, ConfigKeys.FOLLOW_CONFIGS, null),
        readOptionalString(node, path, ConfigKeys.START_POSITION, null),
        readLong(
            node,
            path,
            ConfigKeys.OFFSET_SYNC_INTERVAL_MS,
            LinkConfig.DEFAULT_OFFSET_SYNC_INTERVAL_MS),
        readOptionalString(node, path, ConfigKeys.REVERSE_OF, null));
  }

  private LinkSource readLinkSource(JsonNode node, String path) {
    if (!checkMapping(node, path, ConfigKeys.LINK_SOURCE)) {
      return null;
    }
    String region = readOptionalString(node, path, ConfigKeys.REGION_KEY, null);
    String bootstrap = readOptionalString(node, path, ConfigKeys.BOOTSTRAP, null);
    java.util.Map<String, String> properties = new java.util.TreeMap<>();
    JsonNode props = optional(node, ConfigKeys.PROPERTIES);
    if (props != null) {
      String propsPath = ConfigPath.key(path, ConfigKeys.PROPERTIES);
      if (!props.isObject()) {
        problem(propsPath, describe(props) + " is not a mapping");
      } else {
        for (Iterator<String> it = props.fieldNames(); it.hasNext(); ) {
          String key = it.next();
          JsonNode value = props.get(key);
          String valuePath = ConfigPath.key(propsPath, key);
          if (value.isContainerNode() || value.isNull()) {
            problem(valuePath, describe(value) + " is not a string");
          } else {
            properties.put(key, value.asText());
          }
        }
      }
    }
    return new LinkSource(region, bootstrap, properties);
  }

  private NameFilter readFilter(JsonNode mapping, String path, String key) {
    JsonNode node = optional(mapping, key);
    if (node == null) {
      return null;
    }
    String filterPath = ConfigPath.key(path, key);
    if (!checkMapping(node, filterPath, ConfigKeys.FILTER)) {
      return null;
    }
    return new NameFilter(
        readStrings(node, filterPath, ConfigKeys.INCLUDE, null),
        readStrings(node, filterPath, ConfigKeys.EXCLUDE, List.of()));
  }

  /** An optional list of strings; {@code fallback} when absent. */
  private List<String> readStrings(
      JsonNode mapping, String path, String key, List<String> fallback) {
    JsonNode value = optional(mapping, key);
    if (value == null) {
      return fallback;
    }
    String listPath = ConfigPath.key(path, key);
    if (!value.isArray()) {
      problem(listPath, describe(value) + " is not a list");
      return fallback;
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < value.size(); i++) {
      String s = asString(value.get(i), ConfigPath.index(listPath, i), null);
      if (s != null) {
        out.add(s);
      }
    }
    return out;
  }

  private RegionConfig readRegion(JsonNode node, String path) {
    if (!checkMapping(node, path, ConfigKeys.REGION)) {
      return new RegionConfig(null, List.of());
    }
    String name = readString(node, path, NAME);
    List<NodeConfig> nodes = readList(node, path, NODES, this::readNode);
    return new RegionConfig(name, nodes);
  }

  private NodeConfig readNode(JsonNode node, String path) {
    if (!checkMapping(node, path, ConfigKeys.NODE)) {
      return new NodeConfig(MISSING_INT, null, MISSING_INT, MISSING_INT, null, MISSING_INT, null);
    }
    int id =
        (int) readInteger(node, path, ID, Integer.MIN_VALUE, Integer.MAX_VALUE, MISSING_INT, true);
    String host = readString(node, path, HOST);
    int kafkaPort =
        (int)
            readInteger(
                node, path, KAFKA_PORT, Integer.MIN_VALUE, Integer.MAX_VALUE, MISSING_INT, true);
    int httpPort =
        (int)
            readInteger(
                node, path, HTTP_PORT, Integer.MIN_VALUE, Integer.MAX_VALUE, MISSING_INT, true);
    // absent: derived from kafkaPort (the validator skips it when kafkaPort is bad)
    int clusterPort =
        optional(node, CLUSTER_PORT) == null
            ? NodeConfig.defaultClusterPort(kafkaPort)
            : readInt(node, path, CLUSTER_PORT, MISSING_INT);
    String dataDir = readString(node, path, DATA_DIR);
    String rack = readOptionalString(node, path, RACK, null);
    return new NodeConfig(id, host, kafkaPort, httpPort, dataDir, clusterPort, rack);
  }

  private TopicDefaults readTopicDefaults(JsonNode node, String path) {
    TopicDefaults d = TopicDefaults.DEFAULTS;
    if (!checkMapping(node, path, ConfigKeys.TOPIC)) {
      return d;
    }
    return new TopicDefaults(
        readInt(node, path, PARTITIONS, d.partitions()),
        readShort(node, path, REPLICATION_FACTOR, d.replicationFactor()),
        readLong(node, path, RETENTION_MS, d.retentionMs()),
        readLong(node, path, RETENTION_BYTES, d.retentionBytes()),
        readLong(node, path, SEGMENT_BYTES, d.segmentBytes()),
        readLong(node, path, SEGMENT_MS, d.segmentMs()),
        readOptionalString(node, path, CLEANUP_POLICY, d.cleanupPolicy()),
        readInt(node, path, MAX_MESSAGE_BYTES, d.maxMessageBytes()),
        readInt(node, path, MIN_INSYNC_REPLICAS, d.minInsyncReplicas()),
        readBoolean(node, path, AUTO_CREATE_TOPICS, d.autoCreateTopics()),
        readLong(node, path, FLUSH_MESSAGES, d.flushMessages()),
        readLong(node, path, FLUSH_MS, d.flushMs()),
        readLong(node, path, DELETE_RETENTION_MS, d.deleteRetentionMs()));
  }

  private BrokerSettings readBroker(JsonNode node, String path) {
    BrokerSettings d = BrokerSettings.DEFAULTS;
    if (!checkMapping(node, path, ConfigKeys.BROKER_KEYS)) {
      return d;
    }
    return new BrokerSettings(
        readLong(node, path, RETENTION_CHECK_INTERVAL_MS, d.retentionCheckIntervalMs()),
        readInt(node, path, GROUP_INITIAL_REBALANCE_DELAY_MS, d.groupInitialRebalanceDelayMs()),
        readLong(node, path, OFFSETS_RETENTION_MINUTES, d.offsetsRetentionMinutes()),
        readLong(
            node, path, OFFSETS_RETENTION_CHECK_INTERVAL_MS, d.offsetsRetentionCheckIntervalMs()),
        readInt(node, path, OFFSETS_TOPIC_PARTITIONS, d.offsetsTopicPartitions()),
        readShort(node, path, OFFSETS_TOPIC_REPLICATION_FACTOR, d.offsetsTopicReplicationFactor()),
        readInt(node, path, LAG_INTERVALS, d.lagIntervals()),
        readLong(node, path, LAG_SAMPLE_MS, d.lagSampleMs()),
        readInt(node, path, MEMBER_HEARTBEAT_SECONDS, d.memberHeartbeatSeconds()),
        readInt(node, path, MEMBER_FAILURE_SECONDS, d.memberFailureSeconds()),
        readInt(node, path, MEMBER_MERGE_DELAY_SECONDS, d.memberMergeDelaySeconds()),
        readLong(node, path, CONTROLLER_REQUEST_TIMEOUT_MS, d.controllerRequestTimeoutMs()),
        readLong(node, path, ConfigKeys.REPLICA_LAG_TIME_MAX_MS, d.replicaLagTimeMaxMs()),
        readInt(
            node,
            path,
            ConfigKeys.LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS,
            d.leaderImbalanceCheckIntervalSeconds()),
        readLong(
            node,
            path,
            ConfigKeys.REASSIGNMENT_THROTTLE_BYTES_PER_SECOND,
            d.reassignmentThrottleBytesPerSecond()),
        readLong(node, path, ConfigKeys.FAILOVER_DRAIN_TIMEOUT_MS, d.failoverDrainTimeoutMs()),
        readLong(node, path, ConfigKeys.FAILOVER_STATE_TIMEOUT_MS, d.failoverStateTimeoutMs()),
        readInt(
            node,
            path,
            ConfigKeys.GROUP_CONSUMER_SESSION_TIMEOUT_MS,
            d.groupConsumerSessionTimeoutMs()),
        readInt(
            node,
            path,
            ConfigKeys.GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS,
            d.groupConsumerHeartbeatIntervalMs()));
  }

  // ---- generic helpers -------------------------------------------------------------------

  private void problem(String path, String reason) {
    problems.add(new ConfigProblem(path, reason));
  }

  /** Reports a non-mapping, and every unknown key of a mapping; true if {@code node} is one. */
  private boolean checkMapping(JsonNode node, String path, Set<String> keys) {
    if (!node.isObject()) {
      problem(path, describe(node) + " is not a mapping");
      return false;
    }
    String parent = path.equals(ConfigPath.ROOT) ? "" : path;
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!keys.contains(key)) {
        problem(ConfigPath.key(parent, key), "unknown key");
      }
    }
    return true;
  }

  /** The value of {@code key}, or {@code null} if it is absent or YAML null. */
  private static JsonNode optional(JsonNode mapping, String key) {
    JsonNode value = mapping.get(key);
    return value == null || value.isNull() ? null : value;
  }

  /** The value of a required {@code key}; reports it and returns {@code null} when missing. */
  private JsonNode required(JsonNode mapping, String path, String key) {
    JsonNode value = optional(mapping, key);
    if (value == null) {
      problem(ConfigPath.key(path, key), "missing");
    }
    return value;
  }

  private <T> List<T> readList(
      JsonNode mapping, String path, String key, BiFunction<JsonNode, String, T> element) {
    JsonNode value = required(mapping, path, key);
    if (value == null) {
      return List.of();
    }
    String listPath = ConfigPath.key(path, key);
    if (!value.isArray()) {
      problem(listPath, describe(value) + " is not a list");
      return List.of();
    }
    List<T> result = new ArrayList<>(value.size());
    for (int i = 0; i < value.size(); i++) {
      result.add(element.apply(value.get(i), ConfigPath.index(listPath, i)));
    }
    return result;
  }

  private String readString(JsonNode mapping, String path, String key) {
    JsonNode value = required(mapping, path, key);
    return value == null ? null : asString(value, ConfigPath.key(path, key), null);
  }

  private String readOptionalString(JsonNode mapping, String path, String key, String fallback) {
    JsonNode value = optional(mapping, key);
    return value == null ? fallback : asString(value, ConfigPath.key(path, key), fallback);
  }

  private String asString(JsonNode value, String path, String fallback) {
    if (!value.isTextual()) {
      problem(path, describe(value) + " is not a string");
      return fallback;
    }
    return value.textValue();
  }

  private int readInt(JsonNode mapping, String path, String key, int fallback) {
    return (int)
        readInteger(mapping, path, key, Integer.MIN_VALUE, Integer.MAX_VALUE, fallback, false);
  }

  private short readShort(JsonNode mapping, String path, String key, short fallback) {
    return (short)
        readInteger(mapping, path, key, Short.MIN_VALUE, Short.MAX_VALUE, fallback, false);
  }

  private long readLong(JsonNode mapping, String path, String key, long fallback) {
    return readInteger(mapping, path, key, Long.MIN_VALUE, Long.MAX_VALUE, fallback, false);
  }

  /**
   * Reads an integer that must fit {@code min..max} (the range of its Java type; semantic ranges
   * are checked by the validator); returns {@code fallback} after reporting a problem, or when an
   * optional key is absent.
   */
  private long readInteger(
      JsonNode mapping,
      String path,
      String key,
      long min,
      long max,
      long fallback,
      boolean isRequired) {
    JsonNode value = isRequired ? required(mapping, path, key) : optional(mapping, key);
    if (value == null) {
      return fallback;
    }
    String valuePath = ConfigPath.key(path, key);
    if (!value.isIntegralNumber()) {
      problem(valuePath, describe(value) + " is not an integer");
      return fallback;
    }
    if (!value.canConvertToLong() || value.longValue() < min || value.longValue() > max) {
      problem(valuePath, value.asText() + " is out of range (" + min + ".." + max + ")");
      return fallback;
    }
    return value.longValue();
  }

  private boolean readBoolean(JsonNode mapping, String path, String key, boolean fallback) {
    JsonNode value = optional(mapping, key);
    if (value == null) {
      return fallback;
    }
    if (!value.isBoolean()) {
      problem(ConfigPath.key(path, key), describe(value) + " is not a boolean (true or false)");
      return fallback;
    }
    return value.booleanValue();
  }

  /** A value as shown at the start of a reason: strings quoted, collections named. */
  private static String describe(JsonNode value) {
    if (value.isTextual()) {
      return ConfigPath.quote(value.textValue());
    } else if (value.isObject()) {
      return "a mapping";
    } else if (value.isArray()) {
      return "a list";
    } else if (value.isBinary()) {
      return "binary data";
    } else {
      return value.asText();
    }
  }
}
