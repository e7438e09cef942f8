package dev.meridian.node.group;

import dev.meridian.node.group.GroupQuery.Committed;
import dev.meridian.node.group.GroupQuery.GroupDetail;
import dev.meridian.node.group.GroupQuery.GroupSummary;
import dev.meridian.node.group.GroupQuery.Member;
import dev.meridian.node.group.GroupQuery.TopicPartitionRef;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * Snapshots of a group for DescribeGroups and for the read-only {@link GroupQuery} view, from its
 * classic entry (which holds the committed offsets of groups of both protocols) and, for a
 * consumer-protocol group, its {@link ConsumerGroup}. Called under the coordinator's lock.
 */
final class GroupViews {
  private GroupViews() {}

  static GroupSummary summary(ClassicGroup g, ConsumerGroup modern) {
    return modern != null
        ? new GroupSummary(
            g.groupId(), modern.state(), ConsumerGroups.PROTOCOL_TYPE, modern.members().size())
        : new GroupSummary(
            g.groupId(),
            g.state().kafkaName(),
            g.protocolType() == null ? "" : g.protocolType(),
            g.size());
  }

  static GroupDetail detail(ClassicGroup g, ConsumerGroup modern) {
    boolean consumer = ConsumerProtocolView.PROTOCOL_TYPE.equals(g.protocolType());
    List<Member> members = new ArrayList<>();
    if (modern != null) {
      for (ConsumerMember m : modern.members()) {
        members.add(
            new Member(
                m.memberId,
                m.instanceId,
                m.clientId,
                m.clientHost,
                ConsumerAssignors.sorted(m.assigned)));
      }
    }
    for (MemberMetadata m : g.members()) {
      members.add(
          new Member(
              m.memberId(),
              m.groupInstanceId(),
              m.clientId(),
              m.clientHost(),
              consumer ? ConsumerProtocolView.assignment(m.assignment()) : List.of()));
    }
    Map<TopicPartitionRef, Committed> offsets = new LinkedHashMap<>();
    g.offsets().entrySet().stream()
        .sorted(
            Comparator.comparing(
                    (Map.Entry<TopicPartitionRef, CommittedOffset> e) -> e.getKey().topic())
                .thenComparingInt(e -> e.getKey().partition()))
        .forEach(
            e ->
                offsets.put(
                    e.getKey(),
                    new Committed(
                        e.getValue().offset(),
                        e.getValue().commitTimestampMs(),
                        e.getValue().metadata())));
    return new GroupDetail(
        g.groupId(),
        modern != null ? modern.state() : g.state().kafkaName(),
        modern != null
            ? ConsumerGroups.PROTOCOL_TYPE
            : g.protocolType() == null ? "" : g.protocolType(),
        modern != null ? modern.assignor() : g.protocolName() == null ? "" : g.protocolName(),
        modern != null ? modern.groupEpoch() : g.generationId(),
        modern != null ? null : g.leaderId(),
        List.copyOf(members),
        java.util.Collections.unmodifiableMap(offsets));
  }

  /**
   * A group as DescribeGroups reports it: an unknown group is "Dead" without members; a
   * consumer-protocol group is GROUP_ID_NOT_FOUND, as from a Kafka 4.x broker.
   */
  static DescribeGroupsResponseData.DescribedGroup describe(
      String groupId, ClassicGroup group, boolean modern) {
    DescribeGroupsResponseData.DescribedGroup d =
        new DescribeGroupsResponseData.DescribedGroup()
            .setGroupId(groupId)
            .setErrorCode(Errors.NONE.code());
    if (modern) {
      return d.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code())
          .setErrorMessage("Group " + groupId + " is not a classic group.")
          .setGroupState("")
          .setProtocolType("")
          .setProtocolData("");
    }
    if (group == null) {
      return d.setGroupState(GroupState.DEAD.kafkaName()).setProtocolType("").setProtocolData("");
    }
    d.setGroupState(group.state().kafkaName())
        .setProtocolType(group.protocolType() == null ? "" : group.protocolType());
    // the protocol and assignments are only meaningful once the group is stable
    boolean stable = group.is(GroupState.STABLE);
    d.setProtocolData(stable && group.protocolName() != null ? group.protocolName() : "");
    for (MemberMetadata m : group.members()) {
      d.members()
          .add(
              new DescribeGroupsResponseData.DescribedGroupMember()
                  .setMemberId(m.memberId())
                  .setGroupInstanceId(m.groupInstanceId())
                  .setClientId(m.clientId())
                  .setClientHost(m.clientHost())
                  .setMemberMetadata(stable ? m.metadata(group.protocolName()) : new byte[0])
                  .setMemberAssignment(stable ? m.assignment() : new byte[0]));
    }
    return d;
  }
}
