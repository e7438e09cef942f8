package dev.meridian.node.metadata;

import dev.meridian.config.LinkConfig;
import dev.meridian.failover.FailoverOperation;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;

/**
 * An immutable, versioned picture of a region: its nodes, topics and partitions (replicas, ISR,
 * leader, epochs), the controller and its epoch, the producer-id blocks and the nodes' dynamic
 * configs. Version {@code v} is the result of applying the committed entries {@code 1..v} of the
 * region's metadata log in order; every node that has applied the same version holds an equal
 * image.
 *
 * <p>Every answer a node gives about the cluster (leaders, replicas, coordinators, brokers) comes
 * from its current image, and leadership is decided nowhere else. Thread-safe (immutable).
 */
public final class MetadataImage {
  /** The image before the first entry. */
  public static final MetadataImage EMPTY =
      new MetadataImage(
          0,
          null,
          -1,
          0,
          Map.of(),
          Map.of(),
          Map.of(),
          0,
          Map.of(),
          Map.of(),
          Map.of(),
          java.util.Set.of(),
          Map.of(),
          Map.of(),
          List.of());

  private final long version;
  private final String clusterId;
  private final int controllerId;
  private final long controllerEpoch;
  private final Map<Integer, NodeRegistration> nodes;
  private final Map<String, TopicImage> topics;
  private final Map<Uuid, String> topicNames;
  private final long nextProducerId;
  private final Map<Integer, ProducerIdBlock> producerIdBlocks;
  private final Map<Integer, Map<String, String>> nodeConfigs;
  private final Map<String, LinkConfig> links;
  private final java.util.Set<String> pausedLinks;
  private final Map<String, FailoverOperation> operations;
  private final Map<String, String> drills;
  private final List<String> audit;

  MetadataImage(
      long version,
      String clusterId,
      int controllerId,
      long controllerEpoch,
      Map<Integer, NodeRegistration> nodes,
      Map<String, TopicImage> topics,
      Map<Uuid, String> topicNames,
      long nextProducerId,
      Map<Integer, ProducerIdBlock> producerIdBlocks,
      Map<Integer, Map<String, String>> nodeConfigs,
      Map<String, LinkConfig> links,
      java.util.Set<String> pausedLinks,
      Map<String, FailoverOperation> operations,
      Map<String, String> drills,
      List<String> audit) {
    this.version = version;
    this.clusterId = clusterId;
    this.controllerId = controllerId;
    this.controllerEpoch = controllerEpoch;
    this.nodes = nodes;
    this.topics = topics;
    this.topicNames = topicNames;
    this.nextProducerId = nextProducerId;
    this.producerIdBlocks = producerIdBlocks;
    this.nodeConfigs = nodeConfigs;
    this.links = links;
    this.pausedLinks = pausedLinks;
    this.operations = operations;
    this.drills = drills;
    this.audit = audit;
  }

  /** The version: the number of the last log entry applied. */
  public long version() {
    return version;
  }

  /** The region's cluster id, or {@code null} before the first controller wrote it. */
  public String clusterId() {
    return clusterId;
  }

  /** The node id of the last controller that took office, or -1. */
  public int controllerId() {
    return controllerId;
  }

  /** The epoch of the last controller that took office (0 before the first). */
  public long controllerEpoch() {
    return controllerEpoch;
  }

  /** Every registered node by id, fenced ones included, in id order. */
  public Map<Integer, NodeRegistration> nodes() {
    return nodes;
  }

  /** A registered node. */
  public Optional<NodeRegistration> node(int id) {
    return Optional.ofNullable(nodes.get(id));
  }

  /** Whether node {@code id} is registered and not fenced. */
  public boolean isAlive(int id) {
    NodeRegistration n = nodes.get(id);
    return n != null && n.alive();
  }

  /** The registered, unfenced nodes in id order. */
  public List<NodeRegistration> aliveNodes() {
    return nodes.values().stream().filter(NodeRegistration::alive).toList();
  }

  /** Every topic by name (sorted). */
  public Map<String, TopicImage> topics() {
    return topics;
  }

  /** A topic by name. */
  public Optional<TopicImage> topic(String name) {
    return Optional.ofNullable(topics.get(name));
  }

  /** A topic by id. */
  public Optional<TopicImage> topic(Uuid id) {
    String name = topicNames.get(id);
    return name == null ? Optional.empty() : Optional.ofNullable(topics.get(name));
  }

  /** The state of a partition, if its topic and index exist. */
  public Optional<PartitionState> partition(String topic, int index) {
    TopicImage t = topics.get(topic);
    return t == null ? Optional.empty() : t.partition(index);
  }

  /** The first producer id not handed out yet. */
  public long nextProducerId() {
    return nextProducerId;
  }

  /** The last block of producer ids handed to each node. */
  public Map<Integer, ProducerIdBlock> producerIdBlocks() {
    return producerIdBlocks;
  }

  /** The nodes' dynamic configs (only nodes that have any), by node id. */
  public Map<Integer, Map<String, String>> nodeConfigs() {
    return nodeConfigs;
  }

  /** The links an operator paused (config-file and run-time links alike). */
  public java.util.Set<String> pausedLinks() {
    return pausedLinks;
  }

  /** The mirror links created at run time (over REST), by name. */
  /**
   * The disaster-recovery drills run in this region, the latest {@link #MAX_DRILLS}, by id: each
   * one's report as JSON, as it stands after its latest step.
   */
  public Map<String, String> drills() {
    return drills;
  }

  /**
   * The audit trail of the region's control plane: the latest {@link #MAX_AUDIT} changes, oldest
   * first, each as JSON (when, who, from where, what, and its answer).
   */
  public List<String> audit() {
    return audit;
  }

  /** How many audit entries the image keeps (the oldest go first). */
  public static final int MAX_AUDIT = 500;

  /** How many drill reports the image keeps (the oldest go first). */
  public static final int MAX_DRILLS = 50;

  /** The failover operations of links into this region, running and ended, by id. */
  public Map<String, FailoverOperation> operations() {
    return operations;
  }

  /** The operation of link {@code link} that has not ended, if any (at most one runs per link). */
  public java.util.Optional<FailoverOperation> runningOperation(String link) {
    return operations.values().stream()
        .filter(o -> o.link().equals(link) && !o.state().terminal())
        .findFirst();
  }

  public Map<String, LinkConfig> links() {
    return links;
  }

  /** The dynamic configs of node {@code id} (empty when it has none). */
  public Map<String, String> nodeConfigs(int id) {
    return nodeConfigs.getOrDefault(id, Map.of());
  }

  /**
   * The image after one log entry: {@code records} applied in order, at {@code newVersion}.
   *
   * @throws IllegalArgumentException if {@code newVersion} is not above this version, or a record
   *     does not fit this image (a partition of an unknown topic, a partition index out of order)
   */
  public MetadataImage apply(long newVersion, Collection<MetadataRecord> records) {
    if (newVersion <= version) {
      throw new IllegalArgumentException(
          "version " + newVersion + " does not follow image version " + version);
    }
    Builder b = new Builder(this);
    for (MetadataRecord r : records) {
      b.apply(r);
    }
    return b.build(newVersion);
  }

  /** Creates an image from its parts (snapshots). */
  static MetadataImage of(
      long version,
      String clusterId,
      int controllerId,
      long controllerEpoch,
      Collection<NodeRegistration> nodes,
      Collection<TopicImage> topics,
      long nextProducerId,
      Collection<ProducerIdBlock> blocks,
      Map<Integer, Map<String, String>> nodeConfigs,
      Collection<LinkConfig> links,
      Collection<String> pausedLinks,
      Collection<FailoverOperation> operations,
      Map<String, String> drills,
      List<String> audit) {
    Builder b = new Builder(EMPTY);
    b.drills.putAll(drills);
    b.audit.addAll(audit);
    b.clusterId = clusterId;
    b.controllerId = controllerId;
    b.controllerEpoch = controllerEpoch;
    nodes.forEach(n -> b.nodes.put(n.id(), n));
    topics.forEach(
        t -> {
          b.topics.put(t.name(), t);
          b.topicNames.put(t.id(), t.name());
        });
    b.nextProducerId = nextProducerId;
    blocks.forEach(p -> b.blocks.put(p.nodeId(), p));
    nodeConfigs.forEach((id, c) -> b.nodeConfigs.put(id, Map.copyOf(c)));
    links.forEach(l -> b.links.put(l.name(), l));
    b.pausedLinks.addAll(pausedLinks);
    operations.forEach(o -> b.operations.put(o.id(), o));
    return b.build(version);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MetadataImage m
        && version == m.version
        && controllerId == m.controllerId
        && controllerEpoch == m.controllerEpoch
        && nextProducerId == m.nextProducerId
        && java.util.Objects.equals(clusterId, m.clusterId)
        && nodes.equals(m.nodes)
        && topics.equals(m.topics)
        && producerIdBlocks.equals(m.producerIdBlocks)
        && nodeConfigs.equals(m.nodeConfigs)
        && links.equals(m.links)
        && pausedLinks.equals(m.pausedLinks)
        && operations.equals(m.operations)
        && drills.equals(m.drills)
        && audit.equals(m.audit);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(version, clusterId, controllerEpoch, nodes, topics);
  }

  @Override
  public String toString() {
    return "MetadataImage[version="
        + version
        + ", controller="
        + controllerId
        + "@"
        + controllerEpoch
        + ", nodes="
        + nodes.size()
        + ", topics="
        + topics.size()
        + "]";
  }

  /** Copies the maps of an image on first write, applies records, freezes. */
  private static final class Builder {
    private String clusterId;
    private int controllerId;
    private long controllerEpoch;
    private final Map<Integer, NodeRegistration> nodes;
    private final Map<String, TopicImage> topics;
    private final Map<Uuid, String> topicNames;
    private long nextProducerId;
    private final Map<Integer, ProducerIdBlock> blocks;
    private final Map<Integer, Map<String, String>> nodeConfigs;
    private final Map<String, LinkConfig> links;
    private final java.util.Set<String> pausedLinks;
    private final Map<String, FailoverOperation> operations;
    private final Map<String, String> drills;
    private final java.util.ArrayDeque<String> audit;

    Builder(MetadataImage base) {
      clusterId = base.clusterId;
      controllerId = base.controllerId;
      controllerEpoch = base.controllerEpoch;
      nodes = new TreeMap<>(base.nodes);
      topics = new TreeMap<>(base.topics);
      topicNames = new HashMap<>(base.topicNames);
      nextProducerId = base.nextProducerId;
      blocks = new TreeMap<>(base.producerIdBlocks);
      nodeConfigs = new TreeMap<>(base.nodeConfigs);
      links = new TreeMap<>(base.links);
      pausedLinks = new java.util.TreeSet<>(base.pausedLinks);
      operations = new TreeMap<>(base.operations);
      drills = new java.util.LinkedHashMap<>(base.drills);
      audit = new java.util.ArrayDeque<>(base.audit);
    }

    void apply(MetadataRecord record) {
      if (record instanceof MetadataRecord.ClusterId c) {
        clusterId = c.clusterId();
      } else if (record instanceof MetadataRecord.Controller c) {
        controllerId = c.nodeId();
        controllerEpoch = Math.max(controllerEpoch, c.epoch());
      } else if (record instanceof MetadataRecord.Node n) {
        nodes.put(n.registration().id(), n.registration());
      } else if (record instanceof MetadataRecord.Topic t) {
        if (topics.containsKey(t.name()) || topicNames.containsKey(t.id())) {
          throw new IllegalArgumentException("topic " + t.name() + " already exists");
        }
        topics.put(
            t.name(), new TopicImage(t.name(), t.id(), t.configs(), List.of(), t.mirrorLink()));
        topicNames.put(t.id(), t.name());
      } else if (record instanceof MetadataRecord.Partition p) {
        TopicImage t = topicOf(p.topicId());
        List<PartitionState> parts = new ArrayList<>(t.partitions());
        if (p.index() == parts.size()) {
          parts.add(p.state());
        } else if (p.index() >= 0 && p.index() < parts.size()) {
          parts.set(p.index(), p.state());
        } else {
          throw new IllegalArgumentException(
              "partition " + t.name() + "-" + p.index() + " out of order");
        }
        topics.put(t.name(), t.withPartitions(parts));
      } else if (record instanceof MetadataRecord.TopicRole r) {
        TopicImage t = topicOf(r.topicId());
        topics.put(t.name(), t.withRole(r.mirrorLink(), r.fencedBy()));
      } else if (record instanceof MetadataRecord.TopicConfigs c) {
        TopicImage t = topicOf(c.topicId());
        topics.put(t.name(), t.withConfigs(c.configs()));
      } else if (record instanceof MetadataRecord.NodeConfigs c) {
        if (c.configs().isEmpty()) {
          nodeConfigs.remove(c.nodeId());
        } else {
          nodeConfigs.put(c.nodeId(), c.configs());
        }
      } else if (record instanceof MetadataRecord.Link l) {
        links.put(l.link().name(), l.link());
      } else if (record instanceof MetadataRecord.RemoveLink r) {
        links.remove(r.name());
      } else if (record instanceof MetadataRecord.LinkPaused p) {
        if (p.paused()) {
          pausedLinks.add(p.name());
        } else {
          pausedLinks.remove(p.name());
        }
      } else if (record instanceof MetadataRecord.Operation o) {
        operations.put(o.operation().id(), o.operation());
      } else if (record instanceof MetadataRecord.Audit a) {
        audit.addLast(a.entry());
        while (audit.size() > MAX_AUDIT) {
          audit.removeFirst();
        }
      } else if (record instanceof MetadataRecord.Drill d) {
        drills.put(d.id(), d.report());
        while (drills.size() > MAX_DRILLS) {
          drills.remove(drills.keySet().iterator().next());
        }
      } else if (record instanceof MetadataRecord.RemoveTopic r) {
        TopicImage t = topicOf(r.topicId());
        topics.remove(t.name());
        topicNames.remove(t.id());
      } else if (record instanceof MetadataRecord.ProducerIds p) {
        blocks.put(p.nodeId(), new ProducerIdBlock(p.nodeId(), p.firstId(), p.size()));
        nextProducerId = Math.max(nextProducerId, p.firstId() + p.size());
      } else {
        throw new IllegalArgumentException("unknown record " + record);
      }
    }

    private TopicImage topicOf(Uuid id) {
      String name = topicNames.get(id);
      if (name == null) {
        throw new IllegalArgumentException("unknown topic id " + id);
      }
      return topics.get(name);
    }

    MetadataImage build(long version) {
      return new MetadataImage(
          version,
          clusterId,
          controllerId,
          controllerEpoch,
          java.util.Collections.unmodifiableMap(nodes),
          java.util.Collections.unmodifiableMap(topics),
          java.util.Collections.unmodifiableMap(topicNames),
          nextProducerId,
          java.util.Collections.unmodifiableMap(blocks),
          java.util.Collections.unmodifiableMap(nodeConfigs),
          java.util.Collections.unmodifiableMap(links),
          java.util.Collections.unmodifiableSet(pausedLinks),
          java.util.Collections.unmodifiableMap(operations),
          java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(drills)),
          List.copyOf(audit));
    }
  }
}
