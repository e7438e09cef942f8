package dev.meridian.node.metadata;

import java.util.List;

/**
 * The replication state of one partition in the metadata image.
 *
 * <p>{@code leaderEpoch} grows by one every time the leader changes (also to and from {@link
 * #NO_LEADER}); {@code partitionEpoch} grows by one on every change of this state (leader, ISR or
 * replicas), so a change request can be fenced by the epoch it was based on. Both only grow.
 *
 * @param replicas the nodes that hold a replica, in preference order (the first is the preferred
 *     leader)
 * @param isr the in-sync replicas, a subset of {@code replicas}
 * @param leader the leader's node id, or {@link #NO_LEADER}
 * @param leaderEpoch the leader epoch
 * @param partitionEpoch the partition epoch
 */
public record PartitionState(
    List<Integer> replicas, List<Integer> isr, int leader, int leaderEpoch, int partitionEpoch) {

  /** The leader id of a partition without a leader (offline). */
  public static final int NO_LEADER = -1;

  /** Copies the lists. */
  public PartitionState {
    replicas = List.copyOf(replicas);
    isr = List.copyOf(isr);
  }

  /** Whether the partition has a leader. */
  public boolean hasLeader() {
    return leader != NO_LEADER;
  }

  /**
   * The state with a new leader and ISR: the leader epoch grows when the leader changes, the
   * partition epoch always.
   */
  public PartitionState withLeaderAndIsr(int newLeader, List<Integer> newIsr) {
    int epoch = newLeader == leader ? leaderEpoch : leaderEpoch + 1;
    return new PartitionState(replicas, newIsr, newLeader, epoch, partitionEpoch + 1);
  }
}
