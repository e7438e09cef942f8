package dev.meridian.node.failover;

import dev.meridian.config.LinkConfig;
import dev.meridian.config.MeridianConfig;
import dev.meridian.config.RegionConfig;
import dev.meridian.failover.FailoverAction;
import dev.meridian.failover.FailoverMachine;
import dev.meridian.failover.FailoverOperation;
import dev.meridian.failover.FailoverOutcome;
import dev.meridian.node.cluster.MetadataService;
import dev.meridian.node.controller.ControllerRequest;
import dev.meridian.node.controller.ItemResult;
import dev.meridian.node.metadata.MetadataImage;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the failover operations of the links into this region. An operation lives in the region's
 * metadata ({@link dev.meridian.node.metadata.MetadataRecord.Operation}); the region's controller
 * drives every running one: it performs the action of the operation's state ({@link
 * FailoverActions}), advances it ({@link FailoverMachine}) and records each new state through the
 * controller before the next action, as a compare-and-set on the operation's steps. A controller
 * that dies midway leaves the operation in its last recorded state; the next controller performs
 * that state's (idempotent) action again and goes on, or rolls back where the machine says so.
 */
public final class FailoverService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FailoverService.class);

  private static final long RETRY_MS = 100;

  private final MeridianConfig config;
  private final RegionConfig region;
  private final MetadataService metadata;
  private final FailoverMachine machine;
  private final FailoverActions actions;
  private final DrillService drills;

  /** Operations with a step running or scheduled here: one chain of steps per operation. */
  private final Set<String> active = ConcurrentHashMap.newKeySet();

  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "meridian-failover");
            t.setDaemon(true);
            return t;
          });
  private volatile boolean closed;

  /** Why an operation cannot start: the HTTP status it maps to and the reason. */
  public static final class Refused extends RuntimeException {
    private final int status;

    Refused(int status, String message) {
      super(message);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  public FailoverService(
      MeridianConfig config,
      RegionConfig region,
      MetadataService metadata,
      java.util.function.Supplier<String> localBootstrap) {
    this.config = config;
    this.region = region;
    this.metadata = metadata;
    this.machine =
        new FailoverMachine(
            config.broker().failoverDrainTimeoutMs(), config.broker().failoverStateTimeoutMs());
    this.actions =
        new FailoverActions(config, metadata, localBootstrap, new SourceControlPlane(config));
    this.drills = new DrillService(config, metadata, this, localBootstrap);
  }

  /** The drills of the links into this region. */
  public DrillService drills() {
    return drills;
  }

  /**
   * The link {@code link} into this region.
   *
   * @throws Refused (404) when this region has no such link
   */
  LinkConfig intoThisRegion(MetadataImage image, String link) {
    return linkConfig(config, image, link)
        .filter(c -> region.name().equals(c.target()))
        .orElseThrow(() -> new Refused(404, "no link '" + link + "' into region " + region.name()));
  }

  /** A link by name: the config file's, else one created at run time. */
  static Optional<LinkConfig> linkConfig(MeridianConfig config, MetadataImage image, String name) {
    Optional<LinkConfig> file =
        config.links().stream().filter(l -> l.name().equals(name)).findFirst();
    return file.isPresent() ? file : Optional.ofNullable(image.links().get(name));
  }

  /**
   * Starts a failover of link {@code link}; completes with the operation as recorded.
   *
   * @throws Refused (directly) when the link is unknown, not a mirror link into this region, or its
   *     source cannot be fenced for a planned failover
   */
  public CompletableFuture<FailoverOperation> start(
      String link, FailoverOperation.Type type, boolean reverse) {
    MetadataImage image = metadata.image();
    LinkConfig l = intoThisRegion(image, link);
    if (!LinkConfig.MIRROR.equals(l.mode())) {
      throw new Refused(
          409, "link " + link + " is in " + l.mode() + " mode: only mirror links fail over");
    }
    if (reverse && type == FailoverOperation.Type.UNPLANNED) {
      throw new Refused(
          400,
          "\"reverse\": true needs a planned failover: an unplanned one's source is gone (fail"
              + " back when it returns)");
    }
    if (type == FailoverOperation.Type.PLANNED) {
      String why = SourceControlPlane.unfenceable(config, l);
      if (why != null) {
        throw new Refused(409, why);
      }
    }
    image
        .runningOperation(link)
        .ifPresent(
            o -> {
              throw new Refused(
                  409,
                  "link " + link + " has an operation running: " + o.id() + " (" + o.state() + ")");
            });
    return begin(
        FailoverOperation.start(
            UUID.randomUUID().toString(), link, type, reverse, System.currentTimeMillis()));
  }

  /**
   * Starts a failback of link {@code link}, whose last operation was a completed failover without a
   * reverse link; completes with the operation as recorded.
   *
   * @throws Refused (directly) when the link is unknown, its source cannot be reached, or it has
   *     nothing to fail back
   */
  public CompletableFuture<FailoverOperation> failback(String link) {
    MetadataImage image = metadata.image();
    LinkConfig l = intoThisRegion(image, link);
    String why = SourceControlPlane.unfenceable(config, l);
    if (why != null) {
      throw new Refused(409, why);
    }
    FailoverOperation last =
        image.operations().values().stream()
            .filter(o -> o.link().equals(link))
            .max(java.util.Comparator.comparingLong(FailoverOperation::startedMs))
            .orElseThrow(() -> new Refused(409, "link " + link + " was not failed over"));
    if (!last.state().terminal()) {
      throw new Refused(
          409,
          "link " + link + " has an operation running: " + last.id() + " (" + last.state() + ")");
    }
    if (last.type() == FailoverOperation.Type.FAILBACK
        && last.state() == FailoverOperation.State.COMPLETED) {
      throw new Refused(
          409,
          "link " + link + " was failed back already (" + last.id() + "): its reverse link runs");
    }
    if (last.state() != FailoverOperation.State.COMPLETED
        && last.type() != FailoverOperation.Type.FAILBACK) {
      throw new Refused(
          409,
          "the last failover of link "
              + link
              + " ("
              + last.id()
              + ") ended "
              + last.state()
              + ": nothing was promoted to fail back from");
    }
    if (last.reverse() && last.type() != FailoverOperation.Type.FAILBACK) {
      throw new Refused(
          409,
          "the last failover of link "
              + link
              + " ("
              + last.id()
              + ") started the reverse link"
              + " already: fail back with that link's planned failover");
    }
    return begin(
        FailoverOperation.startFailback(
            UUID.randomUUID().toString(), link, last.promoted(), System.currentTimeMillis()));
  }

  private CompletableFuture<FailoverOperation> begin(FailoverOperation op) {
    String link = op.link();
    FailoverOperation.Type type = op.type();
    return metadata
        .submit(new ControllerRequest.PutOperation(op, -1))
        .thenApply(
            r -> {
              ItemResult item = r.get(0);
              if (!item.ok()) {
                throw new Refused(
                    item.error() == Errors.INVALID_REQUEST ? 409 : 503, item.message());
              }
              LOG.warn("link {}: {} failover {} started", link, type, op.id());
              if (active.add(op.id())) {
                thread.execute(() -> drive(op.id()));
              }
              return op;
            });
  }

  /** The operation of id {@code id}. */
  public Optional<FailoverOperation> operation(String id) {
    return Optional.ofNullable(metadata.image().operations().get(id));
  }

  /** Every operation, the newest first. */
  public List<FailoverOperation> operations() {
    return metadata.image().operations().values().stream()
        .sorted((a, b) -> Long.compare(b.startedMs(), a.startedMs()))
        .toList();
  }

  /** The image changed: on the controller, every running operation is driven. */
  public void imageChanged(MetadataImage image) {
    if (closed || !metadata.isController()) {
      return;
    }
    for (FailoverOperation op : image.operations().values()) {
      if (!op.state().terminal() && active.add(op.id())) {
        thread.execute(() -> drive(op.id()));
      }
    }
  }

  /**
   * Takes one step of an operation and schedules the next, until it ends or this node is no longer
   * the controller (the next controller's image change starts a chain there).
   */
  private void drive(String id) {
    boolean again = !closed && step(id);
    if (again && !closed) {
      thread.schedule(() -> drive(id), RETRY_MS, TimeUnit.MILLISECONDS);
    } else {
      active.remove(id);
    }
  }

  /** One step of operation {@code id}; whether another should follow. */
  private boolean step(String id) {
    boolean again = false;
    try {
      FailoverOperation op = metadata.image().operations().get(id);
      if (op == null || op.state().terminal() || !metadata.isController()) {
        return false;
      }
      FailoverAction action = machine.action(op);
      FailoverOutcome outcome = actions.perform(action, op);
      FailoverOperation next = machine.advance(op, outcome, System.currentTimeMillis());
      if (!next.equals(op)) {
        ItemResult r =
            metadata
                .submit(new ControllerRequest.PutOperation(next, op.history().size()))
                .get(10, TimeUnit.SECONDS)
                .get(0);
        if (!r.ok()) {
          LOG.warn("failover {}: step {} not recorded: {}", id, next.state(), r.message());
          again =
              r.error() != Errors.INVALID_UPDATE_VERSION && r.error() != Errors.RESOURCE_NOT_FOUND;
        } else {
          log(op, next);
          awaitRecorded(next); // the next step reads it back from the image
          again = !next.state().terminal();
        }
      } else {
        again = true; // waiting (the drain) or retrying
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      LOG.warn("failover {}: {}", id, e.toString());
      again = true;
    }
    return again;
  }

  /** Waits (bounded) until this node's image holds {@code op} as recorded. */
  private void awaitRecorded(FailoverOperation op) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (!op.equals(metadata.image().operations().get(op.id()))
        && System.currentTimeMillis() < deadline) {
      Thread.sleep(5); // the commit is done; its publication on this node follows within ms
    }
  }

  private static void log(FailoverOperation before, FailoverOperation after) {
    if (before.state() == after.state()) {
      return;
    }
    String note = after.history().get(after.history().size() - 1).note();
    LOG.warn(
        "failover {} of link {}: {} -> {}{}",
        after.id(),
        after.link(),
        before.state(),
        after.state(),
        note == null ? "" : " (" + note + ")");
  }

  @Override
  public void close() {
    closed = true;
    drills.close();
    thread.shutdownNow();
  }
}
