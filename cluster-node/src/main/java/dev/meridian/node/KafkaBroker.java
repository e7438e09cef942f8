package dev.meridian.node;

import dev.meridian.config.MeridianConfig;
import dev.meridian.config.NodeConfig;
import dev.meridian.node.api.BrokerApis;
import dev.meridian.node.api.BrokerContext;
import dev.meridian.node.cluster.ProducerIdManager;
import dev.meridian.node.cluster.TopicConfigs;
import dev.meridian.node.cluster.TopicManager;
import dev.meridian.node.cluster.TopicStore;
import dev.meridian.node.group.EmptyGroupQuery;
import dev.meridian.node.group.GroupQuery;
import dev.meridian.node.group.LogEndOffsets;
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
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.Uuid;

/**
 * The Kafka side of a node, assembled: partition logs, topic metadata, producer ids, the API
 * handlers and the protocol listener. {@link #open} blocks (recovery, metadata files): call it from
 * a worker.
 *
 * <pre>
 * &lt;logs dir&gt;/
 *   __meta/topics.json          topic names, ids, partition counts, config overrides
 *   __meta/producer-id-block    upper bound of the producer ids handed out
 *   __meta/cluster.id           the cluster id clients see, made at first start
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
 * </table>
 */
final class KafkaBroker implements AutoCloseable {
  /** System property: milliseconds between two retention passes (must be positive). */
  static final String RETENTION_CHECK_MS_PROPERTY = "meridian.log.retention.check.ms";

  private final NodeConfig node;
  private final MeridianConfig config;
  private final LogManager logs;
  private final TopicManager topics;
  private final ReplicaManager replicas;
  private final ProducerIdManager producerIds;
  private final String clusterId;
  private final AtomicInteger boundPort = new AtomicInteger(-1);
  private KafkaServer server;

  private KafkaBroker(
      NodeConfig node,
      MeridianConfig config,
      LogManager logs,
      TopicManager topics,
      ReplicaManager replicas,
      ProducerIdManager producerIds,
      String clusterId) {
    this.node = node;
    this.config = config;
    this.logs = logs;
    this.topics = topics;
    this.replicas = replicas;
    this.producerIds = producerIds;
    this.clusterId = clusterId;
  }

  /** Opens (recovering) the logs and metadata in {@code logDir}; blocking. */
  static KafkaBroker open(Path logDir, MeridianConfig config, NodeConfig node) throws IOException {
    long retentionCheckMs = retentionCheckMs(System.getProperty(RETENTION_CHECK_MS_PROPERTY));
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
      logs.startAgents(retentionCheckMs, LogManager.DEFAULT_CLEANER_MS);
      return new KafkaBroker(
          node, config, logs, topics, replicas, ProducerIdManager.open(logDir), clusterId(logDir));
    } catch (IOException | RuntimeException e) {
      logs.close();
      throw e;
    }
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
            config.topicDefaults().autoCreateTopics());
    server = new KafkaServer(vertx, BrokerApis.registry(ctx), ProtocolConfig.DEFAULT);
    return server.listen(node.host(), node.kafkaPort()).onSuccess(boundPort::set);
  }

  int partitionCount() {
    return logs.partitionCount();
  }

  /**
   * The consumer groups this node coordinates. This is where the group coordinator plugs in: the
   * lag agent and the control plane see groups only through this method. There is no coordinator
   * yet, so the answer is {@link EmptyGroupQuery} (no groups); the coordinator replaces it with
   * itself (it implements {@link GroupQuery}), created in {@link #open} or {@link #listen} before
   * the node calls this.
   */
  GroupQuery groups() {
    return EmptyGroupQuery.INSTANCE;
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
    return server == null ? Future.succeededFuture() : server.close();
  }

  @Override
  public void close() throws IOException {
    logs.close();
  }
}
