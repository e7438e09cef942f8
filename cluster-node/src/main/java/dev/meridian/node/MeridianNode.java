package dev.meridian.node;

import dev.meridian.config.MeridianConfig;
import dev.meridian.config.NodeConfig;
import dev.meridian.config.RegionConfig;
import dev.meridian.node.group.GroupQuery;
import dev.meridian.node.group.LagAgent;
import dev.meridian.node.group.LagConfig;
import dev.meridian.node.group.LagEvaluator;
import dev.meridian.node.group.LagReporter;
import dev.meridian.node.http.ControlPlane;
import dev.meridian.node.http.ControlPlaneClients;
import dev.meridian.node.http.Health;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Meridian broker node: its Vert.x instance, its Kafka listener, partition logs and share of
 * the region's metadata ({@link KafkaBroker}), its membership of the region (Hazelcast), its
 * consumer lag monitoring ({@link LagAgent}) and its REST control plane.
 *
 * <p>Data directory of a node ({@code nodeConfig.dataPath(baseDataDir)}):
 *
 * <pre>
 * &lt;node data dir&gt;/
 *   node.lock   held (OS file lock) while a process runs this node; never deleted
 *   node.json   written once the node has joined its region: pid, host, bound ports; deleted on
 *               clean stop
 *   metadata/   the region's metadata log as this node holds it
 *   logs/       the partition logs (storage layer)
 * </pre>
 *
 * <p>A started node has joined its region's membership; it is <em>active</em> ({@link #isActive()},
 * health status {@code UP}) once the region's controller has registered it, which needs a majority
 * of the region's nodes. Until then its health says {@code STARTING} (HTTP 503) and it leads no
 * partition.
 *
 * <p>Lifecycle: {@link #start()} once, then {@link #close()} (idempotent; a shutdown hook calls it
 * on SIGTERM). Both block and must not be called on a Vert.x event loop; {@code close()} waits for
 * a {@code start()} under way to finish first, so a node stopped during recovery still closes its
 * logs cleanly. A crash (kill -9) leaves {@code node.json} behind; its {@code pid} then names a
 * dead process, and the next start replaces it.
 */
public final class MeridianNode implements AutoCloseable {

  /** The name of the file that describes a running node. */
  public static final String NODE_FILE = "node.json";

  /** The name of the lock file that keeps two processes off one data directory. */
  public static final String LOCK_FILE = "node.lock";

  /** The sub-directory of the node data directory that holds the partition logs. */
  public static final String LOGS_DIR = "logs";

  private static final Logger LOG = LoggerFactory.getLogger(MeridianNode.class);
  private static final long CLOSE_STEP_TIMEOUT_MS = 10_000;

  private enum State {
    NEW,
    RUNNING,
    CLOSED
  }

  private final NodeConfig nodeConfig;
  private final RegionConfig region;
  private final Path dataDir;
  private final MeridianConfig config;
  private final LagConfig lagConfig;
  private final long incarnation;
  private final CountDownLatch closed = new CountDownLatch(1);

  private State state = State.NEW;
  private boolean ready;
  private boolean nodeFileWritten;
  private volatile long startNanos;
  private volatile int httpPort = -1;
  private FileChannel lockChannel;
  private FileLock lock;
  private Vertx vertx;
  private WorkerExecutor storageExecutor;
  private volatile KafkaBroker storage;
  private volatile int kafkaPort = -1;
  private LagAgent lagAgent;
  private HttpServer httpServer;

  /**
   * Creates a node that is not started yet.
   *
   * @param config the validated region config
   * @param nodeId the id of the node to run; must be in {@code config}
   * @param baseDataDir the base data directory the node's {@code dataDir} is resolved against
   * @throws IllegalArgumentException if {@code config} has no node {@code nodeId} or its topic
   *     defaults are out of the storage layer's range
   */
  public MeridianNode(MeridianConfig config, int nodeId, Path baseDataDir) {
    this.nodeConfig =
        config
            .node(nodeId)
            .orElseThrow(() -> new IllegalArgumentException("no node with id " + nodeId));
    this.region = config.regionOf(nodeId);
    this.dataDir = nodeConfig.dataPath(baseDataDir).toAbsolutePath().normalize();
    this.config = config;
    NodeLogConfigs.from(config.topicDefaults()); // fails fast on out-of-range defaults
    this.lagConfig = new LagConfig(config.broker().lagIntervals(), config.broker().lagSampleMs());
    this.incarnation = newIncarnation();
  }

  /** A positive number that no earlier start of this node used (with overwhelming odds). */
  private static long newIncarnation() {
    return (System.currentTimeMillis() << 16 | new java.security.SecureRandom().nextInt(1 << 16))
        & Long.MAX_VALUE;
  }

  /** The node's data directory. */
  public Path dataDir() {
    return dataDir;
  }

  /** The bound Kafka listener port; {@code -1} before {@link #start()} succeeded. */
  public int kafkaPort() {
    return kafkaPort;
  }

  /** The Kafka listener as {@code host:port}. */
  private String kafkaListener() {
    return nodeConfig.host() + ":" + kafkaPort;
  }

  /**
   * The consumer groups this node coordinates (read-only), for the control plane and tests.
   *
   * @throws IllegalStateException before {@link #start()} opened the logs
   */
  public GroupQuery groups() {
    KafkaBroker broker = storage;
    if (broker == null) {
      throw new IllegalStateException("node " + nodeConfig.id() + " is not started");
    }
    return broker.groups();
  }

  /**
   * Whether the region's controller has registered this node's process and it is not fenced: only
   * then it leads partitions and coordinates groups.
   */
  public boolean isActive() {
    KafkaBroker broker = storage;
    return broker != null && broker.metadata().isActive();
  }

  /** The node's view of its region's metadata (for the control plane and tests). */
  public dev.meridian.node.cluster.MetadataService metadata() {
    KafkaBroker broker = storage;
    if (broker == null) {
      throw new IllegalStateException("node " + nodeConfig.id() + " is not started");
    }
    return broker.metadata();
  }

  /** The bound control-plane port; {@code -1} before {@link #start()} succeeded. */
  public int httpPort() {
    return httpPort;
  }

  /**
   * Starts the node: locks its data directory, opens the logs on a worker thread, then serves the
   * control plane. On success the node is ready and {@code node.json} describes it; on failure
   * whatever was started is closed again.
   *
   * @throws NodeStartException naming the step that failed
   * @throws IllegalStateException if the node was started or closed before
   */
  public synchronized void start() throws NodeStartException {
    if (state != State.NEW) {
      throw new IllegalStateException("node " + nodeConfig.id() + " was already started");
    }
    startNanos = System.nanoTime();
    state = State.RUNNING;
    String step = "lock data directory " + dataDir;
    try {
      lockDataDir();

      step = "start Vert.x";
      vertx =
          Vertx.vertx(
              new VertxOptions()
                  .setFileSystemOptions(
                      new FileSystemOptions()
                          .setFileCachingEnabled(false)
                          .setClassPathResolvingEnabled(false)));
      storageExecutor = vertx.createSharedWorkerExecutor("meridian-storage", 1, 1, TimeUnit.HOURS);

      step = "open the logs and the metadata log in " + dataDir;
      storage =
          storageExecutor
              .executeBlocking(() -> KafkaBroker.open(dataDir, config, nodeConfig, incarnation))
              .await();

      step = "listen for Kafka clients on " + nodeConfig.host() + ":" + nodeConfig.kafkaPort();
      kafkaPort = storage.listen(vertx).await();

      step = "start lag monitoring";
      LagEvaluator lag = new LagEvaluator(lagConfig.intervals());
      lagAgent =
          new LagAgent(
              storage.groups(),
              storage.logEndOffsets(),
              lag,
              System::currentTimeMillis,
              lagConfig.sampleMs());
      lagAgent.start();
      LagReporter lagReporter =
          new LagReporter(
              storage.groups(), storage.logEndOffsets(), lag, System::currentTimeMillis);

      step = "listen for HTTP on " + nodeConfig.host() + ":" + nodeConfig.httpPort();
      httpServer =
          vertx
              .createHttpServer(ControlPlaneClients.serverOptions(config.controlPlane()))
              .requestHandler(
                  ControlPlane.router(
                      vertx,
                      this::health,
                      lagReporter,
                      storage.metadata(),
                      region.name(),
                      storage.links(),
                      storage.failovers(),
                      config.controlPlane(),
                      NodeHalt.ofProcess(dataDir, config.controlPlane().allowHalt())))
              .listen(nodeConfig.httpPort(), nodeConfig.host())
              .await();
      httpPort = httpServer.actualPort();
      if (config.controlPlane().open()) {
        LOG.warn(
            "control plane on {}:{} takes changes from anyone: the config has no"
                + " controlPlane.tokens",
            nodeConfig.host(),
            httpPort);
      }

      step = "join region " + region.name() + " on cluster port " + nodeConfig.clusterPort();
      KafkaBroker broker = storage;
      int boundHttp = httpPort;
      storageExecutor
          .executeBlocking(
              () -> {
                broker.joinRegion(boundHttp);
                return null;
              })
          .await();

      step = "start the links into region " + region.name();
      storage.links().start();

      step = "write " + dataDir.resolve(NODE_FILE);
      writeNodeFile();
      nodeFileWritten = true;
    } catch (Exception e) {
      String reason = e.getMessage() == null ? e.toString() : e.getMessage();
      NodeStartException failure =
          new NodeStartException(
              "node " + nodeConfig.id() + " could not " + step + ": " + reason, e);
      close();
      throw failure;
    }
    ready = true;
    LOG.info(
        "Meridian node {} (region {}) ready: http={}:{} kafka={} in {} ms",
        nodeConfig.id(),
        region.name(),
        nodeConfig.host(),
        httpPort,
        kafkaListener(),
        elapsedMs(startNanos));
  }

  private Health health() {
    KafkaBroker logs = storage;
    return new Health(
        logs != null && logs.metadata().isActive() ? "UP" : "STARTING",
        nodeConfig.id(),
        region.name(),
        kafkaPort,
        kafkaListener(),
        httpPort,
        elapsedMs(startNanos),
        logs == null ? 0 : logs.partitionCount());
  }

  private void lockDataDir() throws IOException, NodeStartException {
    Files.createDirectories(dataDir);
    lockChannel =
        FileChannel.open(
            dataDir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      lock = lockChannel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      throw new NodeStartException(
          "it is in use by another node process (see " + dataDir.resolve(NODE_FILE) + ")", null);
    }
  }

  private void writeNodeFile() throws IOException {
    JsonObject json =
        new JsonObject()
            .put("nodeId", nodeConfig.id())
            .put("region", region.name())
            .put("pid", ProcessHandle.current().pid())
            .put("host", nodeConfig.host())
            .put("httpPort", httpPort)
            .put("kafkaPort", kafkaPort)
            .put("kafkaListener", kafkaListener())
            .put("dataDir", dataDir.toString())
            .put("startedAtMs", System.currentTimeMillis() - elapsedMs(startNanos));
    Path target = dataDir.resolve(NODE_FILE);
    Path tmp = dataDir.resolve(NODE_FILE + ".tmp");
    Files.writeString(tmp, json.encodePrettily() + "\n", StandardCharsets.UTF_8);
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * Stops the node: closes the HTTP server, then the logs (which write their clean-shutdown
   * marker), removes {@code node.json}, and closes Vert.x. Each step is bounded and a failing step
   * does not keep the next ones from running. Idempotent.
   */
  @Override
  public synchronized void close() {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    long t0 = System.nanoTime();
    boolean clean = true;
    try {
      if (httpServer != null) {
        clean &=
            step(
                "close HTTP server",
                () -> httpServer.close().await(CLOSE_STEP_TIMEOUT_MS, TimeUnit.MILLISECONDS));
      }
      if (lagAgent != null) {
        clean &= step("stop lag agent", lagAgent::close);
      }
      KafkaBroker logs = storage;
      if (logs != null) {
        clean &=
            step(
                "close Kafka listener",
                () -> logs.stopListening().await(CLOSE_STEP_TIMEOUT_MS, TimeUnit.MILLISECONDS));
        clean &= step("close logs", logs::close);
      }
      if (nodeFileWritten) {
        clean &=
            step("remove " + NODE_FILE, () -> Files.deleteIfExists(dataDir.resolve(NODE_FILE)));
      }
      if (vertx != null) {
        clean &=
            step(
                "close Vert.x",
                () -> vertx.close().await(CLOSE_STEP_TIMEOUT_MS, TimeUnit.MILLISECONDS));
      }
      if (lock != null) {
        clean &= step("release data directory lock", lock::release);
      }
      if (lockChannel != null) {
        clean &= step("close lock file", lockChannel::close);
      }
      if (ready) {
        LOG.info(
            "Meridian node {} (region {}) stopped {} in {} ms",
            nodeConfig.id(),
            region.name(),
            clean ? "cleanly" : "with errors (see above)",
            elapsedMs(t0));
      }
    } finally {
      closed.countDown();
    }
  }

  /** Blocks until {@link #close()} has finished. */
  public void awaitClosed() throws InterruptedException {
    closed.await();
  }

  private interface Step {
    void run() throws Exception;
  }

  /** Runs one shutdown step; a failure is logged and does not stop the next steps. */
  private static boolean step(String name, Step step) {
    try {
      step.run();
      return true;
    } catch (Exception e) {
      LOG.warn("shutdown step '{}' failed", name, e);
      return false;
    }
  }

  private static long elapsedMs(long sinceNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sinceNanos);
  }
}
