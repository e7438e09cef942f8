package dev.meridian.node.group;

import dev.meridian.node.group.GroupQuery.TopicPartitionRef;
import java.util.List;
import java.util.Map;

/**
 * A record of the internal offsets topic: a committed offset, a classic group's metadata or a
 * consumer-protocol group's state, keyed so that compaction keeps the newest of each. A null value
 * is a tombstone. Encoded by {@link GroupRecordCodec}.
 */
public sealed interface GroupRecord {
  String groupId();

  /** Whether this record deletes its key. */
  boolean isTombstone();

  /** The committed offset of one partition for a group; a null {@code value} deletes it. */
  record OffsetCommit(String groupId, TopicPartitionRef partition, CommittedOffset value)
      implements GroupRecord {
    @Override
    public boolean isTombstone() {
      return value == null;
    }
  }

  /** A group's membership at a generation; a null {@code value} deletes the group. */
  record GroupMetadata(String groupId, GroupMetadataValue value) implements GroupRecord {
    @Override
    public boolean isTombstone() {
      return value == null;
    }
  }

  /**
   * A group's metadata.
   *
   * @param protocolType the protocol type ("consumer" for consumers), or null for a group that only
   *     stores offsets
   * @param generation the generation id
   * @param protocol the selected protocol (assignor name), or null when empty
   * @param leader the leader's member id, or null
   * @param stateTimestampMs when the group entered its current state (for offset expiry)
   * @param members the members with their subscription (metadata of the selected protocol) and
   *     assignment
   */
  record GroupMetadataValue(
      String protocolType,
      int generation,
      String protocol,
      String leader,
      long stateTimestampMs,
      List<MemberValue> members) {
    public GroupMetadataValue {
      members = List.copyOf(members);
    }
  }

  /** A member as stored with its group. */
  record MemberValue(
      String memberId,
      String groupInstanceId,
      String clientId,
      String clientHost,
      int rebalanceTimeoutMs,
      int sessionTimeoutMs,
      byte[] subscription,
      byte[] assignment) {}

  /** A consumer-protocol group (KIP-848) as a whole; a null {@code value} deletes it. */
  record ConsumerGroupState(String groupId, ConsumerGroupValue value) implements GroupRecord {
    @Override
    public boolean isTombstone() {
      return value == null;
    }
  }

  /**
   * A consumer-protocol group's state.
   *
   * @param groupEpoch the group epoch
   * @param assignmentEpoch the epoch of the target assignment
   * @param subscribedPartitions the subscribed topics' partition counts the target was computed on
   * @param members the members with their reconciliation state and target partitions
   */
  record ConsumerGroupValue(
      int groupEpoch,
      int assignmentEpoch,
      Map<String, Integer> subscribedPartitions,
      List<ConsumerMemberValue> members) {
    public ConsumerGroupValue {
      subscribedPartitions = Map.copyOf(subscribedPartitions);
      members = List.copyOf(members);
    }
  }

  /** A consumer-protocol member as stored with its group ({@code state}: a member state name). */
  record ConsumerMemberValue(
      String memberId,
      String instanceId,
      String rackId,
      String clientId,
      String clientHost,
      List<String> topicNames,
      String topicRegex,
      String assignor,
      int rebalanceTimeoutMs,
      int memberEpoch,
      int previousMemberEpoch,
      String state,
      List<TopicPartitionRef> assigned,
      List<TopicPartitionRef> pendingRevocation,
      List<TopicPartitionRef> target) {}
}
