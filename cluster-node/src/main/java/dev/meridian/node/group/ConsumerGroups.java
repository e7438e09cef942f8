package dev.meridian.node.group;

import dev.meridian.node.group.GroupQuery.TopicPartitionRef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer-protocol groups (KIP-848) of a coordinator: the groups themselves, and the
 * translation between the wire (topic ids) and the groups (topic names). Every method runs under
 * the coordinator's lock; the coordinator stores what {@link #record} gives before it answers.
 */
final class ConsumerGroups {
  private static final Logger LOG = LoggerFactory.getLogger(ConsumerGroups.class);

  /** The protocol type consumer-protocol groups report (ListGroups, the REST view). */
  static final String PROTOCOL_TYPE = "consumer";

  private final GroupConfig config;
  private final Supplier<Map<String, GroupTopic>> topics;
  private final Map<String, ConsumerGroup> groups = new HashMap<>();

  /**
   * @param topics the region's topics by name, asked on every heartbeat (so new topics and
   *     partitions count at once)
   */
  ConsumerGroups(GroupConfig config, Supplier<Map<String, GroupTopic>> topics) {
    this.config = config;
    this.topics = topics;
  }

  ConsumerGroup get(String groupId) {
    return groups.get(groupId);
  }

  ConsumerGroup create(String groupId) {
    return groups.computeIfAbsent(groupId, id -> new ConsumerGroup(id, config));
  }

  void remove(String groupId) {
    groups.remove(groupId);
  }

  /** The record that stores {@code group} as it is now. */
  static GroupRecord record(ConsumerGroup group) {
    return new GroupRecord.ConsumerGroupState(group.groupId(), group.value());
  }

  /** Replays a stored group (a tombstone removes it). */
  void apply(GroupRecord.ConsumerGroupState r, long nowMs) {
    if (r.isTombstone()) {
      groups.remove(r.groupId());
    } else {
      create(r.groupId()).load(r.value(), nowMs);
    }
  }

  /** Every topic's partition count. */
  Map<String, Integer> partitionCounts() {
    return partitionCounts(topics.get());
  }

  private static Map<String, Integer> partitionCounts(Map<String, GroupTopic> known) {
    Map<String, Integer> out = new HashMap<>();
    known.forEach((name, t) -> out.put(name, t.partitions()));
    return out;
  }

  /**
   * A ConsumerGroupHeartbeat of a member of {@code group}: the request translated from topic ids,
   * handled by the group, and its answer with topic ids again — all from one look at the region's
   * topics.
   */
  ConsumerGroupHeartbeatResponseData heartbeat(
      ConsumerGroup group,
      ConsumerGroupHeartbeatRequestData req,
      String clientId,
      String clientHost,
      long nowMs) {
    Map<String, GroupTopic> known = topics.get();
    ConsumerGroup.Result r =
        group.heartbeat(heartbeat(req, clientId, clientHost, known), nowMs, partitionCounts(known));
    return response(group, r, known);
  }

  /** The topics the members of {@code group} subscribe to (for OffsetDelete). */
  Set<String> subscribedTopics(ConsumerGroup group) {
    return group.subscribedTopics(partitionCounts());
  }

  // ---- the wire --------------------------------------------------------------------------------

  /** The heartbeat of {@code req} with topics by name (owned partitions of unknown ids dropped). */
  private static ConsumerGroup.Heartbeat heartbeat(
      ConsumerGroupHeartbeatRequestData req,
      String clientId,
      String clientHost,
      Map<String, GroupTopic> known) {
    Set<TopicPartitionRef> owned = null;
    if (req.topicPartitions() != null) {
      Map<Uuid, String> names = new HashMap<>();
      known.forEach((name, t) -> names.put(t.id(), name));
      owned = new HashSet<>();
      for (ConsumerGroupHeartbeatRequestData.TopicPartitions tp : req.topicPartitions()) {
        String name = names.get(tp.topicId());
        if (name != null) {
          for (int p : tp.partitions()) {
            owned.add(new TopicPartitionRef(name, p));
          }
        }
      }
    }
    return new ConsumerGroup.Heartbeat(
        req.memberId(),
        req.memberEpoch(),
        req.instanceId(),
        req.rackId(),
        req.rebalanceTimeoutMs(),
        req.subscribedTopicNames(),
        req.subscribedTopicRegex(),
        req.serverAssignor(),
        owned,
        clientId,
        clientHost);
  }

  /**
   * The heartbeat interval a member is told: {@code groupConsumerHeartbeatIntervalMs} while the
   * group is stable, a tenth of it (at least 100 ms) while it reconciles, so that a member waiting
   * for partitions another one is releasing, or one that has to revoke, hears of it within a
   * fraction of a second instead of at its next regular heartbeat.
   */
  int heartbeatIntervalMs(ConsumerGroup group) {
    int interval = config.consumerHeartbeatIntervalMs();
    return group.state().equals("Stable") || group.isEmpty()
        ? interval
        : Math.min(interval, Math.max(100, interval / 10));
  }

  /** The response to a heartbeat of a member of {@code group}. */
  private ConsumerGroupHeartbeatResponseData response(
      ConsumerGroup group, ConsumerGroup.Result r, Map<String, GroupTopic> known) {
    ConsumerGroupHeartbeatResponseData resp =
        new ConsumerGroupHeartbeatResponseData()
            .setErrorCode(r.error().code())
            .setErrorMessage(r.message());
    if (r.error() != Errors.NONE) {
      return resp;
    }
    resp.setMemberId(r.memberId())
        .setMemberEpoch(r.memberEpoch())
        .setHeartbeatIntervalMs(heartbeatIntervalMs(group));
    if (r.assignment() != null) {
      ConsumerGroupHeartbeatResponseData.Assignment a =
          new ConsumerGroupHeartbeatResponseData.Assignment();
      byTopic(r.assignment())
          .forEach(
              (topic, partitions) -> {
                GroupTopic t = known.get(topic);
                if (t != null) {
                  a.topicPartitions()
                      .add(
                          new ConsumerGroupHeartbeatResponseData.TopicPartitions()
                              .setTopicId(t.id())
                              .setPartitions(partitions));
                }
              });
      resp.setAssignment(a);
    }
    return resp;
  }

  /** A group as ConsumerGroupDescribe reports it. */
  ConsumerGroupDescribeResponseData.DescribedGroup describe(ConsumerGroup g) {
    Map<String, GroupTopic> known = topics.get();
    ConsumerGroupDescribeResponseData.DescribedGroup d =
        new ConsumerGroupDescribeResponseData.DescribedGroup()
            .setGroupId(g.groupId())
            .setErrorCode(Errors.NONE.code())
            .setGroupState(g.state())
            .setGroupEpoch(g.groupEpoch())
            .setAssignmentEpoch(g.assignmentEpoch())
            .setAssignorName(g.assignor());
    for (ConsumerMember m : g.members()) {
      d.members()
          .add(
              new ConsumerGroupDescribeResponseData.Member()
                  .setMemberId(m.memberId)
                  .setInstanceId(m.instanceId)
                  .setRackId(m.rackId)
                  .setMemberEpoch(m.memberEpoch)
                  .setClientId(m.clientId == null ? "" : m.clientId)
                  .setClientHost(m.clientHost == null ? "" : m.clientHost)
                  .setSubscribedTopicNames(m.subscribedTopicNames)
                  .setSubscribedTopicRegex(m.subscribedTopicRegex)
                  .setAssignment(assignment(m.assigned, known))
                  .setTargetAssignment(assignment(g.target(m.memberId), known))
                  .setMemberType((byte) 1));
    }
    return d;
  }

  private static ConsumerGroupDescribeResponseData.Assignment assignment(
      Set<TopicPartitionRef> partitions, Map<String, GroupTopic> known) {
    ConsumerGroupDescribeResponseData.Assignment a =
        new ConsumerGroupDescribeResponseData.Assignment();
    byTopic(partitions)
        .forEach(
            (topic, ps) -> {
              GroupTopic t = known.get(topic);
              if (t != null) {
                a.topicPartitions()
                    .add(
                        new ConsumerGroupDescribeResponseData.TopicPartitions()
                            .setTopicId(t.id())
                            .setTopicName(topic)
                            .setPartitions(ps));
              }
            });
    return a;
  }

  private static Map<String, List<Integer>> byTopic(Set<TopicPartitionRef> partitions) {
    Map<String, List<Integer>> out = new TreeMap<>();
    for (TopicPartitionRef tp : ConsumerAssignors.sorted(partitions)) {
      out.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition());
    }
    return out;
  }

  // ---- time ------------------------------------------------------------------------------------

  /** Ends expired sessions and late revocations; the records of the groups that changed. */
  List<GroupRecord> tick(long nowMs) {
    List<GroupRecord> out = new ArrayList<>();
    Map<String, Integer> counts = null;
    for (ConsumerGroup g : groups.values()) {
      if (g.isEmpty()) {
        continue;
      }
      if (counts == null) {
        counts = partitionCounts();
      }
      List<String> gone = g.tick(nowMs, counts);
      if (!gone.isEmpty()) {
        LOG.info(
            "group {}: members {} left (session ended or partitions not revoked in time); group"
                + " epoch {}",
            g.groupId(),
            gone,
            g.groupEpoch());
      }
      if (g.takeDirty()) {
        out.add(record(g));
      }
    }
    return out;
  }
}
