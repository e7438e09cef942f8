package dev.meridian.node.group;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;

/**
 * A member of a classic group: what it sent in its last JoinGroup, its assignment, its parked
 * JoinGroup or SyncGroup response, and when its session expires. Mutable; guarded by the
 * coordinator's lock like its {@link ClassicGroup}.
 */
final class MemberMetadata {
  static final byte[] EMPTY_ASSIGNMENT = new byte[0];

  private String memberId;
  private final String groupInstanceId;
  private String clientId;
  private String clientHost;
  private int rebalanceTimeoutMs;
  private int sessionTimeoutMs;
  private final String protocolType;

  /** Protocol name → metadata, in the member's order of preference. */
  private LinkedHashMap<String, byte[]> protocols;

  private byte[] assignment = EMPTY_ASSIGNMENT;
  private Consumer<JoinGroupResponseData> awaitingJoin;
  private Consumer<SyncGroupResponseData> awaitingSync;
  private boolean isNew;

  /** When the session (or, for a new member, the parked join) expires; broker time, ms. */
  private long heartbeatDeadlineMs;

  MemberMetadata(
      String memberId,
      String groupInstanceId,
      String clientId,
      String clientHost,
      int rebalanceTimeoutMs,
      int sessionTimeoutMs,
      String protocolType,
      LinkedHashMap<String, byte[]> protocols) {
    this.memberId = memberId;
    this.groupInstanceId = groupInstanceId;
    this.clientId = clientId;
    this.clientHost = clientHost;
    this.rebalanceTimeoutMs = rebalanceTimeoutMs;
    this.sessionTimeoutMs = sessionTimeoutMs;
    this.protocolType = protocolType;
    this.protocols = protocols;
  }

  String memberId() {
    return memberId;
  }

  void setMemberId(String id) {
    this.memberId = id;
  }

  String groupInstanceId() {
    return groupInstanceId;
  }

  boolean isStatic() {
    return groupInstanceId != null;
  }

  String clientId() {
    return clientId;
  }

  String clientHost() {
    return clientHost;
  }

  void setClient(String id, String host) {
    this.clientId = id;
    this.clientHost = host;
  }

  int rebalanceTimeoutMs() {
    return rebalanceTimeoutMs;
  }

  int sessionTimeoutMs() {
    return sessionTimeoutMs;
  }

  String protocolType() {
    return protocolType;
  }

  Map<String, byte[]> protocols() {
    return protocols;
  }

  /** The metadata this member sent for {@code protocol}, or an empty array. */
  byte[] metadata(String protocol) {
    byte[] m = protocol == null ? null : protocols.get(protocol);
    return m == null ? EMPTY_ASSIGNMENT : m;
  }

  /** Whether {@code other} lists the same protocols with the same metadata in the same order. */
  boolean matches(LinkedHashMap<String, byte[]> other) {
    if (other.size() != protocols.size()) {
      return false;
    }
    var a = protocols.entrySet().iterator();
    var b = other.entrySet().iterator();
    while (a.hasNext()) {
      var x = a.next();
      var y = b.next();
      if (!x.getKey().equals(y.getKey()) || !Arrays.equals(x.getValue(), y.getValue())) {
        return false;
      }
    }
    return true;
  }

  void update(
      LinkedHashMap<String, byte[]> newProtocols, int rebalanceTimeout, int sessionTimeout) {
    this.protocols = newProtocols;
    this.rebalanceTimeoutMs = rebalanceTimeout;
    this.sessionTimeoutMs = sessionTimeout;
  }

  /** The first of the member's protocols that is in {@code candidates}, or null. */
  String vote(java.util.Set<String> candidates) {
    for (String p : protocols.keySet()) {
      if (candidates.contains(p)) {
        return p;
      }
    }
    return null;
  }

  byte[] assignment() {
    return assignment;
  }

  void setAssignment(byte[] assignment) {
    this.assignment = assignment == null ? EMPTY_ASSIGNMENT : assignment;
  }

  boolean isAwaitingJoin() {
    return awaitingJoin != null;
  }

  boolean isAwaitingSync() {
    return awaitingSync != null;
  }

  void awaitJoin(Consumer<JoinGroupResponseData> callback) {
    this.awaitingJoin = callback;
  }

  void awaitSync(Consumer<SyncGroupResponseData> callback) {
    this.awaitingSync = callback;
  }

  /** Completes the parked JoinGroup, if any; returns whether there was one. */
  boolean completeJoin(JoinGroupResponseData response) {
    Consumer<JoinGroupResponseData> cb = awaitingJoin;
    awaitingJoin = null;
    if (cb != null) {
      cb.accept(response);
      return true;
    }
    return false;
  }

  /** Completes the parked SyncGroup, if any; returns whether there was one. */
  boolean completeSync(SyncGroupResponseData response) {
    Consumer<SyncGroupResponseData> cb = awaitingSync;
    awaitingSync = null;
    if (cb != null) {
      cb.accept(response);
      return true;
    }
    return false;
  }

  boolean isNew() {
    return isNew;
  }

  void setNew(boolean isNew) {
    this.isNew = isNew;
  }

  long heartbeatDeadlineMs() {
    return heartbeatDeadlineMs;
  }

  void setHeartbeatDeadlineMs(long deadline) {
    this.heartbeatDeadlineMs = deadline;
  }

  /**
   * Whether the member counts as alive without a heartbeat: a parked JoinGroup or SyncGroup keeps
   * an existing member (the rebalance timeout bounds those), but not a new one.
   */
  boolean hasSatisfiedHeartbeat() {
    if (isNew) {
      return false;
    }
    return isAwaitingJoin() || isAwaitingSync();
  }
}
