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

  @Override
  void close();
}
