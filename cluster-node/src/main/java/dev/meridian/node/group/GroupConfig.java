package dev.meridian.node.group;

/**
 * Settings of the group coordinator, with Kafka's names and defaults.
 *
 * @param initialRebalanceDelayMs group.initial.rebalance.delay.ms (3000): how long the first
 *     rebalance of an empty group waits for more members, extended by each new member up to the
 *     rebalance timeout
 * @param minSessionTimeoutMs group.min.session.timeout.ms (6000): smallest session timeout a member
 *     may ask for
 * @param maxSessionTimeoutMs group.max.session.timeout.ms (1800000): largest session timeout
 * @param newMemberJoinTimeoutMs group.new.member.join.timeout.ms (300000): how long a new member's
 *     parked JoinGroup keeps it in the group
 * @param offsetsRetentionMs offsets.retention.minutes (7 days) in ms: how long the offsets of a
 *     group without members are kept after it became empty (for a group that never had members:
 *     after each offset's commit)
 * @param offsetsRetentionCheckMs offsets.retention.check.interval.ms (600000): how often expired
 *     offsets are looked for
 * @param maxMetadataBytes offset.metadata.max.bytes (4096): longest commit metadata string
 * @param consumerSessionTimeoutMs group.consumer.session.timeout.ms (45000): how long a member of a
 *     consumer-protocol group (KIP-848) may go without a heartbeat before it is removed
 * @param consumerHeartbeatIntervalMs group.consumer.heartbeat.interval.ms (5000): how often such
 *     members heartbeat
 */
public record GroupConfig(
    int initialRebalanceDelayMs,
    int minSessionTimeoutMs,
    int maxSessionTimeoutMs,
    int newMemberJoinTimeoutMs,
    long offsetsRetentionMs,
    long offsetsRetentionCheckMs,
    int maxMetadataBytes,
    int consumerSessionTimeoutMs,
    int consumerHeartbeatIntervalMs) {

  /** Kafka's defaults. */
  public static final GroupConfig DEFAULTS =
      new GroupConfig(
          3000, 6000, 1_800_000, 300_000, 7L * 24 * 60 * 60 * 1000, 600_000, 4096, 45_000, 5_000);

  public GroupConfig {
    if (initialRebalanceDelayMs < 0) {
      throw new IllegalArgumentException(
          "group.initial.rebalance.delay.ms must be >= 0, was " + initialRebalanceDelayMs);
    }
    if (minSessionTimeoutMs <= 0 || maxSessionTimeoutMs < minSessionTimeoutMs) {
      throw new IllegalArgumentException(
          "session timeouts must satisfy 0 < min <= max, were "
              + minSessionTimeoutMs
              + " and "
              + maxSessionTimeoutMs);
    }
    if (offsetsRetentionMs <= 0 || offsetsRetentionCheckMs <= 0) {
      throw new IllegalArgumentException("offsets retention and its check interval must be > 0");
    }
    if (consumerHeartbeatIntervalMs <= 0
        || consumerSessionTimeoutMs <= consumerHeartbeatIntervalMs) {
      throw new IllegalArgumentException(
          "consumer group timers must satisfy 0 < heartbeat interval < session timeout, were "
              + consumerHeartbeatIntervalMs
              + " and "
              + consumerSessionTimeoutMs);
    }
  }

  public GroupConfig withInitialRebalanceDelayMs(int ms) {
    return new GroupConfig(
        ms,
        minSessionTimeoutMs,
        maxSessionTimeoutMs,
        newMemberJoinTimeoutMs,
        offsetsRetentionMs,
        offsetsRetentionCheckMs,
        maxMetadataBytes,
        consumerSessionTimeoutMs,
        consumerHeartbeatIntervalMs);
  }

  public GroupConfig withOffsetsRetention(long retentionMs, long checkMs) {
    return new GroupConfig(
        initialRebalanceDelayMs,
        minSessionTimeoutMs,
        maxSessionTimeoutMs,
        newMemberJoinTimeoutMs,
        retentionMs,
        checkMs,
        maxMetadataBytes,
        consumerSessionTimeoutMs,
        consumerHeartbeatIntervalMs);
  }

  /** With the consumer-protocol group timers (KIP-848) set. */
  public GroupConfig withConsumerTimers(int sessionTimeoutMs, int heartbeatIntervalMs) {
    return new GroupConfig(
        initialRebalanceDelayMs,
        minSessionTimeoutMs,
        maxSessionTimeoutMs,
        newMemberJoinTimeoutMs,
        offsetsRetentionMs,
        offsetsRetentionCheckMs,
        maxMetadataBytes,
        sessionTimeoutMs,
        heartbeatIntervalMs);
  }
}
