package dev.meridian.node.link;

import dev.meridian.config.LinkConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What every link, whatever its mode, knows of its source: the {@link SourceCluster} (made on first
 * use), its last snapshot of topics and leaders, taken through the link's circuit breaker, when the
 * source last answered and the last error — and from that the link's state and the common part of
 * its status. Used from the link's own thread (volatile fields are read by status calls).
 */
final class SourceView implements AutoCloseable {

  /** Link states. */
  enum State {
    RUNNING,
    PAUSED,
    DEGRADED,
    FAILED
  }

  /** Work a refresh does with a fresh snapshot while the breaker still times the call. */
  @FunctionalInterface
  interface WithSnapshot {
    void accept(SourceCluster source, SourceCluster.Snapshot snapshot) throws Exception;
  }

  private final LinkConfig config;
  private final String bootstrap;
  private final CircuitBreaker breaker;
  private final long createdMs = System.currentTimeMillis();
  private SourceCluster source;
  private volatile SourceCluster.Snapshot snapshot = new SourceCluster.Snapshot(Map.of(), Map.of());
  private volatile String lastError;
  private volatile long lastContactMs;

  SourceView(LinkConfig config, String bootstrap) {
    this.config = config;
    this.bootstrap = bootstrap;
    this.breaker = LinkGuards.breaker(config.name());
  }

  /** The link's single thread, named after it. */
  static ScheduledExecutorService thread(LinkConfig config) {
    return Executors.newSingleThreadScheduledExecutor(
        r -> {
          Thread t = new Thread(r, "meridian-link-" + config.name());
          t.setDaemon(true);
          return t;
        });
  }

  CircuitBreaker breaker() {
    return breaker;
  }

  SourceCluster.Snapshot snapshot() {
    return snapshot;
  }

  /** The source, or null before the first refresh. */
  SourceCluster source() {
    return source;
  }

  /** The source answered (data arrived). */
  void contact() {
    lastContactMs = System.currentTimeMillis();
  }

  /** Records an error outside a refresh (shown until the next refresh succeeds). */
  void error(Exception e) {
    lastError = e.toString();
  }

  /**
   * Reads the source's selected topics and leaders, then runs {@code then}, all through the circuit
   * breaker (nothing while it is open). Blocking.
   */
  void refresh(WithSnapshot then) throws Exception {
    if (!breaker.tryAcquirePermission()) {
      return;
    }
    long t0 = System.nanoTime();
    try {
      if (source == null) {
        source = new SourceCluster(config.name(), bootstrap, config.source().properties());
      }
      SourceCluster.Snapshot s = source.describe(config.topics());
      snapshot = s;
      contact();
      then.accept(source, s);
      breaker.onSuccess(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
      lastError = null;
    } catch (Exception e) {
      breaker.onError(System.nanoTime() - t0, TimeUnit.NANOSECONDS, e);
      throw e;
    }
  }

  /** RUNNING, PAUSED, DEGRADED (the source fails), FAILED (unreachable for a long time). */
  State state(boolean paused) {
    if (paused) {
      return State.PAUSED;
    }
    long since = lastContactMs > 0 ? lastContactMs : createdMs;
    if (breaker.getState() == CircuitBreaker.State.OPEN || lastError != null) {
      return System.currentTimeMillis() - since >= LinkRunner.FAILED_AFTER_MS
          ? State.FAILED
          : State.DEGRADED;
    }
    return State.RUNNING;
  }

  /** The part of a link's status every mode has. */
  JsonObject status(boolean paused, List<String> conflictingTopics) {
    State state = state(paused);
    return new JsonObject()
        .put("name", config.name())
        .put("mode", config.mode())
        .put("source", config.source().describe())
        .put("target", config.target())
        .put("reverseOf", config.reverseOf())
        .put("state", state.name())
        .put(
            "reason",
            switch (state) {
              case PAUSED -> "paused by an operator";
              case DEGRADED, FAILED ->
                  lastError != null ? lastError : "circuit breaker " + breaker.getState();
              default -> null;
            })
        .put("circuitBreaker", breaker.getState().name())
        .put("lastError", lastError)
        .put("sourceTopics", new JsonArray(new ArrayList<>(snapshot.topics().keySet())))
        .put("conflictingTopics", new JsonArray(conflictingTopics));
  }

  /** The status block of a link's group offset sync. */
  static JsonObject groupSyncStatus(GroupOffsetSync sync) {
    return new JsonObject()
        .put("lastSyncMs", sync.lastSyncMs() < 0 ? null : sync.lastSyncMs())
        .put("groupsWritten", sync.lastGroups())
        .put("offsetsWritten", sync.offsetsWritten());
  }

  /** A group's positions ({@link GroupOffsetSync#positions}), asked on {@code thread}. */
  CompletableFuture<JsonObject> offsets(Executor thread, GroupOffsetSync sync, String group) {
    CompletableFuture<JsonObject> out = new CompletableFuture<>();
    thread.execute(
        () -> {
          try {
            if (source == null) {
              throw new IllegalStateException(
                  "link " + config.name() + " has not reached its source yet");
            }
            out.complete(sync.positions(source, group));
          } catch (Exception e) {
            out.completeExceptionally(e);
          }
        });
    return out;
  }

  @Override
  public void close() {
    if (source != null) {
      source.close();
    }
  }
}
