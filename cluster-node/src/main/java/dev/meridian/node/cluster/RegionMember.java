package dev.meridian.node.cluster;

/**
 * A live member of the region.
 *
 * @param nodeId the node id
 * @param incarnation the number unique to this start of the node's process
 * @param kafkaPort the bound Kafka listener port
 * @param httpPort the bound control-plane port
 */
public record RegionMember(int nodeId, long incarnation, int kafkaPort, int httpPort) {}
