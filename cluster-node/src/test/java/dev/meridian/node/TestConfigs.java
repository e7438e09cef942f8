package dev.meridian.node;

import dev.meridian.testsupport.RegionYaml;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Region config files for tests (built with test-support's {@link RegionYaml}). */
final class TestConfigs {

  private TestConfigs() {}

  /**
   * Writes a config with one region {@code east} of {@code nodes} nodes (ids 1..n, data dirs {@code
   * east-<id>}) on 127.0.0.1 with ephemeral Kafka and HTTP ports and, for several nodes, free
   * cluster ports.
   */
  static Path writeEphemeral(Path dir, int nodes) {
    RegionYaml yaml = RegionYaml.of("east", nodes).topicDefault("partitions", 1);
    for (RegionYaml.Node n : yaml.nodes()) {
      yaml.kafkaPort(n.id(), 0);
    }
    return yaml.write(dir.resolve("meridian.yaml"));
  }

  static Path write(Path file, String yaml) throws IOException {
    Files.createDirectories(file.getParent());
    return Files.writeString(file, yaml);
  }
}
