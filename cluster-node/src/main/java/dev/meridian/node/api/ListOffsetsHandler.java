package dev.meridian.node.api;

import dev.meridian.node.protocol.ApiHandler;
import dev.meridian.node.protocol.KafkaRequest;
import dev.meridian.node.replication.Partition;
import dev.meridian.node.storage.TimestampOffset;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * ListOffsets 1–10: earliest (-2, and earliest-local -4 / earliest-tiered -5, the same here: there
 * is no remote tier), latest (-1: the high watermark for consumers, the log end for replicas), max
 * timestamp (-3), and the first offset at or after a timestamp (time index). A timestamp newer than
 * every record answers offset -1, as Kafka does.
 */
public final class ListOffsetsHandler implements ApiHandler {
  static final long LATEST = -1;
  static final long EARLIEST = -2;
  static final long MAX_TIMESTAMP = -3;
  static final long EARLIEST_LOCAL = -4;
  static final long EARLIEST_TIERED = -5;

  private final BrokerContext broker;

  public ListOffsetsHandler(BrokerContext broker) {
    this.broker = broker;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.LIST_OFFSETS;
  }

  @Override
  public short maxVersion() {
    return 10;
  }

  @Override
  public Future<ApiMessage> handle(KafkaRequest request) {
    ListOffsetsRequestData req = request.data();
    short version = request.version();
    return broker.blocking(() -> list(req, version));
  }

  private ApiMessage list(ListOffsetsRequestData req, short version) {
    ListOffsetsResponseData resp = new ListOffsetsResponseData();
    boolean replica = req.replicaId() >= 0;
    for (ListOffsetsRequestData.ListOffsetsTopic t : req.topics()) {
      List<ListOffsetsResponseData.ListOffsetsPartitionResponse> parts = new ArrayList<>();
      for (ListOffsetsRequestData.ListOffsetsPartition lp : t.partitions()) {
        ListOffsetsResponseData.ListOffsetsPartitionResponse pr =
            new ListOffsetsResponseData.ListOffsetsPartitionResponse()
                .setPartitionIndex(lp.partitionIndex())
                .setTimestamp(-1)
                .setOffset(-1);
        parts.add(pr);
        Partition p = broker.partition(t.name(), lp.partitionIndex()).orElse(null);
        if (p == null) {
          boolean exists = broker.image().partition(t.name(), lp.partitionIndex()).isPresent();
          pr.setErrorCode(
              (exists ? Errors.NOT_LEADER_OR_FOLLOWER : Errors.UNKNOWN_TOPIC_OR_PARTITION).code());
          continue;
        }
        Errors leaderError = p.leaderError(version >= 4 ? lp.currentLeaderEpoch() : -1);
        if (leaderError != Errors.NONE) {
          pr.setErrorCode(leaderError.code());
          continue;
        }
        if (!replica && !p.highWatermarkEstablished()) {
          // a new leader learns the high watermark from its followers' first fetches; until it
          // reaches where this epoch began, an answer could go back behind one already given
          pr.setErrorCode(Errors.OFFSET_NOT_AVAILABLE.code());
          continue;
        }
        try {
          lookup(p, lp.timestamp(), replica, pr);
          if (version >= 4 && pr.offset() >= 0) {
            pr.setLeaderEpoch(p.leaderEpoch());
          }
        } catch (RuntimeException e) {
          pr.setErrorCode(ErrorMapper.toError(e).code());
        }
      }
      resp.topics()
          .add(
              new ListOffsetsResponseData.ListOffsetsTopicResponse()
                  .setName(t.name())
                  .setPartitions(parts));
    }
    return resp;
  }

  private static void lookup(
      Partition log,
      long timestamp,
      boolean replica,
      ListOffsetsResponseData.ListOffsetsPartitionResponse pr) {
    if (timestamp == LATEST) {
      pr.setOffset(replica ? log.logEndOffset() : log.highWatermark());
    } else if (timestamp == EARLIEST
        || timestamp == EARLIEST_LOCAL
        || timestamp == EARLIEST_TIERED) {
      pr.setOffset(log.logStartOffset());
    } else if (timestamp == MAX_TIMESTAMP) {
      Optional<TimestampOffset> max = log.maxTimestamp();
      max.ifPresent(m -> pr.setTimestamp(m.timestamp()).setOffset(m.offset()));
    } else if (timestamp < 0) {
      pr.setErrorCode(Errors.INVALID_REQUEST.code());
    } else {
      Optional<TimestampOffset> hit = log.offsetForTimestamp(timestamp);
      hit.filter(h -> replica || h.offset() < log.highWatermark())
          .ifPresent(h -> pr.setTimestamp(h.timestamp()).setOffset(h.offset()));
    }
  }
}
