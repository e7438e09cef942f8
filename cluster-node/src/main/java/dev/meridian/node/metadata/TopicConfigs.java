package dev.meridian.node.metadata;

import dev.meridian.config.TopicDefaults;
import dev.meridian.node.storage.LogConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The topic-level configs a node understands: their node-wide defaults (from the region config's
 * topic defaults), validation of overrides, and the {@link LogConfig} a topic's partitions get.
 * Keys and meanings are Kafka's.
 */
public final class TopicConfigs {
  public static final String RETENTION_MS = "retention.ms";
  public static final String RETENTION_BYTES = "retention.bytes";
  public static final String SEGMENT_BYTES = "segment.bytes";
  public static final String SEGMENT_MS = "segment.ms";
  public static final String CLEANUP_POLICY = "cleanup.policy";
  public static final String MAX_MESSAGE_BYTES = "max.message.bytes";
  public static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";
  public static final String UNCLEAN_LEADER_ELECTION = "unclean.leader.election.enable";
  public static final String MESSAGE_TIMESTAMP_TYPE = "message.timestamp.type";
  public static final String DELETE_RETENTION_MS = "delete.retention.ms";
  public static final String FLUSH_MESSAGES = "flush.messages";
  public static final String FLUSH_MS = "flush.ms";
  public static final String LEADER_THROTTLED_REPLICAS = "leader.replication.throttled.replicas";
  public static final String FOLLOWER_THROTTLED_REPLICAS =
      "follower.replication.throttled.replicas";

  private final Map<String, String> defaults;

  public TopicConfigs(TopicDefaults d) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(CLEANUP_POLICY, d.cleanupPolicy());
    m.put(DELETE_RETENTION_MS, Long.toString(d.deleteRetentionMs()));
    m.put(FLUSH_MESSAGES, Long.toString(d.flushMessages()));
    m.put(FLUSH_MS, Long.toString(d.flushMs()));
    m.put(FOLLOWER_THROTTLED_REPLICAS, "");
    m.put(LEADER_THROTTLED_REPLICAS, "");
    m.put(MAX_MESSAGE_BYTES, Integer.toString(d.maxMessageBytes()));
    m.put(MESSAGE_TIMESTAMP_TYPE, "CreateTime");
    m.put(MIN_INSYNC_REPLICAS, Integer.toString(d.minInsyncReplicas()));
    m.put(UNCLEAN_LEADER_ELECTION, "false");
    m.put(RETENTION_BYTES, Long.toString(d.retentionBytes()));
    m.put(RETENTION_MS, Long.toString(d.retentionMs()));
    m.put(SEGMENT_BYTES, Long.toString(d.segmentBytes()));
    m.put(SEGMENT_MS, Long.toString(d.segmentMs()));
    this.defaults = Map.copyOf(m);
  }

  /** Every supported key with its node-wide default value. */
  public Map<String, String> defaults() {
    return defaults;
  }

  public boolean isKnown(String key) {
    return defaults.containsKey(key);
  }

  /** The effective value of {@code key} for a topic with {@code overrides}. */
  public String value(Map<String, String> overrides, String key) {
    String v = overrides.get(key);
    return v != null ? v : defaults.get(key);
  }

  /**
   * Checks one override.
   *
   * @return null when valid, else the reason (for INVALID_CONFIG)
   */
  public String validate(String key, String value) {
    if (!isKnown(key)) {
      return "unknown topic config '" + key + "'";
    }
    if (value == null) {
      return null; // deletion of an override
    }
    try {
      switch (key) {
        case CLEANUP_POLICY -> LogConfig.DEFAULT.withCleanupPolicy(value);
        case UNCLEAN_LEADER_ELECTION -> {
          if (!value.equals("true") && !value.equals("false")) {
            return key + " must be true or false, not '" + value + "'";
          }
        }
        case MESSAGE_TIMESTAMP_TYPE -> {
          if (!value.equals("CreateTime") && !value.equals("LogAppendTime")) {
            return key + " must be CreateTime or LogAppendTime, not '" + value + "'";
          }
        }
        case RETENTION_MS, RETENTION_BYTES -> atLeast(key, Long.parseLong(value), -1);
        case SEGMENT_BYTES -> {
          long v = Long.parseLong(value);
          atLeast(key, v, 64);
          if (v > Integer.MAX_VALUE) {
            return key + " must be at most " + Integer.MAX_VALUE;
          }
        }
        case MAX_MESSAGE_BYTES, MIN_INSYNC_REPLICAS -> atLeast(key, Integer.parseInt(value), 1);
        case SEGMENT_MS, FLUSH_MESSAGES -> atLeast(key, Long.parseLong(value), 1);
        case DELETE_RETENTION_MS, FLUSH_MS -> atLeast(key, Long.parseLong(value), 0);
        case LEADER_THROTTLED_REPLICAS, FOLLOWER_THROTTLED_REPLICAS -> {
          return ThrottledReplicas.problem(key, value);
        }
        default -> throw new IllegalStateException(key);
      }
    } catch (NumberFormatException e) {
      return key + ": '" + value + "' is not a number";
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    return null;
  }

  private static void atLeast(String key, long v, long min) {
    if (v < min) {
      throw new IllegalArgumentException(key + " must be at least " + min + ", was " + v);
    }
  }

  /** The log settings of a topic with {@code overrides} (already validated). */
  public LogConfig logConfig(Map<String, String> overrides) {
    return LogConfig.DEFAULT
        .withSegmentBytes(Long.parseLong(value(overrides, SEGMENT_BYTES)))
        .withSegmentMs(Long.parseLong(value(overrides, SEGMENT_MS)))
        .withRetention(
            Long.parseLong(value(overrides, RETENTION_MS)),
            Long.parseLong(value(overrides, RETENTION_BYTES)))
        .withCleanupPolicy(value(overrides, CLEANUP_POLICY))
        .withMaxMessageBytes(Integer.parseInt(value(overrides, MAX_MESSAGE_BYTES)))
        .withFlush(
            Long.parseLong(value(overrides, FLUSH_MESSAGES)),
            Long.parseLong(value(overrides, FLUSH_MS)))
        .withDeleteRetentionMs(Long.parseLong(value(overrides, DELETE_RETENTION_MS)));
  }

  public int minInsyncReplicas(Map<String, String> overrides) {
    return Integer.parseInt(value(overrides, MIN_INSYNC_REPLICAS));
  }

  /** Whether a partition without a live in-sync replica may elect an out-of-sync one. */
  public boolean uncleanLeaderElection(Map<String, String> overrides) {
    return "true".equals(value(overrides, UNCLEAN_LEADER_ELECTION));
  }

  /**
   * Whether replication of partition {@code index} to or from {@code node} is throttled by the
   * topic's {@code leader.replication.throttled.replicas} (leader side) or {@code
   * follower.replication.throttled.replicas} (follower side), Kafka's lists of {@code
   * partition:node} pairs or {@code *}.
   */
  public boolean throttled(Map<String, String> overrides, boolean leaderSide, int index, int node) {
    String list =
        value(overrides, leaderSide ? LEADER_THROTTLED_REPLICAS : FOLLOWER_THROTTLED_REPLICAS);
    return ThrottledReplicas.contains(list, index, node);
  }

  public boolean logAppendTime(Map<String, String> overrides) {
    return "LogAppendTime".equals(value(overrides, MESSAGE_TIMESTAMP_TYPE));
  }
}
