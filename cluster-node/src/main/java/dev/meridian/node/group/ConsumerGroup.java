package dev.meridian.node.group;

import dev.meridian.node.group.ConsumerMember.State;
import dev.meridian.node.group.GroupQuery.TopicPartitionRef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.common.protocol.Errors;

/**
 * One consumer-protocol group (KIP-848): its members, the group epoch (bumped whenever membership,
 * a subscription or the subscribed topics' partitions change), the target assignment computed by
 * the server-side assignor at the group epoch, and each member's reconciliation toward its target.
 *
 * <p>Reconciliation is incremental: a member first revokes what its target no longer holds (keeping
 * its epoch, so its offset commits stay valid), and only then moves to the target's epoch and gets
 * the partitions that are free; partitions another member still holds or still has to revoke come
 * on a later heartbeat, once released. So no partition is ever held by two members at once — the
 * invariant {@link #holders} checks in the tests.
 *
 * <p>Time is passed in; {@link #tick} removes members whose session ended or who did not revoke
 * within their rebalance timeout. Not thread-safe: the coordinator's lock guards every group.
 */
final class ConsumerGroup {

  /**
   * A heartbeat as the group sees it: topics by name, {@code owned} null when the member did not
   * send its owned partitions; null fields are "unchanged", as on the wire.
   */
  record Heartbeat(
      String memberId,
      int memberEpoch,
      String instanceId,
      String rackId,
      int rebalanceTimeoutMs,
      List<String> topicNames,
      String topicRegex,
      String assignor,
      Set<TopicPartitionRef> owned,
      String clientId,
      String clientHost) {

    /** A full request: it carries every field a (re)joining member must send. */
    boolean full() {
      return rebalanceTimeoutMs != -1
          && (topicNames != null || topicRegex != null)
          && owned != null;
    }
  }

  /** A heartbeat's answer; {@code assignment} null when the member's assignment is not sent. */
  record Result(
      Errors error,
      String message,
      String memberId,
      int memberEpoch,
      Set<TopicPartitionRef> assignment) {
    static Result error(Errors error, String message) {
      return new Result(error, message, null, 0, null);
    }
  }

  private final String groupId;
  private final GroupConfig config;
  private int groupEpoch;
  private int assignmentEpoch;
  private final Map<String, ConsumerMember> members = new TreeMap<>();
  private Map<String, Set<TopicPartitionRef>> target = new HashMap<>();
  private Map<String, Integer> subscribedPartitions = Map.of();
  private final Map<String, Pattern> patterns = new HashMap<>();
  private boolean dirty;

  /** Whether the current heartbeat or tick already bumped the group epoch (once is enough). */
  private boolean bumped;

  /** Whether the target no longer fits the members or topics (set with every bump). */
  private boolean targetStale;

  ConsumerGroup(String groupId, GroupConfig config) {
    this.groupId = groupId;
    this.config = config;
  }

  String groupId() {
    return groupId;
  }

  int groupEpoch() {
    return groupEpoch;
  }

  int assignmentEpoch() {
    return assignmentEpoch;
  }

  List<ConsumerMember> members() {
    return List.copyOf(members.values());
  }

  boolean isEmpty() {
    return members.isEmpty();
  }

  /** The target partitions of {@code memberId}. */
  Set<TopicPartitionRef> target(String memberId) {
    return target.getOrDefault(memberId, Set.of());
  }

  /** Whether the group changed since the last call (it then needs storing). */
  boolean takeDirty() {
    boolean d = dirty;
    dirty = false;
    return d;
  }

  /** "Empty", "Assigning", "Reconciling" or "Stable", as ConsumerGroupDescribe and ListGroups. */
  String state() {
    if (members.isEmpty()) {
      return "Empty";
    }
    if (assignmentEpoch != groupEpoch) {
      return "Assigning";
    }
    for (ConsumerMember m : members.values()) {
      if (m.memberEpoch != ConsumerMember.STATIC_LEAVE_EPOCH
          && (m.memberEpoch != assignmentEpoch || m.state != State.STABLE)) {
        return "Reconciling";
      }
    }
    return "Stable";
  }

  /** The assignor the group uses: the one most members ask for, else {@code uniform}. */
  String assignor() {
    Map<String, Integer> votes = new HashMap<>();
    for (ConsumerMember m : members.values()) {
      if (m.serverAssignor != null) {
        votes.merge(m.serverAssignor, 1, Integer::sum);
      }
    }
    String best = ConsumerAssignors.UNIFORM;
    int most = 0;
    for (String name : ConsumerAssignors.NAMES) {
      int n = votes.getOrDefault(name, 0);
      if (n > most) {
        best = name;
        most = n;
      }
    }
    return best;
  }

  // ---- heartbeats ------------------------------------------------------------------------------

  /**
   * Handles a ConsumerGroupHeartbeat.
   *
   * @param topics every topic of the region with its partition count
   */
  Result heartbeat(Heartbeat h, long nowMs, Map<String, Integer> topics) {
    bumped = false;
    if (h.memberEpoch() == ConsumerMember.LEAVE_EPOCH) {
      return leave(h, topics);
    }
    if (h.memberEpoch() == ConsumerMember.STATIC_LEAVE_EPOCH) {
      return staticLeave(h);
    }
    if (h.topicRegex() != null && !h.topicRegex().isEmpty()) {
      try {
        pattern(h.topicRegex());
      } catch (PatternSyntaxException e) {
        return Result.error(
            Errors.INVALID_REGULAR_EXPRESSION,
            "SubscribedTopicRegex " + h.topicRegex() + " is not a valid regular expression.");
      }
    }
    ConsumerMember m = members.get(h.memberId());
    if (h.memberEpoch() == 0) {
      if (m == null && h.instanceId() != null) {
        ConsumerMember old = byInstance(h.instanceId());
        if (old != null) {
          if (old.memberEpoch != ConsumerMember.STATIC_LEAVE_EPOCH) {
            return Result.error(
                Errors.UNRELEASED_INSTANCE_ID,
                "Static member "
                    + old.memberId
                    + " with instance id "
                    + h.instanceId()
                    + " is not released yet: it must leave the group or its session end first.");
          }
          m = old.replacedBy(h.memberId());
          members.remove(old.memberId);
          Set<TopicPartitionRef> t = target.remove(old.memberId);
          if (t != null) {
            target.put(m.memberId, t);
          }
          members.put(m.memberId, m);
          dirty = true;
        }
      }
      if (m == null) {
        m = new ConsumerMember(h.memberId());
        m.instanceId = h.instanceId();
        members.put(m.memberId, m);
        bumpEpoch();
      }
    } else {
      if (m == null) {
        return Result.error(
            Errors.UNKNOWN_MEMBER_ID,
            "Member " + h.memberId() + " is not a member of group " + groupId + ".");
      }
      if (h.memberEpoch() != m.memberEpoch) {
        boolean missedAnswer =
            h.memberEpoch() == m.previousMemberEpoch
                && h.owned() != null
                && m.assigned.containsAll(h.owned());
        if (!missedAnswer) {
          return Result.error(
              Errors.FENCED_MEMBER_EPOCH,
              "The consumer group member has a "
                  + (h.memberEpoch() > m.memberEpoch ? "larger" : "smaller")
                  + " member epoch ("
                  + h.memberEpoch()
                  + ") than the one known by the group coordinator ("
                  + m.memberEpoch
                  + "). The member must abandon all its partitions and rejoin.");
        }
      }
    }
    update(m, h);
    m.sessionDeadlineMs = nowMs + config.consumerSessionTimeoutMs();
    Set<TopicPartitionRef> before = Set.copyOf(m.assigned);
    int epochBefore = m.memberEpoch;
    State stateBefore = m.state;
    computeTarget(topics);
    reconcile(m, h.owned(), nowMs);
    boolean changed = !before.equals(m.assigned);
    if (changed || epochBefore != m.memberEpoch || stateBefore != m.state) {
      dirty = true;
    }
    boolean send = h.memberEpoch() == 0 || h.full() || changed || h.memberEpoch() != m.memberEpoch;
    return new Result(
        Errors.NONE, null, m.memberId, m.memberEpoch, send ? Set.copyOf(m.assigned) : null);
  }

  private Result leave(Heartbeat h, Map<String, Integer> topics) {
    ConsumerMember m = members.get(h.memberId());
    if (m == null) {
      return Result.error(
          Errors.UNKNOWN_MEMBER_ID,
          "Member " + h.memberId() + " is not a member of group " + groupId + ".");
    }
    remove(m, topics);
    return new Result(Errors.NONE, null, h.memberId(), ConsumerMember.LEAVE_EPOCH, null);
  }

  private Result staticLeave(Heartbeat h) {
    ConsumerMember m = h.instanceId() == null ? null : byInstance(h.instanceId());
    if (m == null) {
      return Result.error(
          Errors.UNKNOWN_MEMBER_ID,
          "Instance id " + h.instanceId() + " is not a member of group " + groupId + ".");
    }
    if (!m.memberId.equals(h.memberId())) {
      return Result.error(
          Errors.FENCED_INSTANCE_ID,
          "Instance id " + h.instanceId() + " belongs to member " + m.memberId + ".");
    }
    // it keeps its partitions (nobody else gets them) until it comes back or its session ends
    m.memberEpoch = ConsumerMember.STATIC_LEAVE_EPOCH;
    m.pendingRevocation = new HashSet<>();
    m.state = State.STABLE;
    m.revocationDeadlineMs = Long.MAX_VALUE;
    dirty = true;
    return new Result(Errors.NONE, null, m.memberId, ConsumerMember.STATIC_LEAVE_EPOCH, null);
  }

  private void remove(ConsumerMember m, Map<String, Integer> topics) {
    members.remove(m.memberId);
    target.remove(m.memberId);
    bumpEpoch();
    computeTarget(topics);
  }

  private ConsumerMember byInstance(String instanceId) {
    for (ConsumerMember m : members.values()) {
      if (instanceId.equals(m.instanceId)) {
        return m;
      }
    }
    return null;
  }

  private void update(ConsumerMember m, Heartbeat h) {
    if (h.clientId() != null) {
      m.clientId = h.clientId();
    }
    if (h.clientHost() != null) {
      m.clientHost = h.clientHost();
    }
    if (h.rackId() != null) {
      m.rackId = h.rackId();
    }
    if (h.rebalanceTimeoutMs() > 0 && h.rebalanceTimeoutMs() != m.rebalanceTimeoutMs) {
      m.rebalanceTimeoutMs = h.rebalanceTimeoutMs();
      dirty = true;
    }
    List<String> names =
        h.topicNames() == null
            ? m.subscribedTopicNames
            : List.copyOf(new TreeSet<>(h.topicNames()));
    String regex =
        h.topicRegex() == null
            ? m.subscribedTopicRegex
            : h.topicRegex().isEmpty() ? null : h.topicRegex();
    String assignor =
        h.assignor() == null ? m.serverAssignor : h.assignor().isEmpty() ? null : h.assignor();
    if (!m.sameSubscription(names, regex, assignor)) {
      m.subscribedTopicNames = names;
      m.subscribedTopicRegex = regex;
      m.serverAssignor = assignor;
      bumpEpoch();
    }
  }

  private void bumpEpoch() {
    if (!bumped) {
      groupEpoch++;
      bumped = true;
    }
    targetStale = true;
    dirty = true;
  }

  // ---- target assignment -----------------------------------------------------------------------

  private Pattern pattern(String regex) {
    return patterns.computeIfAbsent(regex, Pattern::compile);
  }

  /** The existing topics {@code m} subscribes to: by name, and by regex (internal topics never). */
  Set<String> subscribedTopics(ConsumerMember m, Map<String, Integer> topics) {
    Set<String> out = new TreeSet<>();
    for (String t : m.subscribedTopicNames) {
      if (topics.containsKey(t)) {
        out.add(t);
      }
    }
    if (m.subscribedTopicRegex != null) {
      Pattern p = pattern(m.subscribedTopicRegex);
      for (String t : topics.keySet()) {
        if (!t.startsWith("__") && p.matcher(t).matches()) {
          out.add(t);
        }
      }
    }
    return out;
  }

  /** Every existing topic some member subscribes to. */
  Set<String> subscribedTopics(Map<String, Integer> topics) {
    Set<String> out = new TreeSet<>();
    members.values().forEach(m -> out.addAll(subscribedTopics(m, topics)));
    return out;
  }

  /**
   * Recomputes the target assignment when the group epoch moved past it; first bumps the epoch when
   * the subscribed topics or their partition counts changed.
   */
  private void computeTarget(Map<String, Integer> topics) {
    Map<String, Set<String>> subscriptions = new TreeMap<>();
    Map<String, Integer> subscribed = new TreeMap<>();
    // members mostly share a subscription: match each distinct one against the topics once
    Map<List<String>, Set<String>> matched = new HashMap<>();
    for (ConsumerMember m : members.values()) {
      List<String> key = new ArrayList<>(m.subscribedTopicNames);
      key.add(m.subscribedTopicRegex == null ? "" : "regex:" + m.subscribedTopicRegex);
      Set<String> s = matched.computeIfAbsent(key, k -> subscribedTopics(m, topics));
      subscriptions.put(m.memberId, s);
      s.forEach(t -> subscribed.put(t, topics.get(t)));
    }
    if (!subscribed.equals(subscribedPartitions)) {
      subscribedPartitions = Map.copyOf(subscribed);
      bumpEpoch();
    }
    if (assignmentEpoch < groupEpoch || targetStale) {
      target = ConsumerAssignors.assign(assignor(), subscriptions, subscribed, target);
      assignmentEpoch = groupEpoch;
      targetStale = false;
      dirty = true;
    }
  }

  // ---- reconciliation --------------------------------------------------------------------------

  private void reconcile(ConsumerMember m, Set<TopicPartitionRef> owned, long nowMs) {
    Set<TopicPartitionRef> goal = target(m.memberId);
    switch (m.state) {
      case UNREVOKED_PARTITIONS -> {
        if (owned == null || intersects(owned, m.pendingRevocation)) {
          return; // still revoking
        }
        m.pendingRevocation = new HashSet<>();
        m.heldSince.keySet().retainAll(m.assigned);
        m.revocationDeadlineMs = Long.MAX_VALUE;
      }
      case UNRELEASED_PARTITIONS -> {
        if (m.memberEpoch == assignmentEpoch) {
          takeReleased(m, goal);
          return;
        }
      }
      default -> {
        if (m.memberEpoch == assignmentEpoch) {
          return; // STABLE at the target's epoch
        }
      }
    }
    Set<TopicPartitionRef> keep = new HashSet<>(m.assigned);
    keep.retainAll(goal);
    Set<TopicPartitionRef> revoke = new HashSet<>(m.assigned);
    revoke.removeAll(goal);
    m.assigned = keep;
    if (!revoke.isEmpty()) {
      m.pendingRevocation = revoke;
      m.state = State.UNREVOKED_PARTITIONS;
      m.revocationDeadlineMs = nowMs + Math.max(1, m.rebalanceTimeoutMs);
      return;
    }
    m.previousMemberEpoch = m.memberEpoch;
    m.memberEpoch = assignmentEpoch;
    takeReleased(m, goal);
  }

  /** Gives {@code m} the partitions of its goal nobody else holds; UNRELEASED while some remain. */
  private void takeReleased(ConsumerMember m, Set<TopicPartitionRef> goal) {
    boolean waiting = false;
    for (TopicPartitionRef tp : goal) {
      if (!m.assigned.contains(tp)) {
        if (heldByOther(tp, m)) {
          waiting = true;
        } else {
          m.assigned.add(tp);
          m.heldSince.put(tp, m.memberEpoch);
        }
      }
    }
    m.state = waiting ? State.UNRELEASED_PARTITIONS : State.STABLE;
  }

  private boolean heldByOther(TopicPartitionRef tp, ConsumerMember self) {
    for (ConsumerMember o : members.values()) {
      if (o != self && o.holds(tp)) {
        return true;
      }
    }
    return false;
  }

  private static boolean intersects(Set<TopicPartitionRef> a, Set<TopicPartitionRef> b) {
    for (TopicPartitionRef tp : a) {
      if (b.contains(tp)) {
        return true;
      }
    }
    return false;
  }

  /** Each partition with the members that hold it (assigned or pending revocation). */
  Map<TopicPartitionRef, List<String>> holders() {
    Map<TopicPartitionRef, List<String>> out = new HashMap<>();
    for (ConsumerMember m : members.values()) {
      for (TopicPartitionRef tp : m.assigned) {
        out.computeIfAbsent(tp, k -> new ArrayList<>()).add(m.memberId);
      }
      for (TopicPartitionRef tp : m.pendingRevocation) {
        out.computeIfAbsent(tp, k -> new ArrayList<>()).add(m.memberId);
      }
    }
    return out;
  }

  // ---- time, offsets ---------------------------------------------------------------------------

  /**
   * Removes the members whose session ended, and those that did not revoke within their rebalance
   * timeout.
   *
   * @return the ids of the members removed
   */
  List<String> tick(long nowMs, Map<String, Integer> topics) {
    bumped = false;
    List<String> gone = new ArrayList<>();
    for (ConsumerMember m : List.copyOf(members.values())) {
      boolean late = m.state == State.UNREVOKED_PARTITIONS && nowMs >= m.revocationDeadlineMs;
      if (nowMs >= m.sessionDeadlineMs || late) {
        gone.add(m.memberId);
        remove(m, topics);
      }
    }
    return gone;
  }

  /**
   * Whether an OffsetCommit from {@code memberId} at {@code memberEpoch} may commit {@code
   * partitions}: a commit without member (epoch -1) only while the group has no members; a member's
   * at its current epoch, or at an older one for partitions it has held since that epoch (KIP-1251:
   * a commit sent just before the member learned of its new epoch is still its own);
   * STALE_MEMBER_EPOCH otherwise.
   */
  Errors validateOffsetCommit(String memberId, int memberEpoch, Set<TopicPartitionRef> partitions) {
    if (memberEpoch < 0 && (memberId == null || memberId.isEmpty()) && members.isEmpty()) {
      return Errors.NONE;
    }
    ConsumerMember m = memberId == null ? null : members.get(memberId);
    if (m == null) {
      return Errors.UNKNOWN_MEMBER_ID;
    }
    if (memberEpoch == m.memberEpoch) {
      return Errors.NONE;
    }
    if (memberEpoch > m.memberEpoch || memberEpoch < 0) {
      return Errors.STALE_MEMBER_EPOCH;
    }
    for (TopicPartitionRef tp : partitions) {
      Integer since = m.heldSince.get(tp);
      if (since == null || since > memberEpoch) {
        return Errors.STALE_MEMBER_EPOCH;
      }
    }
    return Errors.NONE;
  }

  /**
   * Whether member {@code memberId} at {@code memberEpoch} may fetch the group's offsets: at its
   * epoch or an older one (reading changes nothing); a newer one is STALE_MEMBER_EPOCH.
   */
  Errors validateOffsetFetch(String memberId, int memberEpoch) {
    ConsumerMember m = members.get(memberId);
    if (m == null) {
      return Errors.UNKNOWN_MEMBER_ID;
    }
    return memberEpoch <= m.memberEpoch ? Errors.NONE : Errors.STALE_MEMBER_EPOCH;
  }

  // ---- storing ---------------------------------------------------------------------------------

  /** What the log keeps of the group. */
  GroupRecord.ConsumerGroupValue value() {
    List<GroupRecord.ConsumerMemberValue> stored = new ArrayList<>();
    for (ConsumerMember m : members.values()) {
      stored.add(
          new GroupRecord.ConsumerMemberValue(
              m.memberId,
              m.instanceId,
              m.rackId,
              m.clientId,
              m.clientHost,
              m.subscribedTopicNames,
              m.subscribedTopicRegex,
              m.serverAssignor,
              m.rebalanceTimeoutMs,
              m.memberEpoch,
              m.previousMemberEpoch,
              m.state.name(),
              ConsumerAssignors.sorted(m.assigned),
              ConsumerAssignors.sorted(m.pendingRevocation),
              ConsumerAssignors.sorted(target(m.memberId))));
    }
    return new GroupRecord.ConsumerGroupValue(
        groupEpoch, assignmentEpoch, subscribedPartitions, stored);
  }

  /** Replaces the group with what the log says; members get a fresh session. */
  void load(GroupRecord.ConsumerGroupValue v, long nowMs) {
    groupEpoch = v.groupEpoch();
    assignmentEpoch = v.assignmentEpoch();
    subscribedPartitions = Map.copyOf(v.subscribedPartitions());
    members.clear();
    target = new HashMap<>();
    for (GroupRecord.ConsumerMemberValue mv : v.members()) {
      ConsumerMember m = new ConsumerMember(mv.memberId());
      m.instanceId = mv.instanceId();
      m.rackId = mv.rackId();
      m.clientId = mv.clientId();
      m.clientHost = mv.clientHost();
      m.subscribedTopicNames = List.copyOf(mv.topicNames());
      m.subscribedTopicRegex = mv.topicRegex();
      m.serverAssignor = mv.assignor();
      m.rebalanceTimeoutMs = mv.rebalanceTimeoutMs();
      m.memberEpoch = mv.memberEpoch();
      m.previousMemberEpoch = mv.previousMemberEpoch();
      m.state = State.valueOf(mv.state());
      m.assigned = new HashSet<>(mv.assigned());
      m.pendingRevocation = new HashSet<>(mv.pendingRevocation());
      // when it got each partition is not stored: from now on only the loaded epoch counts
      m.assigned.forEach(tp -> m.heldSince.put(tp, mv.memberEpoch()));
      m.pendingRevocation.forEach(tp -> m.heldSince.put(tp, mv.memberEpoch()));
      m.sessionDeadlineMs = nowMs + config.consumerSessionTimeoutMs();
      if (m.state == State.UNREVOKED_PARTITIONS) {
        m.revocationDeadlineMs = nowMs + Math.max(1, m.rebalanceTimeoutMs);
      }
      members.put(m.memberId, m);
      target.put(m.memberId, new HashSet<>(mv.target()));
    }
    dirty = false;
  }
}
