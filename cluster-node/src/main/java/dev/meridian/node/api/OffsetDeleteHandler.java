package dev.meridian.node.api;

import dev.meridian.node.group.GroupCoordinator;
import dev.meridian.node.group.GroupQuery.TopicPartitionRef;
import dev.meridian.node.metadata.TopicImage;
import dev.meridian.node.protocol.ApiHandler;
import dev.meridian.node.protocol.KafkaRequest;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * OffsetDelete 0: removes committed offsets of a group (Admin {@code deleteConsumerGroupOffsets}).
 * Offsets of topics the group's members are subscribed to stay (GROUP_SUBSCRIBED_TO_TOPIC);
 * GROUP_ID_NOT_FOUND for an unknown group; UNKNOWN_TOPIC_OR_PARTITION for partitions that do not
 * exist.
 */
public final class OffsetDeleteHandler implements ApiHandler {
  private final BrokerContext broker;

  public OffsetDeleteHandler(BrokerContext broker) {
    this.broker = broker;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.OFFSET_DELETE;
  }

  @Override
  public short maxVersion() {
    return 0;
  }

  @Override
  public Future<ApiMessage> handle(KafkaRequest request) {
    OffsetDeleteRequestData req = request.data();
    Map<TopicPartitionRef, Errors> unknown = new HashMap<>();
    List<TopicPartitionRef> wanted = new ArrayList<>();
    for (OffsetDeleteRequestData.OffsetDeleteRequestTopic t : req.topics()) {
      TopicImage topic = broker.image().topic(t.name()).orElse(null);
      for (OffsetDeleteRequestData.OffsetDeleteRequestPartition p : t.partitions()) {
        TopicPartitionRef tp = new TopicPartitionRef(t.name(), p.partitionIndex());
        if (topic == null
            || p.partitionIndex() < 0
            || p.partitionIndex() >= topic.partitionCount()) {
          unknown.put(tp, Errors.UNKNOWN_TOPIC_OR_PARTITION);
        } else {
          wanted.add(tp);
        }
      }
    }
    return BrokerContext.future(broker.groups().deleteOffsets(req.groupId(), wanted))
        .map(result -> answer(req, result, unknown));
  }

  private static ApiMessage answer(
      OffsetDeleteRequestData req,
      GroupCoordinator.OffsetDeleteResult result,
      Map<TopicPartitionRef, Errors> unknown) {
    OffsetDeleteResponseData resp = new OffsetDeleteResponseData();
    if (result.error() != Errors.NONE) {
      return resp.setErrorCode(result.error().code());
    }
    for (OffsetDeleteRequestData.OffsetDeleteRequestTopic t : req.topics()) {
      OffsetDeleteResponseData.OffsetDeleteResponseTopic rt = resp.topics().find(t.name());
      if (rt == null) {
        rt = new OffsetDeleteResponseData.OffsetDeleteResponseTopic().setName(t.name());
        resp.topics().add(rt);
      }
      for (OffsetDeleteRequestData.OffsetDeleteRequestPartition p : t.partitions()) {
        TopicPartitionRef tp = new TopicPartitionRef(t.name(), p.partitionIndex());
        Errors e = unknown.getOrDefault(tp, result.partitions().getOrDefault(tp, Errors.NONE));
        if (rt.partitions().find(p.partitionIndex()) == null) {
          rt.partitions()
              .add(
                  new OffsetDeleteResponseData.OffsetDeleteResponsePartition()
                      .setPartitionIndex(p.partitionIndex())
                      .setErrorCode(e.code()));
        }
      }
    }
    return resp;
  }
}
