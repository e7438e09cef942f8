package dev.meridian.node.failover;

import dev.meridian.config.LinkConfig;
import dev.meridian.config.MeridianConfig;
import dev.meridian.failover.FailoverOperation;
import dev.meridian.node.cluster.MetadataService;
import dev.meridian.node.controller.ControllerRequest;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Disaster-recovery drills against the live deployment ({@code POST /v1/drills}): a drill of a
 * mirror link into this region drives its own traffic, performs a real failover of the link, moves
 * its consumer group to this region, verifies every record and measures RPO and RTO ({@link
 * DrillRun}); optionally it fails back. Each drill's report is region metadata ({@code GET
 * /v1/drills} on any node), recorded as it passes each step. One drill runs per node at a time, on
 * a thread of its own.
 */
public final class DrillService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DrillService.class);

  /** The scenarios. */
  public static final List<String> SCENARIOS = List.of("planned", "unplanned", "region-loss");

  private final MeridianConfig config;
  private final MetadataService metadata;
  private final FailoverService failovers;
  private final java.util.function.Supplier<String> localBootstrap;
  private final SourceControlPlane source;
  private final AtomicReference<String> running = new AtomicReference<>();
  private final ExecutorService thread =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "meridian-drill");
            t.setDaemon(true);
            return t;
          });

  DrillService(
      MeridianConfig config,
      MetadataService metadata,
      FailoverService failovers,
      java.util.function.Supplier<String> localBootstrap) {
    this.config = config;
    this.metadata = metadata;
    this.failovers = failovers;
    this.localBootstrap = localBootstrap;
    this.source = new SourceControlPlane(config);
  }

  /** What a drill is asked to do. */
  public record Request(
      String link,
      String scenario,
      int records,
      int ratePerSecond,
      String topic,
      boolean failBack,
      long downForMs) {

    /** The default topic a drill writes (the link's topic filter must select it). */
    public static final String DEFAULT_TOPIC = "meridian-drill";

    /** How long a region-loss drill keeps the source region's nodes down by default. */
    public static final long DEFAULT_DOWN_FOR_MS = 20_000;

    /** A drill whose source region, in a region-loss scenario, is down for the default time. */
    public Request(
        String link,
        String scenario,
        int records,
        int ratePerSecond,
        String topic,
        boolean failBack) {
      this(link, scenario, records, ratePerSecond, topic, failBack, DEFAULT_DOWN_FOR_MS);
    }
  }

  /**
   * Starts a drill; returns its first report (state RUNNING).
   *
   * @throws FailoverService.Refused when it cannot start (400 bad request, 404 unknown link, 409
   *     another drill or operation runs, or the link cannot run this drill)
   */
  public JsonObject start(Request r) {
    if (!SCENARIOS.contains(r.scenario())) {
      throw new FailoverService.Refused(400, "scenario: must be one of " + SCENARIOS);
    }
    if (r.downForMs() < 1_000 || r.downForMs() > dev.meridian.node.NodeHalt.MAX_DOWN_MS) {
      throw new FailoverService.Refused(400, "downForMs: must be within 1000..3600000");
    }
    if (r.records() < 10 || r.records() > 1_000_000) {
      throw new FailoverService.Refused(400, "records: must be within 10..1000000");
    }
    if (r.ratePerSecond() < 1 || r.ratePerSecond() > 100_000) {
      throw new FailoverService.Refused(400, "ratePerSecond: must be within 1..100000");
    }
    LinkConfig l = failovers.intoThisRegion(metadata.image(), r.link());
    if (!l.topics().matches(r.topic())) {
      throw new FailoverService.Refused(
          409,
          "link "
              + r.link()
              + " does not select the drill topic "
              + r.topic()
              + ": give a topic it"
              + " selects");
    }
    String why = SourceControlPlane.unfenceable(config, l);
    if (why != null) {
      throw new FailoverService.Refused(409, why);
    }
    metadata
        .image()
        .runningOperation(r.link())
        .ifPresent(
            o -> {
              throw new FailoverService.Refused(
                  409, "link " + r.link() + " has an operation running: " + o.id());
            });
    String id = UUID.randomUUID().toString();
    if (!running.compareAndSet(null, id)) {
      throw new FailoverService.Refused(409, "drill " + running.get() + " runs on this node");
    }
    DrillRun run = new DrillRun(id, r, l, this);
    JsonObject first = run.report();
    thread.execute(
        () -> {
          try {
            run.run();
          } finally {
            running.set(null);
          }
        });
    return first;
  }

  /** Every drill report, the newest first. */
  public List<JsonObject> drills() {
    return metadata.image().drills().values().stream()
        .map(JsonObject::new)
        .sorted((a, b) -> Long.compare(b.getLong("startedMs", 0L), a.getLong("startedMs", 0L)))
        .toList();
  }

  /** The report of drill {@code id}. */
  public Optional<JsonObject> drill(String id) {
    return Optional.ofNullable(metadata.image().drills().get(id)).map(JsonObject::new);
  }

  // ---- for DrillRun ----------------------------------------------------------------------------

  /** Records a report in the region's metadata (blocking; a failure is logged, not fatal). */
  void record(JsonObject report) {
    try {
      metadata
          .submit(new ControllerRequest.PutDrill(report.getString("id"), report.encode()))
          .get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.warn("drill {}: its report was not recorded: {}", report.getString("id"), e.toString());
    }
  }

  MeridianConfig config() {
    return config;
  }

  MetadataService metadata() {
    return metadata;
  }

  FailoverService failovers() {
    return failovers;
  }

  String localBootstrap() {
    return localBootstrap.get();
  }

  SourceControlPlane source() {
    return source;
  }

  /** Waits (bounded) until operation {@code id} of this region ends; returns it as it ended. */
  FailoverOperation awaitEnded(String id, long timeoutMs) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    FailoverOperation op = metadata.image().operations().get(id);
    while ((op == null || !op.state().terminal()) && System.currentTimeMillis() < deadline) {
      Thread.sleep(50); // polling the region's metadata for the operation's end
      op = metadata.image().operations().get(id);
    }
    return op;
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
