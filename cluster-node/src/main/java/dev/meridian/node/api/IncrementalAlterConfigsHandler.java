package dev.meridian.node.api;

import dev.meridian.node.cluster.TopicConfigUpdate;
import dev.meridian.node.cluster.TopicManager;
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
 * IncrementalAlterConfigs 0–1 for TOPIC resources: SET, DELETE, and APPEND/SUBTRACT on the one
 * list-type config ({@code cleanup.policy}); see {@link TopicConfigUpdate}. Each resource is
 * validated and applied as a whole (persisted in the metadata image and applied live to the
 * partition logs), or only validated with validateOnly. Broker configs come from the region config
 * file and are static: BROKER and BROKER_LOGGER resources are INVALID_REQUEST, as are other types
 * and a resource named twice in one request.
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
    return broker.blocking(() -> alter(req));
  }

  private ApiMessage alter(IncrementalAlterConfigsRequestData req) {
    Map<String, Integer> counts = new HashMap<>();
    for (IncrementalAlterConfigsRequestData.AlterConfigsResource r : req.resources()) {
      counts.merge(r.resourceType() + "/" + r.resourceName(), 1, Integer::sum);
    }
    IncrementalAlterConfigsResponseData resp = new IncrementalAlterConfigsResponseData();
    for (IncrementalAlterConfigsRequestData.AlterConfigsResource r : req.resources()) {
      IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse result =
          new IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse()
              .setResourceType(r.resourceType())
              .setResourceName(r.resourceName())
              .setErrorCode(Errors.NONE.code())
              .setErrorMessage(null);
      try {
        if (counts.get(r.resourceType() + "/" + r.resourceName()) > 1) {
          throw new TopicManager.TopicException(
              Errors.INVALID_REQUEST, "Duplicate resource in the request.");
        }
        alterOne(r, req.validateOnly());
      } catch (TopicManager.TopicException e) {
        result.setErrorCode(e.error().code()).setErrorMessage(e.getMessage());
      } catch (Exception e) {
        result.setErrorCode(ErrorMapper.toError(e).code()).setErrorMessage(e.getMessage());
      }
      resp.responses().add(result);
    }
    return resp;
  }

  private void alterOne(IncrementalAlterConfigsRequestData.AlterConfigsResource r, boolean validate)
      throws Exception {
    ConfigResource.Type type = ConfigResource.Type.forId(r.resourceType());
    switch (type) {
      case TOPIC -> broker.topics().alterConfigs(r.resourceName(), ops(r), validate);
      case BROKER, BROKER_LOGGER ->
          throw new TopicManager.TopicException(
              Errors.INVALID_REQUEST,
              "Broker configs are static (region config file) and cannot be altered through the"
                  + " Kafka API; alter topic configs instead.");
      default ->
          throw new TopicManager.TopicException(
              Errors.INVALID_REQUEST,
              "Resource type " + type + " (" + r.resourceType() + ") is not supported.");
    }
  }

  private static List<TopicConfigUpdate.Op> ops(
      IncrementalAlterConfigsRequestData.AlterConfigsResource r)
      throws TopicManager.TopicException {
    List<TopicConfigUpdate.Op> ops = new ArrayList<>();
    for (IncrementalAlterConfigsRequestData.AlterableConfig c : r.configs()) {
      TopicConfigUpdate.OpType op =
          TopicConfigUpdate.OpType.forId(c.configOperation())
              .orElseThrow(
                  () ->
                      new TopicManager.TopicException(
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
