package dev.meridian.node.link;

import dev.meridian.config.LinkConfig;
import io.vertx.core.json.JsonObject;

/** A link as one node of its target region runs it, whatever its mode. */
interface RunningLink extends AutoCloseable {
  LinkConfig config();

  void start();

  /** Reconciles soon (a leadership changed on this node). */
  void poke();

  void pause(boolean pause);

  /** The link as this node runs it: its state and the partitions it copies here. */
  JsonObject status();

  /**
   * A consumer group's positions in the source and, translated, in the target (see {@link
   * GroupOffsetSync#positions}); fails when the source cannot be asked.
   */
  java.util.concurrent.CompletableFuture<JsonObject> offsets(String group);

  @Override
  void close();
}
