package dev.meridian.node.metadata;

import dev.meridian.config.TopicDefaults;
import dev.meridian.node.storage.LogConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The topic-level configs a node understands — every key of Apache Kafka 4.x ({@link
 * TopicConfigDef#ALL}) — their node-wide defaults (Kafka's, with the region config's topic defaults
 * in place of Kafka's for the keys it has), validation of overrides, and the {@link LogConfig} a
 * topic's partitions get. Keys and meanings are Kafka's; which keys change behaviour and which are
 * stored only is {@link TopicConfigDef#applies()}.
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
  public static final String MESSAGE_TIMESTAMP_BEFORE_MAX_MS = "message.timestamp.before.max.ms";
  public static final String MESSAGE_TIMESTAMP_AFTER_MAX_MS = "message.timestamp.after.max.ms";
  public static final String DELETE_RETENTION_MS = "delete.retention.ms";
  public static final String FLUSH_MESSAGES = "flush.messages";
  public static final String FLUSH_MS = "flush.ms";
  public static final String INDEX_INTERVAL_BYTES = "index.interval.bytes";
  public static final String FILE_DELETE_DELAY_MS = "file.delete.delay.ms";
  public static final String COMPRESSION_TYPE = "compression.type";
  public static final String COMPRESSION_GZIP_LEVEL = "compression.gzip.level";
  public static final String COMPRESSION_LZ4_LEVEL = "compression.lz4.level";
  public static final String COMPRESSION_ZSTD_LEVEL = "compression.zstd.level";
  public static final String MIN_COMPACTION_LAG_MS = "min.compaction.lag.ms";
  public static final String MAX_COMPACTION_LAG_MS = "max.compaction.lag.ms";
  public static final String MIN_CLEANABLE_DIRTY_RATIO = "min.cleanable.dirty.ratio";
  public static final String LEADER_THROTTLED_REPLICAS = "leader.replication.throttled.replicas";
  public static final String FOLLOWER_THROTTLED_REPLICAS =
      "follower.replication.throttled.replicas";

  private final Map<String, String> defaults;

  public TopicConfigs(TopicDefaults d) {
    Map<String, String> m = new LinkedHashMap<>();
    TopicConfigDef.ALL.values().forEach(def -> m.put(def.name(), def.kafkaDefault()));
    m.put(CLEANUP_POLICY, d.cleanupPolicy());
    m.put(DELETE_RETENTION_MS, Long.toString(d.deleteRetentionMs()));
    m.put(FLUSH_MESSAGES, Long.toString(d.flushMessages()));
    m.put(FLUSH_MS, Long.toString(d.flushMs()));
    m.put(MAX_MESSAGE_BYTES, Integer.toString(d.maxMessageBytes()));
    m.put(MIN_INSYNC_REPLICAS, Integer.toString(d.minInsyncReplicas()));
    m.put(RETENTION_BYTES, Long.toString(d.retentionBytes()));
    m.put(RETENTION_MS, Long.toString(d.retentionMs()));
    m.put(SEGMENT_BYTES, Long.toString(d.segmentBytes()));
    m.put(SEGMENT_MS, Long.toString(d.segmentMs()));
    this.defaults = java.util.Collections.unmodifiableMap(m);
  }

  /** Every supported key with its node-wide default value, in Kafka's order of definition. */
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
   * Checks one override by Kafka's type and range rules.
   *
   * @return null when valid, else the reason (for INVALID_CONFIG)
   */
  public String validate(String key, String value) {
    TopicConfigDef def = TopicConfigDef.ALL.get(key);
    if (def == null) {
      return "Unknown topic config name: " + key;
    }
    if (value == null) {
      return null; // deletion of an override
    }
    return def.problem(value);
  }

  /**
   * Checks the combination of a topic's (valid) overrides as Kafka does: {@code
   * min.compaction.lag.ms} must not exceed {@code max.compaction.lag.ms}.
   *
   * @return null when consistent, else the reason (for INVALID_CONFIG)
   */
  public String conflict(Map<String, String> overrides) {
    long min = longValue(overrides, MIN_COMPACTION_LAG_MS);
    long max = longValue(overrides, MAX_COMPACTION_LAG_MS);
    return min > max
        ? "conflict topic config setting "
            + MIN_COMPACTION_LAG_MS
            + " ("
            + min
            + ") > "
            + MAX_COMPACTION_LAG_MS
            + " ("
            + max
            + ")"
        : null;
  }

  /**
   * The log settings of a topic with {@code overrides} (already validated). As in Kafka, a
   * compacted topic's active segment rolls after {@code max.compaction.lag.ms} when that is shorter
   * than {@code segment.ms} (the active segment is never cleaned).
   */
  public LogConfig logConfig(Map<String, String> overrides) {
    LogConfig c = baseLogConfig(overrides);
    return c.compact() && c.maxCompactionLagMs() < c.segmentMs()
        ? c.withSegmentMs(c.maxCompactionLagMs())
        : c;
  }

  private LogConfig baseLogConfig(Map<String, String> overrides) {
    String compression = value(overrides, COMPRESSION_TYPE).trim();
    return LogConfig.DEFAULT
        .withSegmentBytes(longValue(overrides, SEGMENT_BYTES))
        .withSegmentMs(longValue(overrides, SEGMENT_MS))
        .withRetention(longValue(overrides, RETENTION_MS), longValue(overrides, RETENTION_BYTES))
        .withCleanupPolicy(value(overrides, CLEANUP_POLICY))
        .withMaxMessageBytes((int) longValue(overrides, MAX_MESSAGE_BYTES))
        .withFlush(longValue(overrides, FLUSH_MESSAGES), longValue(overrides, FLUSH_MS))
        .withDeleteRetentionMs(longValue(overrides, DELETE_RETENTION_MS))
        .withIndexIntervalBytes((int) longValue(overrides, INDEX_INTERVAL_BYTES))
        .withFileDeleteDelayMs(longValue(overrides, FILE_DELETE_DELAY_MS))
        .withCompression(compression, compressionLevel(overrides, compression))
        .withTimestampWindow(
            logAppendTime(overrides)
                ? Long.MAX_VALUE
                : longValue(overrides, MESSAGE_TIMESTAMP_BEFORE_MAX_MS),
            logAppendTime(overrides)
                ? Long.MAX_VALUE
                : longValue(overrides, MESSAGE_TIMESTAMP_AFTER_MAX_MS))
        .withCompaction(
            longValue(overrides, MIN_COMPACTION_LAG_MS),
            longValue(overrides, MAX_COMPACTION_LAG_MS),
            Double.parseDouble(value(overrides, MIN_CLEANABLE_DIRTY_RATIO).trim()));
  }

  private int compressionLevel(Map<String, String> overrides, String type) {
    String key =
        switch (type) {
          case "gzip" -> COMPRESSION_GZIP_LEVEL;
          case "lz4" -> COMPRESSION_LZ4_LEVEL;
          case "zstd" -> COMPRESSION_ZSTD_LEVEL;
          default -> null;
        };
    return key == null ? LogConfig.DEFAULT_LEVEL : (int) longValue(overrides, key);
  }

  private long longValue(Map<String, String> overrides, String key) {
    return Long.parseLong(value(overrides, key).trim());
  }

  public int minInsyncReplicas(Map<String, String> overrides) {
    return (int) longValue(overrides, MIN_INSYNC_REPLICAS);
  }

  /** Whether a partition without a live in-sync replica may elect an out-of-sync one. */
  public boolean uncleanLeaderElection(Map<String, String> overrides) {
    return "true".equalsIgnoreCase(value(overrides, UNCLEAN_LEADER_ELECTION).trim());
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
    return "LogAppendTime".equals(value(overrides, MESSAGE_TIMESTAMP_TYPE).trim());
  }
}
