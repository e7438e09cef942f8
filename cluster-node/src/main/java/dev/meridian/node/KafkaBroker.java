package dev.meridian.node;

import dev.meridian.config.MeridianConfig;
import dev.meridian.config.NodeConfig;
import dev.meridian.node.api.BrokerApis;
import dev.meridian.node.api.BrokerContext;
import dev.meridian.node.cluster.ProducerIdManager;
import dev.meridian.node.cluster.TopicConfigs;
import dev.meridian.node.cluster.TopicManager;
import dev.meridian.node.cluster.TopicStore;
import dev.meridian.node.group.GroupConfig;
import dev.meridian.node.group.GroupCoordinator;
import dev.meridian.node.group.GroupQuery;
import dev.meridian.node.group.LogEndOffsets;
import dev.meridian.node.group.OffsetsTopic;
import dev.meridian.node.protocol.KafkaServer;
import dev.meridian.node.protocol.ProtocolConfig;
import dev.meridian.node.replication.ReplicaManager;
import dev.meridian.node.storage.LogManager;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.Uuid;

/**
 * The Kafka side of a node, assembled: partition logs, topic metadata, producer ids, the group
 * coordinator, the API handlers and the protocol listener. {@link #open} blocks (recovery, metadata
 * files, loading the groups): call it from a worker.
 *
 * <pre>
 * &lt;logs dir&gt;/
 *   __meta/topics.json          topic names, ids, partition counts, config overrides
 *   __meta/producer-id-block    upper bound of the producer ids handed out
 *   __meta/cluster.id           the cluster id clients see, made at first start
 *   __consumer_offsets-&lt;n&gt;/    committed offsets and group metadata (internal, compacted)
 *   &lt;topic&gt;-&lt;partition&gt;/      partition logs
 * </pre>
 *
 * <p>Settings not in the region config, read from system properties at {@link #open}:
 *
 * <table>
 *   <caption>system properties</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@value #RETENTION_CHECK_MS_PROPERTY}</td><td>300000 (5 min)</td><td>milliseconds
 *       between two retention passes over all partition logs (Kafka's
 *       log.retention.check.interval.ms)</td></tr>
 *   <tr><td>{@value #INITIAL_REBALANCE_DELAY_PROPERTY}</td><td>3000</td><td>how long the first
 *       rebalance of a group without members waits for more members to join (Kafka's
 *       group.initial.rebalance.delay.ms); 0 rebalances at once</td></tr>
 *   <tr><td>{@value #OFFSETS_RETENTION_MINUTES_PROPERTY}</td><td>10080 (7 days)</td><td>how
 *       long the committed offsets of a group without members are kept (Kafka's
 *       offsets.retention.minutes)</td></tr>
 *   <tr><td>{@value #OFFSETS_RETENTION_CHECK_MS_PROPERTY}</td><td>600000 (10 min)</td><td>how
 *       often expired offsets are removed (offsets.retention.check.interval.ms)</td></tr>
 *   <tr><td>{@value #OFFSETS_PARTITIONS_PROPERTY}</td><td>10</td><td>partitions of
 *       __consumer_offsets when a node first creates it (offsets.topic.num.partitions); later
 *       starts keep the existing count</td></tr>
 * </table>
 */
final class KafkaBroker implements AutoCloseable {
  /** System property: milliseconds between two retention passes (must be positive). */
  static final String RETENTION_CHECK_MS_PROPERTY = "meridian.log.retention.check.ms";

  /** System property: group.initial.rebalance.delay.ms (≥ 0). */
  static final String INITIAL_REBALANCE_DELAY_PROPERTY =
      "meridian.group.initial.rebalance.delay.ms";

  /** System property: offsets.retention.minutes (positive). */
  static final String OFFSETS_RETENTION_MINUTES_PROPERTY = "meridian.offsets.retention.minutes";

  /** System property: offsets.retention.check.interval.ms (positive). */
  static final String OFFSETS_RETENTION_CHECK_MS_PROPERTY = "meridian.offsets.retention.check.ms";

  /** System property: partitions of a new __consumer_offsets (positive). */
  static final String OFFSETS_PARTITIONS_PROPERTY = "meridian.offsets.topic.num.partitions";

  /** How often the group coordinator's deadlines (sessions, rebalance timeouts) are checked. */
  private static final long GROUP_TICK_MS = 100;

  private final NodeConfig node;
  private final MeridianConfig config;
  private final LogManager logs;
  private final TopicManager topics;
  private final ReplicaManager replicas;
  private final ProducerIdManager producerIds;
  private final String clusterId;
  private final GroupCoordinator groups;
  private final ExecutorService groupWriter;
  private final AtomicInteger boundPort = new AtomicInteger(-1);
  private KafkaServer server;
  private Vertx vertx;
  private long groupTimer = -1;

  private KafkaBroker(
      NodeConfig node,
      MeridianConfig config,
      LogManager logs,
      TopicManager topics,
      ReplicaManager replicas,
      ProducerIdManager producerIds,
      String clusterId,
      GroupCoordinator groups,
      ExecutorService groupWriter) {
    this.node = node;
    this.config = config;
    this.logs = logs;
    this.topics = topics;
    this.replicas = replicas;
    this.producerIds = producerIds;
    this.clusterId = clusterId;
    this.groups = groups;
    this.groupWriter = groupWriter;
  }

  /** Opens (recovering) the logs and metadata in {@code logDir}; blocking. */
  static KafkaBroker open(Path logDir, MeridianConfig config, NodeConfig node) throws IOException {
    long retentionCheckMs = retentionCheckMs(System.getProperty(RETENTION_CHECK_MS_PROPERTY));
    GroupConfig groupConfig =
        groupConfig(
            System.getProperty(INITIAL_REBALANCE_DELAY_PROPERTY),
            System.getProperty(OFFSETS_RETENTION_MINUTES_PROPERTY),
            System.getProperty(OFFSETS_RETENTION_CHECK_MS_PROPERTY));
    int offsetsPartitions =
        (int)
            longProperty(
                OFFSETS_PARTITIONS_PROPERTY,
                System.getProperty(OFFSETS_PARTITIONS_PROPERTY),
                OffsetsTopic.DEFAULT_PARTITIONS,
                1);
    Files.createDirectories(logDir);
    LogManager logs = LogManager.open(logDir, NodeLogConfigs.from(config.topicDefaults()));
    try {
      TopicStore store = TopicStore.open(logDir);
      ReplicaManager replicas = new ReplicaManager(logs);
      TopicManager topics =
          new TopicManager(
              store,
              replicas,
              new TopicConfigs(config.topicDefaults()),
              config.topicDefaults().partitions());
      topics.openAll();
      OffsetsTopic offsetsTopic =
          OffsetsTopic.open(topics, offsetsPartitions, System::currentTimeMillis);
      ExecutorService groupWriter = Executors.newSingleThreadExecutor(KafkaBroker::groupLogThread);
      GroupCoordinator groups =
          new GroupCoordinator(groupConfig, offsetsTopic, groupWriter, System::currentTimeMillis);
      try {
        groups.load();
      } catch (RuntimeException e) {
        groupWriter.shutdownNow();
        throw e;
      }
      logs.startAgents(retentionCheckMs, LogManager.DEFAULT_CLEANER_MS);
      return new KafkaBroker(
          node,
          config,
          logs,
          topics,
          replicas,
          ProducerIdManager.open(logDir),
          clusterId(logDir),
          groups,
          groupWriter);
    } catch (IOException | RuntimeException e) {
      logs.close();
      throw e;
    }
  }

  private static Thread groupLogThread(Runnable r) {
    Thread t = new Thread(r, "meridian-group-log");
    t.setDaemon(true);
    return t;
  }

  /** The group coordinator settings from the system properties (Kafka's defaults otherwise). */
  static GroupConfig groupConfig(
      String initialDelayMs, String retentionMinutes, String retentionCheckMs) {
    GroupConfig d = GroupConfig.DEFAULTS;
    long delay =
        longProperty(
            INITIAL_REBALANCE_DELAY_PROPERTY, initialDelayMs, d.initialRebalanceDelayMs(), 0);
    long minutes =
        longProperty(
            OFFSETS_RETENTION_MINUTES_PROPERTY,
            retentionMinutes,
            TimeUnit.MILLISECONDS.toMinutes(d.offsetsRetentionMs()),
            1);
    long check =
        longProperty(
            OFFSETS_RETENTION_CHECK_MS_PROPERTY, retentionCheckMs, d.offsetsRetentionCheckMs(), 1);
    return d.withInitialRebalanceDelayMs((int) Math.min(delay, Integer.MAX_VALUE))
        .withOffsetsRetention(TimeUnit.MINUTES.toMillis(minutes), check);
  }

  /**
   * The value of system property {@code key}, or {@code defaultValue} when {@code value} is null.
   *
   * @throws IllegalArgumentException naming the property when the value is not an integer ≥ min
   */
  static long longProperty(String key, String value, long defaultValue, long min) {
    if (value == null) {
      return defaultValue;
    }
    try {
      long v = Long.parseLong(value.trim());
      if (v >= min) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "system property " + key + " must be an integer >= " + min + ", was '" + value + "'");
  }

  /**
   * The retention check interval from the value of {@value #RETENTION_CHECK_MS_PROPERTY}; the
   * default when {@code value} is null.
   *
   * @throws IllegalArgumentException naming the property when the value is not a positive integer
   */
  static long retentionCheckMs(String value) {
    if (value == null) {
      return LogManager.DEFAULT_RETENTION_CHECK_MS;
    }
    long ms;
    try {
      ms = Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      ms = -1;
    }
    if (ms <= 0) {
      throw new IllegalArgumentException(
          "system property "
              + RETENTION_CHECK_MS_PROPERTY
              + " must be a positive number of milliseconds, was '"
              + value
              + "'");
    }
    return ms;
  }

  private static String clusterId(Path logDir) throws IOException {
    Path file = logDir.resolve("__meta").resolve("cluster.id");
    if (Files.exists(file)) {
      return Files.readString(file, StandardCharsets.UTF_8).trim();
    }
    String id = Uuid.randomUuid().toString();
    Files.writeString(file, id + "\n", StandardCharsets.UTF_8);
    return id;
  }

  /** Starts the Kafka listener on the node's host and Kafka port; completes with the port. */
  Future<Integer> listen(Vertx vertx) {
    BrokerContext ctx =
        new BrokerContext(
            vertx,
            node.id(),
            node.host(),
            boundPort::get,
            clusterId,
            topics,
            producerIds,
            config.topicDefaults().autoCreateTopics(),
            groups);
    this.vertx = vertx;
    groupTimer = vertx.setPeriodic(GROUP_TICK_MS, id -> groups.tick());
    server = new KafkaServer(vertx, BrokerApis.registry(ctx), ProtocolConfig.DEFAULT);
    return server.listen(node.host(), node.kafkaPort()).onSuccess(boundPort::set);
  }

  int partitionCount() {
    return logs.partitionCount();
  }

  /**
   * The consumer groups this node coordinates: the lag agent and the control plane see groups only
   * through this read-only view.
   */
  GroupQuery groups() {
    return groups;
  }

  /**
   * End offsets for lag: the high watermark of each partition this node has open, what Kafka's
   * {@code kafka-consumer-groups} shows as LOG-END-OFFSET (the offset a consumer reaches when
   * caught up; with one replica it is the log end offset). Never opens a partition and never
   * blocks.
   */
  LogEndOffsets logEndOffsets() {
    return (topic, partition) ->
        replicas
            .partition(topic, partition)
            .map(p -> p.log().highWatermark())
            .orElse(LogEndOffsets.UNKNOWN);
  }

  /** Stops listening (call first, on shutdown). */
  Future<Void> stopListening() {
    if (groupTimer >= 0) {
      vertx.cancelTimer(groupTimer);
      groupTimer = -1;
    }
    return server == null ? Future.succeededFuture() : server.close();
  }

  /** Lets the group writes under way finish, then closes the logs; blocking. */
  @Override
  public void close() throws IOException {
    groupWriter.shutdown();
    try {
      if (!groupWriter.awaitTermination(10, TimeUnit.SECONDS)) {
        groupWriter.shutdownNow();
      }
    } catch (InterruptedException e) {
      groupWriter.shutdownNow();
      Thread.currentThread().interrupt();
    }
    logs.close();
  }
}
