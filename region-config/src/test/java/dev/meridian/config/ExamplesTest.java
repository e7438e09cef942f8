package dev.meridian.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The files in {@code examples/} (maven runs tests with the module directory as working dir). */
class ExamplesTest {

  private static final Path EXAMPLES = Path.of("examples");

  @Test
  void localHasEastMirroredIntoWest() throws ConfigException {
    MeridianConfig config = ConfigLoader.load(EXAMPLES.resolve("local.yaml"));

    NodeConfig node = new NodeConfig(1, "127.0.0.1", 9092, 8080, "east-1", 19092, null);
    NodeConfig west = new NodeConfig(101, "127.0.0.1", 9192, 8180, "west-1", 19192, null);
    assertEquals(
        new MeridianConfig(
            List.of(
                new RegionConfig("east", List.of(node)), new RegionConfig("west", List.of(west))),
            TopicDefaults.DEFAULTS,
            null,
            List.of(LinkConfig.mirror("east-to-west", LinkSource.region("east"), "west")),
            new ControlPlaneSettings(List.of(), true)),
        config);
    assertTrue(config.controlPlane().allowHalt(), "region-loss drills may halt east's node");
    assertEquals(Optional.of(node), config.node(1));
    assertEquals("east", config.regionOf(1).name());
    assertEquals(Path.of("/var/meridian/east-1"), node.dataPath(Path.of("/var/meridian")));
    assertEquals(List.of(), config.linksInto("east"));
    assertEquals("east-to-west", config.linksInto("west").get(0).name());
    LinkConfig link = config.links().get(0);
    assertTrue(link.topics().matches("orders"));
    assertTrue(!link.topics().matches("__consumer_offsets"));
    assertTrue(link.lz4());
  }

  @Test
  void threeNodesHasConsecutivePorts() throws ConfigException {
    MeridianConfig config = ConfigLoader.load(EXAMPLES.resolve("three-nodes.yaml"));

    assertEquals(1, config.regions().size());
    RegionConfig east = config.region("east").orElseThrow();
    assertEquals(
        List.of(
            new NodeConfig(1, "127.0.0.1", 9092, 8080, "east-1", 19092, null),
            new NodeConfig(2, "127.0.0.1", 9093, 8081, "east-2", 19093, null),
            new NodeConfig(3, "127.0.0.1", 9094, 8082, "east-3", 19094, null)),
        east.nodes());
    assertEquals(2, east.majority());
    assertEquals(3, config.topicDefaults().replicationFactor());
    assertEquals(2, config.topicDefaults().minInsyncReplicas());
    assertEquals(3, config.topicDefaults().partitions());
    assertEquals(BrokerSettings.DEFAULTS, config.broker());
  }

  @Test
  void twoRegionsHasEastAndWest() throws ConfigException {
    MeridianConfig config = ConfigLoader.load(EXAMPLES.resolve("two-regions.yaml"));

    assertEquals(
        List.of("east", "west"), config.regions().stream().map(RegionConfig::name).toList());
    NodeConfig west = config.region("west").orElseThrow().nodes().get(0);
    assertEquals(9192, west.kafkaPort());
    assertEquals(8180, west.httpPort());
    assertEquals(19192, west.clusterPort());
    assertEquals("west", config.regionOf(west.id()).name());
    assertEquals("east", config.regionOf(1).name());
    assertEquals(2, config.allNodes().size());
    assertEquals(Optional.empty(), config.node(2));
    assertEquals(Optional.empty(), config.region("north"));
    assertThrows(IllegalArgumentException.class, () -> config.regionOf(2));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "active-active.yaml",
        "local.yaml",
        "three-nodes.yaml",
        "two-regions.yaml",
        "two-regions-three-nodes.yaml"
      })
  void examplesAreValidAndRoundTrip(String file) throws ConfigException {
    MeridianConfig config = ConfigLoader.load(EXAMPLES.resolve(file));

    assertTrue(config.validate().isEmpty());
    assertEquals(config, ConfigLoader.parse(ConfigLoader.toYaml(config), file + " (written)"));
  }
}
