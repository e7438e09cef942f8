package dev.meridian.node.controller;

import dev.meridian.config.BrokerSettings;
import dev.meridian.config.NodeConfig;
import dev.meridian.config.RegionConfig;
import dev.meridian.config.TopicDefaults;
import dev.meridian.node.metadata.MetadataImage;
import dev.meridian.node.metadata.MetadataRecord;
import dev.meridian.node.metadata.NodeRegistration;
import dev.meridian.node.metadata.PartitionState;
import dev.meridian.node.metadata.TopicConfigs;
import dev.meridian.node.metadata.TopicImage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntPredicate;
import java.util.function.Supplier;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decisions of a region's controller, as pure functions from the current image (with the
 * controller's own changes not committed yet) to the records that carry them out: node registration
 * and fencing as members come and go, leader election, topic creation with replica placement,
 * deletion, partitions, configs and producer-id blocks. The quorum makes them durable; every node
 * applies them. Nothing here does I/O or keeps state, so the simulation and the node run the same
 * decisions.
 *
 * <p>Leader election is clean: a new leader comes from the live members of the ISR, first in
 * replica order; with none alive the partition goes offline (leader -1), keeping its last ISR so
 * that it comes back when such a replica returns. Every leader change grows the leader epoch.
 */
public final class ClusterController {
  private static final Logger LOG = LoggerFactory.getLogger(ClusterController.class);

  /** Producer ids handed to a node at a time. */
  public static final int PRODUCER_ID_BLOCK = 1000;

  /** Records to write and the answer for each item of a request. */
  public record Decision(List<MetadataRecord> records, List<ItemResult> results) {
    /** Copies the lists. */
    public Decision {
      records = List.copyOf(records);
      results = List.copyOf(results);
    }
  }

  private final RegionConfig region;
  private final TopicDefaults defaults;
  private final BrokerSettings broker;
  private final TopicConfigs configs;
  private final Supplier<Uuid> ids;

  /**
   * @param ids new topic and cluster ids (random in a node, seeded in a simulation)
   */
  public ClusterController(
      RegionConfig region,
      TopicDefaults defaults,
      BrokerSettings broker,
      TopicConfigs configs,
      Supplier<Uuid> ids) {
    this.region = region;
    this.defaults = defaults;
    this.broker = broker;
    this.configs = configs;
    this.ids = ids;
  }

  public TopicConfigs configs() {
    return configs;
  }

  /** The replication factor of {@code __consumer_offsets} in this region. */
  public short offsetsTopicReplicationFactor() {
    return broker.effectiveOffsetsTopicReplicationFactor(region.nodes().size());
  }

  // ---- membership ------------------------------------------------------------------------------

  /** What a new controller writes first: the cluster id if the region has none, then membership. */
  public List<MetadataRecord> takeOffice(MetadataImage image, Map<Integer, LiveNode> live) {
    List<MetadataRecord> records = new ArrayList<>();
    if (image.clusterId() == null) {
      String clusterId = ids.get().toString();
      records.add(new MetadataRecord.ClusterId(clusterId));
      LOG.info("region {}: new cluster id {}", region.name(), clusterId);
    }
    records.addAll(reconcile(image, live));
    return records;
  }

  /**
   * Brings the image in line with the live members: fences registered nodes that left (or whose
   * process restarted), registers the live ones, and elects leaders where that changed anything.
   * Empty when nothing changes.
   */
  public List<MetadataRecord> reconcile(MetadataImage image, Map<Integer, LiveNode> live) {
    List<MetadataRecord> nodeRecords = new ArrayList<>();
    Set<Integer> gone = new HashSet<>();
    for (NodeRegistration n : image.nodes().values()) {
      LiveNode l = live.get(n.id());
      if (n.alive() && (l == null || l.incarnation() != n.incarnation())) {
        nodeRecords.add(new MetadataRecord.Node(n.fence()));
        gone.add(n.id());
      }
    }
    // pass 1: without the nodes that left or restarted (a restarted node's leadership must
    // pass through "none" so its epochs grow)
    MetadataImage scratch = scratch(image, nodeRecords);
    Map<String, List<PartitionState>> elected = electAll(scratch, scratch::isAlive);
    List<MetadataRecord> joined = new ArrayList<>();
    for (LiveNode l : live.values()) {
      Optional<NodeConfig> config = region.node(l.id());
      if (config.isEmpty()) {
        continue; // not a node of this region's config
      }
      NodeRegistration reg = scratch.node(l.id()).orElse(null);
      if (reg != null && reg.shuttingDown() && reg.incarnation() == l.incarnation()) {
        continue; // it asked to stop: fenced until a new process of it registers
      }
      NodeRegistration wanted =
          new NodeRegistration(
              l.id(),
              config.get().host(),
              l.kafkaPort(),
              l.httpPort(),
              config.get().rack(),
              l.incarnation(),
              false);
      if (!wanted.equals(reg)) {
        joined.add(new MetadataRecord.Node(wanted));
      }
    }
    if (nodeRecords.isEmpty() && joined.isEmpty() && elected.isEmpty()) {
      // nothing about membership changed; a leaderless partition may still find a leader
      return partitionRecords(image, electAll(image, image::isAlive));
    }
    // pass 2: with the nodes that are live now
    MetadataImage afterPass1 = scratch(scratch, partitionRecords(scratch, elected));
    MetadataImage withJoined = scratch(afterPass1, joined);
    Map<String, List<PartitionState>> reelected = electAll(withJoined, withJoined::isAlive);
    MetadataImage finalImage = scratch(withJoined, partitionRecords(withJoined, reelected));
    List<MetadataRecord> records = new ArrayList<>(nodeRecords);
    records.addAll(joined);
    records.addAll(diff(image, finalImage));
    if (!gone.isEmpty() || !joined.isEmpty()) {
      LOG.info(
          "region {}: nodes fenced {}, registered {}; {} partition(s) changed leader or ISR",
          region.name(),
          gone,
          joined.stream().map(r -> ((MetadataRecord.Node) r).registration().id()).toList(),
          records.size() - nodeRecords.size() - joined.size());
    }
    return records;
  }

  /** A throw-away image with {@code records} applied, to base further decisions on. */
  private static MetadataImage scratch(MetadataImage image, List<MetadataRecord> records) {
    return records.isEmpty() ? image : image.apply(image.version() + 1, records);
  }

  /** The partitions whose state an election changes, by topic (new state lists). */
  private Map<String, List<PartitionState>> electAll(MetadataImage image, IntPredicate alive) {
    Map<String, List<PartitionState>> changed = new LinkedHashMap<>();
    for (TopicImage t : image.topics().values()) {
      List<PartitionState> next = new ArrayList<>(t.partitions());
      boolean any = false;
      boolean unclean = configs.uncleanLeaderElection(t.configs());
      for (int i = 0; i < next.size(); i++) {
        PartitionState e = elect(next.get(i), alive);
        if (!e.hasLeader() && unclean) {
          e = electUnclean(e, alive);
          if (e.hasLeader()) {
            LOG.warn(
                "{}-{}: unclean leader election (unclean.leader.election.enable=true): node {}"
                    + " leads without being in sync; records the old ISR had may be lost",
                t.name(),
                i,
                e.leader());
          }
        }
        if (!e.equals(next.get(i))) {
          next.set(i, e);
          any = true;
        }
      }
      if (any) {
        changed.put(t.name(), next);
      }
    }
    return changed;
  }

  /**
   * The state after a clean election among live replicas: a live leader in the ISR stays (the dead
   * are dropped from the ISR); otherwise the first live ISR member in replica order leads; with
   * none, the partition has no leader and keeps its last ISR.
   */
  static PartitionState elect(PartitionState s, IntPredicate alive) {
    List<Integer> liveIsr = s.isr().stream().filter(alive::test).toList();
    if (s.hasLeader() && alive.test(s.leader()) && s.isr().contains(s.leader())) {
      return liveIsr.equals(s.isr()) ? s : s.withLeaderAndIsr(s.leader(), liveIsr);
    }
    for (int r : s.replicas()) {
      if (liveIsr.contains(r)) {
        return s.withLeaderAndIsr(r, liveIsr);
      }
    }
    if (!s.hasLeader()) {
      return s;
    }
    return s.withLeaderAndIsr(PartitionState.NO_LEADER, liveIsr.isEmpty() ? s.isr() : liveIsr);
  }

  /** A partition without a live in-sync replica led by its first live replica, alone in sync. */
  static PartitionState electUnclean(PartitionState s, IntPredicate alive) {
    for (int r : s.replicas()) {
      if (alive.test(r)) {
        return s.withLeaderAndIsr(r, List.of(r));
      }
    }
    return s;
  }

  private static List<MetadataRecord> partitionRecords(
      MetadataImage image, Map<String, List<PartitionState>> changed) {
    List<MetadataRecord> out = new ArrayList<>();
    changed.forEach(
        (name, states) -> {
          TopicImage t = image.topic(name).orElseThrow();
          for (int i = 0; i < states.size(); i++) {
            if (!states.get(i).equals(t.partitions().get(i))) {
              out.add(new MetadataRecord.Partition(t.id(), i, states.get(i)));
            }
          }
        });
    return out;
  }

  private static List<MetadataRecord> diff(MetadataImage before, MetadataImage after) {
    List<MetadataRecord> out = new ArrayList<>();
    for (TopicImage t : after.topics().values()) {
      TopicImage b = before.topic(t.name()).orElse(null);
      for (int i = 0; i < t.partitionCount(); i++) {
        if (b == null
            || i >= b.partitionCount()
            || !b.partitions().get(i).equals(t.partitions().get(i))) {
          out.add(new MetadataRecord.Partition(t.id(), i, t.partitions().get(i)));
        }
      }
    }
    return out;
  }

  // ---- requests --------------------------------------------------------------------------------

  /** Decides a request against {@code image}; refused items change nothing. */
  public Decision decide(MetadataImage image, ControllerRequest request) {
    if (request instanceof ControllerRequest.CreateTopics c) {
      return createTopics(image, c);
    } else if (request instanceof ControllerRequest.DeleteTopics d) {
      return deleteTopics(image, d);
    } else if (request instanceof ControllerRequest.CreatePartitions c) {
      return createPartitions(image, c);
    } else if (request instanceof ControllerRequest.AlterConfigs a) {
      return alterConfigs(image, a);
    } else if (request instanceof ControllerRequest.AlterNodeConfigs a) {
      return NodeConfigUpdate.alter(image, a);
    } else if (request instanceof ControllerRequest.AlterPartition a) {
      return alterPartition(image, a);
    } else if (request instanceof ControllerRequest.BumpLeaderEpoch b) {
      return bumpLeaderEpoch(image, b);
    } else if (request instanceof ControllerRequest.AlterLinks a) {
      return alterLinks(image, a);
    } else if (request instanceof ControllerRequest.PromoteMirrorTopics p) {
      return TopicRoles.promote(image, p);
    } else if (request instanceof ControllerRequest.FenceTopics f) {
      return TopicRoles.fence(image, f);
    } else if (request instanceof ControllerRequest.AdoptTopics a) {
      return TopicRoles.adopt(image, a);
    } else if (request instanceof ControllerRequest.PutOperation p) {
      return Operations.put(image, p);
    } else if (request instanceof ControllerRequest.PauseLink p) {
      boolean now = image.pausedLinks().contains(p.name());
      return new Decision(
          now == p.paused()
              ? List.of()
              : List.of(new MetadataRecord.LinkPaused(p.name(), p.paused())),
          List.of(ItemResult.topic(p.name(), Uuid.ZERO_UUID, 0, (short) 0, Map.of())));
    } else if (request instanceof ControllerRequest.PutAudit a) {
      return new Decision(
          List.of(new MetadataRecord.Audit(a.entry())),
          List.of(ItemResult.topic("audit", Uuid.ZERO_UUID, 0, (short) 0, Map.of())));
    } else if (request instanceof ControllerRequest.PutDrill d) {
      return new Decision(
          List.of(new MetadataRecord.Drill(d.id(), d.report())),
          List.of(ItemResult.topic(d.id(), Uuid.ZERO_UUID, 0, (short) 0, Map.of())));
    } else if (request instanceof ControllerRequest.ControlledShutdown c) {
      return controlledShutdown(image, c);
    } else if (request instanceof ControllerRequest.ElectLeaders e) {
      return electLeaders(image, e);
    } else if (request instanceof ControllerRequest.AlterReassignments a) {
      return Reassignments.alter(image, a);
    } else if (request instanceof ControllerRequest.Rebalance) {
      return Reassignments.alter(
          image, new ControllerRequest.AlterReassignments(RebalancePlan.plan(image)));
    } else if (request instanceof ControllerRequest.AllocateProducerIds p) {
      // the region's own range: never an id a mirror may have copied from another region
      long first =
          Math.max(
              image.nextProducerId(), dev.meridian.config.ProducerIdRange.first(region.name()));
      return new Decision(
          List.of(new MetadataRecord.ProducerIds(p.nodeId(), first, PRODUCER_ID_BLOCK)),
          List.of(
              new ItemResult(
                  null,
                  Uuid.ZERO_UUID,
                  Errors.NONE,
                  null,
                  -1,
                  (short) -1,
                  Map.of(),
                  first,
                  PRODUCER_ID_BLOCK)));
    }
    throw new IllegalArgumentException("unknown request " + request);
  }

  /**
   * A leader's ISR change: accepted when the leader and partition epochs it is based on are
   * current, the requester leads, the new ISR holds the leader and only replicas, and every added
   * member is alive. Grows the partition epoch.
   */
  private Decision alterPartition(MetadataImage image, ControllerRequest.AlterPartition a) {
    TopicImage t = image.topic(a.topicId()).orElse(null);
    String name = t == null ? null : t.name();
    PartitionState s = t == null ? null : t.partition(a.partition()).orElse(null);
    Errors error = Errors.NONE;
    String message = null;
    if (s == null) {
      error = Errors.UNKNOWN_TOPIC_OR_PARTITION;
    } else if (a.leaderEpoch() != s.leaderEpoch() || a.leaderId() != s.leader()) {
      error = Errors.FENCED_LEADER_EPOCH;
      message = "leader " + s.leader() + " in epoch " + s.leaderEpoch();
    } else if (a.partitionEpoch() != s.partitionEpoch()) {
      error = Errors.INVALID_UPDATE_VERSION;
      message = "partition epoch is " + s.partitionEpoch();
    } else if (!a.newIsr().contains(s.leader())
        || !s.replicas().containsAll(a.newIsr())
        || a.newIsr().stream().anyMatch(r -> !s.isr().contains(r) && !image.isAlive(r))) {
      error = Errors.INVALID_REQUEST;
      message = "ISR " + a.newIsr() + " does not fit replicas " + s.replicas();
    }
    if (error != Errors.NONE) {
      return new Decision(List.of(), List.of(ItemResult.failed(name, a.topicId(), error, message)));
    }
    // the ISR change that brings the last added replica in completes a running reassignment
    PartitionState next =
        Reassignments.maybeComplete(s.withLeaderAndIsr(s.leader(), a.newIsr()), image::isAlive);
    return new Decision(
        List.of(new MetadataRecord.Partition(a.topicId(), a.partition(), next)),
        List.of(
            ItemResult.topic(
                name, a.topicId(), t.partitionCount(), (short) s.replicas().size(), t.configs())));
  }

  /** A link created, replaced or deleted at run time. */
  private static Decision alterLinks(MetadataImage image, ControllerRequest.AlterLinks a) {
    if (a.upsert() != null) {
      return new Decision(
          List.of(new MetadataRecord.Link(a.upsert())),
          List.of(ItemResult.topic(a.upsert().name(), Uuid.ZERO_UUID, 0, (short) 0, Map.of())));
    }
    if (!image.links().containsKey(a.remove())) {
      return new Decision(
          List.of(),
          List.of(
              ItemResult.failed(
                  a.remove(),
                  Uuid.ZERO_UUID,
                  Errors.RESOURCE_NOT_FOUND,
                  "no link '" + a.remove() + "' created at run time")));
    }
    List<MetadataRecord> records = new ArrayList<>();
    records.add(new MetadataRecord.RemoveLink(a.remove()));
    if (image.pausedLinks().contains(a.remove())) {
      records.add(new MetadataRecord.LinkPaused(a.remove(), false)); // a new link of that name runs
    }
    return new Decision(
        records, List.of(ItemResult.topic(a.remove(), Uuid.ZERO_UUID, 0, (short) 0, Map.of())));
  }

  /** A mirror partition's leader asks for a higher leader epoch; it stays the leader. */
  private Decision bumpLeaderEpoch(MetadataImage image, ControllerRequest.BumpLeaderEpoch b) {
    TopicImage t = image.topic(b.topicId()).orElse(null);
    String name = t == null ? null : t.name();
    PartitionState s = t == null ? null : t.partition(b.partition()).orElse(null);
    if (s == null) {
      return new Decision(
          List.of(),
          List.of(ItemResult.failed(name, b.topicId(), Errors.UNKNOWN_TOPIC_OR_PARTITION, null)));
    }
    if (b.leaderEpoch() != s.leaderEpoch() || b.leaderId() != s.leader()) {
      return new Decision(
          List.of(),
          List.of(
              ItemResult.failed(
                  name,
                  b.topicId(),
                  Errors.FENCED_LEADER_EPOCH,
                  "leader " + s.leader() + " in epoch " + s.leaderEpoch())));
    }
    PartitionState next =
        new PartitionState(
            s.replicas(),
            s.isr(),
            s.leader(),
            Math.max(s.leaderEpoch() + 1, b.minEpoch()),
            s.partitionEpoch() + 1,
            s.adding(),
            s.removing());
    return new Decision(
        List.of(new MetadataRecord.Partition(b.topicId(), b.partition(), next)),
        List.of(
            ItemResult.topic(
                name, b.topicId(), t.partitionCount(), (short) s.replicas().size(), t.configs())));
  }

  /**
   * A node about to stop: fenced as shutting down (so it is not registered again until it
   * restarts), its leaderships move to other live in-sync replicas, and it leaves the ISRs.
   */
  private Decision controlledShutdown(MetadataImage image, ControllerRequest.ControlledShutdown c) {
    NodeRegistration n = image.node(c.nodeId()).orElse(null);
    if (n == null || n.incarnation() != c.incarnation()) {
      return new Decision(
          List.of(),
          List.of(
              ItemResult.failed(
                  null, Uuid.ZERO_UUID, Errors.STALE_BROKER_EPOCH, "not this node's incarnation")));
    }
    List<MetadataRecord> records = new ArrayList<>();
    records.add(new MetadataRecord.Node(n.shutDown()));
    MetadataImage scratch = scratch(image, records);
    records.addAll(partitionRecords(scratch, electAll(scratch, scratch::isAlive)));
    LOG.info(
        "region {}: node {} shuts down: {} partition(s) change leader or ISR",
        region.name(),
        c.nodeId(),
        records.size() - 1);
    return new Decision(
        records,
        List.of(
            new ItemResult(
                null, Uuid.ZERO_UUID, Errors.NONE, null, -1, (short) -1, Map.of(), -1, 0)));
  }

  /** Preferred (or unclean) leader election for some or all partitions. */
  private Decision electLeaders(MetadataImage image, ControllerRequest.ElectLeaders e) {
    List<ControllerRequest.TopicPartitionRef> wanted = new ArrayList<>(e.partitions());
    if (wanted.isEmpty()) {
      for (TopicImage t : image.topics().values()) {
        for (int i = 0; i < t.partitionCount(); i++) {
          wanted.add(new ControllerRequest.TopicPartitionRef(t.name(), i));
        }
      }
    }
    List<MetadataRecord> records = new ArrayList<>();
    List<ItemResult> results = new ArrayList<>();
    for (ControllerRequest.TopicPartitionRef tp : wanted) {
      TopicImage t = image.topic(tp.topic()).orElse(null);
      PartitionState s = t == null ? null : t.partition(tp.partition()).orElse(null);
      String label = tp.topic() + "-" + tp.partition();
      if (s == null) {
        results.add(
            ItemResult.failed(label, Uuid.ZERO_UUID, Errors.UNKNOWN_TOPIC_OR_PARTITION, null));
        continue;
      }
      PartitionState next = s;
      if (e.unclean()) {
        if (s.hasLeader()) {
          results.add(ItemResult.failed(label, t.id(), Errors.ELECTION_NOT_NEEDED, null));
          continue;
        }
        next = elect(s, image::isAlive);
        if (!next.hasLeader()) {
          next = electUnclean(s, image::isAlive);
        }
      } else {
        int preferred = s.replicas().get(0);
        if (s.leader() == preferred) {
          results.add(ItemResult.failed(label, t.id(), Errors.ELECTION_NOT_NEEDED, null));
          continue;
        }
        if (!image.isAlive(preferred) || !s.isr().contains(preferred)) {
          results.add(
              ItemResult.failed(
                  label,
                  t.id(),
                  Errors.PREFERRED_LEADER_NOT_AVAILABLE,
                  "Preferred replica " + preferred + " is not alive and in sync."));
          continue;
        }
        next = s.withLeaderAndIsr(preferred, s.isr());
      }
      if (!next.hasLeader()) {
        results.add(ItemResult.failed(label, t.id(), Errors.ELIGIBLE_LEADERS_NOT_AVAILABLE, null));
        continue;
      }
      records.add(new MetadataRecord.Partition(t.id(), tp.partition(), next));
      results.add(
          new ItemResult(
              label, t.id(), Errors.NONE, null, next.leader(), (short) -1, Map.of(), -1, 0));
    }
    return new Decision(records, results);
  }

  /** The partitions whose leader is not their preferred replica though it is alive and in sync. */
  public List<MetadataRecord> preferredElections(MetadataImage image) {
    return electLeaders(image, new ControllerRequest.ElectLeaders(List.of(), false)).records();
  }

  private Decision createTopics(MetadataImage image, ControllerRequest.CreateTopics req) {
    List<MetadataRecord> records = new ArrayList<>();
    List<ItemResult> results = new ArrayList<>();
    MetadataImage working = image;
    for (ControllerRequest.NewTopic t : req.topics()) {
      try {
        List<MetadataRecord> created = createTopic(working, t, req.internal());
        MetadataRecord.Topic topic = (MetadataRecord.Topic) created.get(0);
        int partitions = created.size() - 1;
        short rf = (short) ((MetadataRecord.Partition) created.get(1)).state().replicas().size();
        results.add(
            ItemResult.topic(
                t.name(),
                req.validateOnly() ? Uuid.ZERO_UUID : topic.id(),
                partitions,
                rf,
                topic.configs()));
        if (!req.validateOnly()) {
          records.addAll(created);
          working = scratch(working, created);
        }
      } catch (ControllerException e) {
        results.add(ItemResult.failed(t.name(), Uuid.ZERO_UUID, e));
      }
    }
    return new Decision(records, results);
  }

  private List<MetadataRecord> createTopic(
      MetadataImage image, ControllerRequest.NewTopic t, boolean internal)
      throws ControllerException {
    try {
      Topic.validate(t.name());
    } catch (RuntimeException e) {
      throw new ControllerException(Errors.INVALID_TOPIC_EXCEPTION, e.getMessage());
    }
    if (Topic.isInternal(t.name()) && !internal) {
      throw new ControllerException(
          Errors.INVALID_REQUEST, "Creation of internal topic '" + t.name() + "' is prohibited.");
    }
    if (image.topic(t.name()).isPresent()) {
      throw new ControllerException(
          Errors.TOPIC_ALREADY_EXISTS, "Topic '" + t.name() + "' already exists.");
    }
    Map<String, String> overrides = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : t.configs().entrySet()) {
      String problem = configs.validate(e.getKey(), e.getValue());
      if (problem != null) {
        throw new ControllerException(Errors.INVALID_CONFIG, problem);
      }
      if (e.getValue() != null) {
        overrides.put(e.getKey(), e.getValue());
      }
    }
    String conflict = configs.conflict(overrides);
    if (conflict != null) {
      throw new ControllerException(Errors.INVALID_CONFIG, conflict);
    }
    List<List<Integer>> assignment;
    if (!t.assignments().isEmpty()) {
      if (t.partitions() != -1 || t.replicationFactor() != -1) {
        throw new ControllerException(
            Errors.INVALID_REQUEST,
            "Both numPartitions or replicationFactor and replicasAssignments were set.");
      }
      assignment = checkAssignments(image, t.assignments(), -1);
    } else {
      int partitions = t.partitions() == -1 ? defaults.partitions() : t.partitions();
      if (partitions <= 0) {
        throw new ControllerException(
            Errors.INVALID_PARTITIONS,
            "Number of partitions must be larger than 0, was " + t.partitions() + ".");
      }
      int rf =
          t.replicationFactor() == -1
              ? defaults.effectiveReplicationFactor(region.nodes().size())
              : t.replicationFactor();
      if (rf <= 0) {
        throw new ControllerException(
            Errors.INVALID_REPLICATION_FACTOR,
            "Replication factor must be larger than 0, was " + t.replicationFactor() + ".");
      }
      assignment =
          ReplicaPlacement.assign(liveNodesFor(image, rf), partitions, rf, placementStart(image));
    }
    Uuid id = newTopicId(image);
    List<MetadataRecord> records = new ArrayList<>();
    records.add(new MetadataRecord.Topic(t.name(), id, overrides, t.mirrorLink()));
    for (int i = 0; i < assignment.size(); i++) {
      records.add(new MetadataRecord.Partition(id, i, initialState(image, assignment.get(i))));
    }
    return records;
  }

  private Uuid newTopicId(MetadataImage image) {
    Uuid id = ids.get();
    while (id.equals(Uuid.ZERO_UUID)
        || id.equals(Uuid.METADATA_TOPIC_ID)
        || image.topic(id).isPresent()) {
      id = ids.get();
    }
    return id;
  }

  /** Rotates where the leaders of a new topic start, so that topics spread over the nodes. */
  private static int placementStart(MetadataImage image) {
    int total = 0;
    for (TopicImage t : image.topics().values()) {
      total += t.partitionCount();
    }
    return total;
  }

  /**
   * A new partition: every live replica is in sync (all logs are empty), led by the first of them;
   * without a live replica it starts offline with the first replica as its ISR.
   */
  private static PartitionState initialState(MetadataImage image, List<Integer> replicas) {
    List<Integer> live = replicas.stream().filter(image::isAlive).toList();
    if (live.isEmpty()) {
      return new PartitionState(replicas, List.of(replicas.get(0)), PartitionState.NO_LEADER, 0, 0);
    }
    return new PartitionState(replicas, live, live.get(0), 0, 0);
  }

  /** Checks explicit replica lists: non-empty, no duplicates, known nodes, one size for all. */
  private static List<List<Integer>> checkAssignments(
      MetadataImage image, List<List<Integer>> assignments, int expectedSize)
      throws ControllerException {
    int size = expectedSize;
    for (List<Integer> a : assignments) {
      if (a.isEmpty()) {
        throw new ControllerException(
            Errors.INVALID_REPLICA_ASSIGNMENT, "A replica assignment is empty.");
      }
      if (new HashSet<>(a).size() != a.size()) {
        throw new ControllerException(
            Errors.INVALID_REPLICA_ASSIGNMENT, "Duplicate brokers in the replica assignment " + a);
      }
      for (int node : a) {
        if (image.node(node).isEmpty()) {
          throw new ControllerException(
              Errors.INVALID_REPLICA_ASSIGNMENT,
              "Broker " + node + " in the replica assignment " + a + " is not registered.");
        }
      }
      if (size == -1) {
        size = a.size();
      } else if (a.size() != size) {
        throw new ControllerException(
            Errors.INVALID_REPLICA_ASSIGNMENT,
            "All partitions must have the same replication factor (" + size + "); got " + a);
      }
    }
    return assignments;
  }

  private Decision deleteTopics(MetadataImage image, ControllerRequest.DeleteTopics req) {
    List<MetadataRecord> records = new ArrayList<>();
    List<ItemResult> results = new ArrayList<>();
    Set<Uuid> deleted = new HashSet<>();
    for (int i = 0; i < req.names().size(); i++) {
      String name = req.names().get(i);
      Uuid id = i < req.ids().size() ? req.ids().get(i) : null;
      Optional<TopicImage> t =
          name != null ? image.topic(name) : id == null ? Optional.empty() : image.topic(id);
      if (t.isEmpty()) {
        results.add(
            name != null
                ? ItemResult.failed(
                    name,
                    Uuid.ZERO_UUID,
                    Errors.UNKNOWN_TOPIC_OR_PARTITION,
                    "Topic '" + name + "' does not exist.")
                : ItemResult.failed(
                    null, id, Errors.UNKNOWN_TOPIC_ID, "Topic id " + id + " does not exist."));
        continue;
      }
      TopicImage topic = t.get();
      if (Topic.isInternal(topic.name())) {
        results.add(
            ItemResult.failed(
                topic.name(),
                topic.id(),
                Errors.INVALID_TOPIC_EXCEPTION,
                "Cannot delete internal topic '" + topic.name() + "'."));
        continue;
      }
      if (deleted.add(topic.id())) {
        records.add(new MetadataRecord.RemoveTopic(topic.id()));
      }
      results.add(
          ItemResult.topic(
              topic.name(),
              topic.id(),
              topic.partitionCount(),
              replicationFactor(topic),
              topic.configs()));
    }
    return new Decision(records, results);
  }

  private static TopicImage existing(MetadataImage image, String name) throws ControllerException {
    return image
        .topic(name)
        .orElseThrow(
            () ->
                new ControllerException(
                    Errors.UNKNOWN_TOPIC_OR_PARTITION, "Topic '" + name + "' does not exist."));
  }

  /** The live nodes, when there are at least {@code rf} of them. */
  private static List<NodeRegistration> liveNodesFor(MetadataImage image, int rf)
      throws ControllerException {
    List<NodeRegistration> alive = image.aliveNodes();
    if (rf > alive.size()) {
      throw new ControllerException(
          Errors.INVALID_REPLICATION_FACTOR,
          "Unable to replicate the partition "
              + rf
              + " time(s): The target replication factor of "
              + rf
              + " cannot be reached because only "
              + alive.size()
              + " broker(s) are registered.");
    }
    return alive;
  }

  private static short replicationFactor(TopicImage t) {
    return t.partitions().isEmpty() ? -1 : (short) t.partitions().get(0).replicas().size();
  }

  private Decision createPartitions(MetadataImage image, ControllerRequest.CreatePartitions req) {
    List<MetadataRecord> records = new ArrayList<>();
    List<ItemResult> results = new ArrayList<>();
    MetadataImage working = image;
    for (ControllerRequest.NewPartitions np : req.topics()) {
      try {
        TopicImage t = existing(working, np.name());
        if (Topic.isInternal(t.name())) {
          throw new ControllerException(
              Errors.INVALID_REQUEST,
              "The partition count of internal topic '" + t.name() + "' cannot change.");
        }
        int current = t.partitionCount();
        if (np.total() <= current) {
          throw new ControllerException(
              Errors.INVALID_PARTITIONS,
              "Topic currently has "
                  + current
                  + " partitions, which is higher than or equal to the requested "
                  + np.total()
                  + ".");
        }
        int adding = np.total() - current;
        int rf = replicationFactor(t);
        List<List<Integer>> assignment;
        if (!np.assignments().isEmpty()) {
          if (np.assignments().size() != adding) {
            throw new ControllerException(
                Errors.INVALID_REPLICA_ASSIGNMENT,
                "Increasing the number of partitions by "
                    + adding
                    + " but "
                    + np.assignments().size()
                    + " assignments provided.");
          }
          assignment = checkAssignments(working, np.assignments(), rf);
        } else {
          assignment =
              ReplicaPlacement.assign(
                  liveNodesFor(working, rf), adding, rf, placementStart(working));
        }
        List<MetadataRecord> added = new ArrayList<>();
        for (int i = 0; i < adding; i++) {
          added.add(
              new MetadataRecord.Partition(
                  t.id(), current + i, initialState(working, assignment.get(i))));
        }
        results.add(ItemResult.topic(t.name(), t.id(), np.total(), (short) rf, t.configs()));
        if (!req.validateOnly()) {
          records.addAll(added);
          working = scratch(working, added);
        }
      } catch (ControllerException e) {
        results.add(ItemResult.failed(np.name(), Uuid.ZERO_UUID, e));
      }
    }
    return new Decision(records, results);
  }

  private Decision alterConfigs(MetadataImage image, ControllerRequest.AlterConfigs req) {
    List<MetadataRecord> records = new ArrayList<>();
    List<ItemResult> results = new ArrayList<>();
    MetadataImage working = image;
    for (ControllerRequest.TopicConfigOps op : req.topics()) {
      try {
        TopicImage t = existing(working, op.name());
        Map<String, String> next = TopicConfigUpdate.apply(configs, t.configs(), op.ops());
        results.add(
            ItemResult.topic(t.name(), t.id(), t.partitionCount(), replicationFactor(t), next));
        if (!req.validateOnly() && !next.equals(t.configs())) {
          MetadataRecord r = new MetadataRecord.TopicConfigs(t.id(), next);
          records.add(r);
          working = scratch(working, List.of(r));
        }
      } catch (ControllerException e) {
        results.add(ItemResult.failed(op.name(), Uuid.ZERO_UUID, e));
      }
    }
    return new Decision(records, results);
  }
}
