package dev.meridian.node.api;

import dev.meridian.node.protocol.ApiHandler;
import dev.meridian.node.protocol.KafkaRequest;
import dev.meridian.node.replication.Partition;
import io.vertx.core.Future;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * OffsetForLeaderEpoch 2–4 (KIP-101/279/320): for each partition this node leads, the largest
 * leader epoch at or below the asked one in its log and where that epoch ends (the start of the
 * next epoch, or the log end for the latest). Followers ask it before they fetch from a new leader
 * and truncate there; consumers (replica id -1) ask it to check, after a leader change, that their
 * position still exists in the log (no offset reset when it does). The current leader epoch of the
 * request fences stale askers (FENCED_LEADER_EPOCH / UNKNOWN_LEADER_EPOCH); an epoch older than the
 * log knows answers -1 and -1.
 */
public final class OffsetForLeaderEpochHandler implements ApiHandler {
  private final BrokerContext broker;

  public OffsetForLeaderEpochHandler(BrokerContext broker) {
    this.broker = broker;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.OFFSET_FOR_LEADER_EPOCH;
  }

  @Override
  public short maxVersion() {
    return 4;
  }

  @Override
  public Future<ApiMessage> handle(KafkaRequest request) {
    OffsetForLeaderEpochRequestData req = request.data();
    OffsetForLeaderEpochResponseData resp = new OffsetForLeaderEpochResponseData();
    for (OffsetForLeaderEpochRequestData.OffsetForLeaderTopic t : req.topics()) {
      OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult tr =
          new OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult().setTopic(t.topic());
      for (OffsetForLeaderEpochRequestData.OffsetForLeaderPartition p : t.partitions()) {
        OffsetForLeaderEpochResponseData.EpochEndOffset e =
            new OffsetForLeaderEpochResponseData.EpochEndOffset()
                .setPartition(p.partition())
                .setLeaderEpoch(-1)
                .setEndOffset(-1);
        tr.partitions().add(e);
        Partition partition = broker.partition(t.topic(), p.partition()).orElse(null);
        if (partition == null) {
          boolean exists = broker.image().partition(t.topic(), p.partition()).isPresent();
          e.setErrorCode(
              (exists ? Errors.NOT_LEADER_OR_FOLLOWER : Errors.UNKNOWN_TOPIC_OR_PARTITION).code());
          continue;
        }
        Errors error = partition.leaderError(p.currentLeaderEpoch());
        if (error != Errors.NONE) {
          e.setErrorCode(error.code());
          continue;
        }
        try {
          long[] end = partition.endOffsetForEpoch(p.leaderEpoch());
          e.setLeaderEpoch((int) end[0]).setEndOffset(end[1]);
        } catch (RuntimeException ex) {
          e.setErrorCode(ErrorMapper.toError(ex).code());
        }
      }
      resp.topics().add(tr);
    }
    return Future.succeededFuture(resp);
  }
}
