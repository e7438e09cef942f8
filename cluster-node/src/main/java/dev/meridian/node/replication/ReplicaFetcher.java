package dev.meridian.node.replication;

import dev.meridian.node.metadata.NodeRegistration;
import dev.meridian.node.protocol.KafkaChannel;
import dev.meridian.node.protocol.WireRecords;
import dev.meridian.node.storage.OffsetMismatchException;
import dev.meridian.node.storage.RecordBatchHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies the partitions this node follows from one leader node, as Kafka's followers do: with the
 * Kafka protocol, on a thread of its own (blocking I/O, never an event loop). Before it fetches a
 * partition in a new leader epoch it asks the leader where its own latest epoch ends
 * (OffsetForLeaderEpoch) and truncates its log there (KIP-101/279); then it fetches (Fetch v12,
 * replica id set, last fetched epoch set) from its log end, appends the leader's batches at their
 * offsets and takes the leader's high watermark and log start. A diverging epoch in a fetch answer
 * truncates too. Errors back off and retry; the replica manager stops the fetcher when it has
 * nothing left to fetch from this leader.
 */
final class ReplicaFetcher extends Thread {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicaFetcher.class);
  private static final short FETCH_VERSION = 12;
  private static final short EPOCH_VERSION = 4;
  private static final int MAX_WAIT_MS = 500;
  private static final int PARTITION_MAX_BYTES = 1 << 20;
  private static final int MAX_BYTES = 16 << 20;
  private static final int SOCKET_TIMEOUT_MS = 10_000;
  private static final long BACKOFF_MS = 200;

  /** A partition to fetch, in the leader epoch it follows. */
  private static final class Fetching {
    final Partition partition;
    final int leaderEpoch;
    volatile boolean truncated;
    volatile boolean throttled;

    Fetching(Partition partition, int leaderEpoch) {
      this.partition = partition;
      this.leaderEpoch = leaderEpoch;
    }
  }

  private final int localNode;
  private final int leaderId;
  private final Function<Integer, Optional<NodeRegistration>> nodes;
  private final Map<String, Fetching> partitions = new ConcurrentHashMap<>();
  private final ReplicationQuota quota;
  private volatile boolean running = true;
  private KafkaChannel channel;

  /**
   * @param nodes the registration of a node in the current image (the leader's endpoint)
   * @param quota the node's quota for throttled partitions (the replicas reassignments add)
   */
  ReplicaFetcher(
      int localNode,
      int leaderId,
      Function<Integer, Optional<NodeRegistration>> nodes,
      ReplicationQuota quota) {
    super("meridian-replica-fetcher-" + localNode + "-from-" + leaderId);
    setDaemon(true);
    this.localNode = localNode;
    this.leaderId = leaderId;
    this.nodes = nodes;
    this.quota = quota;
  }

  private static String key(Partition p) {
    return p.topic() + "-" + p.index();
  }

  /**
   * Fetches {@code p} in {@code leaderEpoch} (again, after truncating, if the epoch changed), under
   * the quota when {@code throttled}.
   */
  void add(Partition p, int leaderEpoch, boolean throttled) {
    Fetching current = partitions.get(key(p));
    if (current == null || current.leaderEpoch != leaderEpoch || current.partition != p) {
      current = new Fetching(p, leaderEpoch);
      partitions.put(key(p), current);
      synchronized (this) {
        notifyAll();
      }
    }
    current.throttled = throttled;
  }

  /** Stops fetching {@code p}. */
  void remove(Partition p) {
    Fetching f = partitions.get(key(p));
    if (f != null && f.partition == p) {
      partitions.remove(key(p));
    }
  }

  boolean isEmpty() {
    return partitions.isEmpty();
  }

  /** Stops the thread (it closes its connection). */
  void shutdown() {
    running = false;
    interrupt();
    closeChannel();
  }

  @Override
  public void run() {
    while (running) {
      try {
        if (partitions.isEmpty()) {
          synchronized (this) {
            wait(MAX_WAIT_MS);
          }
          continue;
        }
        if (!ensureChannel()) {
          Thread.sleep(BACKOFF_MS);
          continue;
        }
        truncateWhereNeeded();
        fetchOnce();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (IOException e) {
        if (running) {
          LOG.debug("fetching from node {}: {}", leaderId, e.toString());
        }
        closeChannel();
        sleepQuietly();
      } catch (RuntimeException e) {
        LOG.warn("fetching from node {} failed", leaderId, e);
        sleepQuietly();
      }
    }
    closeChannel();
  }

  private void sleepQuietly() {
    try {
      Thread.sleep(BACKOFF_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  private boolean ensureChannel() {
    if (channel != null) {
      return true;
    }
    NodeRegistration leader = nodes.apply(leaderId).orElse(null);
    if (leader == null || leader.kafkaPort() <= 0) {
      return false;
    }
    try {
      channel =
          new KafkaChannel(
              leader.host(),
              leader.kafkaPort(),
              "meridian-replica-" + localNode,
              SOCKET_TIMEOUT_MS);
      return true;
    } catch (IOException e) {
      LOG.debug("cannot connect to leader node {}: {}", leaderId, e.toString());
      return false;
    }
  }

  private void closeChannel() {
    KafkaChannel c = channel;
    channel = null;
    KafkaChannel.closeQuietly(c);
  }

  /** OffsetForLeaderEpoch for partitions new in their epoch, then truncation to the answers. */
  private void truncateWhereNeeded() throws IOException {
    List<Fetching> pending = new ArrayList<>();
    for (Fetching f : partitions.values()) {
      if (!f.truncated) {
        if (f.partition.latestEpoch() < 0 && f.partition.logEndOffset() == 0) {
          f.truncated = true; // an empty log has nothing to diverge
        } else {
          pending.add(f);
        }
      }
    }
    if (pending.isEmpty()) {
      return;
    }
    OffsetForLeaderEpochRequestData req =
        new OffsetForLeaderEpochRequestData().setReplicaId(localNode);
    Map<String, OffsetForLeaderEpochRequestData.OffsetForLeaderTopic> topics = new HashMap<>();
    for (Fetching f : pending) {
      topics
          .computeIfAbsent(
              f.partition.topic(),
              t -> {
                OffsetForLeaderEpochRequestData.OffsetForLeaderTopic ot =
                    new OffsetForLeaderEpochRequestData.OffsetForLeaderTopic().setTopic(t);
                req.topics().add(ot);
                return ot;
              })
          .partitions()
          .add(
              new OffsetForLeaderEpochRequestData.OffsetForLeaderPartition()
                  .setPartition(f.partition.index())
                  .setCurrentLeaderEpoch(f.leaderEpoch)
                  .setLeaderEpoch(f.partition.latestEpoch()));
    }
    OffsetForLeaderEpochResponseData resp =
        channel.send(ApiKeys.OFFSET_FOR_LEADER_EPOCH, EPOCH_VERSION, req);
    for (OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult t : resp.topics()) {
      for (OffsetForLeaderEpochResponseData.EpochEndOffset e : t.partitions()) {
        Fetching f = partitions.get(t.topic() + "-" + e.partition());
        if (f == null || f.truncated) {
          continue;
        }
        if (e.errorCode() != Errors.NONE.code()) {
          LOG.debug(
              "{}: leader node {} answered {} to OffsetForLeaderEpoch",
              f.partition,
              leaderId,
              Errors.forCode(e.errorCode()));
          continue;
        }
        Partition p = f.partition;
        int asked = p.latestEpoch();
        long[] local =
            e.leaderEpoch() >= 0 ? p.endOffsetForEpoch(e.leaderEpoch()) : new long[] {-1, -1};
        long offset =
            ReplicaLogic.truncationOffset(
                p.logEndOffset(),
                asked,
                e.leaderEpoch(),
                e.endOffset(),
                local[1] < 0 ? Long.MAX_VALUE : local[1]);
        if (offset == ReplicaLogic.UNKNOWN) {
          offset = p.highWatermark();
        }
        if (offset < p.logEndOffset()) {
          LOG.info(
              "{}: follower of node {} in epoch {}: truncating from {} to {} (leader epoch {} ends"
                  + " at {})",
              p,
              leaderId,
              f.leaderEpoch,
              p.logEndOffset(),
              offset,
              e.leaderEpoch(),
              e.endOffset());
          p.truncateTo(offset);
        }
        f.truncated = true;
      }
    }
  }

  private void fetchOnce() throws IOException, InterruptedException {
    FetchRequestData req =
        new FetchRequestData()
            .setReplicaId(localNode)
            .setMaxWaitMs(MAX_WAIT_MS)
            .setMinBytes(1)
            .setMaxBytes(MAX_BYTES)
            .setIsolationLevel((byte) 0)
            .setSessionId(0)
            .setSessionEpoch(-1);
    Map<String, FetchRequestData.FetchTopic> topics = new HashMap<>();
    Map<String, Fetching> asked = new HashMap<>();
    boolean throttledAllowed = quota.allows();
    for (Fetching f : partitions.values()) {
      if (!f.truncated || (f.throttled && !throttledAllowed)) {
        continue;
      }
      Partition p = f.partition;
      asked.put(key(p), f);
      topics
          .computeIfAbsent(
              p.topic(),
              t -> {
                FetchRequestData.FetchTopic ft = new FetchRequestData.FetchTopic().setTopic(t);
                req.topics().add(ft);
                return ft;
              })
          .partitions()
          .add(
              new FetchRequestData.FetchPartition()
                  .setPartition(p.index())
                  .setCurrentLeaderEpoch(f.leaderEpoch)
                  .setFetchOffset(p.logEndOffset())
                  .setLastFetchedEpoch(p.latestEpoch())
                  .setLogStartOffset(p.logStartOffset())
                  .setPartitionMaxBytes(
                      f.throttled
                          ? quota.partitionMaxBytes(PARTITION_MAX_BYTES)
                          : PARTITION_MAX_BYTES));
    }
    if (asked.isEmpty()) {
      Thread.sleep(BACKOFF_MS); // waiting for an OffsetForLeaderEpoch answer to come right
      return;
    }
    FetchResponseData resp = channel.send(ApiKeys.FETCH, FETCH_VERSION, req);
    if (resp.errorCode() != Errors.NONE.code()) {
      LOG.debug("fetch from node {}: {}", leaderId, Errors.forCode(resp.errorCode()));
      Thread.sleep(BACKOFF_MS);
      return;
    }
    boolean backOff = false;
    for (FetchResponseData.FetchableTopicResponse t : resp.responses()) {
      for (FetchResponseData.PartitionData pd : t.partitions()) {
        Fetching f = asked.get(t.topic() + "-" + pd.partitionIndex());
        if (f == null || partitions.get(key(f.partition)) != f) {
          continue; // removed or moved to another epoch meanwhile
        }
        backOff |= !handle(f, pd);
      }
    }
    if (backOff) {
      Thread.sleep(BACKOFF_MS);
    }
  }

  /**
   * Appends the leader's batches; a follower whose log is empty and starts inside the leader's
   * first batch (records deleted in the middle of a batch, as DeleteRecords does) restarts at that
   * batch's base, as Kafka's followers do (UnexpectedAppendOffsetException); the log start is then
   * taken from the leader.
   */
  private static void appendAsFollower(Partition p, ByteBuffer records) {
    int pos = records.position();
    if (p.logEndOffset() == p.logStartOffset()
        && records.remaining() >= RecordBatchHeader.HEADER_SIZE
        && RecordBatchHeader.baseOffset(records, pos) < p.logEndOffset()
        && RecordBatchHeader.lastOffset(records, pos) >= p.logEndOffset()) {
      long base = RecordBatchHeader.baseOffset(records, pos);
      LOG.info(
          "{}: the leader's batch at {} holds this replica's log start {}; restarting there",
          p,
          base,
          p.logEndOffset());
      p.truncateFullyAndStartAt(base);
    }
    p.appendAsFollower(records);
  }

  /** Applies one partition's fetch answer; false when the fetcher should back off. */
  private boolean handle(Fetching f, FetchResponseData.PartitionData pd) {
    Partition p = f.partition;
    Errors error = Errors.forCode(pd.errorCode());
    switch (error) {
      case NONE -> {
        if (pd.divergingEpoch() != null && pd.divergingEpoch().epoch() >= 0) {
          long[] local = p.endOffsetForEpoch(pd.divergingEpoch().epoch());
          long offset =
              Math.min(pd.divergingEpoch().endOffset(), local[1] < 0 ? Long.MAX_VALUE : local[1]);
          LOG.info(
              "{}: diverged from leader node {} at epoch {}; truncating to {}",
              p,
              leaderId,
              pd.divergingEpoch().epoch(),
              offset);
          p.truncateTo(offset);
          return true;
        }
        ByteBuffer records = WireRecords.bytes(pd.records());
        if (f.throttled) {
          quota.record(records.remaining());
        }
        if (records.hasRemaining()) {
          try {
            appendAsFollower(p, records);
          } catch (OffsetMismatchException e) {
            LOG.warn("{}: {}; asking the leader where to truncate", p, e.getMessage());
            f.truncated = false;
            return false;
          }
        }
        p.followerLogStart(pd.logStartOffset());
        p.followerHighWatermark(pd.highWatermark());
        return true;
      }
      case OFFSET_OUT_OF_RANGE -> {
        if (p.logEndOffset() < pd.logStartOffset()) {
          LOG.info(
              "{}: the leader's log starts at {}, after this replica's end {}; starting over there",
              p,
              pd.logStartOffset(),
              p.logEndOffset());
          p.truncateFullyAndStartAt(pd.logStartOffset());
        } else {
          f.truncated = false; // ahead of the leader: find the divergence again
        }
        return true;
      }
      default -> {
        LOG.debug("{}: leader node {} answered {}", p, leaderId, error);
        return false;
      }
    }
  }
}
