package dev.meridian.node.group;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Read-only view of the consumer groups a node coordinates, for the REST control plane and lag
 * reporting. Implemented by the group coordinator; snapshots are immutable and cheap to take.
 */
public interface GroupQuery {

  /** One group in a listing. */
  record GroupSummary(String groupId, String state, String protocolType, int members) {}

  /** A member and the partitions assigned to it (decoded from the consumer assignment). */
  record Member(
      String memberId,
      String groupInstanceId,
      String clientId,
      String clientHost,
      List<TopicPartitionRef> assignment) {}

  /** A topic partition. */
  record TopicPartitionRef(String topic, int partition) {}

  /** A committed offset and when it was committed (broker time, ms). */
  record Committed(long offset, long commitTimestampMs, String metadata) {}

  /** A group in detail. */
  record GroupDetail(
      String groupId,
      String state,
      String protocolType,
      String protocol,
      int generation,
      String leaderId,
      List<Member> members,
      Map<TopicPartitionRef, Committed> offsets) {}

  List<GroupSummary> groups();

  Optional<GroupDetail> group(String groupId);
}
