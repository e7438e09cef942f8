package dev.meridian.node.metadata;

import java.util.List;

/**
 * The replication state of one partition in the metadata image.
 *
 * <p>{@code leaderEpoch} grows by one every time the leader changes (also to and from {@link
 * #NO_LEADER}); {@code partitionEpoch} grows by one on every change of this state (leader, ISR or
 * replicas), so a change request can be fenced by the epoch it was based on. Both only grow.
 *
 * <p>While a reassignment (KIP-455) runs, {@code replicas} holds the target replicas followed by
 * the ones being removed; {@code adding} are target replicas that are copying the log, {@code
 * removing} the replicas that leave once every adding replica is in sync.
 *
 * @param replicas the nodes that hold a replica, in preference order (the first is the preferred
 *     leader)
 * @param isr the in-sync replicas, a subset of {@code replicas}
 * @param leader the leader's node id, or {@link #NO_LEADER}
 * @param leaderEpoch the leader epoch
 * @param partitionEpoch the partition epoch
 * @param adding replicas a running reassignment adds (empty when none runs)
 * @param removing replicas a running reassignment removes
 */
public record PartitionState(
    List<Integer> replicas,
    List<Integer> isr,
    int leader,
    int leaderEpoch,
    int partitionEpoch,
    List<Integer> adding,
    List<Integer> removing) {

  /** The leader id of a partition without a leader (offline). */
  public static final int NO_LEADER = -1;

  /** Copies the lists. */
  public PartitionState {
    replicas = List.copyOf(replicas);
    isr = List.copyOf(isr);
    adding = List.copyOf(adding);
    removing = List.copyOf(removing);
  }

  /** A partition no reassignment is running for. */
  public PartitionState(
      List<Integer> replicas, List<Integer> isr, int leader, int leaderEpoch, int partitionEpoch) {
    this(replicas, isr, leader, leaderEpoch, partitionEpoch, List.of(), List.of());
  }

  /** Whether a reassignment is running. */
  public boolean reassigning() {
    return !adding.isEmpty() || !removing.isEmpty();
  }

  /** The replicas a running reassignment ends with (all replicas when none runs). */
  public List<Integer> targetReplicas() {
    return replicas.stream().filter(r -> !removing.contains(r)).toList();
  }

  /** The replicas before a running reassignment (all replicas when none runs). */
  public List<Integer> originalReplicas() {
    return replicas.stream().filter(r -> !adding.contains(r)).toList();
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
    return new PartitionState(
        replicas, newIsr, newLeader, epoch, partitionEpoch + 1, adding, removing);
  }

  /**
   * The state with new replicas and reassignment lists, the ISR limited to the new replicas and the
   * given leader; epochs grow as {@link #withLeaderAndIsr} grows them.
   */
  public PartitionState withReplicas(
      List<Integer> newReplicas,
      List<Integer> newAdding,
      List<Integer> newRemoving,
      int newLeader,
      List<Integer> newIsr) {
    int epoch = newLeader == leader ? leaderEpoch : leaderEpoch + 1;
    return new PartitionState(
        newReplicas, newIsr, newLeader, epoch, partitionEpoch + 1, newAdding, newRemoving);
  }
}
