package dev.meridian.node.group;

import org.apache.kafka.common.Uuid;

/**
 * A topic of the region as consumer-protocol groups see it: its id (the wire names topics by id)
 * and its partition count.
 */
public record GroupTopic(Uuid id, int partitions) {}
