package dev.meridian.node.controller;

/**
 * A node process that is a member of the region right now, as the controller's membership view
 * shows it.
 *
 * @param id the node id
 * @param incarnation the number unique to this start of its process
 * @param kafkaPort the port its Kafka listener is bound to
 * @param httpPort the port its control plane is bound to
 */
public record LiveNode(int id, long incarnation, int kafkaPort, int httpPort) {}
