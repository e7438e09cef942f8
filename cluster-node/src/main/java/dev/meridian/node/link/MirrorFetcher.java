package dev.meridian.node.link;

import dev.meridian.node.protocol.FetchPipeline;
import dev.meridian.node.protocol.KafkaChannel;
import dev.meridian.node.protocol.LinkCompression;
import dev.meridian.node.replication.Partition;
import dev.meridian.node.storage.LogAppendInfo;
import dev.meridian.node.storage.OffsetMismatchException;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.ratelimiter.RateLimiter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies mirror partitions from one source node, on a thread of its own with a blocking connection
 * (never an event loop), as a consumer of the source (replica id -1, up to the source's high
 * watermark): Fetch v12 for many partitions at once, raw batches appended at their source offsets
 * with their source epochs. Before copying a partition it checks where to start: an empty mirror of
 * a link that starts at the latest offset starts at the source's log end; a non-empty one asks the
 * source where its latest epoch ends (OffsetForLeaderEpoch) and truncates there if the source
 * truncated. A source log start past the mirror's end restarts the mirror there. Errors back off
 * exponentially; the link's circuit breaker sees every round trip.
 */
final class MirrorFetcher extends Thread {
  private static final Logger LOG = LoggerFactory.getLogger(MirrorFetcher.class);
  private static final short FETCH_VERSION = 12;
  private static final short LIST_OFFSETS_VERSION = 5;
  private static final short EPOCH_VERSION = 4;
  private static final int MAX_WAIT_MS = 500;

  /**
   * Fetches kept in flight on the connection to a source that pipelines them ({@link
   * FetchPipeline}, a Meridian source): one is parked at the source while the answers to the others
   * cross the link, so a record waits at most about a round trip / depth for a Fetch to take it,
   * and a long round trip does not cap the rate at one answer per trip. A Kafka source gets one at
   * a time.
   */
  static final int PIPELINE_DEPTH = 4;

  /** Per partition and per Fetch. */
  private static final int PARTITION_MAX_BYTES = 4 << 20;

  /**
   * Per Fetch: with {@link #PIPELINE_DEPTH} in flight a 100 ms round trip still allows ~300 MB/s
   * per fetcher thread, and the answers a fetcher buffers stay small.
   */
  private static final int MAX_BYTES = 8 << 20;

  private static final int SOCKET_TIMEOUT_MS = 15_000;
  private static final IntervalFunction BACKOFF =
      IntervalFunction.ofExponentialRandomBackoff(100, 2.0, 0.3, 5_000);

  private final FetcherContext link;
  private final int sourceNode;
  private final Map<String, MirrorPartition> partitions = new ConcurrentHashMap<>();
  private volatile boolean running = true;
  private KafkaChannel channel;
  private int failures;

  /**
   * A Fetch sent and not yet answered: its correlation id, pipeline, the copies it asked for and
   * when it was sent.
   */
  private record InFlight(
      int correlation, long pipeline, Map<String, MirrorPartition> asked, long sentNanos) {}

  /** How long a window of round-trip samples is; the estimate is the least of two windows. */
  private static final long RTT_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(30);

  /** The largest answer spacing asked of a source (a round trip of 400 ms at depth 4). */
  private static final int MAX_SPACING_MICROS = 100_000;

  private long rttWindowStart = System.nanoTime();
  private long rttWindowMin = Long.MAX_VALUE;
  private long rttPreviousMin = Long.MAX_VALUE;

  private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
  private final Map<MirrorPartition, Errors> pendingErrors = new HashMap<>();
  private long pipeline = newPipelineId();

  /** Whether the source answered as a pipelining Meridian node on this connection. */
  private boolean sourcePipelines;

  /** Where LZ4 record sets are restored; reused: a set is appended before the next is restored. */
  private final ByteBuffer[] restoreBuffer = new ByteBuffer[1];

  MirrorFetcher(FetcherContext link, int sourceNode, int slot) {
    super("meridian-link-" + link.linkName() + "-from-" + sourceNode + "-" + slot);
    setDaemon(true);
    this.link = link;
    this.sourceNode = sourceNode;
  }

  /** Copies {@code p} (replacing an older copy of the same partition). */
  void add(MirrorPartition p) {
    p.sourceNode = sourceNode;
    partitions.put(p.key(), p);
    synchronized (this) {
      notifyAll();
    }
  }

  /** Stops copying {@code p} if this fetcher holds that very copy. */
  void remove(MirrorPartition p) {
    partitions.remove(p.key(), p);
  }

  MirrorPartition get(String key) {
    return partitions.get(key);
  }

  boolean isEmpty() {
    return partitions.isEmpty();
  }

  void shutdown() {
    running = false;
    interrupt();
    closeChannel();
  }

  @Override
  public void run() {
    while (running) {
      try {
        if (partitions.isEmpty() || link.paused()) {
          drain(); // answers that arrive paused are dropped
          synchronized (this) {
            wait(MAX_WAIT_MS);
          }
          continue;
        }
        if (!link.breaker().tryAcquirePermission()) {
          Thread.sleep(BACKOFF.apply(Math.max(1, failures)));
          continue;
        }
        long t0 = System.nanoTime();
        try {
          ensureChannel();
          if (!pendingErrors.isEmpty() || partitions.values().stream().anyMatch(p -> !p.checked)) {
            // other requests share the connection: only once no Fetch is in flight
            drain();
            handlePendingErrors();
            checkWhereToStart();
            newPipeline();
          }
          fetchStep();
          link.breaker().onSuccess(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
          if (failures > 0) {
            LOG.info("link {}: source node {} reachable again", link.linkName(), sourceNode);
          }
          failures = 0;
        } catch (IOException e) {
          link.breaker().onError(System.nanoTime() - t0, TimeUnit.NANOSECONDS, e);
          throw e;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (IOException e) {
        if (running) {
          failures++;
          if (failures == 1) {
            LOG.info(
                "link {}: source node {} unreachable ({}); retrying with backoff",
                link.linkName(),
                sourceNode,
                e.toString());
          } else {
            LOG.debug("link {}: source node {}: {}", link.linkName(), sourceNode, e.toString());
          }
          partitions
              .values()
              .forEach(
                  p -> {
                    p.lastError = e.toString();
                    p.state = MirrorPartition.State.FAILING;
                  });
        }
        closeChannel();
        sleepQuietly(BACKOFF.apply(Math.max(1, failures)));
      } catch (RuntimeException e) {
        failures++;
        LOG.warn("link {}: copying from source node {} failed", link.linkName(), sourceNode, e);
        sleepQuietly(BACKOFF.apply(Math.max(1, failures)));
      }
    }
    closeChannel();
  }

  private void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  private void ensureChannel() throws IOException {
    if (channel != null) {
      return;
    }
    InetSocketAddress address =
        link.sourceAddress(sourceNode)
            .orElseThrow(() -> new IOException("source node " + sourceNode + " is unknown"));
    channel =
        new KafkaChannel(
            address.getHostString(),
            address.getPort(),
            "meridian-link-" + link.linkName(),
            SOCKET_TIMEOUT_MS);
  }

  private void closeChannel() {
    KafkaChannel c = channel;
    channel = null;
    inFlight.clear();
    sourcePipelines = false;
    newPipeline();
    KafkaChannel.closeQuietly(c);
  }

  // ---- where to start --------------------------------------------------------------------------

  private void checkWhereToStart() throws IOException {
    for (MirrorPartition p : partitions.values()) {
      if (p.checked) {
        continue;
      }
      Partition t = p.target;
      try {
        if (t.logEndOffset() == 0 && t.logStartOffset() == 0 && t.latestEpoch() < 0) {
          if (link.startsAtLatest()) {
            long latest = listOffset(p, -1L);
            if (latest > 0) {
              LOG.info("link {}: {} starts at the source's log end {}", link.linkName(), t, latest);
              t.restartMirroredAt(latest, p.leaderEpoch);
            }
          }
        } else if (t.latestEpoch() >= 0) {
          truncateIfSourceDiverged(p);
        }
        p.checked = true;
        p.state = MirrorPartition.State.RUNNING;
      } catch (Partition.NotLeaderException e) {
        partitions.remove(p.key(), p);
      } catch (SourceError e) {
        p.lastError = e.getMessage();
        p.state = MirrorPartition.State.FAILING;
        try {
          handleSourceError(p, e.error);
        } catch (SourceError again) {
          p.lastError = again.getMessage();
        }
      }
    }
  }

  /** A per-partition error the source answered. */
  private static final class SourceError extends Exception {
    final Errors error;

    SourceError(Errors error, String message) {
      super(message, null, false, false);
      this.error = error;
    }
  }

  /** ListOffsets at the source: -1 latest, -2 earliest. */
  private long listOffset(MirrorPartition p, long timestamp) throws IOException, SourceError {
    ListOffsetsRequestData req =
        new ListOffsetsRequestData().setReplicaId(-1).setIsolationLevel((byte) 0);
    req.topics()
        .add(
            new ListOffsetsRequestData.ListOffsetsTopic()
                .setName(p.topic())
                .setPartitions(
                    List.of(
                        new ListOffsetsRequestData.ListOffsetsPartition()
                            .setPartitionIndex(p.index())
                            .setCurrentLeaderEpoch(-1)
                            .setTimestamp(timestamp))));
    ListOffsetsResponseData resp = channel.send(ApiKeys.LIST_OFFSETS, LIST_OFFSETS_VERSION, req);
    ListOffsetsResponseData.ListOffsetsPartitionResponse r =
        resp.topics().get(0).partitions().get(0);
    if (r.errorCode() != Errors.NONE.code()) {
      Errors error = Errors.forCode(r.errorCode());
      throw new SourceError(error, "ListOffsets " + p.key() + ": " + error);
    }
    return r.offset();
  }

  /**
   * Truncates the mirror where it diverges from the source, found by leader epoch as a follower
   * does (KIP-101), if before its end. The mirror asks where its latest epoch ends at the source;
   * when the source answers an earlier epoch that the mirror's log does not have (two regions'
   * epochs after a failover: the old source kept writing in epochs of its own), it asks again for
   * its own latest epoch below that one, until both name an epoch they share. A source that knows
   * no epoch at or below the mirror's first one diverges from its log start.
   */
  private void truncateIfSourceDiverged(MirrorPartition p) throws IOException, SourceError {
    Partition t = p.target;
    int epoch = t.latestEpoch();
    while (epoch >= 0) {
      long[] at = sourceEndOfEpoch(p, epoch);
      if (at[0] < 0 || at[1] < 0) {
        long start = listOffset(p, -2L);
        if (start > t.logStartOffset() && start < t.logEndOffset()) {
          LOG.warn(
              "link {}: {}: the source has no epoch at or below {}; diverged from its log start {}",
              link.linkName(),
              t,
              epoch,
              start);
          truncateWhereSourceEnds(p, epoch, start);
        } else if (start <= t.logStartOffset() && t.logEndOffset() > t.logStartOffset()) {
          // the source's records from where the mirror starts are all in later epochs
          truncateWhereSourceEnds(p, epoch, t.logStartOffset());
        }
        return;
      }
      int sourceEpoch = (int) at[0];
      long[] local = t.endOffsetForEpoch(sourceEpoch);
      if (local[0] == sourceEpoch) {
        truncateWhereSourceEnds(p, sourceEpoch, at[1]);
        return;
      }
      if (local[0] < 0) { // every epoch of the mirror is one the source does not have
        truncateWhereSourceEnds(p, epoch, t.logStartOffset());
        return;
      }
      epoch = (int) local[0]; // the mirror's latest epoch below the source's answer: ask again
    }
  }

  /** {epoch, end offset} of the source's copy of {@code epoch} (its largest at or below it). */
  private long[] sourceEndOfEpoch(MirrorPartition p, int epoch) throws IOException, SourceError {
    OffsetForLeaderEpochRequestData req = new OffsetForLeaderEpochRequestData().setReplicaId(-1);
    OffsetForLeaderEpochRequestData.OffsetForLeaderTopic topic =
        new OffsetForLeaderEpochRequestData.OffsetForLeaderTopic().setTopic(p.topic());
    topic
        .partitions()
        .add(
            new OffsetForLeaderEpochRequestData.OffsetForLeaderPartition()
                .setPartition(p.index())
                .setCurrentLeaderEpoch(-1)
                .setLeaderEpoch(epoch));
    req.topics().add(topic);
    OffsetForLeaderEpochResponseData resp =
        channel.send(ApiKeys.OFFSET_FOR_LEADER_EPOCH, EPOCH_VERSION, req);
    OffsetForLeaderEpochResponseData.EpochEndOffset e =
        resp.topics().iterator().next().partitions().get(0);
    if (e.errorCode() != Errors.NONE.code()) {
      Errors error = Errors.forCode(e.errorCode());
      throw new SourceError(error, "OffsetForLeaderEpoch " + p.key() + ": " + error);
    }
    return new long[] {e.leaderEpoch(), e.endOffset()};
  }

  /**
   * Truncates the mirror to where the source's copy of {@code epoch} ends ({@code sourceEnd}), or
   * where the mirror's own copy of it ends if earlier, when that is before the mirror's log end.
   */
  private void truncateWhereSourceEnds(MirrorPartition p, int epoch, long sourceEnd) {
    Partition t = p.target;
    long[] local = t.endOffsetForEpoch(epoch);
    long end = Math.min(sourceEnd, local[1] < 0 ? Long.MAX_VALUE : local[1]);
    if (end == t.logEndOffset() && t.latestEpoch() != epoch) {
      // the mirror's latest epoch starts at its log end with no batch in it (it led this
      // partition as a writable topic before it became a mirror again): the source never had
      // it, so it says the mirror diverged; drop that epoch and copy on
      LOG.info(
          "link {}: {}: dropping epoch {} recorded at the log end {} (no batch; the source has"
              + " epoch {} there)",
          link.linkName(),
          t,
          t.latestEpoch(),
          end,
          epoch);
      t.truncateMirrored(end, p.leaderEpoch);
      return;
    }
    if (end < t.logEndOffset()) {
      LOG.warn(
          "link {}: {}: the source's epoch {} ends at {}, before the mirror's end {} (the source"
              + " truncated: unclean election?); truncating the mirror to {}",
          link.linkName(),
          t,
          epoch,
          sourceEnd,
          t.logEndOffset(),
          end);
      try {
        link.quarantine(
            t,
            end,
            "the source of link "
                + link.linkName()
                + " holds epoch "
                + epoch
                + " only up to offset "
                + sourceEnd);
      } catch (Partition.NotLeaderException e) {
        throw e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while keeping records in quarantine", e);
      } catch (Exception e) {
        p.checked = false; // checked again (and kept again) before anything else is copied
        p.state = MirrorPartition.State.FAILING;
        p.lastError = "keeping records in quarantine before truncating failed: " + e;
        throw new IllegalStateException(
            t + ": not truncated: its records could not be kept in quarantine", e);
      }
      t.truncateMirrored(end, p.leaderEpoch);
    }
  }

  // ---- fetching --------------------------------------------------------------------------------

  private static long newPipelineId() {
    return ThreadLocalRandom.current().nextLong(Long.MAX_VALUE);
  }

  /** Later Fetches start a new pipeline: the source forgets what it sent on the old one. */
  private void newPipeline() {
    pipeline = newPipelineId();
  }

  /** Fills the pipeline, then takes the oldest answer. */
  private void fetchStep() throws IOException, InterruptedException {
    int depth = sourcePipelines ? PIPELINE_DEPTH : 1;
    while (inFlight.size() < depth) {
      InFlight f = sendFetch();
      if (f == null) {
        break;
      }
      inFlight.addLast(f);
    }
    if (inFlight.isEmpty()) {
      synchronized (this) {
        wait(MAX_WAIT_MS);
      }
      return;
    }
    receive(inFlight.pollFirst());
  }

  /** Takes every answer in flight (applied unless the link is paused). */
  private void drain() throws IOException, InterruptedException {
    while (!inFlight.isEmpty() && channel != null) {
      receive(inFlight.pollFirst());
    }
    inFlight.clear();
  }

  /** Sends one Fetch for the copies that are ready, from their log ends; null when none is. */
  private InFlight sendFetch() throws IOException {
    FetchRequestData req =
        new FetchRequestData()
            .setReplicaId(-1)
            .setMaxWaitMs(MAX_WAIT_MS)
            .setMinBytes(1)
            .setMaxBytes(MAX_BYTES)
            .setIsolationLevel((byte) 0)
            .setSessionId(0)
            .setSessionEpoch(-1);
    if (link.lz4()) {
      LinkCompression.request(req);
    }
    FetchPipeline.request(req, pipeline, spacingMicros());
    Map<String, FetchRequestData.FetchTopic> topics = new HashMap<>();
    Map<String, MirrorPartition> asked = new HashMap<>();
    int partitionMax =
        link.rateLimiter()
            .map(r -> Math.max(16_384, Math.min(PARTITION_MAX_BYTES, permitsPerCycle(r))))
            .orElse(PARTITION_MAX_BYTES);
    for (MirrorPartition p : partitions.values()) {
      if (!p.checked || p.state == MirrorPartition.State.RAISING_EPOCH) {
        continue;
      }
      asked.put(p.key(), p);
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
                  .setCurrentLeaderEpoch(-1)
                  .setFetchOffset(p.target.logEndOffset())
                  .setLastFetchedEpoch(p.target.latestEpoch())
                  .setLogStartOffset(-1)
                  .setPartitionMaxBytes(partitionMax));
    }
    if (asked.isEmpty()) {
      return null;
    }
    return new InFlight(
        channel.write(ApiKeys.FETCH, FETCH_VERSION, req), pipeline, asked, System.nanoTime());
  }

  /**
   * The spacing to ask of the source: the round trip (the least seen over the last 30–60 s: an
   * answer that found records waiting did not park) spread over the Fetches in flight.
   */
  private int spacingMicros() {
    long rtt = Math.min(rttWindowMin, rttPreviousMin);
    if (!sourcePipelines || rtt == Long.MAX_VALUE) {
      return 0;
    }
    return (int) Math.min(MAX_SPACING_MICROS, rtt / 1_000 / PIPELINE_DEPTH);
  }

  /**
   * Samples the network's round trip: the time from sending a Fetch to its answer, less the time
   * the answer spent at the source (parked for data or held for spacing). A source that does not
   * say how long it held the Fetch gives no sample: counting its waits would take the round trip
   * for a parked Fetch's wait and space answers a whole wait apart.
   */
  private void sampleRoundTrip(long sentNanos, long now, long sourceNanos) {
    if (sourceNanos < 0) {
      return;
    }
    if (now - rttWindowStart > RTT_WINDOW_NANOS) {
      rttPreviousMin = rttWindowMin;
      rttWindowMin = Long.MAX_VALUE;
      rttWindowStart = now;
    }
    rttWindowMin = Math.min(rttWindowMin, Math.max(0, now - sentNanos - sourceNanos));
  }

  /** Reads the answer to {@code f} and applies it, unless the link was paused meanwhile. */
  private void receive(InFlight f) throws IOException, InterruptedException {
    FetchResponseData resp = channel.receive(ApiKeys.FETCH, FETCH_VERSION, f.correlation());
    sampleRoundTrip(f.sentNanos(), System.nanoTime(), FetchPipeline.sourceNanos(resp));
    if (resp.errorCode() != Errors.NONE.code()) {
      throw new IOException("Fetch: " + Errors.forCode(resp.errorCode()));
    }
    if (link.paused()) {
      return; // paused while the fetch was parked at the source: nothing is applied
    }
    long now = System.currentTimeMillis();
    int failed = 0;
    for (FetchResponseData.FetchableTopicResponse t : resp.responses()) {
      for (FetchResponseData.PartitionData pd : t.partitions()) {
        MirrorPartition p = f.asked().get(t.topic() + "-" + pd.partitionIndex());
        if (p == null || partitions.get(p.key()) != p) {
          continue; // dropped or replaced meanwhile
        }
        Errors error = Errors.forCode(pd.errorCode());
        if (error != Errors.NONE) {
          p.lastError = "source answered " + error;
          pendingErrors.put(p, error); // handled once no Fetch is in flight
          failed++;
          continue;
        }
        long readFrom = FetchPipeline.readFrom(pd);
        if (readFrom >= 0) {
          sourcePipelines = true;
        }
        if (readFrom > p.target.logEndOffset() || p.state == MirrorPartition.State.RAISING_EPOCH) {
          // the source continued after an answer this copy did not apply: nothing may be skipped,
          // so drop this one and start a new pipeline, which reads from the log end again
          if (f.pipeline() == pipeline) {
            newPipeline();
          }
          continue;
        }
        boolean diverged = pd.divergingEpoch() != null && pd.divergingEpoch().epoch() >= 0;
        if (!handle(p, pd, now)) {
          failed++;
          newPipeline();
        } else if (diverged) {
          newPipeline(); // truncated: the log end moved back
        }
      }
    }
    if (failed > 0 && failed == f.asked().size()) {
      Thread.sleep(BACKOFF.apply(1));
    }
  }

  private void handlePendingErrors() throws IOException {
    List<Map.Entry<MirrorPartition, Errors>> errors = new ArrayList<>(pendingErrors.entrySet());
    pendingErrors.clear();
    for (Map.Entry<MirrorPartition, Errors> e : errors) {
      if (partitions.get(e.getKey().key()) != e.getKey()) {
        continue;
      }
      try {
        handleSourceError(e.getKey(), e.getValue());
      } catch (SourceError again) {
        e.getKey().lastError = again.getMessage();
      }
    }
  }

  private static int permitsPerCycle(RateLimiter r) {
    return r.getRateLimiterConfig().getLimitForPeriod();
  }

  /**
   * Applies one partition's fetch answer without an error; false when it failed. Sends nothing (the
   * answer's records live in the channel's buffer until the next answer is read).
   */
  private boolean handle(MirrorPartition p, FetchResponseData.PartitionData pd, long now) {
    if (p.state == MirrorPartition.State.FAILING) {
      p.state = MirrorPartition.State.RUNNING;
    }
    Partition t = p.target;
    if (pd.divergingEpoch() != null && pd.divergingEpoch().epoch() >= 0) {
      // the source's log no longer holds what the mirror copied last: it truncated (an unclean
      // election there); truncate the mirror as a follower would, then copy on from there
      try {
        truncateWhereSourceEnds(p, pd.divergingEpoch().epoch(), pd.divergingEpoch().endOffset());
      } catch (Partition.NotLeaderException e) {
        partitions.remove(p.key(), p);
      } catch (IllegalStateException e) {
        LOG.warn("link {}: {}", link.linkName(), e.getMessage(), e.getCause());
      }
      return true;
    }
    long[] wire = new long[1];
    ByteBuffer fetched = LinkCompression.records(pd, wire, restoreBuffer);
    link.countWire(wire[0], fetched.remaining());
    MirrorBatches selected = MirrorBatches.select(fetched, t.logEndOffset(), p.leaderEpoch);
    if (selected.straddling() && t.logEndOffset() == t.logStartOffset()) {
      // an empty mirror restarted at a source log start that lies inside a batch (DeleteRecords
      // at the source): as Kafka's followers do, take the whole batch; the log start follows
      LOG.info(
          "link {}: {}: the source's batch at {} holds the log start {}; restarting there",
          link.linkName(),
          t,
          selected.straddleBase(),
          t.logStartOffset());
      t.restartMirroredAt(selected.straddleBase(), p.leaderEpoch);
      selected = MirrorBatches.select(fetched, t.logEndOffset(), p.leaderEpoch);
    }
    if (selected.straddling()) {
      p.lastError = "a source batch straddles the mirror's log end " + t.logEndOffset();
      LOG.warn("link {}: {}: {}", link.linkName(), t, p.lastError);
      p.state = MirrorPartition.State.FAILING;
      return false;
    }
    ByteBuffer batches = selected.batches();
    if (batches.hasRemaining()) {
      link.rateLimiter().ifPresent(r -> r.acquirePermission(batches.remaining()));
      try {
        LogAppendInfo info = t.appendMirrored(batches, p.leaderEpoch);
        p.bytes += info.bytes();
        p.records += selected.records();
        p.lastAppendMs = now;
        p.lastMirroredTimestamp = Math.max(p.lastMirroredTimestamp, selected.maxTimestamp());
        p.lastError = null;
      } catch (Partition.NotLeaderException e) {
        LOG.info("link {}: {}: no longer copied here ({})", link.linkName(), t, e.getMessage());
        partitions.remove(p.key(), p);
        return true;
      } catch (OffsetMismatchException e) {
        LOG.warn(
            "link {}: {}: {}; checking where to start again", link.linkName(), t, e.getMessage());
        p.checked = false;
        return false;
      }
    }
    long sourceStart = pd.logStartOffset();
    if (sourceStart > t.logStartOffset()) {
      // the mirror's log start follows the source's (DeleteRecords there), within its own HW
      long to = Math.min(sourceStart, t.highWatermark());
      if (to > t.logStartOffset()) {
        t.followerLogStart(to);
      }
    }
    if (selected.higherEpoch() >= 0) {
      p.state = MirrorPartition.State.RAISING_EPOCH;
      link.raiseEpoch(p, selected.higherEpoch());
    }
    p.observeSource(
        pd.logStartOffset(), pd.highWatermark(), pd.lastStableOffset(), System.currentTimeMillis());
    return true;
  }

  private void handleSourceError(MirrorPartition p, Errors error) throws IOException, SourceError {
    switch (error) {
      case OFFSET_OUT_OF_RANGE -> {
        long start = listOffset(p, -2L);
        Partition t = p.target;
        if (start > t.logEndOffset()) {
          LOG.warn(
              "link {}: {}: the source's log starts at {}, after the mirror's end {} (retention at"
                  + " the source); continuing from {}, records [{}, {}) were never mirrored",
              link.linkName(),
              t,
              start,
              t.logEndOffset(),
              start,
              t.logEndOffset(),
              start);
          t.restartMirroredAt(start, p.leaderEpoch);
        } else {
          p.checked = false; // ahead of the source: it truncated
        }
      }
      case NOT_LEADER_OR_FOLLOWER,
          UNKNOWN_TOPIC_OR_PARTITION,
          FENCED_LEADER_EPOCH,
          UNKNOWN_LEADER_EPOCH,
          LEADER_NOT_AVAILABLE,
          REPLICA_NOT_AVAILABLE -> {
        p.state = MirrorPartition.State.FAILING;
        partitions.remove(p.key(), p);
        link.sourceMoved(p, error.name());
      }
      default -> p.state = MirrorPartition.State.FAILING;
    }
  }
}
