package dev.meridian.node;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Halting this node on request, as a region-loss drill does to every node of its source region. The
 * node records in {@code halt.json} of its data directory until when it is to stay down, then halts
 * its JVM at once ({@link Runtime#halt}: no shutdown hooks, no clean close, no flush beyond what
 * the kernel already has: the crash a kill -9 is). Whatever restarts it (systemd, Kubernetes,
 * {@code ops/meridian up}, an operator) starts a node that first waits out the rest of the outage
 * ({@link #holdIfHalted}), so the region stays lost for as long as the drill asked. Allowed only
 * with {@code controlPlane.allowHalt: true}.
 */
public final class NodeHalt {
  /** The exit status of a halted node ({@code EX_TEMPFAIL}: restart it). */
  public static final int EXIT_CODE = 75;

  /** The longest outage a request may ask for: one hour. */
  public static final long MAX_DOWN_MS = 3_600_000;

  static final String FILE = "halt.json";
  private static final Logger LOG = LoggerFactory.getLogger(NodeHalt.class);

  private final Path dataDir;
  private final boolean allowed;
  private final Runnable halter;

  /**
   * @param dataDir the node's data directory
   * @param allowed {@code controlPlane.allowHalt}
   * @param halter ends the process ({@code Runtime.getRuntime().halt(EXIT_CODE)} in a node)
   */
  public NodeHalt(Path dataDir, boolean allowed, Runnable halter) {
    this.dataDir = dataDir;
    this.allowed = allowed;
    this.halter = halter;
  }

  /** A halt of the running JVM. */
  public static NodeHalt ofProcess(Path dataDir, boolean allowed) {
    return new NodeHalt(dataDir, allowed, () -> Runtime.getRuntime().halt(EXIT_CODE));
  }

  /** Whether the config allows halting this node. */
  public boolean allowed() {
    return allowed;
  }

  /**
   * Records (durably) that the node is to stay down until {@code untilMs}; blocking.
   *
   * @throws IOException when the file cannot be written: the node must not halt then
   */
  public void record(long untilMs, String reason) throws IOException {
    byte[] json =
        new JsonObject()
            .put("untilMs", untilMs)
            .put("reason", reason)
            .encodePrettily()
            .getBytes(StandardCharsets.UTF_8);
    dev.meridian.node.storage.IndexFiles.writeAtomically(
        dataDir.resolve(FILE), java.nio.ByteBuffer.wrap(json), true);
  }

  /** Halts the process now. */
  public void halt(String reason) {
    LOG.warn("halting this node now ({}): exit status {}", reason, EXIT_CODE);
    halter.run();
  }

  /**
   * At start: when a halt recorded an outage not over yet, waits until it is; then removes the
   * record. Blocking (the node's main thread, before anything starts).
   *
   * @return how long it waited, in ms
   */
  public static long holdIfHalted(Path dataDir, LongSupplier clock)
      throws IOException, InterruptedException {
    Path file = dataDir.resolve(FILE);
    if (!Files.exists(file)) {
      return 0;
    }
    long until;
    String reason;
    try {
      JsonObject record = new JsonObject(Files.readString(file));
      until = record.getLong("untilMs", 0L);
      reason = record.getString("reason", "");
    } catch (RuntimeException e) {
      LOG.warn("{}: unreadable ({}); starting now", file, e.getMessage());
      Files.deleteIfExists(file);
      return 0;
    }
    long now = clock.getAsLong();
    long wait = Math.min(Math.max(0, until - now), MAX_DOWN_MS);
    if (wait > 0) {
      LOG.warn("this node was halted ({}): staying down {} ms more, as asked", reason, wait);
      Thread.sleep(wait); // the outage's rest: nothing of the node runs yet
    }
    Files.deleteIfExists(file);
    return wait;
  }
}
