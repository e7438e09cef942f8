package dev.meridian.testsupport;

/** A started Meridian node of a test region, in a child process or in the test JVM. */
public interface RunningNode extends AutoCloseable {
  /** The node id. */
  int nodeId();

  /** The bound Kafka listener port. */
  int kafkaPort();

  /** The bound control-plane port. */
  int httpPort();

  /** Whether the node is a live, registered member of its region (health {@code UP}). */
  boolean isUp();

  /** {@code 127.0.0.1:<kafkaPort>}. */
  default String bootstrap() {
    return "127.0.0.1:" + kafkaPort();
  }

  /** Stops the node gracefully. */
  @Override
  void close();
}
