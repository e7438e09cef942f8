package dev.meridian.node.api;

import dev.meridian.node.metadata.MetadataImage;
import dev.meridian.node.metadata.NodeRegistration;
import dev.meridian.node.protocol.ApiHandler;
import dev.meridian.node.protocol.KafkaRequest;
import io.vertx.core.Future;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * DescribeCluster 0–2, from the metadata image: the live brokers of the region with their racks,
 * the controller (when alive) and the region's cluster id; v2 with {@code includeFencedBrokers}
 * adds the fenced (departed) ones, marked. Endpoint type (v1+) 1 = brokers is served; 2 =
 * controllers is MISMATCHED_ENDPOINT_TYPE (this is a broker endpoint), anything else
 * UNSUPPORTED_ENDPOINT_TYPE. Authorized operations are not computed (no authorizer): {@code
 * clusterAuthorizedOperations} keeps its "not provided" default.
 */
public final class DescribeClusterHandler implements ApiHandler {
  static final byte BROKERS = 1;
  static final byte CONTROLLERS = 2;

  private final BrokerContext broker;

  public DescribeClusterHandler(BrokerContext broker) {
    this.broker = broker;
  }

  @Override
  public ApiKeys apiKey() {
    return ApiKeys.DESCRIBE_CLUSTER;
  }

  @Override
  public short maxVersion() {
    return 2;
  }

  @Override
  public Future<ApiMessage> handle(KafkaRequest request) {
    DescribeClusterRequestData req = request.data();
    MetadataImage image = broker.image();
    DescribeClusterResponseData resp =
        new DescribeClusterResponseData().setClusterId(image.clusterId());
    byte endpoint = request.version() >= 1 ? req.endpointType() : BROKERS;
    if (request.version() >= 1) {
      resp.setEndpointType(endpoint);
    }
    if (endpoint == CONTROLLERS) {
      return Future.succeededFuture(
          resp.setErrorCode(Errors.MISMATCHED_ENDPOINT_TYPE.code())
              .setErrorMessage("This is a broker endpoint; it does not describe controllers."));
    }
    if (endpoint != BROKERS) {
      return Future.succeededFuture(
          resp.setErrorCode(Errors.UNSUPPORTED_ENDPOINT_TYPE.code())
              .setErrorMessage("Unknown endpoint type " + endpoint + "."));
    }
    resp.setControllerId(MetadataHandler.controllerId(image));
    boolean includeFenced = request.version() >= 2 && req.includeFencedBrokers();
    for (NodeRegistration n : image.nodes().values()) {
      if (n.fenced() && !includeFenced) {
        continue;
      }
      DescribeClusterResponseData.DescribeClusterBroker b =
          new DescribeClusterResponseData.DescribeClusterBroker()
              .setBrokerId(n.id())
              .setHost(n.host())
              .setPort(n.kafkaPort())
              .setRack(n.rack());
      if (request.version() >= 2) {
        b.setIsFenced(n.fenced());
      }
      resp.brokers().add(b);
    }
    return Future.succeededFuture(resp);
  }
}
