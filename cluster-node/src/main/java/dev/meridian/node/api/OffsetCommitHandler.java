package dev.meridian.node.api;

import dev.meridian.node.group.CommittedOffset;
import dev.meridian.node.group.GroupQuery.TopicPartitionRef;
import dev.meridian.node.metadata.TopicImage;
import dev.meridian.node.protocol.ApiHandler;
import dev.meridian.node.protocol.KafkaRequest;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * OffsetCommit 2–9 (by topic name; v10's topic ids are only used by the KIP-848 consumer). A member
 * commits with its generation; a client outside group management (Admin, {@code assign()}) with
 * generation -1 and no member id, allowed while the group has no members. The answer comes once the
 * offsets are in {@code __consumer_offsets}. Per partition: UNKNOWN_TOPIC_OR_PARTITION for a
 * partition that does not exist, OFFSET_METADATA_TOO_LARGE over offset.metadata.max.bytes. The v2–4
 * retention time is ignored (offsets.retention.minutes applies).
 */
public final class OffsetCommitHandler implements ApiHandler {
  private final BrokerContext broker;

  public OffsetCommitHandler(BrokerContext broker) {
    this.broker = broker;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.OFFSET_COMMIT;
  }

  @Override
  public short maxVersion() {
    return 9;
  }

  @Override
  public Future<ApiMessage> handle(KafkaRequest request) {
    OffsetCommitRequestData req = request.data();
    Map<TopicPartitionRef, Errors> errors = new HashMap<>();
    Map<TopicPartitionRef, CommittedOffset> valid = new LinkedHashMap<>();
    int maxMetadata = broker.groups().config().maxMetadataBytes();
    for (OffsetCommitRequestData.OffsetCommitRequestTopic t : req.topics()) {
      TopicImage topic = broker.image().topic(t.name()).orElse(null);
      for (OffsetCommitRequestData.OffsetCommitRequestPartition p : t.partitions()) {
        TopicPartitionRef tp = new TopicPartitionRef(t.name(), p.partitionIndex());
        String metadata = p.committedMetadata() == null ? "" : p.committedMetadata();
        if (topic == null
            || p.partitionIndex() < 0
            || p.partitionIndex() >= topic.partitionCount()) {
          errors.put(tp, Errors.UNKNOWN_TOPIC_OR_PARTITION);
        } else if (metadata.length() > maxMetadata) {
          errors.put(tp, Errors.OFFSET_METADATA_TOO_LARGE);
        } else {
          valid.put(
              tp, new CommittedOffset(p.committedOffset(), p.committedLeaderEpoch(), metadata, -1));
        }
      }
    }
    Future<Map<TopicPartitionRef, Errors>> committed =
        valid.isEmpty()
            ? Future.succeededFuture(Map.of())
            : BrokerContext.future(
                broker
                    .groups()
                    .commitOffsets(
                        req.groupId(),
                        req.memberId(),
                        req.groupInstanceId(),
                        req.generationIdOrMemberEpoch(),
                        valid));
    return committed.map(
        result -> {
          errors.putAll(result);
          OffsetCommitResponseData resp = new OffsetCommitResponseData();
          for (OffsetCommitRequestData.OffsetCommitRequestTopic t : req.topics()) {
            OffsetCommitResponseData.OffsetCommitResponseTopic rt =
                new OffsetCommitResponseData.OffsetCommitResponseTopic().setName(t.name());
            for (OffsetCommitRequestData.OffsetCommitRequestPartition p : t.partitions()) {
              Errors e = errors.get(new TopicPartitionRef(t.name(), p.partitionIndex()));
              rt.partitions()
                  .add(
                      new OffsetCommitResponseData.OffsetCommitResponsePartition()
                          .setPartitionIndex(p.partitionIndex())
                          .setErrorCode(e == null ? Errors.NONE.code() : e.code()));
            }
            resp.topics().add(rt);
          }
          return resp;
        });
  }
}
