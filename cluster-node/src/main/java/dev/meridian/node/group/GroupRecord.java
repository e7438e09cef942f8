package dev.meridian.node.group;

import dev.meridian.node.group.GroupQuery.TopicPartitionRef;
import java.util.List;

/**
 * A record of the internal offsets topic: a committed offset or a group's metadata, keyed so that
 * compaction keeps the newest of each. A null value is a tombstone. Encoded by {@link
 * GroupRecordCodec}.
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
}
