package dev.meridian.node.group;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.protocol.Errors;

/**
 * The members of a {@link ClassicGroup}: by member id in join order, static members by instance id,
 * the leader, and member ids handed out with MEMBER_ID_REQUIRED that have not joined yet. Guarded
 * by the coordinator's lock.
 */
final class GroupMembers {
  private final LinkedHashMap<String, MemberMetadata> byId = new LinkedHashMap<>();
  private final Map<String, String> staticIds = new HashMap<>();
  private final Map<String, Long> pending = new HashMap<>();
  private String leaderId;

  MemberMetadata get(String memberId) {
    return byId.get(memberId);
  }

  boolean contains(String memberId) {
    return byId.containsKey(memberId);
  }

  Collection<MemberMetadata> all() {
    return byId.values();
  }

  /** A copy, safe to iterate while members change. */
  List<MemberMetadata> snapshot() {
    return List.copyOf(byId.values());
  }

  Set<String> ids() {
    return byId.keySet();
  }

  int size() {
    return byId.size();
  }

  boolean isEmpty() {
    return byId.isEmpty();
  }

  String leaderId() {
    return leaderId;
  }

  boolean isLeader(String memberId) {
    return memberId != null && memberId.equals(leaderId);
  }

  /** The member id of the static member {@code instanceId}, or null. */
  String staticMemberId(String instanceId) {
    return instanceId == null ? null : staticIds.get(instanceId);
  }

  /** Adds a member; the first one leads. A pending id it joined with is no longer pending. */
  void add(MemberMetadata m) {
    pending.remove(m.memberId());
    byId.put(m.memberId(), m);
    if (m.isStatic()) {
      staticIds.put(m.groupInstanceId(), m.memberId());
    }
    if (leaderId == null) {
      leaderId = m.memberId();
    }
  }

  /** Removes a member; when it led, the oldest remaining member leads. */
  MemberMetadata remove(String memberId) {
    MemberMetadata m = byId.remove(memberId);
    if (m == null) {
      return null;
    }
    if (m.isStatic()) {
      staticIds.remove(m.groupInstanceId());
    }
    if (memberId.equals(leaderId)) {
      leaderId = byId.isEmpty() ? null : byId.keySet().iterator().next();
    }
    return m;
  }

  /** Removes every member and pending id (the group is reloaded). */
  void clear() {
    byId.clear();
    staticIds.clear();
    pending.clear();
    leaderId = null;
  }

  /** Sets the leader (after loading); a leader that is not a member falls back to the oldest. */
  void setLeader(String memberId) {
    leaderId = memberId != null && byId.containsKey(memberId) ? memberId : null;
    if (leaderId == null && !byId.isEmpty()) {
      leaderId = byId.keySet().iterator().next();
    }
  }

  /** Gives the static member {@code instanceId} a new member id; the leader follows it. */
  MemberMetadata rename(String instanceId, String oldMemberId, String newMemberId) {
    MemberMetadata m = byId.remove(oldMemberId);
    m.setMemberId(newMemberId);
    byId.put(newMemberId, m);
    staticIds.put(instanceId, newMemberId);
    if (oldMemberId.equals(leaderId)) {
      leaderId = newMemberId;
    }
    return m;
  }

  /**
   * Whether {@code memberId} (and, for a static member, {@code instanceId}) is a current member:
   * UNKNOWN_MEMBER_ID if not, FENCED_INSTANCE_ID when the instance id belongs to another member id.
   */
  Errors validate(String memberId, String instanceId) {
    if (instanceId != null) {
      String existing = staticIds.get(instanceId);
      if (existing == null) {
        return Errors.UNKNOWN_MEMBER_ID;
      }
      return existing.equals(memberId) ? Errors.NONE : Errors.FENCED_INSTANCE_ID;
    }
    return byId.containsKey(memberId) ? Errors.NONE : Errors.UNKNOWN_MEMBER_ID;
  }

  // ---- pending member ids (MEMBER_ID_REQUIRED) -------------------------------------------------

  void addPending(String memberId, long deadlineMs) {
    pending.put(memberId, deadlineMs);
  }

  boolean isPending(String memberId) {
    return pending.containsKey(memberId);
  }

  boolean hasPending() {
    return !pending.isEmpty();
  }

  void removePending(String memberId) {
    pending.remove(memberId);
  }

  /** The pending ids whose deadline is at or before {@code nowMs}. */
  List<String> expiredPending(long nowMs) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, Long> e : pending.entrySet()) {
      if (e.getValue() <= nowMs) {
        out.add(e.getKey());
      }
    }
    return out;
  }

  // ---- rebalance facts -------------------------------------------------------------------------

  /** Whether every member has a parked JoinGroup and no pending id is outstanding. */
  boolean allJoined() {
    if (!pending.isEmpty()) {
      return false;
    }
    for (MemberMetadata m : byId.values()) {
      if (!m.isAwaitingJoin()) {
        return false;
      }
    }
    return true;
  }

  /** The largest rebalance timeout of the members (0 without members). */
  int rebalanceTimeoutMs() {
    int max = 0;
    for (MemberMetadata m : byId.values()) {
      max = Math.max(max, m.rebalanceTimeoutMs());
    }
    return max;
  }

  /**
   * Makes sure the leader is a member that rejoined: keeps it if it did, else picks one that did.
   *
   * @return false when no member rejoined
   */
  boolean electJoinedLeader() {
    if (leaderId == null) {
      return false;
    }
    MemberMetadata leader = byId.get(leaderId);
    if (leader != null && leader.isAwaitingJoin()) {
      return true;
    }
    for (MemberMetadata m : byId.values()) {
      if (m.isAwaitingJoin()) {
        leaderId = m.memberId();
        return true;
      }
    }
    return false;
  }

  /** Whether some protocol of {@code protocols} is supported by every member. */
  boolean anySupportedByAll(Collection<String> protocols) {
    for (String p : protocols) {
      int n = 0;
      for (MemberMetadata m : byId.values()) {
        if (m.protocols().containsKey(p)) {
          n++;
        }
      }
      if (n == byId.size()) {
        return true;
      }
    }
    return false;
  }

  /** The protocol all members support that most of them prefer; null without members. */
  String selectProtocol() {
    if (byId.isEmpty()) {
      return null;
    }
    Set<String> candidates = null;
    for (MemberMetadata m : byId.values()) {
      if (candidates == null) {
        candidates = new HashSet<>(m.protocols().keySet());
      } else {
        candidates.retainAll(m.protocols().keySet());
      }
    }
    Map<String, Integer> votes = new LinkedHashMap<>();
    for (MemberMetadata m : byId.values()) {
      String vote = m.vote(candidates);
      if (vote != null) {
        votes.merge(vote, 1, Integer::sum);
      }
    }
    String best = null;
    int bestVotes = 0;
    for (Map.Entry<String, Integer> e : votes.entrySet()) {
      if (e.getValue() > bestVotes) {
        best = e.getKey();
        bestVotes = e.getValue();
      }
    }
    return best;
  }

  /** Member id → assignment of every member. */
  Map<String, byte[]> assignments() {
    Map<String, byte[]> out = new LinkedHashMap<>();
    for (MemberMetadata m : byId.values()) {
      out.put(m.memberId(), m.assignment());
    }
    return out;
  }
}
