package dev.meridian.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code links} section: reading, defaults, path-precise problems, cycles. */
class LinkConfigTest {

  private static final String REGIONS =
      """
      regions:
        - name: east
          nodes: [{id: 1, host: 127.0.0.1, kafkaPort: 9092, httpPort: 8080, dataDir: e}]
        - name: west
          nodes: [{id: 2, host: 127.0.0.1, kafkaPort: 9192, httpPort: 8180, dataDir: w}]
        - name: north
          nodes: [{id: 3, host: 127.0.0.1, kafkaPort: 9292, httpPort: 8280, dataDir: n}]
      """;

  private static List<String> problems(String links) {
    ConfigException e =
        assertThrows(ConfigException.class, () -> ConfigLoader.parse(REGIONS + links, "t.yaml"));
    return e.problems().stream().map(ConfigProblem::toString).toList();
  }

  @Test
  void aLinkNeedsOnlyNameSourceAndTarget() throws ConfigException {
    MeridianConfig c =
        ConfigLoader.parse(
            REGIONS + "links:\n  - {name: e2w, source: {region: east}, target: west}\n", "t");

    LinkConfig link = c.links().get(0);
    assertEquals(LinkConfig.mirror("e2w", LinkSource.region("east"), "west"), link);
    assertEquals("mirror", link.mode());
    assertEquals(NameFilter.DEFAULT, link.topics());
    assertEquals("lz4", link.compression());
    assertEquals(0, link.rateLimitBytesPerSecond());
    assertEquals("earliest", link.startPosition());
    assertEquals(5000, link.offsetSyncIntervalMs());
    assertTrue(link.followConfigs().contains("retention.ms"));
  }

  @Test
  void aKafkaClusterSourceWithClientProperties() throws ConfigException {
    MeridianConfig c =
        ConfigLoader.parse(
            REGIONS
                + """
                links:
                  - name: from-kafka
                    source:
                      bootstrap: 127.0.0.1:29092,127.0.0.1:29093
                      properties: {security.protocol: PLAINTEXT, request.timeout.ms: 5000}
                    target: west
                    topics: {include: ["orders.*"]}
                    startPosition: latest
                    rateLimitBytesPerSecond: 10000000
                """,
            "t");

    LinkConfig link = c.links().get(0);
    assertEquals(
        LinkSource.bootstrap(
            "127.0.0.1:29092,127.0.0.1:29093",
            Map.of("security.protocol", "PLAINTEXT", "request.timeout.ms", "5000")),
        link.source());
    assertTrue(link.topics().matches("orders-eu"));
    assertFalse(link.topics().matches("payments"));
    assertEquals(List.of(), link.topics().exclude());
    assertTrue(link.startsAtLatest());
    assertEquals(c, ConfigLoader.parse(ConfigLoader.toYaml(c), "written"));
  }

  @Test
  void problemsNameTheField() {
    assertEquals(
        List.of(
            "links[0].source.region: unknown region 'south'",
            "links[0].topics.include[0]: '[a-z' is not a valid regular expression: Unclosed"
                + " character class near index 3",
            "links[1].name: 'Bad_Name' is not a valid link name (lowercase letters, digits and"
                + " '-', not starting with '-')",
            "links[1].target: unknown region 'nowhere'",
            "links[1].mode: 'both-ways' is not one of [mirror, active-active]",
            "links[1].compression: 'zip' is not one of [lz4, none]",
            "links[2].source: needs exactly one of 'region' and 'bootstrap'",
            "links[2].target: a link cannot copy region west into itself",
            "links[3].name: duplicate link name 'a' (also at links[0].name)",
            "links[3].source.bootstrap: 'localhost' is not host:port",
            "links[3].groups.exclude[0]: '(' is not a valid regular expression: Unclosed group"
                + " near index 1",
            "links[3].startPosition: 'middle' is not one of [earliest, latest]",
            "links[3].offsetSyncIntervalMs: 5 is out of range (100..3600000)"),
        problems(
            """
            links:
              - {name: a, source: {region: south}, target: west, topics: {include: ["[a-z"]}}
              - {name: Bad_Name, source: {region: east}, target: nowhere, mode: both-ways,
                 compression: zip}
              - {name: c, source: {region: west, bootstrap: "h:1"}, target: west}
              - {name: a, source: {bootstrap: localhost}, target: west, startPosition: middle,
                 offsetSyncIntervalMs: 5, groups: {exclude: ["("]}}
            """));
  }

  @Test
  void structuralProblemsNameTheKey() {
    assertEquals(
        List.of(
            "links[0].source: missing",
            "links[0].followConfigs: 'x' is not a list",
            "links[0].bogus: unknown key",
            "links[1]: 'e2w' is not a mapping"),
        problems("links:\n  - {name: a, target: west, bogus: 1, followConfigs: x}\n  - e2w\n"));
  }

  @Test
  void mirrorLinksAroundACycleOfRegionsAreRejected() {
    assertEquals(
        List.of(
            "links[0].topics: mirror links e2w -> w2e form a cycle of regions whose topic filters"
                + " may select the same topic; a mirror topic would be copied back into its source"
                + " region"),
        problems(
            """
            links:
              - {name: e2w, source: {region: east}, target: west}
              - {name: w2e, source: {region: west}, target: east, topics: {include: ["orders"]}}
            """));
    assertEquals(
        1,
        problems(
                """
                links:
                  - {name: e2w, source: {region: east}, target: west}
                  - {name: w2n, source: {region: west}, target: north}
                  - {name: n2e, source: {region: north}, target: east}
                """)
            .size());
  }

  @Test
  void activeActiveLinksMayFormRingsAndMeshesButNotWithAMirrorLinkOnTheCycle()
      throws ConfigException {
    MeridianConfig mesh =
        ConfigLoader.parse(
            REGIONS
                + """
            links:
              - {name: e2w, source: {region: east}, target: west, mode: active-active}
              - {name: w2e, source: {region: west}, target: east, mode: active-active}
              - {name: w2n, source: {region: west}, target: north, mode: active-active}
              - {name: n2e, source: {region: north}, target: east, mode: active-active}
              - {name: e2n, source: {region: east}, target: north, mode: active-active}
            """,
            "t");
    assertTrue(mesh.links().stream().allMatch(LinkConfig::activeActive));
    assertEquals(
        List.of(
            "links[1].topics: mirror links w2e -> e2w form a cycle of regions whose topic filters"
                + " may select the same topic; a mirror topic would be copied back into its source"
                + " region"),
        problems(
            """
            links:
              - {name: e2w, source: {region: east}, target: west, mode: active-active}
              - {name: w2e, source: {region: west}, target: east}
            """));
    assertEquals(
        List.of(
            "links[0].mode: an active-active link needs a source region of this file (provenance"
                + " headers name regions); a Kafka cluster can only be mirrored"),
        problems(
            """
            links:
              - {name: k2w, source: {bootstrap: "k:9092"}, target: west, mode: active-active}
            """));
  }

  @Test
  void aLinkAndItsReverseAreNotACycleButAThirdLinkClosingOneIs() throws ConfigException {
    MeridianConfig c =
        ConfigLoader.parse(
            REGIONS
                + """
                links:
                  - {name: e2w, source: {region: east}, target: west}
                  - {name: e2w-reverse, source: {region: west}, target: east, reverseOf: e2w}
                """,
            "t");
    assertEquals("e2w", c.links().get(1).reverseOf());
    assertTrue(c.links().get(1).pairedWith(c.links().get(0)));
    assertEquals(
        c.links().get(1), ConfigLoader.parseLink(ConfigLoader.linkToJson(c.links().get(1)), "j"));
    assertEquals(
        1,
        problems(
                """
                links:
                  - {name: e2w, source: {region: east}, target: west}
                  - {name: w2e, source: {region: west}, target: east, reverseOf: e2w}
                  - {name: w2e-2, source: {region: west}, target: east}
                """)
            .size());
    assertEquals(
        List.of(
            "links[1].reverseOf: 'w2e' is not another link's name (lowercase letters, digits"
                + " and '-')"),
        problems(
            """
            links:
              - {name: e2w, source: {region: east}, target: west}
              - {name: w2e, source: {region: west}, target: east, reverseOf: w2e}
            """));
  }

  @Test
  void disjointTopicsMayFlowBothWays() throws ConfigException {
    MeridianConfig c =
        ConfigLoader.parse(
            REGIONS
                + """
                links:
                  - {name: e2w, source: {region: east}, target: west, topics: {include: ["east\\\\..*"]}}
                  - {name: w2e, source: {region: west}, target: east, topics: {include: ["west\\\\..*"]}}
                  - {name: e2n, source: {region: east}, target: north}
                """,
            "t");

    assertEquals(3, c.links().size());
    assertTrue(c.links().get(0).topics().matches("east.orders"));
  }

  @Test
  void aSourceRegionNeedsFixedKafkaPorts() {
    String yaml =
        REGIONS.replace("kafkaPort: 9092", "kafkaPort: 0")
            + "links:\n  - {name: e2w, source: {region: east}, target: west}\n";
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "t"));
    assertEquals(
        List.of(
            "links[0].source.region: region east has nodes on ephemeral Kafka ports (0); a link"
                + " reaches its source region at the configured ports"),
        e.problems().stream().map(ConfigProblem::toString).toList());
  }

  @Test
  void aLinkAloneIsReadFromJsonAndCheckedAgainstAConfig() throws ConfigException {
    MeridianConfig c =
        ConfigLoader.parse(
            REGIONS + "links:\n  - {name: e2w, source: {region: east}, target: west}\n", "t");
    LinkConfig link =
        ConfigLoader.parseLink(
            "{\"name\":\"w2n\",\"source\":{\"region\":\"west\"},\"target\":\"north\","
                + "\"rateLimitBytesPerSecond\":1000000}",
            "POST /v1/links");
    assertEquals(1_000_000, link.rateLimitBytesPerSecond());
    assertEquals(List.of(), c.validateLink(link));
    assertEquals(link, ConfigLoader.parseLink(ConfigLoader.linkToJson(link), "again"));

    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> ConfigLoader.parseLink("{\"name\": 3, \"bogus\": true}", "body"));
    assertEquals(
        List.of(
            "name: 3 is not a string", "source: missing", "target: missing", "bogus: unknown key"),
        e.problems().stream().map(ConfigProblem::toString).toList());

    LinkConfig back =
        ConfigLoader.parseLink(
            "{name: w2e, source: {region: west}, target: east, topics: {include: ['(']}}", "body");
    assertEquals(
        List.of(
            "topics.include[0]: '(' is not a valid regular expression: Unclosed group near index 1"),
        c.validateLink(back).stream().map(ConfigProblem::toString).toList());
    LinkConfig loop =
        ConfigLoader.parseLink("{name: w2e, source: {region: west}, target: east}", "body");
    assertTrue(
        c.validateLink(loop).get(0).reason().contains("form a cycle"),
        c.validateLink(loop).toString());
  }

  @Test
  void literalPrefixStopsAtTheFirstSpecialCharacter() {
    assertEquals("", NameFilter.literalPrefix(".*"));
    assertEquals("orders", NameFilter.literalPrefix("orders\\..*"));
    assertEquals("order", NameFilter.literalPrefix("orders?"));
    assertEquals("abc", NameFilter.literalPrefix("abc"));
  }
}
