package dev.meridian.node.api;

import dev.meridian.node.controller.ControllerRequest;
import dev.meridian.node.controller.ItemResult;
import dev.meridian.node.controller.TopicConfigUpdate;
import dev.meridian.node.protocol.ApiHandler;
import dev.meridian.node.protocol.KafkaRequest;
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
 * forwards): SET, DELETE, and APPEND/SUBTRACT on the one list-type config ({@code cleanup.policy});
 * see {@link TopicConfigUpdate}. Each resource is validated and applied as a whole (committed in
 * the region's metadata log, then applied live to the partition logs by every replica), or only
 * validated with validateOnly. Broker configs come from the region config file and are static:
 * BROKER and BROKER_LOGGER resources are INVALID_REQUEST, as are other types and a resource named
 * twice in one request.
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
    List<ControllerRequest.TopicConfigOps> forward = new ArrayList<>();
    List<Integer> forwardedAt = new ArrayList<>();
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
        forward.add(new ControllerRequest.TopicConfigOps(r.resourceName(), topicOps(r)));
        forwardedAt.add(results.size() - 1);
      } catch (ApiException e) {
        result.setErrorCode(e.error().code()).setErrorMessage(e.getMessage());
      }
    }
    Future<List<ItemResult>> decided =
        forward.isEmpty()
            ? Future.succeededFuture(List.of())
            : broker.submit(new ControllerRequest.AlterConfigs(forward, req.validateOnly()));
    return decided.map(
        decisions -> {
          for (int i = 0; i < decisions.size(); i++) {
            ItemResult d = decisions.get(i);
            if (!d.ok()) {
              results
                  .get(forwardedAt.get(i))
                  .setErrorCode(d.error().code())
                  .setErrorMessage(d.message());
            }
          }
          IncrementalAlterConfigsResponseData resp = new IncrementalAlterConfigsResponseData();
          resp.responses().addAll(results);
          return resp;
        });
  }

  private static List<TopicConfigUpdate.Op> topicOps(
      IncrementalAlterConfigsRequestData.AlterConfigsResource r) throws ApiException {
    ConfigResource.Type type = ConfigResource.Type.forId(r.resourceType());
    switch (type) {
      case TOPIC -> {
        return ops(r);
      }
      case BROKER, BROKER_LOGGER ->
          throw new ApiException(
              Errors.INVALID_REQUEST,
              "Broker configs are static (region config file) and cannot be altered through the"
                  + " Kafka API; alter topic configs instead.");
      default ->
          throw new ApiException(
              Errors.INVALID_REQUEST,
              "Resource type " + type + " (" + r.resourceType() + ") is not supported.");
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
