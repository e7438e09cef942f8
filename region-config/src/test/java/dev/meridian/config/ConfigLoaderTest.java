package dev.meridian.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  private static final String NODE =
      """
      regions:
        - name: east
          nodes:
            - id: 1
              host: 127.0.0.1
              kafkaPort: 9092
              httpPort: 8080
              dataDir: east-1
      """;

  private static List<String> problems(String yaml) {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "t"));
    return e.problems().stream().map(ConfigProblem::toString).toList();
  }

  @Test
  void reportsEveryProblemAtOnceInDocumentOrder() {
    String yaml =
        """
        regions:
          - name: East
            nodes:
              - id: 1
                host: 127.0.0.1
                kafkaPrt: 9092
                httpPort: 8080
                dataDir: east-1
              - id: 1
                host: 127.0.0.1
                kafkaPort: abc
                httpPort: 8080
                dataDir: east-2
              - id: 3
                host: 127.0.0.1
                kafkaPort: 70000
                httpPort: 8081
          - name: west
            nodes: []
          - name: west
            nodes:
              - id: -4
                host: ""
                kafkaPort: 9192
                httpPort: 8180
                dataDir: west-1
        topicDefaults:
          partitions: 0
          cleanupPolicy: archive
          replicationFactor: 2
          retentionMs: -2
        """;

    ConfigException e =
        assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "bad.yaml"));

    List<String> expected =
        List.of(
            "regions[0].name: 'East' is not a valid region name"
                + " (lowercase letters, digits and '-', not starting with '-')",
            "regions[0].nodes[0].kafkaPort: missing",
            "regions[0].nodes[0].kafkaPrt: unknown key",
            "regions[0].nodes[1].id: duplicate node id 1 (also at regions[0].nodes[0].id)",
            "regions[0].nodes[1].kafkaPort: 'abc' is not an integer",
            "regions[0].nodes[1].httpPort: 127.0.0.1:8080 is already used by"
                + " regions[0].nodes[0].httpPort",
            "regions[0].nodes[2].kafkaPort: 70000 is not a port",
            "regions[0].nodes[2].dataDir: missing",
            "regions[1].nodes: a region needs at least one node",
            "regions[2].name: duplicate region name 'west' (also at regions[1].name)",
            "regions[2].nodes[0].id: -4 is not a valid node id (must be >= 0)",
            "regions[2].nodes[0].host: must not be empty",
            "topicDefaults.partitions: 0 must be at least 1",
            "topicDefaults.replicationFactor: 2 is more than the 1 node of region 'west'",
            "topicDefaults.retentionMs: -2 must be at least -1 (-1 means unlimited)",
            "topicDefaults.cleanupPolicy: 'archive' is not a cleanup policy"
                + " (delete, compact or compact,delete)");
    assertEquals(expected, e.problems().stream().map(ConfigProblem::toString).toList());
    assertEquals("bad.yaml", e.sourceName());
    assertEquals("bad.yaml: 16 problems\n  " + String.join("\n  ", expected), e.getMessage());
    assertEquals(
        new ConfigProblem("regions[0].nodes[2].kafkaPort", "70000 is not a port"),
        e.problems().get(6));
  }

  @Test
  void unknownKeysAreErrorsAtEveryLevel() {
    String yaml =
        NODE.replace("dataDir: east-1", "dataDir: east-1\n        zone: a")
                .replace("- name: east", "- name: east\n    zone: z")
            + "topicDefaults:\n  retention.ms: 1\nbroker:\n  heartbeatSeconds: 1\nmirrors: []\n";

    assertEquals(
        List.of(
            "regions[0].nodes[0].zone: unknown key",
            "regions[0].zone: unknown key",
            "topicDefaults.'retention.ms': unknown key",
            "broker.heartbeatSeconds: unknown key",
            "mirrors: unknown key"),
        problems(yaml));
  }

  @Test
  void wrongTypesNameTheValue() {
    String yaml =
        """
        regions:
          - name: 7
            nodes:
              id: 1
          - name: west
            nodes:
              - id: "2"
                host: [a, b]
                kafkaPort: 9092.5
                httpPort: 3000000000
                dataDir: {a: b}
                clusterPort: "19092"
                rack: 5
        topicDefaults:
          autoCreateTopics: yes
          replicationFactor: 40000
          flushMs: 99999999999999999999
          cleanupPolicy: 1
        broker:
          offsetsTopicReplicationFactor: 40000
          lagSampleMs: 1.5
          memberHeartbeatSeconds: 3000000000
        """;

    assertEquals(
        List.of(
            "regions[0].name: 7 is not a string",
            "regions[0].nodes: a mapping is not a list",
            "regions[1].nodes[0].id: '2' is not an integer",
            "regions[1].nodes[0].host: a list is not a string",
            "regions[1].nodes[0].kafkaPort: 9092.5 is not an integer",
            "regions[1].nodes[0].httpPort: 3000000000 is out of range"
                + " (-2147483648..2147483647)",
            "regions[1].nodes[0].clusterPort: '19092' is not an integer",
            "regions[1].nodes[0].dataDir: a mapping is not a string",
            "regions[1].nodes[0].rack: 5 is not a string",
            "topicDefaults.replicationFactor: 40000 is out of range (-32768..32767)",
            "topicDefaults.cleanupPolicy: 1 is not a string",
            "topicDefaults.autoCreateTopics: 'yes' is not a boolean (true or false)",
            "topicDefaults.flushMs: 99999999999999999999 is out of range"
                + " (-9223372036854775808..9223372036854775807)",
            "broker.offsetsTopicReplicationFactor: 40000 is out of range (-32768..32767)",
            "broker.lagSampleMs: 1.5 is not an integer",
            "broker.memberHeartbeatSeconds: 3000000000 is out of range"
                + " (-2147483648..2147483647)"),
        problems(yaml));
  }

  @Test
  void missingRequiredKeys() {
    assertEquals(List.of("regions: missing"), problems("topicDefaults: {}\n"));
    assertEquals(List.of("regions: must list at least one region"), problems("regions: []\n"));
    assertEquals(
        List.of(
            "regions[0].name: missing",
            "regions[0].nodes: missing",
            "regions[1].nodes[0].id: missing",
            "regions[1].nodes[0].host: missing",
            "regions[1].nodes[0].kafkaPort: missing",
            "regions[1].nodes[0].httpPort: missing",
            "regions[1].nodes[0].dataDir: missing"),
        problems("regions:\n  - {}\n  - name: west\n    nodes:\n      - {}\n"));
  }

  @Test
  void documentThatIsNotAConfig() {
    assertEquals(
        List.of("(root): the document is empty (expected a mapping with 'regions')"),
        problems("# nothing\n"));
    assertEquals(List.of("(root): a list is not a mapping"), problems("- east\n"));
    assertEquals(List.of("regions[0]: 'east' is not a mapping"), problems("regions: [east]\n"));
  }

  @Test
  void syntaxErrorNamesLineAndColumn() {
    String yaml = "regions:\n  - name: east\n   nodes: []\n";

    assertEquals(
        List.of(
            "line 3, column 4: expected <block end>, but found '<block mapping start>'"
                + " (while parsing a block collection at line 2, column 3)"),
        problems(yaml));
  }

  @Test
  void duplicateKeyIsAnError() {
    List<String> problems = problems(NODE.replace("id: 1", "id: 1\n        id: 2"));

    assertEquals(1, problems.size());
    assertTrue(problems.get(0).startsWith("line 5, column "), problems.get(0));
    assertTrue(problems.get(0).endsWith(": duplicate key 'id'"), problems.get(0));
  }

  @Test
  void onlyOneDocument() {
    assertEquals(
        List.of("line 10, column 1: a second YAML document; only one is allowed"),
        problems(NODE + "---\nregions: []\n"));
  }

  @Test
  void aliasesAreRejected() {
    String yaml =
        """
        regions:
          - &east
            name: east
            nodes: [{id: 1, host: a, kafkaPort: 1, httpPort: 2, dataDir: d}]
          - *east
        """;

    assertEquals(
        List.of("line 5, column 5: alias *east is not supported; write the value out"),
        problems(yaml));
  }

  @Test
  void topicDefaultsAreOptional() throws ConfigException {
    assertEquals(TopicDefaults.DEFAULTS, ConfigLoader.parse(NODE, "t").topicDefaults());
    assertEquals(
        TopicDefaults.DEFAULTS, ConfigLoader.parse(NODE + "topicDefaults:\n", "t").topicDefaults());

    TopicDefaults some =
        ConfigLoader.parse(NODE + "topicDefaults:\n  cleanupPolicy: compact,delete\n", "t")
            .topicDefaults();
    assertEquals("compact,delete", some.cleanupPolicy());
    assertEquals(TopicDefaults.DEFAULTS.retentionMs(), some.retentionMs());
  }

  @Test
  void newNodeKeysAreOptional() throws ConfigException {
    NodeConfig node = ConfigLoader.parse(NODE, "t").node(1).orElseThrow();
    assertEquals(19092, node.clusterPort());
    assertEquals(null, node.rack());
    assertEquals(new NodeConfig(1, "127.0.0.1", 9092, 8080, "east-1"), node);

    NodeConfig set =
        ConfigLoader.parse(
                NODE.replace("dataDir: east-1", "dataDir: east-1\n        clusterPort: 5701")
                    .replace("id: 1", "id: 1\n        rack: eu-west-1a"),
                "t")
            .node(1)
            .orElseThrow();
    assertEquals(new NodeConfig(1, "127.0.0.1", 9092, 8080, "east-1", 5701, "eu-west-1a"), set);

    NodeConfig nulls =
        ConfigLoader.parse(
                NODE.replace(
                    "dataDir: east-1", "dataDir: east-1\n        clusterPort:\n        rack:"),
                "t")
            .node(1)
            .orElseThrow();
    assertEquals(node, nulls);
  }

  @Test
  void toYamlWritesEverySetting() {
    String yaml =
        ConfigLoader.toYaml(
            new MeridianConfig(
                List.of(new RegionConfig("east", List.of(new NodeConfig(1, "a", 9092, 8080, "d")))),
                null));

    assertTrue(
        yaml.contains("  clusterPort: 19092\n        dataDir: d\n        rack: null\n"), yaml);
    assertTrue(yaml.contains("  replicationFactor: -1\n"), yaml);
    assertTrue(yaml.contains("\nbroker:\n  retentionCheckIntervalMs: 300000\n"), yaml);
    assertTrue(yaml.contains("  controllerRequestTimeoutMs: 30000\n"), yaml);
    assertTrue(yaml.contains("  reassignmentThrottleBytesPerSecond: 0\n"), yaml);
    assertTrue(yaml.endsWith("  groupConsumerHeartbeatIntervalMs: 5000\n"), yaml);
  }

  @Test
  void clusterPortOfAnEphemeralKafkaPortIsEphemeral() throws ConfigException {
    NodeConfig node =
        ConfigLoader.parse(NODE.replace("kafkaPort: 9092", "kafkaPort: 0"), "t")
            .node(1)
            .orElseThrow();
    assertEquals(0, node.clusterPort());
  }

  @Test
  void clusterPortProblems() {
    String twoNodes =
        """
        regions:
          - name: east
            nodes:
              - id: 1
                host: a
                kafkaPort: 60000
                httpPort: 8080
                dataDir: d1
              - id: 2
                host: a
                kafkaPort: 0
                httpPort: 8081
                dataDir: d2
              - id: 3
                host: a
                kafkaPort: 9092
                httpPort: 8082
                clusterPort: 8080
                dataDir: d3
                rack: " "
              - id: 4
                host: a
                kafkaPort: 9093
                httpPort: 8083
                clusterPort: 19092
                dataDir: d4
                rack: ""
        """;

    assertEquals(
        List.of(
            "regions[0].nodes[0].clusterPort: 70000 (kafkaPort + 10000) is not a port;"
                + " set clusterPort",
            "regions[0].nodes[1].clusterPort: 0 (ephemeral) cannot be used in a region of"
                + " several nodes: the nodes find each other by these ports",
            "regions[0].nodes[2].clusterPort: a:8080 is already used by"
                + " regions[0].nodes[0].httpPort",
            "regions[0].nodes[2].rack: ' ' is not a valid rack"
                + " (contains whitespace or control characters)",
            "regions[0].nodes[3].rack: must not be empty"),
        problems(twoNodes));
  }

  @Test
  void clusterPortIsNotDerivedFromABadKafkaPort() {
    assertEquals(
        List.of("regions[0].nodes[0].kafkaPort: 'x' is not an integer"),
        problems(NODE.replace("kafkaPort: 9092", "kafkaPort: x")));
    assertEquals(
        List.of("regions[0].nodes[0].kafkaPort: 70000 is not a port"),
        problems(NODE.replace("kafkaPort: 9092", "kafkaPort: 70000")));
  }

  @Test
  void brokerSettingsAreOptional() throws ConfigException {
    assertEquals(BrokerSettings.DEFAULTS, ConfigLoader.parse(NODE, "t").broker());
    assertEquals(BrokerSettings.DEFAULTS, ConfigLoader.parse(NODE + "broker:\n", "t").broker());

    BrokerSettings some =
        ConfigLoader.parse(
                NODE + "broker:\n  memberFailureSeconds: 9\n  offsetsTopicReplicationFactor: 1\n",
                "t")
            .broker();
    assertEquals(9, some.memberFailureSeconds());
    assertEquals(1, some.offsetsTopicReplicationFactor());
    assertEquals(BrokerSettings.DEFAULTS.lagIntervals(), some.lagIntervals());
  }

  @Test
  void brokerProblemsNameTheKey() {
    assertEquals(
        List.of(
            "broker.offsetsTopicPartitions: 10001 must be at most 10000",
            "broker.offsetsTopicReplicationFactor: 2 is more than the 1 node of region 'east'",
            "broker.memberFailureSeconds: 1 must be greater than memberHeartbeatSeconds (1)"),
        problems(
            NODE
                + "broker:\n  memberFailureSeconds: 1\n  offsetsTopicPartitions: 10001\n"
                + "  offsetsTopicReplicationFactor: 2\n"));
    assertEquals(List.of("broker: 3 is not a mapping"), problems(NODE + "broker: 3\n"));
  }

  @Test
  void brokerDefaults() {
    BrokerSettings b = BrokerSettings.DEFAULTS;
    assertEquals(300_000L, b.retentionCheckIntervalMs());
    assertEquals(3_000, b.groupInitialRebalanceDelayMs());
    assertEquals(10_080L, b.offsetsRetentionMinutes());
    assertEquals(600_000L, b.offsetsRetentionCheckIntervalMs());
    assertEquals(10, b.offsetsTopicPartitions());
    assertEquals(-1, b.offsetsTopicReplicationFactor());
    assertEquals(10, b.lagIntervals());
    assertEquals(10_000L, b.lagSampleMs());
    assertEquals(1, b.memberHeartbeatSeconds());
    assertEquals(5, b.memberFailureSeconds());
    assertEquals(10, b.memberMergeDelaySeconds());
    assertEquals(30_000L, b.controllerRequestTimeoutMs());
  }

  @Test
  void kafkaDefaults() {
    TopicDefaults d = TopicDefaults.DEFAULTS;
    assertEquals(1, d.partitions());
    assertEquals(-1, d.replicationFactor());
    assertEquals(604_800_000L, d.retentionMs());
    assertEquals(-1L, d.retentionBytes());
    assertEquals(1_073_741_824L, d.segmentBytes());
    assertEquals(604_800_000L, d.segmentMs());
    assertEquals("delete", d.cleanupPolicy());
    assertEquals(1_048_588, d.maxMessageBytes());
    assertEquals(1, d.minInsyncReplicas());
    assertTrue(d.autoCreateTopics());
    assertEquals(Long.MAX_VALUE, d.flushMessages());
    assertEquals(Long.MAX_VALUE, d.flushMs());
    assertEquals(86_400_000L, d.deleteRetentionMs());
  }

  @Test
  void roundTripKeepsStringsThatLookLikeOtherTypes() throws ConfigException {
    MeridianConfig config =
        new MeridianConfig(
            List.of(
                new RegionConfig(
                    "123",
                    List.of(
                        new NodeConfig(0, "true", 0, 0, "0x1F", 3, "null"),
                        new NodeConfig(7, "::1", 1, 2, "~", 4, "~"),
                        new NodeConfig(8, "no", 1, 2, "1e3", 5, null)))),
            new TopicDefaults(12, (short) 1, -1, 5, 1, 1, "compact", 1, 1, false, 1, 0, 0));
    String yaml = ConfigLoader.toYaml(config);

    assertTrue(yaml.contains("name: \"123\""), yaml);
    assertTrue(yaml.contains("host: ::1"), yaml);
    assertTrue(yaml.contains("rack: \"null\""), yaml);
    assertTrue(yaml.contains("rack: null"), yaml);
    assertEquals(config, ConfigLoader.parse(yaml, "written"));
  }

  @Test
  void loadReportsUnreadableFiles(@TempDir Path dir) throws IOException {
    Path missing = dir.resolve("missing.yaml");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(missing));
    assertEquals(List.of(new ConfigProblem("(file)", "no such file")), e.problems());
    assertEquals(missing.toString(), e.sourceName());

    Path latin1 = dir.resolve("latin1.yaml");
    Files.write(latin1, NODE.replace("east-1", "d\u00e9").getBytes(StandardCharsets.ISO_8859_1));
    e = assertThrows(ConfigException.class, () -> ConfigLoader.load(latin1));
    assertEquals(List.of(new ConfigProblem("(file)", "not valid UTF-8")), e.problems());
  }

  @Test
  void messageWithOneProblem() {
    ConfigException e =
        assertThrows(ConfigException.class, () -> ConfigLoader.parse("regions: []\n", "a.yaml"));
    assertEquals("a.yaml: 1 problem\n  regions: must list at least one region", e.getMessage());
  }
}
