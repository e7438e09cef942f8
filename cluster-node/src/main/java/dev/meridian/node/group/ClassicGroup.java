package dev.meridian.node.group;

import dev.meridian.node.group.GroupQuery.TopicPartitionRef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One classic consumer group and its rebalance state machine (the protocol of Kafka's classic group
 * coordinator, KIP-62, KIP-345 static membership, KIP-394 MEMBER_ID_REQUIRED, KIP-814 skip
 * assignment). See {@link GroupState} for the states.
 *
 * <p>Time is passed in: every operation takes {@code nowMs}, and {@link #tick} fires the deadlines
 * that have passed — the delayed join (initial rebalance delay, rebalance timeout), the wait for
 * SyncGroup, member sessions and pending member ids. Nothing here sleeps or schedules.
 *
 * <p>Parked JoinGroup and SyncGroup requests are callbacks, completed when the rebalance moves on.
 * Callbacks run synchronously inside these methods: the coordinator hands them to the client only
 * after releasing its lock.
 *
 * <p>Not thread-safe: the coordinator's lock guards every group.
 */
final class ClassicGroup {
  private static final Logger LOG = LoggerFactory.getLogger(ClassicGroup.class);
  private static final long NONE = Long.MIN_VALUE;

  private final String groupId;
  private final GroupConfig config;
  private final GroupStore store;

  private GroupState state = GroupState.EMPTY;
  private GroupState previousState = GroupState.EMPTY;
  private long stateTimestampMs;
  private String protocolType;
  private String protocolName;
  private int generationId;

  private final GroupMembers members = new GroupMembers();
  private final Set<String> pendingSyncMembers = new HashSet<>();
  private boolean newMemberAdded;

  private long joinDeadlineMs = NONE;
  private boolean initialJoin;
  private int initialDelayMs;
  private int initialRemainingMs;

  private long syncDeadlineMs = NONE;
  private int syncGeneration;

  private final Map<TopicPartitionRef, CommittedOffset> offsets = new HashMap<>();

  ClassicGroup(String groupId, GroupConfig config, GroupStore store, long nowMs) {
    this.groupId = groupId;
    this.config = config;
    this.store = store;
    this.stateTimestampMs = nowMs;
  }

  // ---- accessors -------------------------------------------------------------------------------

  String groupId() {
    return groupId;
  }

  GroupState state() {
    return state;
  }

  long stateTimestampMs() {
    return stateTimestampMs;
  }

  String protocolType() {
    return protocolType;
  }

  String protocolName() {
    return protocolName;
  }

  int generationId() {
    return generationId;
  }

  String leaderId() {
    return members.leaderId();
  }

  List<MemberMetadata> members() {
    return members.snapshot();
  }

  int size() {
    return members.size();
  }

  Map<TopicPartitionRef, CommittedOffset> offsets() {
    return offsets;
  }

  private boolean isLeader(String memberId) {
    return members.isLeader(memberId);
  }

  /** The member id of the static member {@code instanceId}, or null. */
  String staticMemberId(String instanceId) {
    return members.staticMemberId(instanceId);
  }

  /** Whether the group is in {@code s}. */
  boolean is(GroupState s) {
    return state == s;
  }

  private void transitionTo(GroupState next, long nowMs) {
    previousState = state;
    state = next;
    stateTimestampMs = nowMs;
  }

  /** Marks the group deleted: it takes no more members and answers COORDINATOR_NOT_AVAILABLE. */
  /**
   * The coordinator moved to another node: parked JoinGroup and SyncGroup requests answer
   * NOT_COORDINATOR (the clients find the new coordinator), and the group is dead here.
   */
  void unload(long nowMs) {
    for (MemberMetadata m : members()) {
      m.completeJoin(joinError(m.memberId(), Errors.NOT_COORDINATOR));
      m.completeSync(syncError(Errors.NOT_COORDINATOR));
    }
    markDead(nowMs);
  }

  void markDead(long nowMs) {
    transitionTo(GroupState.DEAD, nowMs);
    joinDeadlineMs = NONE;
    syncDeadlineMs = NONE;
  }

  // ---- loading ---------------------------------------------------------------------------------

  /** Replaces membership with what the log says (at load time); members get a fresh session. */
  void load(GroupRecord.GroupMetadataValue value, long nowMs) {
    members.clear();
    protocolType = value.protocolType();
    generationId = value.generation();
    protocolName = value.protocol();
    for (GroupRecord.MemberValue mv : value.members()) {
      LinkedHashMap<String, byte[]> protocols = new LinkedHashMap<>();
      if (protocolName != null) {
        protocols.put(protocolName, mv.subscription());
      }
      MemberMetadata m =
          new MemberMetadata(
              mv.memberId(),
              mv.groupInstanceId(),
              mv.clientId(),
              mv.clientHost(),
              mv.rebalanceTimeoutMs(),
              mv.sessionTimeoutMs(),
              protocolType,
              protocols);
      m.setAssignment(mv.assignment());
      m.setHeartbeatDeadlineMs(nowMs + mv.sessionTimeoutMs());
      members.add(m);
    }
    members.setLeader(value.leader());
    previousState = GroupState.EMPTY;
    state = members.isEmpty() ? GroupState.EMPTY : GroupState.STABLE;
    stateTimestampMs = value.stateTimestampMs();
  }

  /** The group's metadata for the log, with {@code assignment} as each member's assignment. */
  GroupRecord.GroupMetadataValue metadataValue(Map<String, byte[]> assignment) {
    List<GroupRecord.MemberValue> stored = new ArrayList<>();
    for (MemberMetadata m : members.all()) {
      stored.add(
          new GroupRecord.MemberValue(
              m.memberId(),
              m.groupInstanceId(),
              m.clientId(),
              m.clientHost(),
              m.rebalanceTimeoutMs(),
              m.sessionTimeoutMs(),
              m.metadata(protocolName),
              assignment.getOrDefault(m.memberId(), MemberMetadata.EMPTY_ASSIGNMENT)));
    }
    return new GroupRecord.GroupMetadataValue(
        protocolType, generationId, protocolName, members.leaderId(), stateTimestampMs, stored);
  }

  // ---- JoinGroup -------------------------------------------------------------------------------

  /**
   * JoinGroup. The coordinator has validated the group id and session timeout.
   *
   * @param version the request's version (MEMBER_ID_REQUIRED from v4, skip assignment from v9)
   * @param callback gets the response, now or when the rebalance completes
   */
  void join(
      JoinGroupRequestData req,
      short version,
      String clientId,
      String clientHost,
      long nowMs,
      Consumer<JoinGroupResponseData> callback) {
    LinkedHashMap<String, byte[]> protocols = protocols(req);
    if (req.memberId().isEmpty()) {
      joinNewMember(req, protocols, version, clientId, clientHost, nowMs, callback);
    } else {
      joinExistingMember(req, protocols, clientId, clientHost, nowMs, callback);
    }
  }

  private static LinkedHashMap<String, byte[]> protocols(JoinGroupRequestData req) {
    LinkedHashMap<String, byte[]> out = new LinkedHashMap<>();
    for (JoinGroupRequestData.JoinGroupRequestProtocol p : req.protocols()) {
      out.putIfAbsent(p.name(), p.metadata());
    }
    return out;
  }

  private void joinNewMember(
      JoinGroupRequestData req,
      LinkedHashMap<String, byte[]> protocols,
      short version,
      String clientId,
      String clientHost,
      long nowMs,
      Consumer<JoinGroupResponseData> callback) {
    if (state == GroupState.DEAD) {
      callback.accept(joinError("", Errors.COORDINATOR_NOT_AVAILABLE));
      return;
    }
    if (!supportsProtocols(req.protocolType(), protocols)) {
      callback.accept(joinError("", Errors.INCONSISTENT_GROUP_PROTOCOL));
      return;
    }
    String instanceId = req.groupInstanceId();
    String newMemberId = (instanceId != null ? instanceId : clientId) + "-" + UUID.randomUUID();
    if (instanceId != null) {
      String existing = members.staticMemberId(instanceId);
      if (existing != null) {
        updateStaticMember(
            existing, newMemberId, req, protocols, version, clientId, clientHost, nowMs, callback);
      } else {
        addMemberAndRebalance(newMemberId, req, protocols, clientId, clientHost, nowMs, callback);
      }
    } else if (version >= 4) {
      members.addPending(newMemberId, nowMs + req.sessionTimeoutMs());
      callback.accept(joinError(newMemberId, Errors.MEMBER_ID_REQUIRED));
    } else {
      addMemberAndRebalance(newMemberId, req, protocols, clientId, clientHost, nowMs, callback);
    }
  }

  private void joinExistingMember(
      JoinGroupRequestData req,
      LinkedHashMap<String, byte[]> protocols,
      String clientId,
      String clientHost,
      long nowMs,
      Consumer<JoinGroupResponseData> callback) {
    String memberId = req.memberId();
    if (state == GroupState.DEAD) {
      callback.accept(joinError(memberId, Errors.COORDINATOR_NOT_AVAILABLE));
      return;
    }
    if (!supportsProtocols(req.protocolType(), protocols)) {
      callback.accept(joinError(memberId, Errors.INCONSISTENT_GROUP_PROTOCOL));
      return;
    }
    if (members.isPending(memberId)) {
      if (req.groupInstanceId() != null) {
        // a pending member id is only ever handed to a dynamic member
        callback.accept(joinError(memberId, Errors.UNKNOWN_MEMBER_ID));
        return;
      }
      addMemberAndRebalance(memberId, req, protocols, clientId, clientHost, nowMs, callback);
      return;
    }
    Errors invalid = members.validate(memberId, req.groupInstanceId());
    if (invalid != Errors.NONE) {
      callback.accept(joinError(memberId, invalid));
      return;
    }
    MemberMetadata member = members.get(memberId);
    switch (state) {
      case PREPARING_REBALANCE ->
          updateMemberAndRebalance(member, req, protocols, clientId, clientHost, nowMs, callback);
      case COMPLETING_REBALANCE -> {
        if (member.matches(protocols)) {
          // the member lost the JoinGroup response: the current generation again
          callback.accept(joinResponse(member, isLeader(memberId), false, members.leaderId()));
        } else {
          updateMemberAndRebalance(member, req, protocols, clientId, clientHost, nowMs, callback);
        }
      }
      case STABLE -> {
        if (isLeader(memberId) || !member.matches(protocols)) {
          // the leader rejoins to rebalance on metadata changes (e.g. new partitions)
          updateMemberAndRebalance(member, req, protocols, clientId, clientHost, nowMs, callback);
        } else {
          callback.accept(joinResponse(member, false, false, members.leaderId()));
        }
      }
      default -> callback.accept(joinError(memberId, Errors.UNKNOWN_MEMBER_ID));
    }
  }

  private void addMemberAndRebalance(
      String memberId,
      JoinGroupRequestData req,
      LinkedHashMap<String, byte[]> protocols,
      String clientId,
      String clientHost,
      long nowMs,
      Consumer<JoinGroupResponseData> callback) {
    MemberMetadata member =
        new MemberMetadata(
            memberId,
            req.groupInstanceId(),
            clientId,
            clientHost,
            rebalanceTimeout(req),
            req.sessionTimeoutMs(),
            req.protocolType(),
            protocols);
    member.setNew(true);
    if (state == GroupState.PREPARING_REBALANCE && previousState == GroupState.EMPTY) {
      newMemberAdded = true;
    }
    if (members.isEmpty()) {
      protocolType = req.protocolType();
    }
    members.add(member);
    member.awaitJoin(callback);
    // a new member cannot heartbeat while its JoinGroup is parked: bound the park instead
    member.setHeartbeatDeadlineMs(nowMs + config.newMemberJoinTimeoutMs());
    maybePrepareRebalanceOrCompleteJoin(
        nowMs, "member " + memberId + " joined" + clientReason(req));
  }

  private static String clientReason(JoinGroupRequestData req) {
    return req.reason() == null || req.reason().isEmpty() ? "" : " (" + req.reason() + ")";
  }

  private static int rebalanceTimeout(JoinGroupRequestData req) {
    // v0 has no rebalance timeout: the session timeout serves as both
    return req.rebalanceTimeoutMs() > 0 ? req.rebalanceTimeoutMs() : req.sessionTimeoutMs();
  }

  private void updateMemberAndRebalance(
      MemberMetadata member,
      JoinGroupRequestData req,
      LinkedHashMap<String, byte[]> protocols,
      String clientId,
      String clientHost,
      long nowMs,
      Consumer<JoinGroupResponseData> callback) {
    replaceJoinCallback(member, callback);
    member.update(protocols, rebalanceTimeout(req), req.sessionTimeoutMs());
    member.setClient(clientId, clientHost);
    maybePrepareRebalanceOrCompleteJoin(
        nowMs, "member " + member.memberId() + " rejoined" + clientReason(req));
  }

  /**
   * Parks {@code callback}; a JoinGroup already parked for the member (an old connection) fails.
   */
  private static void replaceJoinCallback(
      MemberMetadata member, Consumer<JoinGroupResponseData> callback) {
    member.completeJoin(joinError(member.memberId(), Errors.REBALANCE_IN_PROGRESS));
    member.awaitJoin(callback);
  }

  private void updateStaticMember(
      String oldMemberId,
      String newMemberId,
      JoinGroupRequestData req,
      LinkedHashMap<String, byte[]> protocols,
      short version,
      String clientId,
      String clientHost,
      long nowMs,
      Consumer<JoinGroupResponseData> callback) {
    String currentLeader = members.leaderId();
    String instanceId = req.groupInstanceId();
    MemberMetadata member = replaceStaticMember(instanceId, oldMemberId, newMemberId);
    member.setHeartbeatDeadlineMs(nowMs + member.sessionTimeoutMs());
    LinkedHashMap<String, byte[]> oldProtocols = new LinkedHashMap<>(member.protocols());
    int oldRebalanceTimeout = member.rebalanceTimeoutMs();
    int oldSessionTimeout = member.sessionTimeoutMs();
    member.update(protocols, rebalanceTimeout(req), req.sessionTimeoutMs());
    member.setClient(clientId, clientHost);
    member.awaitJoin(callback);
    switch (state) {
      case STABLE -> {
        if (Objects.equals(protocolName, members.selectProtocol())) {
          // KIP-345: a static member that comes back within its session gets its old assignment
          // without a rebalance; only the new member id is stored
          store.store(
              this,
              members.assignments(),
              (error, now) -> {
                if (error != Errors.NONE) {
                  LOG.warn(
                      "group {}: cannot store static member {} ({}): {}; reverting to {}",
                      groupId,
                      newMemberId,
                      instanceId,
                      error,
                      oldMemberId);
                  if (members.get(newMemberId) == member) {
                    member.update(oldProtocols, oldRebalanceTimeout, oldSessionTimeout);
                    member.awaitJoin(null);
                    replaceStaticMember(instanceId, newMemberId, oldMemberId);
                  }
                  callback.accept(
                      joinResponse(member, false, false, currentLeader)
                          .setMemberId("")
                          .setErrorCode(storeError(error).code()));
                } else if (version >= 9) {
                  boolean leader = isLeader(member.memberId());
                  member.completeJoin(joinResponse(member, leader, leader, members.leaderId()));
                } else {
                  // the old leader id: a rejoined leader must not think it should assign, since a
                  // Stable group would not pass its new assignment on
                  member.completeJoin(joinResponse(member, false, false, currentLeader));
                }
              });
        } else {
          maybePrepareRebalanceOrCompleteJoin(
              nowMs, "static member " + instanceId + " came back with other protocols");
        }
      }
      case COMPLETING_REBALANCE ->
          // the leader may be assigning to the old member id: run the rebalance again
          prepareRebalance(nowMs, "static member " + instanceId + " came back during a rebalance");
      default -> maybeCompleteJoinPhase(nowMs);
    }
  }

  /** Moves the static member to {@code newMemberId}; parked requests of the old one are fenced. */
  private MemberMetadata replaceStaticMember(
      String instanceId, String oldMemberId, String newMemberId) {
    MemberMetadata old = members.get(oldMemberId);
    old.completeJoin(joinError(oldMemberId, Errors.FENCED_INSTANCE_ID));
    old.completeSync(syncError(Errors.FENCED_INSTANCE_ID));
    MemberMetadata member = members.rename(instanceId, oldMemberId, newMemberId);
    if (pendingSyncMembers.remove(oldMemberId)) {
      pendingSyncMembers.add(newMemberId);
    }
    return member;
  }

  /** Kafka's mapping of a failed group-metadata write to a client error. */
  static Errors storeError(Errors appendError) {
    return switch (appendError) {
      case UNKNOWN_TOPIC_OR_PARTITION, NOT_ENOUGH_REPLICAS -> Errors.COORDINATOR_NOT_AVAILABLE;
      case NOT_LEADER_OR_FOLLOWER, KAFKA_STORAGE_ERROR -> Errors.NOT_COORDINATOR;
      case MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE, INVALID_FETCH_SIZE ->
          Errors.UNKNOWN_SERVER_ERROR;
      default -> appendError;
    };
  }

  /** Whether a member of {@code type} with {@code protocols} can join. */
  private boolean supportsProtocols(String type, Map<String, byte[]> protocols) {
    if (state == GroupState.EMPTY) {
      return type != null && !type.isEmpty() && !protocols.isEmpty();
    }
    return Objects.equals(protocolType, type) && members.anySupportedByAll(protocols.keySet());
  }

  // ---- rebalance -------------------------------------------------------------------------------

  private boolean canRebalance() {
    return state == GroupState.STABLE
        || state == GroupState.COMPLETING_REBALANCE
        || state == GroupState.EMPTY;
  }

  private void maybePrepareRebalanceOrCompleteJoin(long nowMs, String reason) {
    if (canRebalance()) {
      prepareRebalance(nowMs, reason);
    } else {
      maybeCompleteJoinPhase(nowMs);
    }
  }

  /** Completes the join phase when everyone has joined, except during the initial delay. */
  private void maybeCompleteJoinPhase(long nowMs) {
    if (state == GroupState.PREPARING_REBALANCE
        && hasAllMembersJoined()
        && previousState != GroupState.EMPTY) {
      completeJoin(nowMs);
    }
  }

  private boolean hasAllMembersJoined() {
    return members.allJoined();
  }

  /** The largest rebalance timeout of the members (0 without members). */
  int rebalanceTimeoutMs() {
    return members.rebalanceTimeoutMs();
  }

  /** Starts a rebalance; {@code reason} is logged. */
  void prepareRebalance(long nowMs, String reason) {
    if (state == GroupState.COMPLETING_REBALANCE) {
      for (MemberMetadata m : members.all()) {
        m.setAssignment(MemberMetadata.EMPTY_ASSIGNMENT);
      }
      propagateAssignment(Errors.REBALANCE_IN_PROGRESS, nowMs);
    }
    pendingSyncMembers.clear();
    syncDeadlineMs = NONE;
    boolean initial = state == GroupState.EMPTY;
    if (initial) {
      // a new group: give more members time to arrive before the first assignment
      initialJoin = true;
      initialDelayMs = config.initialRebalanceDelayMs();
      initialRemainingMs = Math.max(rebalanceTimeoutMs() - initialDelayMs, 0);
      joinDeadlineMs = nowMs + initialDelayMs;
    }
    transitionTo(GroupState.PREPARING_REBALANCE, nowMs);
    LOG.info("group {}: preparing to rebalance (generation {}): {}", groupId, generationId, reason);
    if (!initial) {
      if (hasAllMembersJoined()) {
        completeJoin(nowMs);
      } else {
        initialJoin = false;
        joinDeadlineMs = nowMs + rebalanceTimeoutMs();
      }
    }
  }

  private void onJoinDeadline(long nowMs) {
    joinDeadlineMs = NONE;
    if (state != GroupState.PREPARING_REBALANCE) {
      return;
    }
    if (initialJoin && newMemberAdded && initialRemainingMs != 0) {
      newMemberAdded = false;
      int delay = Math.min(config.initialRebalanceDelayMs(), initialRemainingMs);
      initialRemainingMs = Math.max(initialRemainingMs - initialDelayMs, 0);
      initialDelayMs = delay;
      joinDeadlineMs = nowMs + delay;
    } else {
      completeJoin(nowMs);
    }
  }

  /**
   * Ends the join phase: dynamic members that did not rejoin leave, the generation advances, and
   * every parked JoinGroup is answered (the leader's with the members and their metadata).
   */
  private void completeJoin(long nowMs) {
    joinDeadlineMs = NONE;
    initialJoin = false;
    List<String> gone = new ArrayList<>();
    for (MemberMetadata m : members.all()) {
      if (!m.isAwaitingJoin() && !m.isStatic()) {
        gone.add(m.memberId());
      }
    }
    for (String id : gone) {
      remove(id);
    }
    if (!gone.isEmpty()) {
      LOG.info("group {}: removed members that did not rejoin: {}", groupId, gone);
    }
    if (state == GroupState.DEAD) {
      return;
    }
    if (!members.electJoinedLeader() && !members.isEmpty()) {
      // no member rejoined: wait again; sessions remove the silent ones meanwhile
      joinDeadlineMs = nowMs + rebalanceTimeoutMs();
      return;
    }
    generationId++;
    if (members.isEmpty()) {
      protocolName = null;
      transitionTo(GroupState.EMPTY, nowMs);
      LOG.info("group {}: generation {} is empty", groupId, generationId);
      store.store(this, Map.of(), null);
      return;
    }
    protocolName = members.selectProtocol();
    transitionTo(GroupState.COMPLETING_REBALANCE, nowMs);
    LOG.info(
        "group {}: generation {} with {} members, protocol {}, leader {}",
        groupId,
        generationId,
        members.size(),
        protocolName,
        members.leaderId());
    for (MemberMetadata m : members()) {
      m.completeJoin(joinResponse(m, isLeader(m.memberId()), false, members.leaderId()));
      m.setHeartbeatDeadlineMs(nowMs + m.sessionTimeoutMs());
      m.setNew(false);
      pendingSyncMembers.add(m.memberId());
    }
    syncGeneration = generationId;
    syncDeadlineMs = nowMs + rebalanceTimeoutMs();
  }

  private JoinGroupResponseData joinResponse(
      MemberMetadata member, boolean withMembers, boolean skipAssignment, String leader) {
    JoinGroupResponseData resp =
        new JoinGroupResponseData()
            .setErrorCode(Errors.NONE.code())
            .setMemberId(member.memberId())
            .setGenerationId(generationId)
            .setProtocolType(protocolType)
            .setProtocolName(protocolName)
            .setLeader(leader)
            .setSkipAssignment(skipAssignment);
    if (withMembers) {
      for (MemberMetadata m : members.all()) {
        resp.members()
            .add(
                new JoinGroupResponseData.JoinGroupResponseMember()
                    .setMemberId(m.memberId())
                    .setGroupInstanceId(m.groupInstanceId())
                    .setMetadata(m.metadata(protocolName)));
      }
    }
    return resp;
  }

  static JoinGroupResponseData joinError(String memberId, Errors error) {
    return new JoinGroupResponseData()
        .setErrorCode(error.code())
        .setMemberId(memberId)
        .setGenerationId(-1)
        .setProtocolType(null)
        .setProtocolName(null)
        .setLeader("");
  }

  // ---- SyncGroup -------------------------------------------------------------------------------

  void sync(SyncGroupRequestData req, long nowMs, Consumer<SyncGroupResponseData> callback) {
    Errors invalid = validateSync(req);
    if (invalid != Errors.NONE) {
      callback.accept(syncError(invalid));
      return;
    }
    String memberId = req.memberId();
    switch (state) {
      case EMPTY -> callback.accept(syncError(Errors.UNKNOWN_MEMBER_ID));
      case PREPARING_REBALANCE -> callback.accept(syncError(Errors.REBALANCE_IN_PROGRESS));
      case COMPLETING_REBALANCE -> {
        MemberMetadata member = members.get(memberId);
        member.completeSync(syncError(Errors.REBALANCE_IN_PROGRESS));
        member.awaitSync(callback);
        pendingSyncMembers.remove(memberId);
        if (isLeader(memberId)) {
          Map<String, byte[]> assignment = new HashMap<>();
          for (SyncGroupRequestData.SyncGroupRequestAssignment a : req.assignments()) {
            assignment.put(a.memberId(), a.assignment());
          }
          for (String id : members.ids()) {
            assignment.putIfAbsent(id, MemberMetadata.EMPTY_ASSIGNMENT);
          }
          int generation = generationId;
          store.store(
              this,
              assignment,
              (error, now) -> {
                // a member may have joined while the metadata was written
                if (state != GroupState.COMPLETING_REBALANCE || generationId != generation) {
                  return;
                }
                if (error != Errors.NONE) {
                  for (MemberMetadata m : members.all()) {
                    m.setAssignment(MemberMetadata.EMPTY_ASSIGNMENT);
                  }
                  propagateAssignment(storeError(error), now);
                  maybePrepareRebalanceOrCompleteJoin(
                      now, "the assignment could not be stored: " + error);
                } else {
                  for (MemberMetadata m : members.all()) {
                    m.setAssignment(assignment.get(m.memberId()));
                  }
                  propagateAssignment(Errors.NONE, now);
                  transitionTo(GroupState.STABLE, now);
                  LOG.info("group {}: generation {} is stable", groupId, generationId);
                }
              });
        }
      }
      case STABLE -> {
        pendingSyncMembers.remove(memberId);
        callback.accept(
            new SyncGroupResponseData()
                .setErrorCode(Errors.NONE.code())
                .setProtocolType(protocolType)
                .setProtocolName(protocolName)
                .setAssignment(members.get(memberId).assignment()));
      }
      default -> callback.accept(syncError(Errors.COORDINATOR_NOT_AVAILABLE));
    }
  }

  private Errors validateSync(SyncGroupRequestData req) {
    if (state == GroupState.DEAD) {
      return Errors.COORDINATOR_NOT_AVAILABLE;
    }
    Errors invalid = members.validate(req.memberId(), req.groupInstanceId());
    if (invalid != Errors.NONE) {
      return invalid;
    }
    if (req.generationId() != generationId) {
      return Errors.ILLEGAL_GENERATION;
    }
    if (inconsistent(req.protocolType(), protocolType)
        || inconsistent(req.protocolName(), protocolName)) {
      return Errors.INCONSISTENT_GROUP_PROTOCOL;
    }
    return Errors.NONE;
  }

  private static boolean inconsistent(String requested, String actual) {
    return requested != null && actual != null && !requested.equals(actual);
  }

  private void propagateAssignment(Errors error, long nowMs) {
    for (MemberMetadata m : members.all()) {
      SyncGroupResponseData resp =
          new SyncGroupResponseData().setErrorCode(error.code()).setAssignment(m.assignment());
      if (error == Errors.NONE) {
        resp.setProtocolType(protocolType).setProtocolName(protocolName);
      }
      if (m.completeSync(resp)) {
        m.setHeartbeatDeadlineMs(nowMs + m.sessionTimeoutMs());
      }
    }
  }

  static SyncGroupResponseData syncError(Errors error) {
    return new SyncGroupResponseData()
        .setErrorCode(error.code())
        .setAssignment(MemberMetadata.EMPTY_ASSIGNMENT);
  }

  // ---- Heartbeat -------------------------------------------------------------------------------

  Errors heartbeat(String memberId, String instanceId, int generation, long nowMs) {
    if (state == GroupState.DEAD) {
      return Errors.COORDINATOR_NOT_AVAILABLE;
    }
    Errors invalid = members.validate(memberId, instanceId);
    if (invalid != Errors.NONE) {
      return invalid;
    }
    if (generation != generationId) {
      return Errors.ILLEGAL_GENERATION;
    }
    MemberMetadata member = members.get(memberId);
    return switch (state) {
      case PREPARING_REBALANCE -> {
        member.setHeartbeatDeadlineMs(nowMs + member.sessionTimeoutMs());
        yield Errors.REBALANCE_IN_PROGRESS;
      }
      case COMPLETING_REBALANCE, STABLE -> {
        member.setHeartbeatDeadlineMs(nowMs + member.sessionTimeoutMs());
        yield Errors.NONE;
      }
      default -> Errors.UNKNOWN_MEMBER_ID;
    };
  }

  /** A valid commit from a member also proves it alive. */
  void touch(String memberId, long nowMs) {
    MemberMetadata m = members.get(memberId);
    if (m != null && (state == GroupState.STABLE || state == GroupState.PREPARING_REBALANCE)) {
      m.setHeartbeatDeadlineMs(nowMs + m.sessionTimeoutMs());
    }
  }

  // ---- LeaveGroup ------------------------------------------------------------------------------

  LeaveGroupResponseData leave(List<LeaveGroupRequestData.MemberIdentity> leaving, long nowMs) {
    LeaveGroupResponseData resp = new LeaveGroupResponseData();
    if (state == GroupState.DEAD) {
      return resp.setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code());
    }
    for (LeaveGroupRequestData.MemberIdentity who : leaving) {
      Errors error;
      String memberId = who.memberId();
      String instanceId = who.groupInstanceId();
      if (memberId.isEmpty()) {
        // removal by instance id (Admin removeMembersFromConsumerGroup)
        String existing = members.staticMemberId(instanceId);
        if (existing != null) {
          removeMemberAndUpdateGroup(existing, nowMs, "static member " + instanceId + " removed");
          error = Errors.NONE;
        } else {
          error = Errors.UNKNOWN_MEMBER_ID;
        }
      } else if (members.isPending(memberId)) {
        removePendingMember(memberId, nowMs);
        error = Errors.NONE;
      } else {
        error = members.validate(memberId, instanceId);
        if (error == Errors.NONE) {
          removeMemberAndUpdateGroup(memberId, nowMs, "member " + memberId + " left");
        }
      }
      resp.members()
          .add(
              new LeaveGroupResponseData.MemberResponse()
                  .setMemberId(memberId)
                  .setGroupInstanceId(instanceId)
                  .setErrorCode(error.code()));
    }
    return resp;
  }

  private void remove(String memberId) {
    members.remove(memberId);
    pendingSyncMembers.remove(memberId);
  }

  private void removeMemberAndUpdateGroup(String memberId, long nowMs, String reason) {
    MemberMetadata m = members.get(memberId);
    // a parked JoinGroup of a removed member is answered, so the client rejoins if it is alive
    m.completeJoin(joinError("", Errors.UNKNOWN_MEMBER_ID));
    m.completeSync(syncError(Errors.UNKNOWN_MEMBER_ID));
    remove(memberId);
    if (state == GroupState.STABLE || state == GroupState.COMPLETING_REBALANCE) {
      maybePrepareRebalanceOrCompleteJoin(nowMs, reason);
    } else {
      LOG.info("group {}: {}", groupId, reason);
      if (state == GroupState.PREPARING_REBALANCE && hasAllMembersJoined()) {
        completeJoin(nowMs);
      }
    }
  }

  private void removePendingMember(String memberId, long nowMs) {
    members.removePending(memberId);
    if (state == GroupState.PREPARING_REBALANCE && hasAllMembersJoined()) {
      completeJoin(nowMs);
    }
  }

  // ---- time ------------------------------------------------------------------------------------

  /** Fires every deadline at or before {@code nowMs}. */
  void tick(long nowMs) {
    if (state == GroupState.DEAD) {
      return;
    }
    for (String id : members.expiredPending(nowMs)) {
      LOG.info("group {}: pending member {} did not join in time", groupId, id);
      removePendingMember(id, nowMs);
    }
    for (MemberMetadata m : members()) {
      if (m.heartbeatDeadlineMs() <= nowMs
          && members.get(m.memberId()) == m
          && !m.hasSatisfiedHeartbeat()) {
        removeMemberAndUpdateGroup(
            m.memberId(),
            nowMs,
            "member "
                + m.memberId()
                + " failed: no heartbeat within "
                + (m.isNew() ? config.newMemberJoinTimeoutMs() : m.sessionTimeoutMs())
                + " ms");
      }
    }
    // a loop: an initial delay extended by 0 ms (group.initial.rebalance.delay.ms=0) is due at once
    while (joinDeadlineMs != NONE && joinDeadlineMs <= nowMs) {
      onJoinDeadline(nowMs);
    }
    if (syncDeadlineMs != NONE && syncDeadlineMs <= nowMs) {
      syncDeadlineMs = NONE;
      expirePendingSync(nowMs);
    }
  }

  private void expirePendingSync(long nowMs) {
    if (syncGeneration != generationId
        || (state != GroupState.COMPLETING_REBALANCE && state != GroupState.STABLE)
        || pendingSyncMembers.isEmpty()) {
      return;
    }
    List<String> late = List.copyOf(pendingSyncMembers);
    for (String id : late) {
      remove(id);
    }
    prepareRebalance(nowMs, "members " + late + " did not send SyncGroup in time");
  }

  // ---- offsets ---------------------------------------------------------------------------------

  /**
   * Whether a commit by this member (or, with generation -1 and no member, by a client outside
   * group management) is allowed now.
   */
  Errors validateOffsetCommit(String memberId, String instanceId, int generation) {
    if (state == GroupState.DEAD) {
      return Errors.COORDINATOR_NOT_AVAILABLE;
    }
    if (generation < 0 && state == GroupState.EMPTY) {
      return Errors.NONE;
    }
    if (generation >= 0 || !memberId.isEmpty() || instanceId != null) {
      Errors invalid = members.validate(memberId, instanceId);
      if (invalid != Errors.NONE) {
        return invalid;
      }
      if (generation != generationId) {
        return Errors.ILLEGAL_GENERATION;
      }
    } else if (state != GroupState.EMPTY) {
      return Errors.UNKNOWN_MEMBER_ID;
    }
    if (state == GroupState.COMPLETING_REBALANCE) {
      return Errors.REBALANCE_IN_PROGRESS;
    }
    return Errors.NONE;
  }

  /**
   * The offsets that have outlived {@code retentionMs}: all of them once a consumer group has been
   * empty that long; for a group that never had members (it only commits), each one that long after
   * its commit. Offsets of groups with members never expire.
   */
  List<TopicPartitionRef> expiredOffsets(long nowMs, long retentionMs) {
    if (state != GroupState.EMPTY) {
      return List.of();
    }
    List<TopicPartitionRef> out = new ArrayList<>();
    for (Map.Entry<TopicPartitionRef, CommittedOffset> e : offsets.entrySet()) {
      long base = protocolType != null ? stateTimestampMs : e.getValue().commitTimestampMs();
      if (nowMs - base >= retentionMs) {
        out.add(e.getKey());
      }
    }
    return out;
  }
}
