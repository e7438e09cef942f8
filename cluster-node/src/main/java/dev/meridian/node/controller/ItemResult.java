package dev.meridian.node.controller;

import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;

/**
 * The controller's answer for one item of a {@link ControllerRequest}.
 *
 * @param name the topic name ({@code null} for an unknown id)
 * @param topicId the topic id, or {@link Uuid#ZERO_UUID}
 * @param error the error, {@link Errors#NONE} on success
 * @param message a message for the client, or {@code null}
 * @param partitions the partition count after the change, or -1
 * @param replicationFactor the replication factor, or -1
 * @param configs the topic's config overrides after the change
 * @param firstProducerId for {@code AllocateProducerIds}: the first id of the block, else -1
 * @param producerIdCount for {@code AllocateProducerIds}: the size of the block, else 0
 */
public record ItemResult(
    String name,
    Uuid topicId,
    Errors error,
    String message,
    int partitions,
    short replicationFactor,
    Map<String, String> configs,
    long firstProducerId,
    int producerIdCount) {

  /** Copies the configs. */
  public ItemResult {
    configs = Map.copyOf(configs);
  }

  /** A failed item. */
  public static ItemResult failed(String name, Uuid id, Errors error, String message) {
    return new ItemResult(name, id, error, message, -1, (short) -1, Map.of(), -1, 0);
  }

  /** A failed item for a refused change. */
  public static ItemResult failed(String name, Uuid id, ControllerException e) {
    return failed(name, id, e.error(), e.getMessage());
  }

  /** A topic as it is (or would be) after the change. */
  public static ItemResult topic(
      String name, Uuid id, int partitions, short replicationFactor, Map<String, String> configs) {
    return new ItemResult(
        name, id, Errors.NONE, null, partitions, replicationFactor, configs, -1, 0);
  }

  /** Whether the item succeeded. */
  public boolean ok() {
    return error == Errors.NONE;
  }
}
