package dev.meridian.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link MeridianConfig#validate()} on configurations built in code. */
class ValidateTest {

  private static NodeConfig node(int id, String host, int kafkaPort, int httpPort) {
    return new NodeConfig(id, host, kafkaPort, httpPort, "n" + id);
  }

  private static List<String> problems(MeridianConfig config) {
    return config.validate().stream().map(ConfigProblem::toString).toList();
  }

  @Test
  void validConfigHasNoProblems() {
    MeridianConfig config =
        new MeridianConfig(
            List.of(
                new RegionConfig(
                    "east", List.of(node(1, "a", 9092, 8080), node(2, "b", 9092, 8080))),
                new RegionConfig(
                    "west-2", List.of(node(3, "a", 9093, 8081), node(4, "b", 9093, 8081)))),
            new TopicDefaults(6, (short) 2, -1, -1, 1, 1, "compact", 1, 2, true, 1, 0, 0));

    assertEquals(List.of(), config.validate());
  }

  @Test
  void nodeIdsAreUniqueAcrossRegions() {
    MeridianConfig config =
        new MeridianConfig(
            List.of(
                new RegionConfig("east", List.of(node(1, "a", 1, 2))),
                new RegionConfig("west", List.of(node(1, "b", 1, 2)))),
            null);

    assertEquals(
        List.of("regions[1].nodes[0].id: duplicate node id 1 (also at regions[0].nodes[0].id)"),
        problems(config));
  }

  @Test
  void listenersAreUniquePerHostAndPortButEphemeralPortsMayRepeat() {
    MeridianConfig config =
        new MeridianConfig(
            List.of(
                new RegionConfig(
                    "east",
                    List.of(
                        node(1, "Host-A", 9092, 9092),
                        node(2, "host-a", 0, 0),
                        node(3, "host-a", 0, 8080),
                        node(4, "host-b", 9092, 8080)))),
            null);

    assertEquals(
        List.of(
            "regions[0].nodes[0].httpPort: Host-A:9092 is already used by"
                + " regions[0].nodes[0].kafkaPort"),
        problems(config));
  }

  @Test
  void fieldRanges() {
    MeridianConfig config =
        new MeridianConfig(
            List.of(
                new RegionConfig("-east", List.of(new NodeConfig(-1, "a b", -1, 65536, null))),
                new RegionConfig(null, null)),
            new TopicDefaults(-1, (short) 0, -2, -2, 0, 0, null, 0, 0, true, 0, -1, -1));

    assertEquals(
        List.of(
            "regions[0].name: '-east' is not a valid region name"
                + " (lowercase letters, digits and '-', not starting with '-')",
            "regions[0].nodes[0].id: -1 is not a valid node id (must be >= 0)",
            "regions[0].nodes[0].host: 'a b' is not a valid host"
                + " (contains whitespace or control characters)",
            "regions[0].nodes[0].kafkaPort: -1 is not a port",
            "regions[0].nodes[0].httpPort: 65536 is not a port",
            "regions[0].nodes[0].dataDir: missing",
            "regions[1].name: missing",
            "regions[1].nodes: a region needs at least one node",
            "topicDefaults.partitions: -1 must be at least 1",
            "topicDefaults.replicationFactor: 0 must be at least 1",
            "topicDefaults.retentionMs: -2 must be at least -1 (-1 means unlimited)",
            "topicDefaults.retentionBytes: -2 must be at least -1 (-1 means unlimited)",
            "topicDefaults.segmentBytes: 0 must be at least 1",
            "topicDefaults.segmentMs: 0 must be at least 1",
            "topicDefaults.cleanupPolicy: missing",
            "topicDefaults.maxMessageBytes: 0 must be at least 1",
            "topicDefaults.minInsyncReplicas: 0 must be at least 1",
            "topicDefaults.flushMessages: 0 must be at least 1",
            "topicDefaults.flushMs: -1 must be at least 0",
            "topicDefaults.deleteRetentionMs: -1 must be at least 0"),
        problems(config));
  }

  @Test
  void replicationSettingsMustFitTheSmallestRegion() {
    MeridianConfig config =
        new MeridianConfig(
            List.of(
                new RegionConfig("east", List.of(node(1, "a", 1, 2), node(2, "a", 3, 4))),
                new RegionConfig("west", List.of(node(3, "b", 1, 2)))),
            new TopicDefaults(1, (short) 2, -1, -1, 1, 1, "delete", 1, 3, true, 1, 0, 0));

    assertEquals(
        List.of(
            "topicDefaults.replicationFactor: 2 is more than the 1 node of region 'west'",
            "topicDefaults.minInsyncReplicas: 3 is more than replicationFactor 2"
                + " (every acks=all produce would fail)"),
        problems(config));
  }

  @Test
  void dataDirMustBeAPath() {
    MeridianConfig config =
        new MeridianConfig(
            List.of(new RegionConfig("east", List.of(new NodeConfig(1, "a", 1, 2, "")))), null);

    assertEquals(List.of("regions[0].nodes[0].dataDir: must not be empty"), problems(config));
  }
}
