package dev.meridian.node.group;

/**
 * The states of a classic consumer group, with the names Kafka's DescribeGroups and ListGroups
 * return.
 *
 * <pre>
 *            join                all joined / timeout          leader's SyncGroup
 *  Empty ──────────▶ PreparingRebalance ──────────▶ CompletingRebalance ──────────▶ Stable
 *    ▲                  ▲        │ no member left            │  join, leave,          │
 *    └──────────────────┼────────┘                           │  expiry                │
 *                       └────────────────────────────────────┴────────────────────────┘
 *  Empty ──(deleted, or its offsets expired)──▶ Dead
 * </pre>
 */
public enum GroupState {
  /** No members; may hold committed offsets (also groups that only commit, without members). */
  EMPTY("Empty"),
  /** Waiting for the members to (re)join. */
  PREPARING_REBALANCE("PreparingRebalance"),
  /** Joined; waiting for the leader's assignment (SyncGroup). */
  COMPLETING_REBALANCE("CompletingRebalance"),
  /** Every member has its assignment for the current generation. */
  STABLE("Stable"),
  /** Deleted; about to disappear from the coordinator. */
  DEAD("Dead");

  private final String kafkaName;

  GroupState(String kafkaName) {
    this.kafkaName = kafkaName;
  }

  /** The state name Kafka uses on the wire ("Stable", "PreparingRebalance", ...). */
  public String kafkaName() {
    return kafkaName;
  }

  /** The state with Kafka name {@code name} (case-insensitive), or null. */
  public static GroupState fromKafkaName(String name) {
    for (GroupState s : values()) {
      if (s.kafkaName.equalsIgnoreCase(name)) {
        return s;
      }
    }
    return null;
  }
}
