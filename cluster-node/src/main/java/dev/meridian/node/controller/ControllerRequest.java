package dev.meridian.node.controller;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;

/**
 * A change any node asks the region's controller to decide (Kafka's brokers forward the same
 * requests to their controller). Each item of a request gets its own {@link ItemResult}.
 */
public sealed interface ControllerRequest {

  /**
   * A topic to create.
   *
   * @param name the topic name
   * @param partitions the partition count, -1 for the default
   * @param replicationFactor replicas per partition, -1 for the default
   * @param assignments explicit replica lists per partition (then both counts are -1), or empty
   * @param configs config overrides
   */
  record NewTopic(
      String name,
      int partitions,
      short replicationFactor,
      List<List<Integer>> assignments,
      Map<String, String> configs) {
    /** Copies the collections. */
    public NewTopic {
      assignments = assignments.stream().map(List::copyOf).toList();
      configs = Map.copyOf(configs);
    }
  }

  /** Creates topics; {@code internal} allows the names of internal topics (nodes only). */
  record CreateTopics(List<NewTopic> topics, boolean validateOnly, boolean internal)
      implements ControllerRequest {
    /** Copies the list. */
    public CreateTopics {
      topics = List.copyOf(topics);
    }
  }

  /** Deletes topics by name, or by id where the name is {@code null}. */
  record DeleteTopics(List<String> names, List<Uuid> ids) implements ControllerRequest {
    /** Copies the lists (names may hold nulls: by id then). */
    public DeleteTopics {
      names = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(names));
      ids = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(ids));
    }
  }

  /**
   * Grows a topic to {@code total} partitions, with explicit replica lists for the new ones or
   * none.
   */
  record NewPartitions(String name, int total, List<List<Integer>> assignments) {
    /** Copies the lists. */
    public NewPartitions {
      assignments = assignments.stream().map(List::copyOf).toList();
    }
  }

  /** Adds partitions to topics. */
  record CreatePartitions(List<NewPartitions> topics, boolean validateOnly)
      implements ControllerRequest {
    /** Copies the list. */
    public CreatePartitions {
      topics = List.copyOf(topics);
    }
  }

  /** Incremental config operations on one topic. */
  record TopicConfigOps(String name, List<TopicConfigUpdate.Op> ops) {
    /** Copies the list. */
    public TopicConfigOps {
      ops = List.copyOf(ops);
    }
  }

  /** Alters topic configs, each topic as a whole or not at all. */
  record AlterConfigs(List<TopicConfigOps> topics, boolean validateOnly)
      implements ControllerRequest {
    /** Copies the list. */
    public AlterConfigs {
      topics = List.copyOf(topics);
    }
  }

  /** A block of producer ids for node {@code nodeId}. */
  record AllocateProducerIds(int nodeId) implements ControllerRequest {}
}
