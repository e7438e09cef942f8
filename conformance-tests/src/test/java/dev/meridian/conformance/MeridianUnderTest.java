package dev.meridian.conformance;

import dev.meridian.config.ConfigLoader;
import dev.meridian.config.MeridianConfig;
import dev.meridian.node.MeridianNode;
import java.nio.file.Path;

/**
 * A real Meridian node in this JVM on 127.0.0.1 with ephemeral ports and its own data directory,
 * for black-box scenarios with real clients.
 */
final class MeridianUnderTest implements AutoCloseable {
  private final Path dataDir;
  private final String topicDefaults;
  private MeridianNode node;

  MeridianUnderTest(Path dataDir, String topicDefaultsYaml) {
    this.dataDir = dataDir;
    this.topicDefaults = topicDefaultsYaml;
  }

  MeridianUnderTest(Path dataDir) {
    this(dataDir, "  partitions: 1\n");
  }

  /** Starts (or restarts) the node on the same data directory. */
  MeridianUnderTest start() throws Exception {
    String yaml =
        "regions:\n  - name: east\n    nodes:\n      - id: 1\n        host: 127.0.0.1\n"
            + "        kafkaPort: 0\n        httpPort: 0\n        dataDir: east-1\n"
            + "topicDefaults:\n"
            + topicDefaults;
    MeridianConfig config = ConfigLoader.parse(yaml, "conformance.yaml");
    node = new MeridianNode(config, 1, dataDir);
    node.start();
    return this;
  }

  String bootstrap() {
    return "127.0.0.1:" + node.kafkaPort();
  }

  int httpPort() {
    return node.httpPort();
  }

  /**
   * The directory holding the partition logs ({@code <topic>-<partition>/}) of the running node.
   */
  Path logsDir() {
    return node.dataDir().resolve(MeridianNode.LOGS_DIR);
  }

  /** Graceful stop. */
  void stop() {
    if (node != null) {
      node.close();
      node = null;
    }
  }

  @Override
  public void close() {
    stop();
  }
}
