package dev.meridian.node.api;

import dev.meridian.node.controller.ControllerRequest;
import dev.meridian.node.controller.ItemResult;
import dev.meridian.node.controller.TopicConfigUpdate;
import dev.meridian.node.protocol.ApiHandler;
import dev.meridian.node.protocol.KafkaRequest;
import dev.meridian.node.protocol.RefusalLog;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * IncrementalAlterConfigs 0–1 for TOPIC resources, decided by the region's controller (this node
 * forwards): SET, DELETE, and APPEND/SUBTRACT on the list-type configs ({@code cleanup.policy}, the
 * throttled-replica lists); see {@link TopicConfigUpdate}. Each resource is validated and applied
 * as a whole (committed in the region's metadata log, then applied live to the partition logs by
 * every replica), or only validated with validateOnly. BROKER resources named by a node id alter
 * that node's dynamic configs (the replication throttle rates of {@link
 * dev.meridian.node.metadata.DynamicNodeConfigs}, SET and DELETE), also decided by the controller
 * and kept in the metadata image; every other broker config comes from the region config file.
 * BROKER_LOGGER, the cluster-wide BROKER resource (empty name), other types and a resource named
 * twice in one request are INVALID_REQUEST. A config the controller refuses (INVALID_CONFIG: an
 * unknown key, a bad value) is also logged through {@link RefusalLog}.
 */
public final class IncrementalAlterConfigsHandler implements ApiHandler {
  private final BrokerContext broker;

  public IncrementalAlterConfigsHandler(BrokerContext broker) {
    this.broker = broker;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.INCREMENTAL_ALTER_CONFIGS;
  }

  @Override
  public short maxVersion() {
    return 1;
  }

  @Override
  public Future<ApiMessage> handle(KafkaRequest request) {
    IncrementalAlterConfigsRequestData req = request.data();
    Map<String, Integer> counts = new HashMap<>();
    for (IncrementalAlterConfigsRequestData.AlterConfigsResource r : req.resources()) {
      counts.merge(r.resourceType() + "/" + r.resourceName(), 1, Integer::sum);
    }
    List<IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse> results =
        new ArrayList<>();
    List<ControllerRequest.TopicConfigOps> topics = new ArrayList<>();
    List<Integer> topicsAt = new ArrayList<>();
    List<ControllerRequest.NodeConfigOps> nodes = new ArrayList<>();
    List<Integer> nodesAt = new ArrayList<>();
    for (IncrementalAlterConfigsRequestData.AlterConfigsResource r : req.resources()) {
      IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse result =
          new IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse()
              .setResourceType(r.resourceType())
              .setResourceName(r.resourceName())
              .setErrorCode(Errors.NONE.code())
              .setErrorMessage(null);
      results.add(result);
      try {
        if (counts.get(r.resourceType() + "/" + r.resourceName()) > 1) {
          throw new ApiException(Errors.INVALID_REQUEST, "Duplicate resource in the request.");
        }
        ConfigResource.Type type = ConfigResource.Type.forId(r.resourceType());
        switch (type) {
          case TOPIC -> {
            String mirror = MirrorTopics.refusal(broker.image(), r.resourceName(), "alter");
            if (mirror != null) {
              throw new ApiException(MirrorTopics.ERROR, mirror);
            }
            topics.add(new ControllerRequest.TopicConfigOps(r.resourceName(), ops(r)));
            topicsAt.add(results.size() - 1);
          }
          case BROKER -> {
            nodes.add(new ControllerRequest.NodeConfigOps(nodeId(r.resourceName()), ops(r)));
            nodesAt.add(results.size() - 1);
          }
          case BROKER_LOGGER ->
              throw new ApiException(
                  Errors.INVALID_REQUEST,
                  "Broker loggers cannot be altered through the Kafka API.");
          default ->
              throw new ApiException(
                  Errors.INVALID_REQUEST,
                  "Resource type " + type + " (" + r.resourceType() + ") is not supported.");
        }
      } catch (ApiException e) {
        result.setErrorCode(e.error().code()).setErrorMessage(e.getMessage());
      }
    }
    Future<Void> topicsDone =
        decide(
            request,
            new ControllerRequest.AlterConfigs(topics, req.validateOnly()),
            topicsAt,
            results);
    Future<Void> nodesDone =
        decide(
            request,
            new ControllerRequest.AlterNodeConfigs(nodes, req.validateOnly()),
            nodesAt,
            results);
    return Future.all(topicsDone, nodesDone)
        .map(
            v -> {
              IncrementalAlterConfigsResponseData resp = new IncrementalAlterConfigsResponseData();
              resp.responses().addAll(results);
              return resp;
            });
  }

  /** Submits {@code request} when it has items; puts each refusal at its resource's result. */
  private Future<Void> decide(
      KafkaRequest call,
      ControllerRequest request,
      List<Integer> at,
      List<IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse> results) {
    if (at.isEmpty()) {
      return Future.succeededFuture();
    }
    return broker
        .submit(request)
        .map(
            decisions -> {
              for (int i = 0; i < decisions.size(); i++) {
                ItemResult d = decisions.get(i);
                if (!d.ok()) {
                  IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse r =
                      results.get(at.get(i));
                  r.setErrorCode(d.error().code()).setErrorMessage(d.message());
                  if (d.error() == Errors.INVALID_CONFIG) {
                    RefusalLog.WARN.refused(
                        call,
                        d.error().name(),
                        (r.resourceType() == ConfigResource.Type.TOPIC.id() ? "topic" : "node")
                            + " '"
                            + r.resourceName()
                            + "': "
                            + d.message());
                  }
                }
              }
              return null;
            });
  }

  /** The node a BROKER resource names; cluster-wide defaults (the empty name) are not kept. */
  private static int nodeId(String name) throws ApiException {
    if (name.isEmpty()) {
      throw new ApiException(
          Errors.INVALID_REQUEST,
          "Cluster-wide dynamic broker defaults are not supported; set the config per node"
              + " (resource name = the node id).");
    }
    try {
      return Integer.parseInt(name);
    } catch (NumberFormatException e) {
      throw new ApiException(Errors.INVALID_REQUEST, "'" + name + "' is not a node id.");
    }
  }

  private static List<TopicConfigUpdate.Op> ops(
      IncrementalAlterConfigsRequestData.AlterConfigsResource r) throws ApiException {
    List<TopicConfigUpdate.Op> ops = new ArrayList<>();
    for (IncrementalAlterConfigsRequestData.AlterableConfig c : r.configs()) {
      TopicConfigUpdate.OpType op =
          TopicConfigUpdate.OpType.forId(c.configOperation())
              .orElseThrow(
                  () ->
                      new ApiException(
                          Errors.INVALID_REQUEST,
                          "Unknown config operation "
                              + c.configOperation()
                              + " for '"
                              + c.name()
                              + "'."));
      ops.add(new TopicConfigUpdate.Op(c.name(), op, c.value()));
    }
    return ops;
  }
}
