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
   * @param mirrorLink the link that writes the topic as a read-only mirror, or {@code null}
   */
  record NewTopic(
      String name,
      int partitions,
      short replicationFactor,
      List<List<Integer>> assignments,
      Map<String, String> configs,
      String mirrorLink) {
    /** Copies the collections. */
    public NewTopic {
      assignments = assignments.stream().map(List::copyOf).toList();
      configs = Map.copyOf(configs);
    }

    /** A topic clients write. */
    public NewTopic(
        String name,
        int partitions,
        short replicationFactor,
        List<List<Integer>> assignments,
        Map<String, String> configs) {
      this(name, partitions, replicationFactor, assignments, configs, null);
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

  /**
   * Dynamic config operations on one node ({@link dev.meridian.node.metadata.DynamicNodeConfigs}).
   */
  record NodeConfigOps(int nodeId, List<TopicConfigUpdate.Op> ops) {
    /** Copies the list. */
    public NodeConfigOps {
      ops = List.copyOf(ops);
    }
  }

  /** Alters nodes' dynamic configs, each node as a whole or not at all. */
  record AlterNodeConfigs(List<NodeConfigOps> nodes, boolean validateOnly)
      implements ControllerRequest {
    /** Copies the list. */
    public AlterNodeConfigs {
      nodes = List.copyOf(nodes);
    }
  }

  /** A block of producer ids for node {@code nodeId}. */
  record AllocateProducerIds(int nodeId) implements ControllerRequest {}

  /**
   * A partition's leader asks for a new ISR, based on the partition state it knows (its leader and
   * partition epochs fence stale requests: Kafka's AlterPartition).
   */
  record AlterPartition(
      Uuid topicId,
      int partition,
      int leaderId,
      int leaderEpoch,
      int partitionEpoch,
      List<Integer> newIsr)
      implements ControllerRequest {
    /** Copies the ISR. */
    public AlterPartition {
      newIsr = List.copyOf(newIsr);
    }
  }

  /**
   * The leader of a mirror topic's partition asks for a leader epoch of at least {@code minEpoch}
   * (so that its epoch stays at or above the source epochs of the batches it copies; KIP-1279's DLE
   * >= SLE), based on the epoch it leads in (fencing stale requests). The leader stays.
   */
  record BumpLeaderEpoch(Uuid topicId, int partition, int leaderId, int leaderEpoch, int minEpoch)
      implements ControllerRequest {}

  /**
   * Creates or replaces a mirror link at run time ({@code upsert}, already validated against the
   * region config), or deletes one ({@code remove}); exactly one is set.
   */
  record AlterLinks(dev.meridian.config.LinkConfig upsert, String remove)
      implements ControllerRequest {}

  /**
   * Makes every mirror topic of {@code link} writable (a failover): each stops being a mirror and
   * each partition's leader epoch rises by one, above every epoch mirrored into it (DLE ≥ SLE), so
   * the leaders write in an epoch of their own and the old copies' appends are fenced.
   */
  record PromoteMirrorTopics(String link) implements ControllerRequest {}

  /**
   * Fences writes to {@code topics} ({@code by} names what fences them, e.g. a failover), or lifts
   * the fence ({@code by} null).
   */
  record FenceTopics(List<String> topics, String by) implements ControllerRequest {}

  /**
   * Fenced {@code topics} become mirror topics of {@code link} (the old source of a failover, when
   * the reverse link starts): their fences are lifted and their leader epochs rise.
   */
  record AdoptTopics(String link, List<String> topics) implements ControllerRequest {}

  /**
   * Starts a failover operation ({@code previousSteps} -1) or records its next step ({@code
   * previousSteps}: the number of transitions of the operation the step was taken from).
   */
  record PutOperation(dev.meridian.failover.FailoverOperation operation, int previousSteps)
      implements ControllerRequest {}

  /** Pauses ({@code paused}) or resumes link {@code name} for the whole region, across restarts. */
  record PauseLink(String name, boolean paused) implements ControllerRequest {}

  /** Appends a change made through the control plane (JSON) to the region's audit trail. */
  record PutAudit(String entry) implements ControllerRequest {}

  /** Records drill {@code id}'s report (JSON) as it stands now. */
  record PutDrill(String id, String report) implements ControllerRequest {}

  /**
   * A node about to stop asks that its leaderships move to other in-sync replicas first and that it
   * leave every ISR (Kafka's controlled shutdown); the node is fenced until it restarts.
   */
  record ControlledShutdown(int nodeId, long incarnation) implements ControllerRequest {}

  /**
   * Elects the preferred replica (the first of the replica list) where it is alive and in sync, or,
   * when {@code unclean}, any live replica of partitions without a leader (Kafka's ElectLeaders).
   * An empty list means every partition.
   */
  record ElectLeaders(List<TopicPartitionRef> partitions, boolean unclean)
      implements ControllerRequest {
    /** Copies the list. */
    public ElectLeaders {
      partitions = List.copyOf(partitions);
    }
  }

  /** A partition by topic name and index. */
  record TopicPartitionRef(String topic, int partition) {}

  /** Starts, replaces or cancels partition reassignments (Kafka's AlterPartitionReassignments). */
  record AlterReassignments(List<Reassignment> partitions) implements ControllerRequest {
    /** Copies the list. */
    public AlterReassignments {
      partitions = List.copyOf(partitions);
    }
  }

  /**
   * One partition's reassignment.
   *
   * @param target the replicas it ends with, first the preferred leader; null cancels a running
   *     reassignment
   */
  record Reassignment(String topic, int partition, List<Integer> target) {
    /** Copies the list. */
    public Reassignment {
      target = target == null ? null : List.copyOf(target);
    }
  }

  /**
   * Reassigns replicas so every live node holds an even share ({@code POST /v1/cluster/rebalance}).
   */
  record Rebalance() implements ControllerRequest {}
}
