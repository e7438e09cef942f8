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
 */
public record GroupConfig(
    int initialRebalanceDelayMs,
    int minSessionTimeoutMs,
    int maxSessionTimeoutMs,
    int newMemberJoinTimeoutMs,
    long offsetsRetentionMs,
    long offsetsRetentionCheckMs,
    int maxMetadataBytes) {

  /** Kafka's defaults. */
  public static final GroupConfig DEFAULTS =
      new GroupConfig(3000, 6000, 1_800_000, 300_000, 7L * 24 * 60 * 60 * 1000, 600_000, 4096);

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
  }

  public GroupConfig withInitialRebalanceDelayMs(int ms) {
    return new GroupConfig(
        ms,
        minSessionTimeoutMs,
        maxSessionTimeoutMs,
        newMemberJoinTimeoutMs,
        offsetsRetentionMs,
        offsetsRetentionCheckMs,
        maxMetadataBytes);
  }

  public GroupConfig withOffsetsRetention(long retentionMs, long checkMs) {
    return new GroupConfig(
        initialRebalanceDelayMs,
        minSessionTimeoutMs,
        maxSessionTimeoutMs,
        newMemberJoinTimeoutMs,
        retentionMs,
        checkMs,
        maxMetadataBytes);
  }
}
