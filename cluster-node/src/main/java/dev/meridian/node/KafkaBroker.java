package dev.meridian.node;

import dev.meridian.config.BrokerSettings;
import dev.meridian.config.MeridianConfig;
import dev.meridian.config.NodeConfig;
import dev.meridian.config.ProducerIdRange;
import dev.meridian.config.RegionConfig;
import dev.meridian.node.api.BrokerApis;
import dev.meridian.node.api.BrokerContext;
import dev.meridian.node.cluster.HazelcastRegion;
import dev.meridian.node.cluster.MetadataService;
import dev.meridian.node.cluster.ProducerIdManager;
import dev.meridian.node.cluster.RegionMember;
import dev.meridian.node.cluster.RegionTransport;
import dev.meridian.node.cluster.RemoteHighWatermarks;
import dev.meridian.node.cluster.SoloTransport;
import dev.meridian.node.controller.ClusterController;
import dev.meridian.node.controller.ControllerRequest;
import dev.meridian.node.controller.ItemResult;
import dev.meridian.node.group.GroupConfig;
import dev.meridian.node.group.GroupCoordinator;
import dev.meridian.node.group.GroupQuery;
import dev.meridian.node.group.GroupTopic;
import dev.meridian.node.group.LogEndOffsets;
import dev.meridian.node.group.OffsetsTopic;
import dev.meridian.node.http.ClusterRoutes;
import dev.meridian.node.link.LinkHost;
import dev.meridian.node.link.LinkService;
import dev.meridian.node.metadata.MetadataImage;
import dev.meridian.node.metadata.MetadataPublisher;
import dev.meridian.node.metadata.NodeRegistration;
import dev.meridian.node.metadata.TopicConfigs;
import dev.meridian.node.metadata.TopicImage;
import dev.meridian.node.protocol.KafkaServer;
import dev.meridian.node.protocol.ProtocolConfig;
import dev.meridian.node.quorum.FileQuorumStore;
import dev.meridian.node.quorum.QuorumTimings;
import dev.meridian.node.replication.OrphanedTransactions;
import dev.meridian.node.replication.Partition;
import dev.meridian.node.replication.ReplicaManager;
import dev.meridian.node.storage.LogManager;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka side of a node, assembled: partition logs, the region's metadata (quorum, controller,
 * membership), the hosted replicas, producer ids, the group coordinator, the API handlers and the
 * protocol listener. {@link #open} blocks (recovery, the metadata log): call it from a worker.
 *
 * <pre>
 * &lt;node data dir&gt;/
 *   metadata/                  the region's metadata log as this node holds it (FileQuorumStore)
 *   logs/&lt;topic&gt;-&lt;partition&gt;/  partition logs, each with partition.metadata (its topic id)
 * </pre>
 *
 * <p>Start order: {@link #open} loads the metadata this node last knew and hosts its replicas (none
 * leads: leadership needs the controller to register this process); {@link #listen} serves Kafka
 * clients; {@link #joinRegion} joins the region's membership, after which the controller registers
 * the node and its partitions get their roles. All settings come from the region config.
 */
final class KafkaBroker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaBroker.class);

  /** How long a stopping node waits for its leaderships to move away. */
  private static final long CONTROLLED_SHUTDOWN_MS = 15_000;

  /** How often the group coordinator's deadlines (sessions, rebalance timeouts) are checked. */
  private static final long GROUP_TICK_MS = 100;

  private final NodeConfig node;
  private final RegionConfig region;
  private final MeridianConfig config;
  private final LogManager logs;
  private final FileQuorumStore store;
  private final MetadataService metadata;
  private final ReplicaManager replicas;
  private final TopicConfigs topicConfigs;
  private final ProducerIdManager producerIds;
  private final GroupCoordinator groups;
  private final ExecutorService groupWriter;
  private final AtomicInteger boundPort = new AtomicInteger(-1);
  private KafkaServer server;
  private Vertx vertx;
  private long groupTimer = -1;
  private volatile RegionTransport transport;
  private volatile LinkService links;
  private volatile dev.meridian.node.failover.FailoverService failovers;
  private final AtomicReference<MetadataPublisher> publishers;
  private final RemoteHighWatermarks remoteHighWatermarks;
  private long remoteTimer = -1;

  private KafkaBroker(
      NodeConfig node,
      MeridianConfig config,
      LogManager logs,
      FileQuorumStore store,
      MetadataService metadata,
      ReplicaManager replicas,
      TopicConfigs topicConfigs,
      GroupCoordinator groups,
      ExecutorService groupWriter,
      AtomicReference<MetadataPublisher> publishers) {
    this.node = node;
    this.region = config.regionOf(node.id());
    this.config = config;
    this.logs = logs;
    this.store = store;
    this.metadata = metadata;
    this.replicas = replicas;
    this.topicConfigs = topicConfigs;
    this.groups = groups;
    this.groupWriter = groupWriter;
    this.publishers = publishers;
    this.remoteHighWatermarks = new RemoteHighWatermarks(metadata, ClusterRoutes.PARTITION_OFFSETS);
    this.producerIds =
        new ProducerIdManager(
            node.id(), metadata::submit, config.broker().controllerRequestTimeoutMs());
  }

  /**
   * Opens (recovering) the logs and the metadata log in {@code nodeDir} and publishes the image it
   * holds; blocking.
   *
   * @param incarnation a number unique to this start of the node's process
   */
  static KafkaBroker open(Path nodeDir, MeridianConfig config, NodeConfig node, long incarnation)
      throws IOException, InterruptedException {
    BrokerSettings settings = config.broker();
    RegionConfig region = config.regionOf(node.id());
    Path logDir = nodeDir.resolve(MeridianNode.LOGS_DIR);
    Files.createDirectories(logDir);
    LogManager logs = LogManager.open(logDir, NodeLogConfigs.from(config.topicDefaults()));
    FileQuorumStore store = null;
    ExecutorService groupWriter = null;
    try {
      store = FileQuorumStore.open(nodeDir.resolve("metadata"));
      LegacyMetadataImport.maybeImport(store, logDir, region, node.id());
      TopicConfigs topicConfigs = new TopicConfigs(config.topicDefaults());
      ClusterController controller =
          new ClusterController(
              region, config.topicDefaults(), settings, topicConfigs, Uuid::randomUuid);
      MetadataService[] service = new MetadataService[1];
      ReplicaManager replicas =
          new ReplicaManager(
              node.id(),
              logs,
              topicConfigs,
              image -> isActive(image, node.id(), incarnation),
              () -> service[0].image(),
              (topicId, partition, basedOn, newIsr) ->
                  service[0]
                      .submit(
                          new ControllerRequest.AlterPartition(
                              topicId,
                              partition,
                              node.id(),
                              basedOn.leaderEpoch(),
                              basedOn.partitionEpoch(),
                              newIsr))
                      .thenApply(
                          r -> r.get(0).ok() ? null : r.get(0).error() + " " + r.get(0).message()),
              settings.replicaLagTimeMaxMs(),
              settings.reassignmentThrottleBytesPerSecond());
      groupWriter = Executors.newSingleThreadExecutor(KafkaBroker::groupLogThread);
      GroupCoordinator[] coordinator = new GroupCoordinator[1];
      AtomicReference<MetadataPublisher> publishers = new AtomicReference<>();
      Set<Integer> voters = region.nodes().stream().map(NodeConfig::id).collect(Collectors.toSet());
      service[0] =
          new MetadataService(
              node.id(),
              voters,
              incarnation,
              store,
              QuorumTimings.DEFAULT,
              controller,
              (prev, next) -> {
                replicas.publish(prev, next);
                forgetDeletedTopics(coordinator[0], prev, next);
                MetadataPublisher more = publishers.get();
                if (more != null) {
                  more.publish(prev, next);
                }
              },
              settings.controllerRequestTimeoutMs());
      OffsetsTopic offsets =
          new OffsetsTopic(replicas, service[0]::publishingImage, System::currentTimeMillis);
      MetadataService metadata = service[0];
      coordinator[0] =
          new GroupCoordinator(
              groupConfig(settings),
              offsets,
              groupWriter,
              System::currentTimeMillis,
              new GroupTopics(metadata::publishingImage));
      replicas.addLeadershipListener(
          new ReplicaManager.LeadershipListener() {
            @Override
            public void becameLeader(Partition p) {
              if (p.topic().equals(OffsetsTopic.NAME)) {
                coordinator[0].loadShard(p.index());
              }
            }

            @Override
            public void stoppedLeading(Partition p) {
              if (p.topic().equals(OffsetsTopic.NAME)) {
                coordinator[0].unloadShard(p.index());
              }
            }
          });
      long ownFirst = ProducerIdRange.first(region.name());
      long ownEnd = ProducerIdRange.end(region.name());
      replicas.addLeadershipListener(
          new OrphanedTransactions(
              pid -> pid >= ownFirst && pid < ownEnd, System::currentTimeMillis));
      service[0].onAsk(ClusterRoutes.PARTITION_OFFSETS, body -> partitionOffsets(replicas, body));
      service[0].preferredElectionEvery(
          TimeUnit.SECONDS.toMillis(settings.leaderImbalanceCheckIntervalSeconds()));
      service[0].load();
      logs.startAgents(settings.retentionCheckIntervalMs(), LogManager.DEFAULT_CLEANER_MS);
      return new KafkaBroker(
          node,
          config,
          logs,
          store,
          service[0],
          replicas,
          topicConfigs,
          coordinator[0],
          groupWriter,
          publishers);
    } catch (IOException | RuntimeException | InterruptedException e) {
      if (groupWriter != null) {
        groupWriter.shutdownNow();
      }
      if (store != null) {
        store.close();
      }
      logs.close();
      throw e;
    }
  }

  /** The log offsets of the partitions of a topic this node leads (for the control plane). */
  private static CompletionStage<JsonObject> partitionOffsets(
      ReplicaManager replicas, JsonObject body) {
    String topic = body.getString("topic", "");
    JsonArray out = new JsonArray();
    for (Partition p : replicas.partitions()) {
      if (p.topic().equals(topic) && p.isLeader()) {
        out.add(
            new JsonObject()
                .put("partition", p.index())
                .put("logStartOffset", p.logStartOffset())
                .put("logEndOffset", p.logEndOffset())
                .put("highWatermark", p.highWatermark()));
      }
    }
    return CompletableFuture.completedFuture(new JsonObject().put("partitions", out));
  }

  /** Whether {@code image} holds node {@code nodeId} in this incarnation, unfenced. */
  private static boolean isActive(MetadataImage image, int nodeId, long incarnation) {
    NodeRegistration n = image.nodes().get(nodeId);
    return n != null && n.alive() && n.incarnation() == incarnation;
  }

  /** A deleted topic's committed offsets leave every group this node coordinates (as in Kafka). */
  private static void forgetDeletedTopics(
      GroupCoordinator groups, MetadataImage prev, MetadataImage next) {
    for (TopicImage t : prev.topics().values()) {
      TopicImage now = next.topic(t.name()).orElse(null);
      if (now == null || !now.id().equals(t.id())) {
        groups.removeOffsetsOfTopic(t.name());
      }
    }
  }

  /**
   * The region's topics as consumer-protocol groups see them, made once per metadata image (every
   * heartbeat asks; the image changes far less often).
   */
  private static final class GroupTopics implements Supplier<Map<String, GroupTopic>> {
    private final Supplier<MetadataImage> images;
    private MetadataImage image;
    private Map<String, GroupTopic> topics = Map.of();

    GroupTopics(Supplier<MetadataImage> images) {
      this.images = images;
    }

    @Override
    public synchronized Map<String, GroupTopic> get() {
      MetadataImage now = images.get();
      if (now != image) {
        Map<String, GroupTopic> out = new HashMap<>();
        for (TopicImage t : now.topics().values()) {
          out.put(t.name(), new GroupTopic(t.id(), t.partitionCount()));
        }
        topics = Map.copyOf(out);
        image = now;
      }
      return topics;
    }
  }

  private static Thread groupLogThread(Runnable r) {
    Thread t = new Thread(r, "meridian-group-log");
    t.setDaemon(true);
    return t;
  }

  /** The group coordinator settings of the region config's broker section. */
  static GroupConfig groupConfig(BrokerSettings s) {
    return GroupConfig.DEFAULTS
        .withInitialRebalanceDelayMs(s.groupInitialRebalanceDelayMs())
        .withOffsetsRetention(
            TimeUnit.MINUTES.toMillis(s.offsetsRetentionMinutes()),
            s.offsetsRetentionCheckIntervalMs())
        .withConsumerTimers(
            s.groupConsumerSessionTimeoutMs(), s.groupConsumerHeartbeatIntervalMs());
  }

  /** Starts the Kafka listener on the node's host and Kafka port; completes with the port. */
  Future<Integer> listen(Vertx vertx) {
    BrokerContext ctx = context(vertx);
    this.vertx = vertx;
    groupTimer = vertx.setPeriodic(GROUP_TICK_MS, id -> groups.tick());
    long sampleMs = config.broker().lagSampleMs();
    remoteTimer =
        vertx.setPeriodic(Math.max(100, sampleMs / 2), id -> remoteHighWatermarks.refresh());
    server = new KafkaServer(vertx, BrokerApis.registry(ctx), ProtocolConfig.DEFAULT);
    return server.listen(node.host(), node.kafkaPort()).onSuccess(boundPort::set);
  }

  /** What the handlers share. */
  BrokerContext context(Vertx vertx) {
    return new BrokerContext(
        vertx,
        node.id(),
        metadata,
        replicas,
        topicConfigs,
        producerIds,
        groups,
        region,
        config.topicDefaults(),
        config.broker());
  }

  /**
   * Joins the region through Hazelcast (blocking, about a second): from then on the node takes part
   * in the metadata quorum and the controller registers it.
   */
  void joinRegion(int httpPort) {
    RegionTransport t =
        HazelcastRegion.start(
            region,
            node,
            config.broker(),
            metadata.incarnation(),
            boundPort.get(),
            httpPort,
            metadata);
    transport = t;
    metadata.attach(t);
  }

  /**
   * Runs the node as a region of one without Hazelcast (tests of one node in a JVM): the node is
   * its own controller at once.
   *
   * @throws IllegalStateException when the region has other nodes
   */
  void joinAlone(int httpPort) {
    if (region.nodes().size() != 1) {
      throw new IllegalStateException("region " + region.name() + " has more than one node");
    }
    RegionTransport t =
        new SoloTransport(
            new RegionMember(node.id(), metadata.incarnation(), boundPort.get(), httpPort));
    transport = t;
    metadata.attach(t);
  }

  MetadataService metadata() {
    return metadata;
  }

  /**
   * The mirror links into this node's region, created on first use (not started: {@link
   * LinkService#start()} after the node joined its region).
   */
  synchronized LinkService links() {
    if (links == null) {
      LinkHost host =
          new LinkHost() {
            @Override
            public int nodeId() {
              return node.id();
            }

            @Override
            public MetadataImage image() {
              return metadata.image();
            }

            @Override
            public boolean isController() {
              return metadata.isController();
            }

            @Override
            public java.util.Optional<Partition> partition(String topic, int index) {
              return replicas.partition(topic, index);
            }

            @Override
            public CompletableFuture<java.util.List<ItemResult>> submit(ControllerRequest request) {
              return metadata.submit(request);
            }

            @Override
            public TopicConfigs topicConfigs() {
              return topicConfigs;
            }

            @Override
            public String localBootstrap() {
              return node.host() + ":" + boundPort.get();
            }
          };
      LinkService service = new LinkService(config, region, host);
      dev.meridian.node.failover.FailoverService failover =
          new dev.meridian.node.failover.FailoverService(
              config, region, metadata, host::localBootstrap);
      replicas.addLeadershipListener(
          new ReplicaManager.LeadershipListener() {
            @Override
            public void becameLeader(Partition p) {
              service.leadershipChanged();
            }

            @Override
            public void stoppedLeading(Partition p) {
              service.leadershipChanged();
            }
          });
      metadata.onAsk(
          LinkService.STATUS_ASK,
          body ->
              CompletableFuture.completedFuture(
                  new JsonObject().put("links", service.localStatus())));
      metadata.onAsk(
          LinkService.PAUSE_ASK,
          body ->
              CompletableFuture.completedFuture(
                  new JsonObject()
                      .put(
                          "found",
                          service.pause(body.getString("name"), body.getBoolean("pause", true)))));
      publishers.set(
          (prev, next) -> {
            if (!prev.links().equals(next.links())) {
              service.linksChanged(next);
            }
            if (!prev.pausedLinks().equals(next.pausedLinks())) {
              service.pausesChanged(next);
            }
            failover.imageChanged(next);
          });
      failovers = failover;
      links = service;
    }
    return links;
  }

  /** The failover operations of the links into this region (created with {@link #links()}). */
  dev.meridian.node.failover.FailoverService failovers() {
    links();
    return failovers;
  }

  ReplicaManager replicas() {
    return replicas;
  }

  /** The partition logs (storage agents and tests; handlers go through partitions). */
  LogManager logs() {
    return logs;
  }

  int partitionCount() {
    return replicas.partitionCount();
  }

  /**
   * The consumer groups this node coordinates: the lag agent and the control plane see groups only
   * through this read-only view.
   */
  GroupQuery groups() {
    return groups;
  }

  /**
   * End offsets for lag: the high watermark of each partition, what Kafka's {@code
   * kafka-consumer-groups} shows as LOG-END-OFFSET (the offset a consumer reaches when caught up):
   * read here for the partitions this node leads, else as their leaders last reported it (asked
   * twice per lag sample period). Never opens a partition and never blocks.
   */
  LogEndOffsets logEndOffsets() {
    return (topic, partition) -> {
      Partition p = replicas.partition(topic, partition).orElse(null);
      if (p != null && p.isLeader()) {
        return p.highWatermark();
      }
      long remote = remoteHighWatermarks.get(topic, partition);
      return remote == RemoteHighWatermarks.UNKNOWN ? LogEndOffsets.UNKNOWN : remote;
    };
  }

  /** Stops listening (call first, on shutdown). */
  Future<Void> stopListening() {
    if (groupTimer >= 0) {
      vertx.cancelTimer(groupTimer);
      vertx.cancelTimer(remoteTimer);
      groupTimer = -1;
    }
    return server == null ? Future.succeededFuture() : server.close();
  }

  /**
   * Stops in order, blocking: in a region of several nodes first a controlled shutdown (the
   * controller moves this node's leaderships to other in-sync replicas and takes it out of the
   * ISRs, so clients see only retriable errors), then it leaves the region (the others see it go at
   * once), stops the metadata and replication threads, lets the group writes under way finish, and
   * closes the logs.
   */
  @Override
  public void close() throws IOException {
    dev.meridian.node.failover.FailoverService f = failovers;
    if (f != null) {
      f.close();
    }
    LinkService l = links;
    if (l != null) {
      l.close();
    }
    RegionTransport t = transport;
    if (t != null && region.nodes().size() > 1) {
      metadata.controlledShutdown(CONTROLLED_SHUTDOWN_MS);
    }
    if (t != null) {
      try {
        t.close();
      } catch (RuntimeException e) {
        LOG.warn("leaving the region failed", e);
      }
    }
    metadata.close();
    replicas.close();
    groupWriter.shutdown();
    try {
      if (!groupWriter.awaitTermination(10, TimeUnit.SECONDS)) {
        groupWriter.shutdownNow();
      }
    } catch (InterruptedException e) {
      groupWriter.shutdownNow();
      Thread.currentThread().interrupt();
    }
    try {
      store.close();
    } finally {
      logs.close();
    }
  }
}
