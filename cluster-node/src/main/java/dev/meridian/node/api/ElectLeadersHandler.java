package dev.meridian.node.api;

import dev.meridian.node.controller.ControllerRequest;
import dev.meridian.node.controller.ItemResult;
import dev.meridian.node.protocol.ApiHandler;
import dev.meridian.node.protocol.KafkaRequest;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.message.ElectLeadersRequestData;
import org.apache.kafka.common.message.ElectLeadersResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * ElectLeaders 0–2, decided by the region's controller (so {@code kafka-leader-election} works):
 * PREFERRED (0) makes each partition's preferred replica (the first of its replicas) its leader
 * where that replica is alive and in sync (ELECTION_NOT_NEEDED where it leads already,
 * PREFERRED_LEADER_NOT_AVAILABLE where it cannot); UNCLEAN (1) elects a leader for partitions
 * without one, from the live in-sync replicas or else any live replica, accepting the loss of what
 * only the old ISR had. A null partition list means every partition (results list those elected).
 */
public final class ElectLeadersHandler implements ApiHandler {
  private static final byte UNCLEAN = 1;

  private final BrokerContext broker;

  public ElectLeadersHandler(BrokerContext broker) {
    this.broker = broker;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.ELECT_LEADERS;
  }

  @Override
  public short maxVersion() {
    return 2;
  }

  @Override
  public Future<ApiMessage> handle(KafkaRequest request) {
    ElectLeadersRequestData req = request.data();
    short version = request.version();
    boolean unclean = version >= 1 && req.electionType() == UNCLEAN;
    List<ControllerRequest.TopicPartitionRef> wanted = new ArrayList<>();
    if (req.topicPartitions() != null) {
      for (ElectLeadersRequestData.TopicPartitions t : req.topicPartitions()) {
        for (int p : t.partitions()) {
          wanted.add(new ControllerRequest.TopicPartitionRef(t.topic(), p));
        }
      }
    }
    return broker
        .submit(new ControllerRequest.ElectLeaders(wanted, unclean))
        .map(results -> respond(req, wanted, results, version));
  }

  private static ApiMessage respond(
      ElectLeadersRequestData req,
      List<ControllerRequest.TopicPartitionRef> wanted,
      List<ItemResult> results,
      short version) {
    ElectLeadersResponseData resp = new ElectLeadersResponseData();
    if (version >= 1) {
      resp.setErrorCode(Errors.NONE.code());
    }
    Map<String, ElectLeadersResponseData.ReplicaElectionResult> byTopic = new LinkedHashMap<>();
    for (ItemResult r : results) {
      if (req.topicPartitions() == null && !r.ok()) {
        continue; // "all partitions": report the ones elected
      }
      String label = r.name();
      int dash = label.lastIndexOf('-');
      String topic = label.substring(0, dash);
      int partition = Integer.parseInt(label.substring(dash + 1));
      byTopic
          .computeIfAbsent(
              topic,
              t -> {
                ElectLeadersResponseData.ReplicaElectionResult rr =
                    new ElectLeadersResponseData.ReplicaElectionResult().setTopic(t);
                resp.replicaElectionResults().add(rr);
                return rr;
              })
          .partitionResult()
          .add(
              new ElectLeadersResponseData.PartitionResult()
                  .setPartitionId(partition)
                  .setErrorCode(r.error().code())
                  .setErrorMessage(r.ok() ? null : r.message()));
    }
    return resp;
  }
}
