package dev.meridian.node.metadata;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidList;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigDef.Validator;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.TopicConfig;

/**
 * One topic config key of Apache Kafka 4.x: its name, data type, Kafka's default, the validator
 * Kafka applies to it, the broker-level name of its node-wide default (Kafka's "synonym"), its
 * documentation, and whether Meridian acts on it ({@code applies}) or only stores and reports it.
 * {@link #ALL} is the table of every key, in Kafka's order of definition.
 *
 * <p>Values are parsed and checked with kafka-clients' own {@link ConfigDef#parseType} and
 * validators, so an invalid value is refused with Kafka's message ("Invalid value x for
 * configuration y: ...").
 *
 * @param name the topic config key
 * @param type the data type (also what DescribeConfigs reports)
 * @param kafkaDefault Kafka's default as a string (the region's topic defaults replace some, see
 *     {@link TopicConfigs})
 * @param validator range or choice check after parsing, or null
 * @param brokerName the broker-level default's name in Kafka, or null when Kafka has none
 * @param applies whether the value changes Meridian's behaviour (else it is stored only)
 * @param doc the documentation
 */
public record TopicConfigDef(
    String name,
    Type type,
    String kafkaDefault,
    Validator validator,
    String brokerName,
    boolean applies,
    String doc) {

  /** Kafka's compression types of a topic ({@code BrokerCompressionType}). */
  public static final List<String> COMPRESSION_TYPES =
      List.of("uncompressed", "zstd", "lz4", "snappy", "gzip", "producer");

  private static final String THROTTLED_DOC =
      " A list of replicas, as partition:node pairs (e.g. 0:1,1:2), or the wildcard '*' for every"
          + " replica of the topic.";

  /** Every topic config key Kafka 4.x accepts, keyed by name. */
  public static final Map<String, TopicConfigDef> ALL = table();

  private static Map<String, TopicConfigDef> table() {
    List<TopicConfigDef> defs =
        List.of(
            applies(
                TopicConfig.SEGMENT_BYTES_CONFIG,
                Type.INT,
                1L << 30,
                Range.between(64, Integer.MAX_VALUE),
                "log.segment.bytes",
                TopicConfig.SEGMENT_BYTES_DOC),
            applies(
                TopicConfig.SEGMENT_MS_CONFIG,
                Type.LONG,
                604_800_000L,
                Range.atLeast(1),
                "log.roll.ms",
                TopicConfig.SEGMENT_MS_DOC),
            stored(
                TopicConfig.SEGMENT_JITTER_MS_CONFIG,
                Type.LONG,
                "0",
                Range.atLeast(0),
                "log.roll.jitter.ms",
                TopicConfig.SEGMENT_JITTER_MS_DOC),
            stored(
                TopicConfig.SEGMENT_INDEX_BYTES_CONFIG,
                Type.INT,
                "10485760",
                Range.atLeast(4),
                "log.index.size.max.bytes",
                TopicConfig.SEGMENT_INDEX_BYTES_DOC),
            applies(
                TopicConfig.FLUSH_MESSAGES_INTERVAL_CONFIG,
                Type.LONG,
                Long.MAX_VALUE,
                Range.atLeast(1),
                "log.flush.interval.messages",
                TopicConfig.FLUSH_MESSAGES_INTERVAL_DOC),
            applies(
                TopicConfig.FLUSH_MS_CONFIG,
                Type.LONG,
                Long.MAX_VALUE,
                Range.atLeast(0),
                "log.flush.interval.ms",
                TopicConfig.FLUSH_MS_DOC),
            applies(
                TopicConfig.RETENTION_BYTES_CONFIG,
                Type.LONG,
                -1L,
                null,
                "log.retention.bytes",
                TopicConfig.RETENTION_BYTES_DOC),
            applies(
                TopicConfig.RETENTION_MS_CONFIG,
                Type.LONG,
                604_800_000L,
                Range.atLeast(-1),
                "log.retention.ms",
                TopicConfig.RETENTION_MS_DOC),
            applies(
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                Type.INT,
                1_048_588L,
                Range.atLeast(0),
                "message.max.bytes",
                TopicConfig.MAX_MESSAGE_BYTES_DOC),
            stored(
                TopicConfig.MAX_DECOMPRESSED_MESSAGE_BYTES_CONFIG,
                Type.INT,
                Integer.toString(Integer.MAX_VALUE),
                Range.atLeast(0),
                null,
                TopicConfig.MAX_DECOMPRESSED_MESSAGE_BYTES_DOC),
            applies(
                TopicConfig.INDEX_INTERVAL_BYTES_CONFIG,
                Type.INT,
                4096L,
                Range.atLeast(0),
                "log.index.interval.bytes",
                TopicConfig.INDEX_INTERVAL_BYTES_DOC),
            applies(
                TopicConfig.DELETE_RETENTION_MS_CONFIG,
                Type.LONG,
                86_400_000L,
                Range.atLeast(0),
                "log.cleaner.delete.retention.ms",
                TopicConfig.DELETE_RETENTION_MS_DOC),
            applies(
                TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG,
                Type.LONG,
                0L,
                Range.atLeast(0),
                "log.cleaner.min.compaction.lag.ms",
                TopicConfig.MIN_COMPACTION_LAG_MS_DOC),
            applies(
                TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG,
                Type.LONG,
                Long.MAX_VALUE,
                Range.atLeast(1),
                "log.cleaner.max.compaction.lag.ms",
                TopicConfig.MAX_COMPACTION_LAG_MS_DOC),
            applies(
                TopicConfig.FILE_DELETE_DELAY_MS_CONFIG,
                Type.LONG,
                60_000L,
                Range.atLeast(0),
                "log.segment.delete.delay.ms",
                TopicConfig.FILE_DELETE_DELAY_MS_DOC),
            new TopicConfigDef(
                TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG,
                Type.DOUBLE,
                "0.5",
                Range.between(0, 1),
                "log.cleaner.min.cleanable.ratio",
                true,
                TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_DOC),
            new TopicConfigDef(
                TopicConfig.CLEANUP_POLICY_CONFIG,
                Type.LIST,
                "delete",
                ValidList.in(true, "compact", "delete"),
                "log.cleanup.policy",
                true,
                TopicConfig.CLEANUP_POLICY_DOC),
            new TopicConfigDef(
                TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG,
                Type.BOOLEAN,
                "false",
                null,
                "unclean.leader.election.enable",
                true,
                TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_DOC),
            applies(
                TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG,
                Type.INT,
                1L,
                Range.atLeast(1),
                "min.insync.replicas",
                TopicConfig.MIN_IN_SYNC_REPLICAS_DOC),
            new TopicConfigDef(
                TopicConfig.COMPRESSION_TYPE_CONFIG,
                Type.STRING,
                "producer",
                ValidString.in(COMPRESSION_TYPES.toArray(new String[0])),
                "compression.type",
                true,
                TopicConfig.COMPRESSION_TYPE_DOC),
            applies(
                TopicConfig.COMPRESSION_GZIP_LEVEL_CONFIG,
                Type.INT,
                -1L,
                TopicConfigDef::gzipLevel,
                "compression.gzip.level",
                TopicConfig.COMPRESSION_GZIP_LEVEL_DOC),
            applies(
                TopicConfig.COMPRESSION_LZ4_LEVEL_CONFIG,
                Type.INT,
                9L,
                Range.between(1, 17),
                "compression.lz4.level",
                TopicConfig.COMPRESSION_LZ4_LEVEL_DOC),
            applies(
                TopicConfig.COMPRESSION_ZSTD_LEVEL_CONFIG,
                Type.INT,
                3L,
                Range.between(-131072, 22),
                "compression.zstd.level",
                TopicConfig.COMPRESSION_ZSTD_LEVEL_DOC),
            stored(
                TopicConfig.PREALLOCATE_CONFIG,
                Type.BOOLEAN,
                "false",
                null,
                "log.preallocate",
                TopicConfig.PREALLOCATE_DOC),
            new TopicConfigDef(
                TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG,
                Type.STRING,
                "CreateTime",
                ValidString.in("CreateTime", "LogAppendTime"),
                "log.message.timestamp.type",
                true,
                TopicConfig.MESSAGE_TIMESTAMP_TYPE_DOC),
            applies(
                TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_CONFIG,
                Type.LONG,
                Long.MAX_VALUE,
                Range.atLeast(0),
                "log.message.timestamp.before.max.ms",
                TopicConfig.MESSAGE_TIMESTAMP_BEFORE_MAX_MS_DOC),
            applies(
                TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_CONFIG,
                Type.LONG,
                3_600_000L,
                Range.atLeast(0),
                "log.message.timestamp.after.max.ms",
                TopicConfig.MESSAGE_TIMESTAMP_AFTER_MAX_MS_DOC),
            new TopicConfigDef(
                TopicConfigs.LEADER_THROTTLED_REPLICAS,
                Type.LIST,
                "",
                TopicConfigDef::throttledReplicas,
                null,
                true,
                "Replicas whose leaders throttle what they serve to out-of-sync followers to the"
                    + " node's leader.replication.throttled.rate."
                    + THROTTLED_DOC),
            new TopicConfigDef(
                TopicConfigs.FOLLOWER_THROTTLED_REPLICAS,
                Type.LIST,
                "",
                TopicConfigDef::throttledReplicas,
                null,
                true,
                "Replicas that, while out of sync, fetch at most the node's"
                    + " follower.replication.throttled.rate."
                    + THROTTLED_DOC),
            // deprecated in Kafka 4.x and a no-op there (no down-conversion), still accepted
            stored(
                "message.downconversion.enable",
                Type.BOOLEAN,
                "true",
                null,
                "log.message.downconversion.enable",
                "Down-conversion is not possible in Apache Kafka 4.0 and newer, hence this"
                    + " configuration is no-op and it is deprecated for removal in Apache Kafka"
                    + " 5.0."),
            // Meridian has no tiered storage: refused as by a Kafka broker without it
            stored(
                TopicConfig.REMOTE_LOG_STORAGE_ENABLE_CONFIG,
                Type.BOOLEAN,
                "false",
                TopicConfigDef::noTieredStorage,
                null,
                TopicConfig.REMOTE_LOG_STORAGE_ENABLE_DOC),
            stored(
                TopicConfig.LOCAL_LOG_RETENTION_MS_CONFIG,
                Type.LONG,
                "-2",
                Range.atLeast(-2),
                "log.local.retention.ms",
                TopicConfig.LOCAL_LOG_RETENTION_MS_DOC),
            stored(
                TopicConfig.LOCAL_LOG_RETENTION_BYTES_CONFIG,
                Type.LONG,
                "-2",
                Range.atLeast(-2),
                "log.local.retention.bytes",
                TopicConfig.LOCAL_LOG_RETENTION_BYTES_DOC),
            stored(
                TopicConfig.REMOTE_LOG_COPY_DISABLE_CONFIG,
                Type.BOOLEAN,
                "false",
                null,
                null,
                TopicConfig.REMOTE_LOG_COPY_DISABLE_DOC),
            stored(
                TopicConfig.REMOTE_COPY_LAG_MS_CONFIG,
                Type.LONG,
                "0",
                Range.atLeast(-1),
                null,
                TopicConfig.REMOTE_COPY_LAG_MS_DOC),
            stored(
                TopicConfig.REMOTE_COPY_LAG_BYTES_CONFIG,
                Type.LONG,
                "0",
                Range.atLeast(-1),
                null,
                TopicConfig.REMOTE_COPY_LAG_BYTES_DOC),
            stored(
                TopicConfig.REMOTE_LOG_DELETE_ON_DISABLE_CONFIG,
                Type.BOOLEAN,
                "false",
                null,
                null,
                TopicConfig.REMOTE_LOG_DELETE_ON_DISABLE_DOC),
            stored(
                TopicConfig.ERRORS_DEADLETTERQUEUE_GROUP_ENABLE_CONFIG,
                Type.BOOLEAN,
                "false",
                null,
                null,
                TopicConfig.ERRORS_DEADLETTERQUEUE_GROUP_ENABLE_DOC));
    Map<String, TopicConfigDef> m = new LinkedHashMap<>();
    for (TopicConfigDef d : defs) {
      if (m.put(d.name(), d) != null) {
        throw new IllegalStateException("duplicate topic config " + d.name());
      }
    }
    return java.util.Collections.unmodifiableMap(m);
  }

  private static TopicConfigDef applies(
      String name, Type type, long dflt, Validator v, String broker, String doc) {
    return new TopicConfigDef(name, type, Long.toString(dflt), v, broker, true, doc);
  }

  private static TopicConfigDef stored(
      String name, Type type, String dflt, Validator v, String broker, String doc) {
    return new TopicConfigDef(name, type, dflt, v, broker, false, doc);
  }

  /** The definition of {@code key}, or empty when Kafka has no such topic config. */
  public static Optional<TopicConfigDef> of(String key) {
    return Optional.ofNullable(ALL.get(key));
  }

  /** Whether APPEND and SUBTRACT apply (a comma-separated list). */
  public boolean isList() {
    return type == Type.LIST;
  }

  /**
   * Checks a value as Kafka does: parses it as {@link #type} (numbers, {@code true}/{@code false},
   * comma-separated lists), then applies the validator.
   *
   * @return null when valid, else the reason (Kafka's wording)
   */
  public String problem(String value) {
    try {
      Object parsed = ConfigDef.parseType(name, value, type);
      if (validator != null) {
        validator.ensureValid(name, parsed);
      }
      return null;
    } catch (ConfigException e) {
      return e.getMessage();
    }
  }

  private static void gzipLevel(String name, Object value) {
    int level = (Integer) value;
    if (level != -1 && (level < 1 || level > 9)) {
      throw new ConfigException(name, value, "Value must be between 1 and 9 or equal to -1");
    }
  }

  private static void noTieredStorage(String name, Object value) {
    if (Boolean.TRUE.equals(value)) {
      throw new ConfigException(
          "Tiered Storage functionality is disabled in the broker. Topic cannot be configured"
              + " with remote log storage.");
    }
  }

  @SuppressWarnings("unchecked")
  private static void throttledReplicas(String name, Object value) {
    String joined = String.join(",", (List<String>) value);
    String problem = ThrottledReplicas.problem(name, joined);
    if (problem != null) {
      throw new ConfigException(name, joined, problem);
    }
  }
}
