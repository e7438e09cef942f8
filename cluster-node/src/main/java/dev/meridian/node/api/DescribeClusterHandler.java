package dev.meridian.node.api;

import dev.meridian.node.protocol.ApiHandler;
import dev.meridian.node.protocol.KafkaRequest;
import io.vertx.core.Future;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * DescribeCluster 0–2: this node as the only broker (and as controller), the cluster id. Endpoint
 * type (v1+) 1 = brokers is served; 2 = controllers is MISMATCHED_ENDPOINT_TYPE (this is a broker
 * endpoint), anything else UNSUPPORTED_ENDPOINT_TYPE. v2's {@code includeFencedBrokers} changes
 * nothing: no broker is ever fenced here. Authorized operations are not computed (no authorizer):
 * {@code clusterAuthorizedOperations} keeps its "not provided" default.
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
    DescribeClusterResponseData resp =
        new DescribeClusterResponseData().setClusterId(broker.clusterId());
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
    resp.setControllerId(broker.nodeId())
        .brokers()
        .add(
            new DescribeClusterResponseData.DescribeClusterBroker()
                .setBrokerId(broker.nodeId())
                .setHost(broker.host())
                .setPort(broker.port().getAsInt())
                .setRack(null));
    return Future.succeededFuture(resp);
  }
}
