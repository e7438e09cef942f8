package dev.meridian.node.api;

import dev.meridian.node.metadata.TopicImage;
import dev.meridian.node.protocol.ApiHandler;
import dev.meridian.node.protocol.KafkaRequest;
import dev.meridian.node.protocol.WireRecords;
import dev.meridian.node.replication.Partition;
import dev.meridian.node.storage.LogAppendInfo;
import dev.meridian.node.storage.RecordBatchHeader;
import io.vertx.core.Future;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * Produce 3–12: appends each partition's batches as leader (NOT_LEADER_OR_FOLLOWER on a node that
 * is not the partition's leader in the current image). acks=0 gets no response at all, acks=1 is
 * answered once the batch is in the leader's log, acks=all once the high watermark passed it (every
 * in-sync replica has it) — waiting holds no thread — and is refused with NOT_ENOUGH_REPLICAS when
 * the ISR is below min.insync.replicas before the append; NOT_ENOUGH_REPLICAS_AFTER_APPEND when it
 * fell below meanwhile, REQUEST_TIMED_OUT when the request's timeout passed first. Idempotent
 * retries are answered with their original offsets; errors are per partition. Transactional batches
 * are refused (transactions are not supported), and so are appends to internal topics
 * (INVALID_TOPIC_EXCEPTION, as in Kafka).
 */
public final class ProduceHandler implements ApiHandler {
  private final BrokerContext broker;

  public ProduceHandler(BrokerContext broker) {
    this.broker = broker;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.PRODUCE;
  }

  @Override
  public short maxVersion() {
    return 12;
  }

  @Override
  public Future<ApiMessage> handle(KafkaRequest request) {
    ProduceRequestData req = request.data();
    short acks = req.acks();
    short version = request.version();
    Future<Appended> appended = broker.blocking(() -> produce(req, version));
    if (acks == 0) {
      return appended.map(r -> null);
    }
    return appended.compose(a -> a.replicated(version));
  }

  /**
   * The response so far and, for acks=all, the partitions whose appends must reach the in-sync
   * replicas before it is sent.
   */
  private record Appended(ProduceResponseData response, List<Replication> waits) {
    Future<ApiMessage> replicated(short version) {
      if (waits.isEmpty()) {
        return Future.succeededFuture(response);
      }
      List<Future<Errors>> all = new ArrayList<>();
      for (Replication w : waits) {
        all.add(
            BrokerContext.future(w.done())
                .onSuccess(
                    e -> {
                      if (e != Errors.NONE) {
                        error(w.response(), e, "not replicated: " + e, version);
                      }
                    }));
      }
      return Future.join(all).map(v -> response);
    }
  }

  private record Replication(
      ProduceResponseData.PartitionProduceResponse response,
      java.util.concurrent.CompletableFuture<Errors> done) {}

  private Appended produce(ProduceRequestData req, short version) {
    List<Replication> waits = new ArrayList<>();
    ProduceResponseData resp = new ProduceResponseData();
    short acks = req.acks();
    boolean validAcks = acks == 0 || acks == 1 || acks == -1;
    for (ProduceRequestData.TopicProduceData td : req.topicData()) {
      List<ProduceResponseData.PartitionProduceResponse> parts = new ArrayList<>();
      TopicImage topic = broker.image().topic(td.name()).orElse(null);
      for (ProduceRequestData.PartitionProduceData pd : td.partitionData()) {
        ProduceResponseData.PartitionProduceResponse pr =
            new ProduceResponseData.PartitionProduceResponse().setIndex(pd.index());
        if (!validAcks) {
          pr.setErrorCode(Errors.INVALID_REQUIRED_ACKS.code());
        } else {
          appendPartition(topic, td.name(), pd, req, pr, version, waits);
        }
        parts.add(pr);
      }
      resp.responses()
          .add(
              new ProduceResponseData.TopicProduceResponse()
                  .setName(td.name())
                  .setPartitionResponses(parts));
    }
    return new Appended(resp, waits);
  }

  private void appendPartition(
      TopicImage topic,
      String name,
      ProduceRequestData.PartitionProduceData pd,
      ProduceRequestData req,
      ProduceResponseData.PartitionProduceResponse pr,
      short version,
      List<Replication> waits) {
    short acks = req.acks();
    pr.setBaseOffset(-1).setLogAppendTimeMs(-1).setLogStartOffset(-1);
    if (topic == null || topic.partition(pd.index()).isEmpty()) {
      Errors error =
          topic == null && !Topic.isValid(name)
              ? Errors.INVALID_TOPIC_EXCEPTION
              : Errors.UNKNOWN_TOPIC_OR_PARTITION;
      error(pr, error, "no partition " + name + "-" + pd.index(), version);
      return;
    }
    String mirror = MirrorTopics.refusal(topic, "produce to");
    if (mirror != null) {
      error(pr, MirrorTopics.ERROR, mirror, version);
      return;
    }
    String fenced = MirrorTopics.fenced(topic);
    if (fenced != null) {
      error(pr, MirrorTopics.FENCED_ERROR, fenced, version);
      return;
    }
    Partition partition = broker.partition(name, pd.index()).orElse(null);
    if (partition == null || !partition.isLeader()) {
      error(
          pr,
          Errors.NOT_LEADER_OR_FOLLOWER,
          "node " + broker.nodeId() + " is not the leader of " + name + "-" + pd.index(),
          version);
      return;
    }
    if (Topic.isInternal(name)) {
      error(pr, Errors.INVALID_TOPIC_EXCEPTION, "Cannot append to internal topic " + name, version);
      return;
    }
    Map<String, String> overrides = topic.configs();
    int isr = partition.state() == null ? 0 : partition.state().isr().size();
    int minIsr = broker.topicConfigs().minInsyncReplicas(overrides);
    if (acks == -1 && isr < minIsr) {
      error(
          pr,
          Errors.NOT_ENOUGH_REPLICAS,
          "The ISR of "
              + partition
              + " has "
              + isr
              + " replica(s), min.insync.replicas is "
              + minIsr,
          version);
      return;
    }
    ByteBuffer records = WireRecords.bytes(pd.records());
    if (hasTransactionalBatch(records)) {
      error(
          pr,
          Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
          "transactions are not supported",
          version);
      return;
    }
    boolean logAppendTime = broker.topicConfigs().logAppendTime(overrides);
    long now = logAppendTime ? System.currentTimeMillis() : -1;
    try {
      LogAppendInfo info = partition.appendAsLeader(records, now);
      switch (info.status()) {
        case APPENDED, DUPLICATE -> {
          pr.setBaseOffset(info.firstOffset()).setLogStartOffset(info.logStartOffset());
          if (logAppendTime) {
            pr.setLogAppendTimeMs(now);
          }
          if (acks == -1) {
            waits.add(
                new Replication(
                    pr,
                    partition.awaitReplication(
                        info.lastOffset() + 1, minIsr, Math.max(1, req.timeoutMs()))));
          }
        }
        case OUT_OF_ORDER_SEQUENCE ->
            error(pr, Errors.OUT_OF_ORDER_SEQUENCE_NUMBER, info.message(), version);
        case INVALID_PRODUCER_EPOCH ->
            error(pr, Errors.INVALID_PRODUCER_EPOCH, info.message(), version);
        default -> throw new IllegalStateException(info.status().toString());
      }
    } catch (RuntimeException e) {
      error(pr, ErrorMapper.toError(e), e.getMessage(), version);
    }
  }

  private static boolean hasTransactionalBatch(ByteBuffer records) {
    int p = records.position();
    while (p + RecordBatchHeader.HEADER_SIZE <= records.limit()) {
      if (RecordBatchHeader.magic(records, p) == RecordBatchHeader.MAGIC_V2
          && RecordBatchHeader.isTransactional(records, p)) {
        return true;
      }
      int length = RecordBatchHeader.batchLength(records, p);
      if (length <= 0 || length > records.limit() - p - RecordBatchHeader.LOG_OVERHEAD) {
        // malformed or cut short (a length near 2^31 would overflow the position): the log's
        // validation reports it as CORRUPT_MESSAGE for this partition
        return false;
      }
      p += RecordBatchHeader.LOG_OVERHEAD + length;
    }
    return false;
  }

  private static void error(
      ProduceResponseData.PartitionProduceResponse pr,
      Errors error,
      String message,
      short version) {
    pr.setErrorCode(error.code());
    if (version >= 8) {
      pr.setErrorMessage(message);
    }
  }
}
