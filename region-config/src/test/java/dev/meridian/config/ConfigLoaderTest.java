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
        NODE.replace("dataDir: east-1", "dataDir: east-1\n        rack: a")
                .replace("- name: east", "- name: east\n    zone: z")
            + "topicDefaults:\n  retention.ms: 1\nmirrors: []\n";

    assertEquals(
        List.of(
            "regions[0].nodes[0].rack: unknown key",
            "regions[0].zone: unknown key",
            "topicDefaults.'retention.ms': unknown key",
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
        topicDefaults:
          autoCreateTopics: yes
          replicationFactor: 40000
          flushMs: 99999999999999999999
          cleanupPolicy: 1
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
            "regions[1].nodes[0].dataDir: a mapping is not a string",
            "topicDefaults.replicationFactor: 40000 is out of range (-32768..32767)",
            "topicDefaults.cleanupPolicy: 1 is not a string",
            "topicDefaults.autoCreateTopics: 'yes' is not a boolean (true or false)",
            "topicDefaults.flushMs: 99999999999999999999 is out of range"
                + " (-9223372036854775808..9223372036854775807)"),
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
  void kafkaDefaults() {
    TopicDefaults d = TopicDefaults.DEFAULTS;
    assertEquals(1, d.partitions());
    assertEquals(1, d.replicationFactor());
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
                        new NodeConfig(0, "true", 0, 0, "0x1F"),
                        new NodeConfig(7, "::1", 1, 2, "~"),
                        new NodeConfig(8, "no", 1, 2, "1e3")))),
            new TopicDefaults(12, (short) 1, -1, 5, 1, 1, "compact", 1, 1, false, 1, 0, 0));
    String yaml = ConfigLoader.toYaml(config);

    assertTrue(yaml.contains("name: \"123\""), yaml);
    assertTrue(yaml.contains("host: ::1"), yaml);
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
