package dev.meridian.node;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/** Region config files for tests: loopback nodes on ephemeral ports. */
final class TestConfigs {

  private TestConfigs() {}

  /**
   * Writes a config with one region {@code east} of {@code nodes} nodes (ids 1..n, data dirs {@code
   * east-<id>}), all on 127.0.0.1 with port 0 for Kafka and HTTP, and a free port for each node's
   * cluster membership (several nodes find each other by those).
   */
  static Path writeEphemeral(Path dir, int nodes) throws IOException {
    StringBuilder yaml = new StringBuilder("regions:\n  - name: east\n    nodes:\n");
    for (int id = 1; id <= nodes; id++) {
      yaml.append("      - id: ")
          .append(id)
          .append("\n        host: 127.0.0.1\n        kafkaPort: 0\n        httpPort: 0\n")
          .append("        clusterPort: ")
          .append(freePort())
          .append('\n')
          .append("        dataDir: east-")
          .append(id)
          .append('\n');
    }
    yaml.append("topicDefaults:\n  partitions: 1\n");
    return write(dir.resolve("meridian.yaml"), yaml.toString());
  }

  /** A TCP port that was free on 127.0.0.1 a moment ago. */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static Path write(Path file, String yaml) throws IOException {
    Files.createDirectories(file.getParent());
    return Files.writeString(file, yaml);
  }
}
