package dev.meridian.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
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
                        new NodeConfig(2, "host-a", 0, 0, "n2", 5701, null),
                        new NodeConfig(3, "host-a", 0, 8080, "n3", 5702, null),
                        node(4, "host-b", 9092, 8080),
                        new NodeConfig(5, "host-b", 9093, 8081, "n5", 19092, null),
                        new NodeConfig(6, "HOST-A", 9094, 8082, "n6", 5701, null)))),
            null);

    assertEquals(
        List.of(
            "regions[0].nodes[0].httpPort: Host-A:9092 is already used by"
                + " regions[0].nodes[0].kafkaPort",
            "regions[0].nodes[4].clusterPort: host-b:19092 is already used by"
                + " regions[0].nodes[3].clusterPort",
            "regions[0].nodes[5].clusterPort: HOST-A:5701 is already used by"
                + " regions[0].nodes[1].clusterPort"),
        problems(config));
  }

  @Test
  void fieldRanges() {
    MeridianConfig config =
        new MeridianConfig(
            List.of(
                new RegionConfig(
                    "-east",
                    List.of(
                        new NodeConfig(-1, "a b", -1, 65536, null),
                        new NodeConfig(2, "b", 1, 2, "d", -1, "x\ty"),
                        new NodeConfig(3, "b", 3, 4, "d", 65536, ""))),
                new RegionConfig(null, null)),
            new TopicDefaults(-1, (short) 0, -2, -2, 0, 0, null, 0, 0, true, 0, -1, -1),
            new BrokerSettings(0, -1, 0, 0, 0, (short) -2, 1, 99, 0, 0, 0, 0));

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
            "regions[0].nodes[1].clusterPort: -1 is not a port",
            "regions[0].nodes[1].rack: 'x\ty' is not a valid rack"
                + " (contains whitespace or control characters)",
            "regions[0].nodes[2].clusterPort: 65536 is not a port",
            "regions[0].nodes[2].rack: must not be empty",
            "regions[1].name: missing",
            "regions[1].nodes: a region needs at least one node",
            "topicDefaults.partitions: -1 must be at least 1",
            "topicDefaults.replicationFactor: 0 must be -1 (min(3, nodes of the region))"
                + " or at least 1",
            "topicDefaults.retentionMs: -2 must be at least -1 (-1 means unlimited)",
            "topicDefaults.retentionBytes: -2 must be at least -1 (-1 means unlimited)",
            "topicDefaults.segmentBytes: 0 must be at least 1",
            "topicDefaults.segmentMs: 0 must be at least 1",
            "topicDefaults.cleanupPolicy: missing",
            "topicDefaults.maxMessageBytes: 0 must be at least 1",
            "topicDefaults.minInsyncReplicas: 0 must be at least 1",
            "topicDefaults.flushMessages: 0 must be at least 1",
            "topicDefaults.flushMs: -1 must be at least 0",
            "topicDefaults.deleteRetentionMs: -1 must be at least 0",
            "broker.retentionCheckIntervalMs: 0 must be at least 1",
            "broker.groupInitialRebalanceDelayMs: -1 must be at least 0",
            "broker.offsetsRetentionMinutes: 0 must be at least 1",
            "broker.offsetsRetentionCheckIntervalMs: 0 must be at least 1",
            "broker.offsetsTopicPartitions: 0 must be at least 1",
            "broker.offsetsTopicReplicationFactor: -2 must be -1 (min(3, nodes of the region))"
                + " or at least 1",
            "broker.lagIntervals: 1 must be at least 2",
            "broker.lagSampleMs: 99 must be at least 100",
            "broker.memberHeartbeatSeconds: 0 must be at least 1",
            "broker.memberFailureSeconds: 0 must be at least 1",
            "broker.memberMergeDelaySeconds: 0 must be at least 1",
            "broker.controllerRequestTimeoutMs: 0 must be at least 1"),
        problems(config));
  }

  @Test
  void brokerUpperBoundsAndFailureAfterHeartbeat() {
    MeridianConfig config =
        new MeridianConfig(
            List.of(new RegionConfig("east", List.of(node(1, "a", 1, 2)))),
            null,
            new BrokerSettings(1, 0, 1, 1, 10_001, (short) 2, 1001, 100, 5, 4, 1, 1));

    assertEquals(
        List.of(
            "broker.offsetsTopicPartitions: 10001 must be at most 10000",
            "broker.offsetsTopicReplicationFactor: 2 is more than the 1 node of region 'east'",
            "broker.lagIntervals: 1001 must be at most 1000",
            "broker.memberFailureSeconds: 4 must be greater than memberHeartbeatSeconds (5)"),
        problems(config));
  }

  @Test
  void brokerBoundsAreInclusive() {
    MeridianConfig config =
        new MeridianConfig(
            List.of(new RegionConfig("east", List.of(node(1, "a", 1, 2), node(2, "a", 3, 4)))),
            null,
            new BrokerSettings(1, 0, 1, 1, 10_000, (short) 2, 1000, 100, 1, 2, 1, 1));

    assertEquals(List.of(), problems(config));
    assertEquals(
        List.of(),
        problems(
            new MeridianConfig(
                config.regions(),
                null,
                new BrokerSettings(1, 0, 1, 1, 1, (short) 1, 2, 100, 1, 2, 1, 1))));
  }

  @Test
  void derivedClusterPortMustBeAPort() {
    MeridianConfig config =
        new MeridianConfig(
            List.of(
                new RegionConfig(
                    "east",
                    List.of(
                        node(1, "a", 55_534, 2),
                        node(2, "a", 55_536, 3),
                        node(3, "a", 65_535, 4),
                        node(4, "a", 70_000, 5),
                        node(5, "a", -1, 6),
                        node(6, "a", Integer.MAX_VALUE, 7)))),
            null);

    assertEquals(65_534, config.node(1).orElseThrow().clusterPort());
    assertEquals(Integer.MAX_VALUE, config.node(6).orElseThrow().clusterPort());
    assertEquals(
        List.of(
            "regions[0].nodes[1].clusterPort: 65536 (kafkaPort + 10000) is not a port;"
                + " set clusterPort",
            "regions[0].nodes[2].clusterPort: 75535 (kafkaPort + 10000) is not a port;"
                + " set clusterPort",
            "regions[0].nodes[3].kafkaPort: 70000 is not a port",
            "regions[0].nodes[4].kafkaPort: -1 is not a port",
            "regions[0].nodes[5].kafkaPort: 2147483647 is not a port"),
        problems(config));
  }

  @Test
  void ephemeralClusterPortOnlyInARegionOfOneNode() {
    NodeConfig ephemeral = new NodeConfig(1, "a", 0, 0, "d");
    assertEquals(0, ephemeral.clusterPort());

    assertEquals(
        List.of(),
        problems(new MeridianConfig(List.of(new RegionConfig("east", List.of(ephemeral))), null)));
    assertEquals(
        List.of(
            "regions[0].nodes[0].clusterPort: 0 (ephemeral) cannot be used in a region of"
                + " several nodes: the nodes find each other by these ports"),
        problems(
            new MeridianConfig(
                List.of(
                    new RegionConfig(
                        "east", List.of(ephemeral, new NodeConfig(2, "a", 0, 0, "d", 5701, null)))),
                null)));
  }

  @Test
  void racksAreOptional() {
    MeridianConfig config =
        new MeridianConfig(
            List.of(
                new RegionConfig(
                    "east",
                    List.of(
                        new NodeConfig(1, "a", 1, 2, "d", 3, "eu-west-1a"),
                        new NodeConfig(2, "a", 4, 5, "d", 6, null)))),
            null);

    assertEquals(List.of(), problems(config));
  }

  @Test
  void replicationFactorMinusOneMeansUpToThreeNodesOfTheRegion() {
    List<RegionConfig> regions =
        List.of(
            new RegionConfig("east", List.of(node(1, "a", 1, 2), node(2, "a", 3, 4))),
            new RegionConfig(
                "west",
                List.of(
                    node(3, "b", 1, 2),
                    node(4, "b", 3, 4),
                    node(5, "b", 5, 6),
                    node(6, "b", 7, 8))));
    TopicDefaults isr2 =
        new TopicDefaults(1, (short) -1, -1, -1, 1, 1, "delete", 1, 2, true, 1, 0, 0);
    TopicDefaults isr3 =
        new TopicDefaults(1, (short) -1, -1, -1, 1, 1, "delete", 1, 3, true, 1, 0, 0);

    assertEquals(List.of(), problems(new MeridianConfig(regions, isr2)));
    assertEquals(
        List.of(
            "topicDefaults.minInsyncReplicas: 3 is more than replicationFactor -1, which is 2"
                + " in region 'east' (every acks=all produce would fail)"),
        problems(new MeridianConfig(regions, isr3)));
    assertEquals(List.of(), problems(new MeridianConfig(List.of(regions.get(1)), isr3)));
  }

  @Test
  void effectiveReplicationFactors() {
    TopicDefaults d = TopicDefaults.DEFAULTS;
    assertEquals(1, d.effectiveReplicationFactor(1));
    assertEquals(2, d.effectiveReplicationFactor(2));
    assertEquals(3, d.effectiveReplicationFactor(3));
    assertEquals(3, d.effectiveReplicationFactor(7));
    TopicDefaults two =
        new TopicDefaults(1, (short) 2, -1, -1, 1, 1, "delete", 1, 1, true, 1, 0, 0);
    assertEquals(2, two.effectiveReplicationFactor(7));

    BrokerSettings b = BrokerSettings.DEFAULTS;
    assertEquals(1, b.effectiveOffsetsTopicReplicationFactor(1));
    assertEquals(3, b.effectiveOffsetsTopicReplicationFactor(5));
    BrokerSettings one = new BrokerSettings(1, 0, 1, 1, 1, (short) 1, 2, 100, 1, 2, 1, 1);
    assertEquals(1, one.effectiveOffsetsTopicReplicationFactor(5));
  }

  @Test
  void majorityOfTheConfiguredNodes() {
    List<NodeConfig> nodes = new ArrayList<>();
    int[] expected = {1, 2, 2, 3, 3, 4};
    for (int size = 1; size <= expected.length; size++) {
      nodes.add(node(size, "a", 2 * size, 2 * size + 1));
      assertEquals(expected[size - 1], new RegionConfig("east", nodes).majority(), "size " + size);
    }
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
