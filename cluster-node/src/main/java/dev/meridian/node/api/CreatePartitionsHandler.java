package dev.meridian.node.api;

import dev.meridian.node.controller.ControllerRequest;
import dev.meridian.node.controller.ItemResult;
import dev.meridian.node.protocol.ApiHandler;
import dev.meridian.node.protocol.KafkaRequest;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * CreatePartitions 0–3, decided by the region's controller (this node forwards): grows a topic to
 * {@code count} partitions (never shrinks: INVALID_PARTITIONS otherwise), honouring validateOnly.
 * New partitions get the topic's replication factor, placed like a new topic's; explicit
 * assignments must give one entry per new partition, each naming registered nodes, as many as the
 * topic's replication factor (INVALID_REPLICA_ASSIGNMENT otherwise).
 */
public final class CreatePartitionsHandler implements ApiHandler {
  private final BrokerContext broker;

  public CreatePartitionsHandler(BrokerContext broker) {
    this.broker = broker;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.CREATE_PARTITIONS;
  }

  @Override
  public short maxVersion() {
    return 3;
  }

  @Override
  public Future<ApiMessage> handle(KafkaRequest request) {
    CreatePartitionsRequestData req = request.data();
    Map<String, Integer> counts = new HashMap<>();
    for (CreatePartitionsRequestData.CreatePartitionsTopic t : req.topics()) {
      counts.merge(t.name(), 1, Integer::sum);
    }
    Map<String, String> mirrors = new HashMap<>();
    for (CreatePartitionsRequestData.CreatePartitionsTopic t : req.topics()) {
      String refusal = MirrorTopics.refusal(broker.image(), t.name(), "add partitions to");
      if (refusal != null) {
        mirrors.put(t.name(), refusal);
      }
    }
    List<ControllerRequest.NewPartitions> forward = new ArrayList<>();
    for (CreatePartitionsRequestData.CreatePartitionsTopic t : req.topics()) {
      if (counts.get(t.name()) > 1 || mirrors.containsKey(t.name())) {
        continue;
      }
      List<List<Integer>> assignments = new ArrayList<>();
      if (t.assignments() != null) {
        for (CreatePartitionsRequestData.CreatePartitionsAssignment a : t.assignments()) {
          assignments.add(new ArrayList<>(a.brokerIds()));
        }
      }
      forward.add(new ControllerRequest.NewPartitions(t.name(), t.count(), assignments));
    }
    Future<List<ItemResult>> decided =
        forward.isEmpty()
            ? Future.succeededFuture(List.of())
            : broker.submit(new ControllerRequest.CreatePartitions(forward, req.validateOnly()));
    return decided.map(
        results -> {
          CreatePartitionsResponseData resp = new CreatePartitionsResponseData();
          int next = 0;
          for (CreatePartitionsRequestData.CreatePartitionsTopic t : req.topics()) {
            CreatePartitionsResponseData.CreatePartitionsTopicResult result =
                new CreatePartitionsResponseData.CreatePartitionsTopicResult()
                    .setName(t.name())
                    .setErrorCode(Errors.NONE.code());
            resp.results().add(result);
            if (counts.get(t.name()) > 1) {
              fail(result, Errors.INVALID_REQUEST, "Duplicate topic name in the request.");
              continue;
            }
            if (mirrors.containsKey(t.name())) {
              fail(result, MirrorTopics.ERROR, mirrors.get(t.name()));
              continue;
            }
            ItemResult r = results.get(next++);
            if (!r.ok()) {
              fail(result, r.error(), r.message());
            }
          }
          return resp;
        });
  }

  private static void fail(
      CreatePartitionsResponseData.CreatePartitionsTopicResult result,
      Errors error,
      String message) {
    result.setErrorCode(error.code()).setErrorMessage(message);
  }
}
