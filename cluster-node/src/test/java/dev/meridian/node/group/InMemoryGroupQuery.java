package dev.meridian.node.group;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link GroupQuery} over groups a test puts in; thread-safe. */
public final class InMemoryGroupQuery implements GroupQuery {

  private final Map<String, GroupDetail> groups = new ConcurrentHashMap<>();

  /** Puts (or replaces) a group. */
  public InMemoryGroupQuery put(GroupDetail group) {
    groups.put(group.groupId(), group);
    return this;
  }

  /** Removes a group. */
  public void remove(String groupId) {
    groups.remove(groupId);
  }

  /** Sets one committed offset of an existing group. */
  public void commit(String groupId, String topic, int partition, long offset, long timestampMs) {
    groups.computeIfPresent(
        groupId,
        (id, g) -> {
          Map<TopicPartitionRef, Committed> offsets = new LinkedHashMap<>(g.offsets());
          offsets.put(
              new TopicPartitionRef(topic, partition), new Committed(offset, timestampMs, ""));
          return new GroupDetail(
              g.groupId(),
              g.state(),
              g.protocolType(),
              g.protocol(),
              g.generation(),
              g.leaderId(),
              g.members(),
              Map.copyOf(offsets));
        });
  }

  @Override
  public List<GroupSummary> groups() {
    List<GroupSummary> list = new ArrayList<>();
    for (GroupDetail g : groups.values()) {
      list.add(new GroupSummary(g.groupId(), g.state(), g.protocolType(), g.members().size()));
    }
    return list;
  }

  @Override
  public Optional<GroupDetail> group(String groupId) {
    return Optional.ofNullable(groups.get(groupId));
  }

  /** A stable consumer group with the given members and no commits. */
  public static GroupDetail stable(String groupId, Member... members) {
    return new GroupDetail(
        groupId,
        "Stable",
        "consumer",
        "range",
        1,
        members.length == 0 ? "" : members[0].memberId(),
        List.of(members),
        new HashMap<>());
  }

  /** A member assigned {@code topic}'s {@code partitions}. */
  public static Member member(String memberId, String topic, int... partitions) {
    List<TopicPartitionRef> assignment = new ArrayList<>();
    for (int p : partitions) {
      assignment.add(new TopicPartitionRef(topic, p));
    }
    return new Member(memberId, null, "client-" + memberId, "/127.0.0.1", List.copyOf(assignment));
  }
}
