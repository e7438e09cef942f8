package dev.meridian.node.api;

import dev.meridian.node.metadata.MetadataImage;
import dev.meridian.node.metadata.PartitionState;
import dev.meridian.node.metadata.TopicImage;
import dev.meridian.node.protocol.ApiHandler;
import dev.meridian.node.protocol.KafkaRequest;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.message.ListPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * ListPartitionReassignments 0 (KIP-455), answered from the node's metadata image: the running
 * reassignments of the partitions asked for (all when the topic list is null), each with its
 * replicas and the replicas being added and removed ({@code kafka-reassign-partitions --verify}).
 */
public final class ListPartitionReassignmentsHandler implements ApiHandler {
  private final BrokerContext broker;

  public ListPartitionReassignmentsHandler(BrokerContext broker) {
    this.broker = broker;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.LIST_PARTITION_REASSIGNMENTS;
  }

  @Override
  public short maxVersion() {
    return 0;
  }

  @Override
  public Future<ApiMessage> handle(KafkaRequest request) {
    ListPartitionReassignmentsRequestData req = request.data();
    MetadataImage image = broker.image();
    ListPartitionReassignmentsResponseData resp =
        new ListPartitionReassignmentsResponseData().setErrorCode(Errors.NONE.code());
    if (req.topics() == null) {
      for (TopicImage t : image.topics().values()) {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < t.partitionCount(); i++) {
          all.add(i);
        }
        add(resp, t, all);
      }
    } else {
      for (ListPartitionReassignmentsRequestData.ListPartitionReassignmentsTopics wanted :
          req.topics()) {
        image.topic(wanted.name()).ifPresent(t -> add(resp, t, wanted.partitionIndexes()));
      }
    }
    return Future.succeededFuture(resp);
  }

  private static void add(
      ListPartitionReassignmentsResponseData resp, TopicImage t, List<Integer> partitions) {
    ListPartitionReassignmentsResponseData.OngoingTopicReassignment topic = null;
    for (int index : partitions) {
      PartitionState s = t.partition(index).orElse(null);
      if (s == null || !s.reassigning()) {
        continue;
      }
      if (topic == null) {
        topic =
            new ListPartitionReassignmentsResponseData.OngoingTopicReassignment().setName(t.name());
        resp.topics().add(topic);
      }
      topic
          .partitions()
          .add(
              new ListPartitionReassignmentsResponseData.OngoingPartitionReassignment()
                  .setPartitionIndex(index)
                  .setReplicas(new ArrayList<>(s.replicas()))
                  .setAddingReplicas(new ArrayList<>(s.adding()))
                  .setRemovingReplicas(new ArrayList<>(s.removing())));
    }
  }
}
