package dev.meridian.config;

import java.util.List;

/**
 * Settings applied to every topic that does not override them, with the same meaning and defaults
 * as Apache Kafka's topic configs. The YAML section {@code topicDefaults} and each of its keys are
 * optional; a missing key takes the default listed here ({@link #DEFAULTS}).
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>YAML key</th><th>Kafka config</th><th>default</th><th>allowed</th></tr>
 *   <tr><td>{@code partitions}</td><td>{@code num.partitions}</td><td>1</td><td>{@code >= 1}</td></tr>
 *   <tr><td>{@code replicationFactor}</td><td>{@code default.replication.factor}</td>
 *       <td>-1: min(3, node count of the region)</td>
 *       <td>-1, or {@code 1..} the node count of the smallest region</td></tr>
 *   <tr><td>{@code retentionMs}</td><td>{@code retention.ms}</td><td>604800000 (7 days)</td>
 *       <td>{@code >= -1}, -1 = unlimited</td></tr>
 *   <tr><td>{@code retentionBytes}</td><td>{@code retention.bytes}</td><td>-1 (unlimited)</td>
 *       <td>{@code >= -1}</td></tr>
 *   <tr><td>{@code segmentBytes}</td><td>{@code segment.bytes}</td><td>1073741824 (1 GiB)</td>
 *       <td>{@code >= 1}</td></tr>
 *   <tr><td>{@code segmentMs}</td><td>{@code segment.ms}</td><td>604800000 (7 days)</td>
 *       <td>{@code >= 1}</td></tr>
 *   <tr><td>{@code cleanupPolicy}</td><td>{@code cleanup.policy}</td><td>{@code delete}</td>
 *       <td>{@code delete}, {@code compact}, {@code compact,delete}</td></tr>
 *   <tr><td>{@code maxMessageBytes}</td><td>{@code max.message.bytes}</td><td>1048588</td>
 *       <td>{@code >= 1}</td></tr>
 *   <tr><td>{@code minInsyncReplicas}</td><td>{@code min.insync.replicas}</td><td>1</td>
 *       <td>{@code 1..} the effective replication factor in the smallest region</td></tr>
 *   <tr><td>{@code autoCreateTopics}</td><td>{@code auto.create.topics.enable}</td><td>true</td>
 *       <td>{@code true}, {@code false}</td></tr>
 *   <tr><td>{@code flushMessages}</td><td>{@code flush.messages}</td>
 *       <td>9223372036854775807 (never)</td><td>{@code >= 1}</td></tr>
 *   <tr><td>{@code flushMs}</td><td>{@code flush.ms}</td><td>9223372036854775807 (never)</td>
 *       <td>{@code >= 0}</td></tr>
 *   <tr><td>{@code deleteRetentionMs}</td><td>{@code delete.retention.ms}</td>
 *       <td>86400000 (1 day)</td><td>{@code >= 0}</td></tr>
 * </table>
 *
 * <p>Unlike Kafka, whose {@code default.replication.factor} is 1, the default replication factor
 * depends on the region: {@code -1} stands for {@code min(3, node count of the region)} (see {@link
 * #effectiveReplicationFactor(int)}), so one node gets 1 replica and three or more get 3.
 *
 * <p>Like the other records, this one does not validate on construction; see {@link
 * MeridianConfig#validate()}.
 *
 * @param partitions partitions of an auto-created or default-created topic ({@code partitions})
 * @param replicationFactor replicas of each partition, {@code -1} for {@code min(3, node count of
 *     the region)} ({@code replicationFactor})
 * @param retentionMs how long a closed segment is kept before deletion, -1 for ever ({@code
 *     retentionMs})
 * @param retentionBytes the size a partition log may reach before its oldest segments are deleted,
 *     -1 for unlimited ({@code retentionBytes})
 * @param segmentBytes the size at which the active segment is rolled ({@code segmentBytes})
 * @param segmentMs the age at which the active segment is rolled even if not full ({@code
 *     segmentMs})
 * @param cleanupPolicy {@code delete} (retention deletes old segments), {@code compact} (keep the
 *     latest value per key) or {@code compact,delete} (both) ({@code cleanupPolicy})
 * @param maxMessageBytes the largest record batch a producer may send, after compression ({@code
 *     maxMessageBytes})
 * @param minInsyncReplicas replicas that must have a record before an {@code acks=all} produce
 *     succeeds ({@code minInsyncReplicas})
 * @param autoCreateTopics whether a Metadata or Produce request for an unknown topic creates it
 *     with these defaults ({@code autoCreateTopics})
 * @param flushMessages records appended between forced fsyncs; the default leaves flushing to the
 *     operating system and relies on replication for durability ({@code flushMessages})
 * @param flushMs milliseconds between forced fsyncs; default never ({@code flushMs})
 * @param deleteRetentionMs how long tombstones are kept by compaction so that consumers see them
 *     ({@code deleteRetentionMs})
 */
public record TopicDefaults(
    int partitions,
    short replicationFactor,
    long retentionMs,
    long retentionBytes,
    long segmentBytes,
    long segmentMs,
    String cleanupPolicy,
    int maxMessageBytes,
    int minInsyncReplicas,
    boolean autoCreateTopics,
    long flushMessages,
    long flushMs,
    long deleteRetentionMs) {

  /** {@code cleanupPolicy} value: delete old segments by time and size. */
  public static final String CLEANUP_DELETE = "delete";

  /** {@code cleanupPolicy} value: keep the latest record per key. */
  public static final String CLEANUP_COMPACT = "compact";

  /** {@code cleanupPolicy} value: compact and also delete by time and size. */
  public static final String CLEANUP_COMPACT_DELETE = "compact,delete";

  /** The allowed {@code cleanupPolicy} values. */
  public static final List<String> CLEANUP_POLICIES =
      List.of(CLEANUP_DELETE, CLEANUP_COMPACT, CLEANUP_COMPACT_DELETE);

  /** The replication factor value that stands for {@code min(3, node count of the region)}. */
  public static final short REGION_REPLICATION_FACTOR = -1;

  /** The largest replication factor that {@link #REGION_REPLICATION_FACTOR} stands for. */
  public static final int MAX_DERIVED_REPLICATION_FACTOR = 3;

  /**
   * Kafka's defaults, except for the region-dependent replication factor: the values used for every
   * key missing from the YAML.
   */
  public static final TopicDefaults DEFAULTS =
      new TopicDefaults(
          1,
          REGION_REPLICATION_FACTOR,
          604_800_000L,
          -1L,
          1_073_741_824L,
          604_800_000L,
          CLEANUP_DELETE,
          1_048_588,
          1,
          true,
          Long.MAX_VALUE,
          Long.MAX_VALUE,
          86_400_000L);

  /**
   * The replication factor of a new topic in a region: {@link #replicationFactor()} if it is
   * positive, else ({@code -1}) {@code min(3, regionNodes)}.
   *
   * @param regionNodes the number of nodes configured in the region
   * @return the replication factor to use
   */
  public short effectiveReplicationFactor(int regionNodes) {
    return effective(replicationFactor, regionNodes);
  }

  /** {@code replicationFactor} if positive, else {@code min(3, regionNodes)}. */
  static short effective(short replicationFactor, int regionNodes) {
    return replicationFactor > 0
        ? replicationFactor
        : (short) Math.min(MAX_DERIVED_REPLICATION_FACTOR, regionNodes);
  }
}
