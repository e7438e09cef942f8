package dev.meridian.node.metadata;

import java.util.Map;
import org.apache.kafka.common.Uuid;

/**
 * One change to the metadata image. The controller writes records in entries of the region's
 * metadata log ({@code quorum} package); every node applies the committed entries in version order
 * ({@link MetadataImage#apply}). The shapes follow Kafka's KRaft records.
 */
public sealed interface MetadataRecord {

  /** The region's cluster id, written once by the first controller. */
  record ClusterId(String clusterId) implements MetadataRecord {}

  /** A controller took office with this epoch; the first entry of every controller. */
  record Controller(int nodeId, long epoch) implements MetadataRecord {}

  /** A node's registration: new, updated (new incarnation), fenced or unfenced. */
  record Node(NodeRegistration registration) implements MetadataRecord {}

  /**
   * A new topic; its partitions follow as {@link Partition} records of the same entry. A topic with
   * a {@code mirrorLink} is a read-only mirror topic that link writes.
   */
  record Topic(String name, Uuid id, Map<String, String> configs, String mirrorLink)
      implements MetadataRecord {
    /** Copies the configs. */
    public Topic {
      configs = Map.copyOf(configs);
    }

    /** A topic clients write. */
    public Topic(String name, Uuid id, Map<String, String> configs) {
      this(name, id, configs, null);
    }
  }

  /**
   * The state of a partition: a new one (index = the topic's partition count) or a change of an
   * existing one.
   */
  record Partition(Uuid topicId, int index, PartitionState state) implements MetadataRecord {}

  /** A topic's config overrides, replaced as a whole. */
  record TopicConfigs(Uuid topicId, Map<String, String> configs) implements MetadataRecord {
    /** Copies the configs. */
    public TopicConfigs {
      configs = Map.copyOf(configs);
    }
  }

  /**
   * The dynamic configs of node {@code nodeId} (Kafka's per-broker dynamic configs, e.g. the
   * replication throttle rates), replaced as a whole; see {@link DynamicNodeConfigs}.
   */
  record NodeConfigs(int nodeId, Map<String, String> configs) implements MetadataRecord {
    /** Copies the configs. */
    public NodeConfigs {
      configs = Map.copyOf(configs);
    }
  }

  /** A mirror link created at run time (or replaced, by name). */
  record Link(dev.meridian.config.LinkConfig link) implements MetadataRecord {}

  /** A link created at run time is deleted. */
  record RemoveLink(String name) implements MetadataRecord {}

  /**
   * An operator paused ({@code paused}) or resumed a link of the region, declared in the config
   * file or created at run time: its runners copy nothing while paused, across restarts.
   */
  record LinkPaused(String name, boolean paused) implements MetadataRecord {}

  /**
   * A topic's role changes: the link it mirrors ({@code null}: a topic clients write, e.g. a mirror
   * promoted by a failover) and what fences writes to it ({@code null}: none).
   */
  record TopicRole(Uuid topicId, String mirrorLink, String fencedBy) implements MetadataRecord {}

  /**
   * A failover operation of a link into this region, as it stands after its latest step (replaces
   * the operation of the same id).
   */
  record Operation(dev.meridian.failover.FailoverOperation operation) implements MetadataRecord {}

  /**
   * A disaster-recovery drill's report (JSON) as it stands after its latest step (replaces the
   * drill of the same id; a new id past {@link MetadataImage#MAX_DRILLS} drops the oldest).
   */
  record Drill(String id, String report) implements MetadataRecord {}

  /** A change made through the region's control plane (JSON), appended to the audit trail. */
  record Audit(String entry) implements MetadataRecord {}

  /** A topic is deleted with all its partitions. */
  record RemoveTopic(Uuid topicId) implements MetadataRecord {}

  /**
   * Producer ids {@code [firstId, firstId + size)} are handed to node {@code nodeId}; no other node
   * ever gets them.
   */
  record ProducerIds(int nodeId, long firstId, int size) implements MetadataRecord {}
}
