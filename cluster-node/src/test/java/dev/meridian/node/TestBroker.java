package dev.meridian.node;

import static org.awaitility.Awaitility.await;

import dev.meridian.config.MeridianConfig;
import dev.meridian.node.api.BrokerContext;
import dev.meridian.node.controller.ControllerRequest;
import dev.meridian.node.controller.ItemResult;
import dev.meridian.node.group.OffsetsTopic;
import dev.meridian.node.metadata.TopicImage;
import dev.meridian.node.replication.Partition;
import dev.meridian.node.storage.PartitionLog;
import dev.meridian.testsupport.RegionYaml;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The Kafka side of one node in this JVM, a region of its own (no Hazelcast, no listener): for
 * tests of handlers and coordinators that call them directly. The node is its own controller and
 * registered when {@link #start} returns.
 */
public final class TestBroker implements AutoCloseable {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private final Vertx vertx;
  private final KafkaBroker broker;
  private final BrokerContext context;

  private TestBroker(Vertx vertx, KafkaBroker broker) {
    this.vertx = vertx;
    this.broker = broker;
    this.context = broker.context(vertx);
  }

  /** A node 1 of region east in {@code dir}, default settings. */
  public static TestBroker start(Path dir) throws Exception {
    return start(dir, y -> y);
  }

  /**
   * A node 1 of region east in {@code dir}.
   *
   * @param settings adds topic defaults and broker settings to the one-node region config
   */
  public static TestBroker start(Path dir, UnaryOperator<RegionYaml> settings) throws Exception {
    MeridianConfig config = settings.apply(RegionYaml.of("east", 1)).config();
    Vertx vertx = Vertx.vertx();
    KafkaBroker broker =
        KafkaBroker.open(
            dir.resolve("east-1"), config, config.node(1).orElseThrow(), System.nanoTime());
    broker.joinAlone(0);
    TestBroker b = new TestBroker(vertx, broker);
    await("node registered").atMost(WAIT).until(() -> broker.metadata().isActive());
    return b;
  }

  /** What the handlers of this node share. */
  public BrokerContext context() {
    return context;
  }

  /** The directory of the node's partition logs. */
  public Path logsDir(Path dir) {
    return dir.resolve("east-1").resolve(MeridianNode.LOGS_DIR);
  }

  /** Creates a topic through the controller; waits until it is published and its leaders lead. */
  public TopicImage createTopic(String name, int partitions, Map<String, String> configs)
      throws Exception {
    create(new ControllerRequest.NewTopic(name, partitions, (short) 1, List.of(), configs), false);
    await("topic " + name + " led")
        .atMost(WAIT)
        .until(
            () -> {
              for (int i = 0; i < partitions; i++) {
                if (partition(name, i) == null || !partition(name, i).isLeader()) {
                  return false;
                }
              }
              return true;
            });
    return topic(name);
  }

  /**
   * Creates {@code __consumer_offsets} as the first FindCoordinator would; waits until this node
   * coordinates every partition's groups.
   */
  public void createOffsetsTopic() throws Exception {
    int partitions = context.settings().offsetsTopicPartitions();
    create(
        new ControllerRequest.NewTopic(
            OffsetsTopic.NAME, partitions, (short) 1, List.of(), OffsetsTopic.CONFIGS),
        true);
    await("offsets shards loaded")
        .atMost(WAIT)
        .until(
            () -> {
              for (int p = 0; p < partitions; p++) {
                if (!context.groups().coordinates(p)) {
                  return false;
                }
              }
              return true;
            });
  }

  private void create(ControllerRequest.NewTopic topic, boolean internal) throws Exception {
    List<ItemResult> r =
        broker
            .metadata()
            .submit(new ControllerRequest.CreateTopics(List.of(topic), false, internal))
            .get(30, TimeUnit.SECONDS);
    if (!r.get(0).ok()) {
      throw new IllegalStateException(r.get(0).error() + ": " + r.get(0).message());
    }
  }

  /** A topic of the published image, or null. */
  public TopicImage topic(String name) {
    return context.image().topic(name).orElse(null);
  }

  /** The log of a hosted partition (storage-level tests: rolling, compaction). */
  public PartitionLog log(String topic, int index) {
    return broker.logs().get(topic, index).orElseThrow();
  }

  /** A hosted partition, or null. */
  public Partition partition(String topic, int index) {
    return context.partition(topic, index).orElse(null);
  }

  @Override
  public void close() throws java.io.IOException {
    try {
      broker.stopListening();
      broker.close();
    } finally {
      vertx.close();
    }
  }
}
