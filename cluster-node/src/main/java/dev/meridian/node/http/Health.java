package dev.meridian.node.http;

import io.vertx.core.json.JsonObject;

/**
 * A node's answer to {@code GET /v1/health}.
 *
 * @param status {@code UP} once the region's controller has registered the node (it leads
 *     partitions and coordinates groups); {@code STARTING} before
 * @param nodeId the node id from the region config
 * @param region the node's region
 * @param kafkaPort the Kafka protocol port (the configured one while the listener is pending)
 * @param kafkaListener the Kafka listener as {@code host:port}
 * @param httpPort the bound control-plane port
 * @param uptimeMs milliseconds since the node started
 * @param partitions partition replicas hosted on this node
 */
public record Health(
    String status,
    int nodeId,
    String region,
    int kafkaPort,
    String kafkaListener,
    int httpPort,
    long uptimeMs,
    int partitions) {

  /** The JSON body, fields in declaration order. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("status", status)
        .put("nodeId", nodeId)
        .put("region", region)
        .put("kafkaPort", kafkaPort)
        .put("kafkaListener", kafkaListener)
        .put("httpPort", httpPort)
        .put("uptimeMs", uptimeMs)
        .put("partitions", partitions);
  }
}
