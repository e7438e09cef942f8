package dev.meridian.node.api;

import dev.meridian.node.controller.ControllerRequest;
import dev.meridian.node.controller.ItemResult;
import dev.meridian.node.metadata.MetadataImage;
import dev.meridian.node.metadata.PartitionState;
import dev.meridian.node.protocol.ApiHandler;
import dev.meridian.node.protocol.KafkaRequest;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * AlterPartitionReassignments 0–1 (KIP-455), decided by the region's controller so that {@code
 * kafka-reassign-partitions --execute} works: a replica list starts (or replaces) a partition's
 * reassignment, null cancels it (NO_REASSIGNMENT_IN_PROGRESS when none runs). Added replicas copy
 * the log by replicating from the leader; the reassignment completes when they are all in sync.
 * With AllowReplicationFactorChange false (v1) a target of another size is
 * INVALID_REPLICATION_FACTOR.
 */
public final class AlterPartitionReassignmentsHandler implements ApiHandler {
  private final BrokerContext broker;

  public AlterPartitionReassignmentsHandler(BrokerContext broker) {
    this.broker = broker;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.ALTER_PARTITION_REASSIGNMENTS;
  }

  @Override
  public short maxVersion() {
    return 1;
  }

  @Override
  public Future<ApiMessage> handle(KafkaRequest request) {
    AlterPartitionReassignmentsRequestData req = request.data();
    boolean allowRfChange = request.version() < 1 || req.allowReplicationFactorChange();
    MetadataImage image = broker.image();
    List<ControllerRequest.Reassignment> asked = new ArrayList<>();
    Map<String, ItemResult> refused = new LinkedHashMap<>();
    List<String> order = new ArrayList<>();
    for (AlterPartitionReassignmentsRequestData.ReassignableTopic t : req.topics()) {
      for (AlterPartitionReassignmentsRequestData.ReassignablePartition p : t.partitions()) {
        String label = t.name() + "-" + p.partitionIndex();
        order.add(label);
        PartitionState s =
            image.topic(t.name()).flatMap(ti -> ti.partition(p.partitionIndex())).orElse(null);
        if (!allowRfChange
            && s != null
            && p.replicas() != null
            && p.replicas().size() != s.targetReplicas().size()) {
          refused.put(
              label,
              ItemResult.failed(
                  label,
                  org.apache.kafka.common.Uuid.ZERO_UUID,
                  Errors.INVALID_REPLICATION_FACTOR,
                  "the replication factor would change from "
                      + s.targetReplicas().size()
                      + " to "
                      + p.replicas().size()));
          continue;
        }
        asked.add(new ControllerRequest.Reassignment(t.name(), p.partitionIndex(), p.replicas()));
      }
    }
    Future<List<ItemResult>> decided =
        asked.isEmpty()
            ? Future.succeededFuture(List.of())
            : broker.submit(new ControllerRequest.AlterReassignments(asked));
    return decided.map(
        results -> {
          Map<String, ItemResult> byLabel = new LinkedHashMap<>(refused);
          results.forEach(r -> byLabel.put(r.name(), r));
          return respond(order, byLabel, request.version(), allowRfChange);
        });
  }

  private static ApiMessage respond(
      List<String> order, Map<String, ItemResult> results, short version, boolean allowRfChange) {
    AlterPartitionReassignmentsResponseData resp =
        new AlterPartitionReassignmentsResponseData().setErrorCode(Errors.NONE.code());
    if (version >= 1) {
      resp.setAllowReplicationFactorChange(allowRfChange);
    }
    Map<String, AlterPartitionReassignmentsResponseData.ReassignableTopicResponse> topics =
        new LinkedHashMap<>();
    for (String label : order) {
      ItemResult r = results.get(label);
      int dash = label.lastIndexOf('-');
      String topic = label.substring(0, dash);
      int partition = Integer.parseInt(label.substring(dash + 1));
      Errors error = r == null ? Errors.UNKNOWN_SERVER_ERROR : r.error();
      topics
          .computeIfAbsent(
              topic,
              name -> {
                AlterPartitionReassignmentsResponseData.ReassignableTopicResponse tr =
                    new AlterPartitionReassignmentsResponseData.ReassignableTopicResponse()
                        .setName(name);
                resp.responses().add(tr);
                return tr;
              })
          .partitions()
          .add(
              new AlterPartitionReassignmentsResponseData.ReassignablePartitionResponse()
                  .setPartitionIndex(partition)
                  .setErrorCode(error.code())
                  .setErrorMessage(error == Errors.NONE ? null : r == null ? null : r.message()));
    }
    return resp;
  }
}
