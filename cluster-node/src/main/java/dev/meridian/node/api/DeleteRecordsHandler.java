package dev.meridian.node.api;

import dev.meridian.node.protocol.ApiHandler;
import dev.meridian.node.protocol.KafkaRequest;
import dev.meridian.node.replication.Partition;
import io.vertx.core.Future;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * DeleteRecords 0–2: moves a partition's log start offset up to the requested offset ({@code -1}:
 * the high watermark); segments wholly below it are deleted. An offset past the high watermark, or
 * negative other than -1, is OFFSET_OUT_OF_RANGE. The answer's low watermark is the log start
 * offset afterwards (which may be above the requested offset if it was already there), or -1 on
 * error. The work is done before answering, so {@code timeoutMs} is never reached.
 */
public final class DeleteRecordsHandler implements ApiHandler {
  static final long HIGH_WATERMARK = -1;
  private static final long INVALID_LOW_WATERMARK = -1;

  private final BrokerContext broker;

  public DeleteRecordsHandler(BrokerContext broker) {
    this.broker = broker;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.DELETE_RECORDS;
  }

  @Override
  public short maxVersion() {
    return 2;
  }

  @Override
  public Future<ApiMessage> handle(KafkaRequest request) {
    DeleteRecordsRequestData req = request.data();
    return broker.blocking(() -> delete(req));
  }

  private ApiMessage delete(DeleteRecordsRequestData req) {
    DeleteRecordsResponseData resp = new DeleteRecordsResponseData();
    for (DeleteRecordsRequestData.DeleteRecordsTopic t : req.topics()) {
      DeleteRecordsResponseData.DeleteRecordsTopicResult tr =
          new DeleteRecordsResponseData.DeleteRecordsTopicResult().setName(t.name());
      for (DeleteRecordsRequestData.DeleteRecordsPartition p : t.partitions()) {
        tr.partitions().add(deleteOne(t.name(), p));
      }
      resp.topics().add(tr);
    }
    return resp;
  }

  private DeleteRecordsResponseData.DeleteRecordsPartitionResult deleteOne(
      String topic, DeleteRecordsRequestData.DeleteRecordsPartition p) {
    DeleteRecordsResponseData.DeleteRecordsPartitionResult pr =
        new DeleteRecordsResponseData.DeleteRecordsPartitionResult()
            .setPartitionIndex(p.partitionIndex())
            .setLowWatermark(INVALID_LOW_WATERMARK);
    if (broker.image().partition(topic, p.partitionIndex()).isEmpty()) {
      return pr.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
    }
    if (Topic.isInternal(topic)) {
      // Kafka: "Cannot delete records of internal topic"; the coordinator's state lives there
      return pr.setErrorCode(Errors.INVALID_TOPIC_EXCEPTION.code());
    }
    if (MirrorTopics.refusal(broker.image(), topic, "delete records of") != null) {
      return pr.setErrorCode(MirrorTopics.ERROR.code());
    }
    Partition partition = broker.partition(topic, p.partitionIndex()).orElse(null);
    if (partition == null || !partition.isLeader()) {
      return pr.setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code());
    }
    long offset = p.offset() == HIGH_WATERMARK ? partition.highWatermark() : p.offset();
    if (offset < 0) {
      return pr.setErrorCode(Errors.OFFSET_OUT_OF_RANGE.code());
    }
    try {
      long start = partition.deleteRecordsBefore(offset);
      return pr.setLowWatermark(start).setErrorCode(Errors.NONE.code());
    } catch (RuntimeException e) {
      return pr.setErrorCode(ErrorMapper.toError(e).code());
    }
  }
}
