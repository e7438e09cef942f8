package dev.meridian.node.group;

import dev.meridian.node.group.GroupQuery.TopicPartitionRef;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A member of a consumer-protocol group (KIP-848): who it is, what it subscribes to, and where its
 * reconciliation stands — its member epoch, the partitions it owns now ({@code assigned}) and those
 * it must give up first ({@code pendingRevocation}). Not thread-safe: the coordinator's lock guards
 * it.
 */
final class ConsumerMember {
  /** Where a member's reconciliation with the group's target assignment stands. */
  enum State {
    /** It holds its whole target at the target's epoch. */
    STABLE,
    /** It must revoke {@code pendingRevocation} before it gets anything new. */
    UNREVOKED_PARTITIONS,
    /** It is at the target's epoch, waiting for partitions others still have to release. */
    UNRELEASED_PARTITIONS
  }

  /** The epoch a static member leaves with when it means to come back (KIP-848). */
  static final int STATIC_LEAVE_EPOCH = -2;

  /** The epoch a member leaves with for good. */
  static final int LEAVE_EPOCH = -1;

  final String memberId;
  String instanceId;
  String rackId;
  String clientId;
  String clientHost;
  List<String> subscribedTopicNames = List.of();
  String subscribedTopicRegex;
  String serverAssignor;
  int rebalanceTimeoutMs;

  int memberEpoch;
  int previousMemberEpoch;
  State state = State.STABLE;
  Set<TopicPartitionRef> assigned = new HashSet<>();
  Set<TopicPartitionRef> pendingRevocation = new HashSet<>();

  /**
   * The member epoch at which it got each partition it holds (KIP-1251's assignment epochs): a
   * commit from an older member epoch is still good for a partition it has held since then.
   */
  Map<TopicPartitionRef, Integer> heldSince = new HashMap<>();

  long sessionDeadlineMs;
  long revocationDeadlineMs = Long.MAX_VALUE;

  ConsumerMember(String memberId) {
    this.memberId = memberId;
  }

  /** A new member with {@code memberId} in this one's place (a static member's new process). */
  ConsumerMember replacedBy(String newMemberId) {
    ConsumerMember m = new ConsumerMember(newMemberId);
    m.instanceId = instanceId;
    m.rackId = rackId;
    m.clientId = clientId;
    m.clientHost = clientHost;
    m.subscribedTopicNames = subscribedTopicNames;
    m.subscribedTopicRegex = subscribedTopicRegex;
    m.serverAssignor = serverAssignor;
    m.rebalanceTimeoutMs = rebalanceTimeoutMs;
    // it reconciles from epoch 0 but keeps what the old process held: nobody else got it meanwhile
    m.assigned = new HashSet<>(assigned);
    m.heldSince = new HashMap<>();
    assigned.forEach(tp -> m.heldSince.put(tp, 0));
    return m;
  }

  /** Whether it subscribes to what {@code other} subscribes to, with the same assignor. */
  boolean sameSubscription(List<String> names, String regex, String assignor) {
    return subscribedTopicNames.equals(names)
        && Objects.equals(subscribedTopicRegex, regex)
        && Objects.equals(serverAssignor, assignor);
  }

  /** Whether it owns {@code tp} now or still has to revoke it. */
  boolean holds(TopicPartitionRef tp) {
    return assigned.contains(tp) || pendingRevocation.contains(tp);
  }
}
