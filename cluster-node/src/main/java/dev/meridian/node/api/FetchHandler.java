package dev.meridian.node.api;

import dev.meridian.node.protocol.ApiHandler;
import dev.meridian.node.protocol.FetchPipeline;
import dev.meridian.node.protocol.KafkaRequest;
import dev.meridian.node.protocol.LinkCompression;
import dev.meridian.node.protocol.WireRecords;
import dev.meridian.node.replication.Partition;
import dev.meridian.node.storage.FetchIsolation;
import dev.meridian.node.storage.LogSlice;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * Fetch 4–12: whole batches straight from the logs — sent from the segment files with sendfile,
 * never decoded or copied by the broker — within the partition and response byte limits (the first
 * non-empty partition always returns at least one batch, KIP-74). Consumers read up to the high
 * watermark, followers (replicaId ≥ 0) to the log end. A follower's fetch offset is its log end:
 * the leader notes it (the high watermark and the ISR may move). From v12, a fetcher that sends its
 * last fetched epoch (a follower, or a mirror link copying this partition) and whose epoch does not
 * end here where it fetches from gets the diverging epoch instead of records, as Kafka answers.
 * Replication throttles (KIP-73): a follower out of the ISR of a replica its topic lists in {@code
 * leader.replication.throttled.replicas} for this node gets at most this node's {@code
 * leader.replication.throttled.rate}; while that is spent it gets no records and waits.
 *
 * <p>Long poll: when less than {@code minBytes} is available the request waits up to {@code
 * maxWaitMs}; a move of the log end (followers) or the high watermark (consumers) of any fetched
 * partition wakes it (no polling timers). Fetch sessions (KIP-227) are not kept: session id 0 makes
 * clients send full fetches.
 *
 * <p>Mirror links of Meridian regions may pipeline their Fetches ({@link FetchPipeline}): a Fetch
 * of a pipeline that asks from inside the run of offsets this node already answered on that
 * pipeline reads from the run's end ({@link FetchCursors}), and each partition's answer says where
 * it was read from.
 */
public final class FetchHandler implements ApiHandler {
  private final BrokerContext broker;
  private final FetchCursors cursors = new FetchCursors();

  public FetchHandler(BrokerContext broker) {
    this.broker = broker;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.FETCH;
  }

  @Override
  public short maxVersion() {
    return 12;
  }

  @Override
  public Future<ApiMessage> handle(KafkaRequest request) {
    FetchRequestData req = request.data();
    Promise<ApiMessage> promise = Promise.promise();
    long deadline = System.currentTimeMillis() + Math.max(0, req.maxWaitMs());
    attempt(req, deadline, Vertx.currentContext(), promise, request.receivedNanos());
    return promise.future();
  }

  /** Result of one pass over the requested partitions. */
  private record Pass(
      FetchResponseData response,
      int bytes,
      boolean error,
      List<Partition> parts,
      List<Long> hw,
      boolean throttled) {}

  private void attempt(
      FetchRequestData req,
      long deadline,
      Context ctx,
      Promise<ApiMessage> promise,
      long receivedNanos) {
    broker
        .blocking(() -> read(req))
        .onComplete(
            ar -> {
              if (ar.failed()) {
                promise.fail(ar.cause());
                return;
              }
              Pass pass = ar.result();
              long remaining = deadline - System.currentTimeMillis();
              if (pass.bytes() >= Math.max(1, req.minBytes())
                  || pass.error()
                  || remaining <= 0
                  || (pass.parts().isEmpty() && !pass.throttled())) {
                answer(req, pass, promise, receivedNanos);
              } else {
                waitForData(req, deadline, remaining, ctx, promise, pass, receivedNanos);
              }
            });
  }

  /**
   * Completes a Fetch; one of a pipeline that asks for spacing leaves no sooner than that after the
   * pipeline's previous answer (its records are read already; later ones go to the next Fetch).
   */
  private void answer(
      FetchRequestData req, Pass pass, Promise<ApiMessage> promise, long receivedNanos) {
    long pipeline = FetchPipeline.id(req);
    if (pipeline < 0) {
      promise.complete(pass.response());
      return;
    }
    long hold =
        cursors.holdNanos(pipeline, FetchPipeline.spacingMicros(req) * 1_000L, System.nanoTime());
    long holdMs = hold / 1_000_000;
    Runnable complete =
        () -> {
          FetchPipeline.answer(pass.response(), System.nanoTime() - receivedNanos);
          promise.complete(pass.response());
        };
    if (holdMs <= 0) {
      complete.run();
    } else {
      broker.vertx().setTimer(holdMs, id -> complete.run());
    }
  }

  /** Parks the request until an append to one of its partitions or the deadline. */
  private void waitForData(
      FetchRequestData req,
      long deadline,
      long remaining,
      Context ctx,
      Promise<ApiMessage> promise,
      Pass pass,
      long receivedNanos) {
    AtomicBoolean fired = new AtomicBoolean();
    List<Runnable> listeners = new ArrayList<>();
    long[] timer = {-1};
    Runnable wake =
        () -> {
          if (fired.compareAndSet(false, true)) {
            ctx.runOnContext(
                v -> {
                  for (int i = 0; i < listeners.size(); i++) {
                    pass.parts().get(i).removeAppendListener(listeners.get(i));
                  }
                  if (timer[0] >= 0) {
                    broker.vertx().cancelTimer(timer[0]);
                  }
                  attempt(req, deadline, ctx, promise, receivedNanos);
                });
          }
        };
    for (Partition p : pass.parts()) {
      listeners.add(wake);
      p.addAppendListener(wake);
    }
    timer[0] = broker.vertx().setTimer(remaining, id -> wake.run());
    // an append between the read and the registration must not be missed
    for (int i = 0; i < pass.parts().size(); i++) {
      Partition p = pass.parts().get(i);
      long now = req.replicaId() >= 0 ? p.logEndOffset() : p.highWatermark();
      if (now > pass.hw().get(i)) {
        wake.run();
        break;
      }
    }
  }

  /**
   * Whether a fetcher's log diverged from this leader's: the epoch it fetched last ends here before
   * its fetch offset (or this log does not have it). Then the answer carries the diverging epoch
   * and its end offset, and no records (Fetch v12+, KIP-595).
   */
  private static boolean diverged(
      Partition p, FetchRequestData.FetchPartition fp, FetchResponseData.PartitionData pd) {
    long[] end = p.endOffsetForEpoch(fp.lastFetchedEpoch());
    if (end[0] < 0 || (end[0] == fp.lastFetchedEpoch() && end[1] >= fp.fetchOffset())) {
      return false;
    }
    pd.setDivergingEpoch(
            new FetchResponseData.EpochEndOffset().setEpoch((int) end[0]).setEndOffset(end[1]))
        .setHighWatermark(p.highWatermark())
        .setLastStableOffset(p.highWatermark())
        .setLogStartOffset(p.logStartOffset());
    return true;
  }

  private void forget(long pipeline, String key) {
    if (key != null) {
      cursors.forget(pipeline, key);
    }
  }

  private static long nextOffset(LogSlice slice) {
    try {
      return slice.nextOffset();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Pass read(FetchRequestData req) {
    boolean replica = req.replicaId() >= 0;
    boolean lz4 = LinkCompression.requested(req);
    long pipeline = FetchPipeline.id(req);
    long now = System.currentTimeMillis();
    long[] next = new long[1];
    FetchIsolation isolation = replica ? FetchIsolation.LOG_END : FetchIsolation.HIGH_WATERMARK;
    int budget = req.maxBytes() > 0 ? req.maxBytes() : Integer.MAX_VALUE;
    int total = 0;
    boolean error = false;
    boolean first = true;
    boolean heldBack = false;
    List<Partition> parts = new ArrayList<>();
    List<Long> seen = new ArrayList<>();
    FetchResponseData resp = new FetchResponseData().setSessionId(0);
    for (FetchRequestData.FetchTopic ft : req.topics()) {
      FetchResponseData.FetchableTopicResponse tr =
          new FetchResponseData.FetchableTopicResponse().setTopic(ft.topic());
      for (FetchRequestData.FetchPartition fp : ft.partitions()) {
        FetchResponseData.PartitionData pd =
            new FetchResponseData.PartitionData()
                .setPartitionIndex(fp.partition())
                .setHighWatermark(-1)
                .setLastStableOffset(-1)
                .setLogStartOffset(-1)
                .setRecords(WireRecords.of(ByteBuffer.allocate(0)));
        tr.partitions().add(pd);
        String key = pipeline >= 0 ? ft.topic() + "-" + fp.partition() : null;
        Partition p = broker.partition(ft.topic(), fp.partition()).orElse(null);
        if (p == null) {
          boolean exists = broker.image().partition(ft.topic(), fp.partition()).isPresent();
          pd.setErrorCode(
              (exists ? Errors.NOT_LEADER_OR_FOLLOWER : Errors.UNKNOWN_TOPIC_OR_PARTITION).code());
          error = true;
          forget(pipeline, key);
          continue;
        }
        Errors leaderError = p.leaderError(fp.currentLeaderEpoch());
        if (leaderError != Errors.NONE) {
          pd.setErrorCode(leaderError.code());
          error = true;
          forget(pipeline, key);
          continue;
        }
        if (replica) {
          // a follower's fetch offset is its log end: the leader's high watermark may move
          p.onFollowerFetch(req.replicaId(), fp.fetchOffset(), System.currentTimeMillis());
        }
        if (fp.lastFetchedEpoch() >= 0 && diverged(p, fp, pd)) {
          error = true; // answer at once: the fetcher (a follower or a mirror) truncates first
          forget(pipeline, key);
          continue;
        }
        boolean throttled = replica && broker.replicas().leaderThrottled(p, req.replicaId());
        if (throttled && !broker.replicas().leaderQuota().allows()) {
          // the leader's throttle is spent: nothing for this follower now, it waits and asks again
          pd.setHighWatermark(p.highWatermark())
              .setLastStableOffset(p.highWatermark())
              .setLogStartOffset(p.logStartOffset());
          heldBack = true;
          continue;
        }
        try {
          int limit = Math.min(fp.partitionMaxBytes(), Math.max(0, budget - total));
          if (throttled) {
            limit = broker.replicas().leaderQuota().partitionMaxBytes(limit);
          }
          long from =
              key == null
                  ? fp.fetchOffset()
                  : cursors.readFrom(pipeline, key, fp.fetchOffset(), now);
          LogSlice r = p.readSlice(from, limit, isolation, first, fp.currentLeaderEpoch());
          pd.setHighWatermark(r.highWatermark())
              .setLastStableOffset(r.highWatermark())
              .setLogStartOffset(r.logStartOffset())
              .setRecords(WireRecords.of(r));
          next[0] = -1;
          if (lz4) {
            LinkCompression.compress(pd, r, next);
          }
          if (key != null) {
            cursors.sent(pipeline, key, from, next[0] >= 0 ? next[0] : nextOffset(r), now);
            FetchPipeline.answer(pd, from);
          }
          if (r.length() > 0) {
            first = false;
            total += r.length();
            if (throttled) {
              broker.replicas().leaderQuota().record(r.length());
            }
          }
          parts.add(p);
          seen.add(replica ? p.logEndOffset() : r.highWatermark());
        } catch (RuntimeException e) {
          forget(pipeline, key);
          pd.setErrorCode(ErrorMapper.toError(e).code())
              .setHighWatermark(p.highWatermark())
              .setLastStableOffset(p.highWatermark())
              .setLogStartOffset(p.logStartOffset());
          error = true;
        }
      }
      resp.responses().add(tr);
    }
    return new Pass(resp, total, error, parts, seen, heldBack);
  }
}
