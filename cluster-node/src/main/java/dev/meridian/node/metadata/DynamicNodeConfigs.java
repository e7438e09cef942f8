package dev.meridian.node.metadata;

import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The per-node configs that may change at run time through IncrementalAlterConfigs on a BROKER
 * resource, as Kafka's dynamic broker configs (everything else comes from the region config file).
 * They live in the metadata image, so they survive restarts and every node sees them:
 *
 * <ul>
 *   <li>{@code leader.replication.throttled.rate}: bytes a second this node, as a leader, serves to
 *       out-of-sync followers of the replicas listed in their topic's {@code
 *       leader.replication.throttled.replicas};
 *   <li>{@code follower.replication.throttled.rate}: bytes a second this node, as an out-of-sync
 *       follower, fetches for the replicas listed in {@code
 *       follower.replication.throttled.replicas} and those a reassignment adds to it (then it
 *       replaces the region's {@code broker.reassignmentThrottleBytesPerSecond});
 *   <li>{@code replica.alter.log.dirs.io.max.bytes.per.second}: may only be deleted (a node has one
 *       log directory, so there are no moves between directories to throttle);
 *       kafka-reassign-partitions deletes it when it clears throttles.
 * </ul>
 *
 * Pure functions.
 */
public final class DynamicNodeConfigs {
  public static final String LEADER_RATE = "leader.replication.throttled.rate";
  public static final String FOLLOWER_RATE = "follower.replication.throttled.rate";
  public static final String LOG_DIRS_RATE = "replica.alter.log.dirs.io.max.bytes.per.second";

  /** The keys a node accepts. */
  public static final Set<String> KEYS = Set.of(LEADER_RATE, FOLLOWER_RATE, LOG_DIRS_RATE);

  private DynamicNodeConfigs() {}

  /**
   * Why {@code value} cannot be set for {@code key}, or null when it can ({@code null} value: a
   * deletion, always allowed for a known key).
   */
  public static String problem(String key, String value) {
    if (!KEYS.contains(key)) {
      return "'"
          + key
          + "' is not a dynamic broker config (those are "
          + new java.util.TreeSet<>(KEYS)
          + "); the others come from the region config file";
    }
    if (value == null) {
      return null;
    }
    if (key.equals(LOG_DIRS_RATE)) {
      return key + " cannot be set: a node has one log directory, nothing moves between them";
    }
    try {
      long v = Long.parseLong(value.trim());
      return v < 0 ? key + " must be at least 0, was " + v : null;
    } catch (NumberFormatException e) {
      return key + ": '" + value + "' is not a number";
    }
  }

  /** A rate set in {@code configs} (validated), or empty when it is not set. */
  public static OptionalLong rate(Map<String, String> configs, String key) {
    String v = configs.get(key);
    return v == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(v.trim()));
  }
}
