package dev.meridian.node.group;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
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
 * The classic group coordinator of a node: owns the groups whose offsets partition this node leads,
 * runs their rebalances ({@link ClassicGroup}) and keeps their committed offsets, durably in the
 * internal offsets topic ({@link GroupLog}).
 *
 * <p>Shards. Each partition of the offsets topic is one shard: {@link #loadShard} (when this node
 * becomes the partition's leader) replays the partition's records into memory, {@link #unloadShard}
 * (when it stops leading) drops its groups and answers their parked requests with NOT_COORDINATOR.
 * A request for a group of a shard this node does not hold gets NOT_COORDINATOR, one during loading
 * COORDINATOR_LOAD_IN_PROGRESS ({@link #coordinatorError}).
 *
 * <p>Threads. One lock guards all groups; operations under it are in-memory and short, so handlers
 * call them from event loops. Parked JoinGroup/SyncGroup responses are completed only after the
 * lock is released. Everything that writes records — offset commits, group metadata, deletions,
 * expiry — runs on one writer executor in submission order: validate under the lock, append
 * (blocking), apply to memory under the lock. So memory changes in log order, and a commit is
 * answered only once it is in the log.
 *
 * <p>Time comes from {@code clock}; {@link #tick} fires the groups' deadlines and the offset expiry
 * check. The node calls it from a periodic timer; tests call it with a test clock.
 */
public final class GroupCoordinator implements GroupQuery, GroupStore {
  private static final Logger LOG = LoggerFactory.getLogger(GroupCoordinator.class);

  /** The server-side assignors a consumer-protocol member may name, the first the default. */
  public static final List<String> ASSIGNORS = ConsumerAssignors.NAMES;

  private final GroupConfig config;
  private final GroupLog log;
  private final Executor writer;
  private final LongSupplier clock;
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<String, ClassicGroup> groups = new HashMap<>();

  /**
   * The consumer-protocol groups (KIP-848). Each also has an entry without members in {@link
   * #groups}, which keeps its committed offsets, so offsets work the same for both protocols.
   */
  private final ConsumerGroups consumers;

  /** The offsets partitions this node coordinates: loading, or loaded (true). */
  private final Map<Integer, Boolean> shards = new HashMap<>();

  /** Bumped on every load and unload of a partition, so a load overtaken by an unload is void. */
  private final Map<Integer, Long> shardGenerations = new HashMap<>();

  private final List<Runnable> deferred = new ArrayList<>();
  private long nextExpiryCheckMs;

  /**
   * @param writer runs the record-writing steps one at a time, in submission order
   * @param clock broker time, ms
   */
  public GroupCoordinator(GroupConfig config, GroupLog log, Executor writer, LongSupplier clock) {
    this(config, log, writer, clock, Map::of);
  }

  /**
   * @param topics the region's topics, for the assignments of consumer-protocol groups
   */
  public GroupCoordinator(
      GroupConfig config,
      GroupLog log,
      Executor writer,
      LongSupplier clock,
      Supplier<Map<String, GroupTopic>> topics) {
    this.consumers = new ConsumerGroups(config, topics);
    this.config = config;
    this.log = log;
    this.writer = writer;
    this.clock = clock;
    this.nextExpiryCheckMs = clock.getAsLong() + config.offsetsRetentionCheckMs();
  }

  public GroupConfig config() {
    return config;
  }

  /** The number of partitions of the offsets topic. */
  public int offsetsPartitions() {
    return log.partitions();
  }

  /** The offsets partition that holds {@code groupId}, whose leader coordinates it. */
  public int partitionFor(String groupId) {
    return log.partitionFor(groupId);
  }

  // ---- locking ---------------------------------------------------------------------------------

  private <T> T locked(Supplier<T> op) {
    lock.lock();
    List<Runnable> run = List.of();
    try {
      return op.get();
    } finally {
      if (lock.getHoldCount() == 1 && !deferred.isEmpty()) {
        run = List.copyOf(deferred);
        deferred.clear();
      }
      lock.unlock();
      for (Runnable r : run) {
        r.run();
      }
    }
  }

  private void locked(Runnable op) {
    locked(
        () -> {
          op.run();
          return null;
        });
  }

  /** A callback for a group that completes {@code future} once the lock is released. */
  private <T> java.util.function.Consumer<T> completing(CompletableFuture<T> future) {
    return value -> deferred.add(() -> future.complete(value));
  }

  private ClassicGroup newGroup(String groupId) {
    return new ClassicGroup(groupId, config, this, clock.getAsLong());
  }

  // ---- shards ----------------------------------------------------------------------------------

  /**
   * Why this node cannot serve {@code groupId} now: NOT_COORDINATOR when it does not hold the
   * group's offsets partition, COORDINATOR_LOAD_IN_PROGRESS while it loads it,
   * COORDINATOR_NOT_AVAILABLE when the offsets topic does not exist yet; NONE when it can.
   */
  public Errors coordinatorError(String groupId) {
    if (log.partitions() <= 0) {
      return Errors.COORDINATOR_NOT_AVAILABLE;
    }
    int partition = log.partitionFor(groupId);
    return locked(
        () -> {
          Boolean loaded = shards.get(partition);
          return loaded == null
              ? Errors.NOT_COORDINATOR
              : loaded ? Errors.NONE : Errors.COORDINATOR_LOAD_IN_PROGRESS;
        });
  }

  private Errors coordinatorErrorLocked(String groupId) {
    if (log.partitions() <= 0) {
      return Errors.COORDINATOR_NOT_AVAILABLE;
    }
    Boolean loaded = shards.get(log.partitionFor(groupId));
    return loaded == null
        ? Errors.NOT_COORDINATOR
        : loaded ? Errors.NONE : Errors.COORDINATOR_LOAD_IN_PROGRESS;
  }

  /** Whether this node holds the (loaded) shard of {@code groupId}; call under the lock. */
  private boolean owns(String groupId) {
    return log.partitions() > 0 && Boolean.TRUE.equals(shards.get(log.partitionFor(groupId)));
  }

  /**
   * Starts coordinating the groups of offsets partition {@code partition}: replays its records on
   * the writer (blocking there), then serves them. Idempotent.
   */
  public void loadShard(int partition) {
    long generation =
        locked(
            () -> {
              if (shards.containsKey(partition)) {
                return -1L;
              }
              shards.put(partition, false);
              return shardGenerations.merge(partition, 1L, Long::sum);
            });
    if (generation < 0) {
      return;
    }
    writer.execute(() -> loadNow(partition, generation));
  }

  private void loadNow(int partition, long generation) {
    long t0 = System.nanoTime();
    long now = clock.getAsLong();
    List<GroupRecord> records = new ArrayList<>();
    try {
      log.replay(partition, records::add);
    } catch (RuntimeException e) {
      LOG.error(
          "offsets partition {}: cannot load its groups; not coordinating them", partition, e);
      locked(
          () -> {
            if (shardGenerations.get(partition) == generation) {
              shards.remove(partition);
            }
          });
      return;
    }
    locked(
        () -> {
          if (shardGenerations.get(partition) != generation) {
            return; // unloaded (and maybe loaded again) meanwhile
          }
          for (GroupRecord r : records) {
            apply(r, now);
          }
          shards.put(partition, true);
          LOG.info(
              "offsets partition {}: loaded {} records in {} ms: {} groups",
              partition,
              records.size(),
              (System.nanoTime() - t0) / 1_000_000,
              groups.keySet().stream().filter(g -> log.partitionFor(g) == partition).count());
        });
  }

  /**
   * Stops coordinating the groups of offsets partition {@code partition}: parked JoinGroup and
   * SyncGroup requests answer NOT_COORDINATOR, and the groups leave memory. Idempotent.
   */
  public void unloadShard(int partition) {
    locked(
        () -> {
          if (shards.remove(partition) == null) {
            return;
          }
          shardGenerations.merge(partition, 1L, Long::sum);
          long now = clock.getAsLong();
          int count = 0;
          for (ClassicGroup g : List.copyOf(groups.values())) {
            if (log.partitionFor(g.groupId()) == partition) {
              g.unload(now);
              groups.remove(g.groupId());
              consumers.remove(g.groupId());
              count++;
            }
          }
          LOG.info("offsets partition {}: unloaded {} groups", partition, count);
        });
  }

  /** Whether this node coordinates the groups of offsets partition {@code partition} (loaded). */
  public boolean coordinates(int partition) {
    return locked(() -> Boolean.TRUE.equals(shards.get(partition)));
  }

  /** Loads every shard (a coordinator that owns the whole offsets log: tests, one node). */
  public void loadAll() {
    for (int p = 0; p < log.partitions(); p++) {
      loadShard(p);
    }
  }

  private void apply(GroupRecord record, long now) {
    String id = record.groupId();
    if (record instanceof GroupRecord.ConsumerGroupState c) {
      consumers.apply(c, now);
      if (!c.isTombstone()) {
        groups.computeIfAbsent(id, this::newGroup);
      }
    } else if (record instanceof GroupRecord.OffsetCommit o) {
      if (o.isTombstone()) {
        ClassicGroup g = groups.get(id);
        if (g != null) {
          g.offsets().remove(o.partition());
        }
      } else {
        groups.computeIfAbsent(id, this::newGroup).offsets().put(o.partition(), o.value());
      }
    } else {
      GroupRecord.GroupMetadata m = (GroupRecord.GroupMetadata) record;
      if (m.isTombstone()) {
        groups.remove(id);
      } else {
        groups.computeIfAbsent(id, this::newGroup).load(m.value(), now);
      }
    }
  }

  // ---- GroupStore ------------------------------------------------------------------------------

  @Override
  public void store(ClassicGroup group, Map<String, byte[]> assignment, Done done) {
    GroupRecord record =
        new GroupRecord.GroupMetadata(group.groupId(), group.metadataValue(assignment));
    int partition = log.partitionFor(group.groupId());
    writer.execute(
        () -> {
          Errors error = append(partition, List.of(record));
          if (error != Errors.NONE) {
            LOG.warn("group {}: cannot store its metadata: {}", group.groupId(), error);
          }
          if (done != null) {
            locked(() -> done.done(error, clock.getAsLong()));
          }
        });
  }

  private Errors append(int partition, List<GroupRecord> records) {
    if (records.isEmpty()) {
      return Errors.NONE;
    }
    try {
      log.append(partition, records);
      return Errors.NONE;
    } catch (GroupLog.AppendException e) {
      LOG.warn("cannot append {} group records to partition {}: {}", records.size(), partition, e);
      return e.error();
    } catch (RuntimeException e) {
      LOG.error("cannot append {} group records to partition {}", records.size(), partition, e);
      return Errors.UNKNOWN_SERVER_ERROR;
    }
  }

  // ---- membership ------------------------------------------------------------------------------

  /** JoinGroup; the future completes when the rebalance lets this member in (or at once). */
  public CompletableFuture<JoinGroupResponseData> join(
      JoinGroupRequestData req, short version, String clientId, String clientHost) {
    CompletableFuture<JoinGroupResponseData> future = new CompletableFuture<>();
    String groupId = req.groupId();
    if (groupId == null || groupId.isEmpty()) {
      return CompletableFuture.completedFuture(
          ClassicGroup.joinError(req.memberId(), Errors.INVALID_GROUP_ID));
    }
    if (req.sessionTimeoutMs() < config.minSessionTimeoutMs()
        || req.sessionTimeoutMs() > config.maxSessionTimeoutMs()) {
      return CompletableFuture.completedFuture(
          ClassicGroup.joinError(req.memberId(), Errors.INVALID_SESSION_TIMEOUT));
    }
    locked(
        () -> {
          if (!owns(groupId)) {
            future.complete(
                ClassicGroup.joinError(req.memberId(), coordinatorErrorLocked(groupId)));
            return;
          }
          ConsumerGroup modern = consumers.get(groupId);
          if (modern != null && !modern.isEmpty()) {
            future.complete(
                ClassicGroup.joinError(req.memberId(), Errors.INCONSISTENT_GROUP_PROTOCOL));
            return;
          }
          if (modern != null) {
            // an empty consumer-protocol group becomes a classic one (its offsets stay)
            consumers.remove(groupId);
            GroupRecord tombstone = new GroupRecord.ConsumerGroupState(groupId, null);
            writer.execute(() -> append(log.partitionFor(groupId), List.of(tombstone)));
          }
          ClassicGroup group = groups.get(groupId);
          if (group == null) {
            if (!req.memberId().isEmpty()) {
              future.complete(ClassicGroup.joinError(req.memberId(), Errors.UNKNOWN_MEMBER_ID));
              return;
            }
            group = newGroup(groupId);
            groups.put(groupId, group);
          }
          group.join(req, version, clientId, clientHost, clock.getAsLong(), completing(future));
        });
    return future;
  }

  /** SyncGroup; the future completes when the leader's assignment is stored (or at once). */
  public CompletableFuture<SyncGroupResponseData> sync(SyncGroupRequestData req) {
    CompletableFuture<SyncGroupResponseData> future = new CompletableFuture<>();
    locked(
        () -> {
          if (!owns(req.groupId())) {
            future.complete(ClassicGroup.syncError(coordinatorErrorLocked(req.groupId())));
            return;
          }
          ClassicGroup group = groups.get(req.groupId());
          if (group == null) {
            future.complete(ClassicGroup.syncError(Errors.UNKNOWN_MEMBER_ID));
          } else {
            group.sync(req, clock.getAsLong(), completing(future));
          }
        });
    return future;
  }

  public Errors heartbeat(String groupId, String memberId, String instanceId, int generation) {
    return locked(
        () -> {
          if (!owns(groupId)) {
            return coordinatorErrorLocked(groupId);
          }
          ClassicGroup group = groups.get(groupId);
          return group == null
              ? Errors.UNKNOWN_MEMBER_ID
              : group.heartbeat(memberId, instanceId, generation, clock.getAsLong());
        });
  }

  /** LeaveGroup of one or more members; per-member errors in the response. */
  public LeaveGroupResponseData leave(
      String groupId, List<LeaveGroupRequestData.MemberIdentity> leaving) {
    return locked(
        () -> {
          if (!owns(groupId)) {
            return new LeaveGroupResponseData()
                .setErrorCode(coordinatorErrorLocked(groupId).code());
          }
          ClassicGroup group = groups.get(groupId);
          if (group == null) {
            LeaveGroupResponseData resp = new LeaveGroupResponseData();
            for (LeaveGroupRequestData.MemberIdentity m : leaving) {
              resp.members()
                  .add(
                      new LeaveGroupResponseData.MemberResponse()
                          .setMemberId(m.memberId())
                          .setGroupInstanceId(m.groupInstanceId())
                          .setErrorCode(Errors.UNKNOWN_MEMBER_ID.code()));
            }
            return resp;
          }
          return group.leave(leaving, clock.getAsLong());
        });
  }

  // ---- offsets ---------------------------------------------------------------------------------

  /**
   * Commits offsets (stamped with the broker's time) once they are in the log. With generation -1
   * and no member id, the group must have no members (Admin, or {@code assign()} plus commit); such
   * a group is created if needed.
   *
   * @return the error per partition (the same for all when the commit as a whole is refused)
   */
  public CompletableFuture<Map<TopicPartitionRef, Errors>> commitOffsets(
      String groupId,
      String memberId,
      String instanceId,
      int generation,
      Map<TopicPartitionRef, CommittedOffset> offsets) {
    CompletableFuture<Map<TopicPartitionRef, Errors>> future = new CompletableFuture<>();
    writer.execute(
        () -> {
          try {
            future.complete(commitNow(groupId, memberId, instanceId, generation, offsets));
          } catch (RuntimeException e) {
            future.completeExceptionally(e);
          }
        });
    return future;
  }

  private Map<TopicPartitionRef, Errors> commitNow(
      String groupId,
      String memberId,
      String instanceId,
      int generation,
      Map<TopicPartitionRef, CommittedOffset> offsets) {
    Errors refused =
        locked(
            () -> {
              if (!owns(groupId)) {
                return coordinatorErrorLocked(groupId);
              }
              ConsumerGroup modern = consumers.get(groupId);
              if (modern != null) {
                return modern.validateOffsetCommit(memberId, generation, offsets.keySet());
              }
              ClassicGroup group = groups.get(groupId);
              if (group == null) {
                if (generation >= 0) {
                  // the group is gone (deleted, or expired): the member must rejoin
                  return Errors.ILLEGAL_GENERATION;
                }
                group = newGroup(groupId);
                groups.put(groupId, group);
              }
              Errors e = group.validateOffsetCommit(memberId, instanceId, generation);
              if (e == Errors.NONE && generation >= 0) {
                group.touch(memberId, clock.getAsLong());
              }
              return e;
            });
    Errors error = refused;
    if (error == Errors.NONE && !offsets.isEmpty()) {
      long now = clock.getAsLong();
      Map<TopicPartitionRef, CommittedOffset> stamped = new LinkedHashMap<>();
      List<GroupRecord> records = new ArrayList<>(offsets.size());
      offsets.forEach(
          (tp, o) -> {
            CommittedOffset c = new CommittedOffset(o.offset(), o.leaderEpoch(), o.metadata(), now);
            stamped.put(tp, c);
            records.add(new GroupRecord.OffsetCommit(groupId, tp, c));
          });
      error = commitError(append(log.partitionFor(groupId), records));
      if (error == Errors.NONE) {
        locked(
            () -> {
              if (owns(groupId)) {
                groups.computeIfAbsent(groupId, this::newGroup).offsets().putAll(stamped);
              }
            });
      }
    }
    Map<TopicPartitionRef, Errors> result = new LinkedHashMap<>();
    for (TopicPartitionRef tp : offsets.keySet()) {
      result.put(tp, error);
    }
    return result;
  }

  /** Kafka's mapping of a failed offset append to an OffsetCommit error. */
  private static Errors commitError(Errors appendError) {
    return switch (appendError) {
      case UNKNOWN_TOPIC_OR_PARTITION, NOT_ENOUGH_REPLICAS, NOT_ENOUGH_REPLICAS_AFTER_APPEND ->
          Errors.COORDINATOR_NOT_AVAILABLE;
      case NOT_LEADER_OR_FOLLOWER, KAFKA_STORAGE_ERROR -> Errors.NOT_COORDINATOR;
      case MESSAGE_TOO_LARGE, RECORD_LIST_TOO_LARGE, INVALID_FETCH_SIZE ->
          Errors.INVALID_COMMIT_OFFSET_SIZE;
      default -> appendError;
    };
  }

  /** The committed offsets of {@code groupId} (empty for an unknown group), a copy. */
  public Map<TopicPartitionRef, CommittedOffset> committedOffsets(String groupId) {
    return locked(
        () -> {
          ClassicGroup group = groups.get(groupId);
          return group == null || group.is(GroupState.DEAD)
              ? Map.<TopicPartitionRef, CommittedOffset>of()
              : Map.copyOf(group.offsets());
        });
  }

  /** OffsetDelete's answer: a group-level error, or one per partition. */
  public record OffsetDeleteResult(Errors error, Map<TopicPartitionRef, Errors> partitions) {}

  /**
   * Deletes committed offsets of a group. Partitions of topics the group's members are subscribed
   * to stay (GROUP_SUBSCRIBED_TO_TOPIC); a group with members whose subscriptions do not decode is
   * NON_EMPTY_GROUP.
   */
  public CompletableFuture<OffsetDeleteResult> deleteOffsets(
      String groupId, List<TopicPartitionRef> partitions) {
    CompletableFuture<OffsetDeleteResult> future = new CompletableFuture<>();
    writer.execute(
        () -> {
          try {
            future.complete(deleteOffsetsNow(groupId, partitions));
          } catch (RuntimeException e) {
            future.completeExceptionally(e);
          }
        });
    return future;
  }

  private OffsetDeleteResult deleteOffsetsNow(String groupId, List<TopicPartitionRef> partitions) {
    Map<TopicPartitionRef, Errors> result = new LinkedHashMap<>();
    List<GroupRecord> tombstones = new ArrayList<>();
    Errors groupError =
        locked(
            () -> {
              if (!owns(groupId)) {
                return coordinatorErrorLocked(groupId);
              }
              ClassicGroup group = groups.get(groupId);
              if (group == null || group.is(GroupState.DEAD)) {
                return Errors.GROUP_ID_NOT_FOUND;
              }
              Set<String> subscribed = Set.of();
              ConsumerGroup modern = consumers.get(groupId);
              if (modern != null) {
                subscribed = consumers.subscribedTopics(modern);
              } else if (!group.is(GroupState.EMPTY)) {
                subscribed = subscribedTopics(group);
                if (subscribed == null) {
                  return Errors.NON_EMPTY_GROUP;
                }
              }
              for (TopicPartitionRef tp : partitions) {
                if (subscribed.contains(tp.topic())) {
                  result.put(tp, Errors.GROUP_SUBSCRIBED_TO_TOPIC);
                } else {
                  result.put(tp, Errors.NONE);
                  if (group.offsets().containsKey(tp)) {
                    tombstones.add(new GroupRecord.OffsetCommit(groupId, tp, null));
                  }
                }
              }
              return Errors.NONE;
            });
    if (groupError != Errors.NONE) {
      return new OffsetDeleteResult(groupError, Map.of());
    }
    Errors appendError = append(log.partitionFor(groupId), tombstones);
    if (appendError != Errors.NONE) {
      return new OffsetDeleteResult(commitError(appendError), Map.of());
    }
    locked(
        () -> {
          ClassicGroup group = groups.get(groupId);
          if (group != null) {
            for (GroupRecord r : tombstones) {
              group.offsets().remove(((GroupRecord.OffsetCommit) r).partition());
            }
          }
        });
    return new OffsetDeleteResult(Errors.NONE, result);
  }

  /**
   * Forgets the committed offsets of a deleted topic in every group (as Kafka does), so a topic
   * created again under the same name starts without stale offsets.
   *
   * @return how many offsets were removed
   */
  public CompletableFuture<Integer> removeOffsetsOfTopic(String topic) {
    CompletableFuture<Integer> future = new CompletableFuture<>();
    writer.execute(
        () -> {
          Map<Integer, List<GroupRecord>> tombstones = new TreeMap<>();
          locked(
              () -> {
                for (ClassicGroup g : groups.values()) {
                  for (TopicPartitionRef tp : List.copyOf(g.offsets().keySet())) {
                    if (tp.topic().equals(topic)) {
                      g.offsets().remove(tp);
                      tombstones
                          .computeIfAbsent(log.partitionFor(g.groupId()), p -> new ArrayList<>())
                          .add(new GroupRecord.OffsetCommit(g.groupId(), tp, null));
                    }
                  }
                }
              });
          tombstones.forEach(this::append);
          future.complete(tombstones.values().stream().mapToInt(List::size).sum());
        });
    return future;
  }

  /** The topics the members subscribe to, or null when a subscription does not decode. */
  private static Set<String> subscribedTopics(ClassicGroup group) {
    if (!ConsumerProtocolView.PROTOCOL_TYPE.equals(group.protocolType())) {
      return null;
    }
    Set<String> topics = new java.util.HashSet<>();
    for (MemberMetadata m : group.members()) {
      Set<String> t = ConsumerProtocolView.topics(m.metadata(group.protocolName()));
      if (t == null) {
        return null;
      }
      topics.addAll(t);
    }
    return topics;
  }

  // ---- group administration --------------------------------------------------------------------

  /**
   * Deletes groups without members, with their offsets: GROUP_ID_NOT_FOUND for unknown groups,
   * NON_EMPTY_GROUP for groups with members.
   */
  public CompletableFuture<Map<String, Errors>> deleteGroups(List<String> groupIds) {
    CompletableFuture<Map<String, Errors>> future = new CompletableFuture<>();
    writer.execute(
        () -> {
          try {
            future.complete(deleteGroupsNow(groupIds));
          } catch (RuntimeException e) {
            future.completeExceptionally(e);
          }
        });
    return future;
  }

  private Map<String, Errors> deleteGroupsNow(List<String> groupIds) {
    Map<String, Errors> result = new LinkedHashMap<>();
    Map<Integer, List<GroupRecord>> tombstones = new TreeMap<>();
    Map<String, ClassicGroup> dying = new HashMap<>();
    locked(
        () -> {
          long now = clock.getAsLong();
          for (String id : groupIds) {
            ClassicGroup group = groups.get(id);
            if (!owns(id)) {
              result.put(id, coordinatorErrorLocked(id));
            } else if (group == null || group.is(GroupState.DEAD)) {
              result.put(id, Errors.GROUP_ID_NOT_FOUND);
            } else if (!group.is(GroupState.EMPTY) || !consumerGroupEmpty(id)) {
              result.put(id, Errors.NON_EMPTY_GROUP);
            } else {
              group.markDead(now);
              dying.put(id, group);
              List<GroupRecord> out =
                  tombstones.computeIfAbsent(log.partitionFor(id), p -> new ArrayList<>());
              out.addAll(tombstonesOf(group));
              if (consumers.get(id) != null) {
                consumers.remove(id);
                out.add(new GroupRecord.ConsumerGroupState(id, null));
              }
              result.put(id, Errors.NONE);
            }
          }
        });
    tombstones.forEach(
        (partition, records) -> {
          Errors e = append(partition, records);
          if (e != Errors.NONE) {
            for (GroupRecord r : records) {
              if (dying.containsKey(r.groupId())) {
                result.put(r.groupId(), ClassicGroup.storeError(e));
              }
            }
          }
        });
    locked(
        () ->
            dying.forEach(
                (id, group) -> {
                  if (groups.get(id) == group) {
                    groups.remove(id);
                  }
                }));
    return result;
  }

  /** Whether {@code groupId} has no consumer-protocol members (or is no such group). */
  private boolean consumerGroupEmpty(String groupId) {
    ConsumerGroup modern = consumers.get(groupId);
    return modern == null || modern.isEmpty();
  }

  private static List<GroupRecord> tombstonesOf(ClassicGroup group) {
    List<GroupRecord> out = new ArrayList<>();
    for (TopicPartitionRef tp : group.offsets().keySet()) {
      out.add(new GroupRecord.OffsetCommit(group.groupId(), tp, null));
    }
    out.add(new GroupRecord.GroupMetadata(group.groupId(), null));
    return out;
  }

  /**
   * A group as ListGroups reports it.
   *
   * @param state Kafka's name of its state ("Stable", "Empty", ...)
   * @param type "classic" or "consumer" (KIP-848)
   */
  public record ListedGroup(String groupId, String protocolType, String state, String type) {}

  /** Every live group of both protocols, sorted by id. */
  public List<ListedGroup> listGroups() {
    return locked(
        () -> {
          List<ListedGroup> out = new ArrayList<>();
          for (ClassicGroup g : groups.values()) {
            ConsumerGroup modern = consumers.get(g.groupId());
            if (modern != null) {
              out.add(
                  new ListedGroup(
                      g.groupId(), ConsumerGroups.PROTOCOL_TYPE, modern.state(), "consumer"));
            } else if (!g.is(GroupState.DEAD)) {
              out.add(
                  new ListedGroup(
                      g.groupId(),
                      g.protocolType() == null ? "" : g.protocolType(),
                      g.state().kafkaName(),
                      "classic"));
            }
          }
          out.sort(java.util.Comparator.comparing(ListedGroup::groupId));
          return out;
        });
  }

  /** A group as DescribeGroups reports it; an unknown group is "Dead" without members. */
  public DescribeGroupsResponseData.DescribedGroup describe(String groupId) {
    return locked(
        () -> {
          return GroupViews.describe(groupId, groups.get(groupId), consumers.get(groupId) != null);
        });
  }

  // ---- time ------------------------------------------------------------------------------------

  /** Fires due group deadlines and, every offsets.retention.check.interval.ms, expires offsets. */
  public void tick() {
    long now = clock.getAsLong();
    List<GroupRecord> changed = new ArrayList<>();
    boolean expire =
        locked(
            () -> {
              for (ClassicGroup g : List.copyOf(groups.values())) {
                g.tick(now);
              }
              changed.addAll(consumers.tick(now));
              if (now >= nextExpiryCheckMs) {
                nextExpiryCheckMs = now + config.offsetsRetentionCheckMs();
                return true;
              }
              return false;
            });
    for (GroupRecord r : changed) {
      writer.execute(() -> append(log.partitionFor(r.groupId()), List.of(r)));
    }
    if (expire) {
      writer.execute(this::expireOffsets);
    }
  }

  /** Removes expired offsets, and groups left empty without offsets, from memory and the log. */
  void expireOffsets() {
    Map<Integer, List<GroupRecord>> tombstones = new TreeMap<>();
    int[] counts = {0, 0};
    locked(
        () -> {
          long now = clock.getAsLong();
          for (ClassicGroup g : List.copyOf(groups.values())) {
            ConsumerGroup modern = consumers.get(g.groupId());
            if (modern != null && !modern.isEmpty()) {
              continue; // a consumer-protocol group with members keeps its offsets
            }
            List<TopicPartitionRef> expired = g.expiredOffsets(now, config.offsetsRetentionMs());
            List<GroupRecord> out =
                tombstones.computeIfAbsent(log.partitionFor(g.groupId()), p -> new ArrayList<>());
            for (TopicPartitionRef tp : expired) {
              g.offsets().remove(tp);
              out.add(new GroupRecord.OffsetCommit(g.groupId(), tp, null));
            }
            counts[0] += expired.size();
            if (g.is(GroupState.EMPTY) && g.offsets().isEmpty()) {
              g.markDead(now);
              groups.remove(g.groupId());
              out.add(new GroupRecord.GroupMetadata(g.groupId(), null));
              if (modern != null) {
                consumers.remove(g.groupId());
                out.add(new GroupRecord.ConsumerGroupState(g.groupId(), null));
              }
              counts[1]++;
            }
          }
        });
    tombstones.forEach(this::append);
    if (counts[0] > 0 || counts[1] > 0) {
      LOG.info("expired {} offsets and removed {} empty groups", counts[0], counts[1]);
    }
  }

  // ---- consumer-protocol groups (KIP-848) ------------------------------------------------------

  /**
   * ConsumerGroupHeartbeat (already validated as a request): joins, heartbeats, leaves. The answer
   * comes once the group's new state is in the log. A non-empty classic group of the same id is
   * GROUP_ID_NOT_FOUND; an empty one becomes a consumer-protocol group (its offsets stay).
   */
  public CompletableFuture<ConsumerGroupHeartbeatResponseData> consumerHeartbeat(
      ConsumerGroupHeartbeatRequestData req, String clientId, String clientHost) {
    CompletableFuture<ConsumerGroupHeartbeatResponseData> future = new CompletableFuture<>();
    String groupId = req.groupId();
    GroupRecord[] store = new GroupRecord[1];
    ConsumerGroupHeartbeatResponseData answer =
        locked(
            () -> {
              if (!owns(groupId)) {
                return consumerError(coordinatorErrorLocked(groupId), null);
              }
              ConsumerGroup group = consumers.get(groupId);
              if (group == null) {
                ClassicGroup classic = groups.get(groupId);
                if (classic != null && !classic.is(GroupState.EMPTY)) {
                  return consumerError(
                      Errors.GROUP_ID_NOT_FOUND, "Group " + groupId + " is not a consumer group.");
                }
                if (req.memberEpoch() != 0) {
                  return consumerError(
                      Errors.UNKNOWN_MEMBER_ID,
                      "Member " + req.memberId() + " is not a member of group " + groupId + ".");
                }
                group = consumers.create(groupId);
                groups.computeIfAbsent(groupId, this::newGroup);
              }
              ConsumerGroupHeartbeatResponseData resp =
                  consumers.heartbeat(group, req, clientId, clientHost, clock.getAsLong());
              if (group.takeDirty()) {
                store[0] = ConsumerGroups.record(group);
              }
              return resp;
            });
    if (store[0] == null) {
      return CompletableFuture.completedFuture(answer);
    }
    writer.execute(
        () -> {
          Errors e = append(log.partitionFor(groupId), List.of(store[0]));
          future.complete(
              e == Errors.NONE ? answer : consumerError(ClassicGroup.storeError(e), null));
        });
    return future;
  }

  private static ConsumerGroupHeartbeatResponseData consumerError(Errors error, String message) {
    return new ConsumerGroupHeartbeatResponseData()
        .setErrorCode(error.code())
        .setErrorMessage(message != null ? message : error.message());
  }

  /**
   * Whether a consumer-protocol member may fetch offsets (OffsetFetch v9+ names the member and its
   * epoch): UNKNOWN_MEMBER_ID or STALE_MEMBER_EPOCH as in Kafka; NONE for classic groups and for
   * fetches without a member.
   */
  public Errors validateOffsetFetch(String groupId, String memberId, int memberEpoch) {
    return locked(
        () -> {
          ConsumerGroup group = consumers.get(groupId);
          return group == null || memberId == null || memberEpoch < 0
              ? Errors.NONE
              : group.validateOffsetFetch(memberId, memberEpoch);
        });
  }

  /**
   * A group as ConsumerGroupDescribe reports it; a classic or unknown one is GROUP_ID_NOT_FOUND.
   */
  public ConsumerGroupDescribeResponseData.DescribedGroup consumerDescribe(String groupId) {
    return locked(
        () -> {
          ConsumerGroupDescribeResponseData.DescribedGroup d =
              new ConsumerGroupDescribeResponseData.DescribedGroup().setGroupId(groupId);
          Errors error = coordinatorErrorLocked(groupId);
          if (error != Errors.NONE) {
            return d.setErrorCode(error.code()).setErrorMessage(error.message());
          }
          ConsumerGroup group = consumers.get(groupId);
          if (group != null) {
            return consumers.describe(group);
          }
          ClassicGroup classic = groups.get(groupId);
          return d.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code())
              .setErrorMessage(
                  classic != null && !classic.is(GroupState.DEAD)
                      ? "Group " + groupId + " is not a consumer group."
                      : "Group " + groupId + " not found.");
        });
  }

  // ---- GroupQuery ------------------------------------------------------------------------------

  @Override
  public List<GroupSummary> groups() {
    return locked(
        () ->
            groups.values().stream()
                .filter(g -> !g.is(GroupState.DEAD))
                .map(g -> GroupViews.summary(g, consumers.get(g.groupId())))
                .sorted(java.util.Comparator.comparing(GroupSummary::groupId))
                .toList());
  }

  @Override
  public Optional<GroupDetail> group(String groupId) {
    return locked(
        () -> {
          ClassicGroup g = groups.get(groupId);
          if (g == null || g.is(GroupState.DEAD)) {
            return Optional.<GroupDetail>empty();
          }
          return Optional.of(GroupViews.detail(g, consumers.get(groupId)));
        });
  }
}
