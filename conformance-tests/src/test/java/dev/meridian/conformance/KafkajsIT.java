package dev.meridian.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kafkajs 2.2.4 (Node.js) against a real node, through {@code src/test/js/roundtrip.js}: admin,
 * plain, GZIP and idempotent producers and Metadata auto-creation; what it wrote is read back with
 * kafka-clients. The Node project is installed with {@code npm ci} into {@code target/kafkajs} once
 * per run. Skipped when node or npm is missing.
 *
 * <p>A kafkajs consumer always uses a consumer group. Its round trip runs only when the broker
 * advertises the group APIs ({@link #GROUP_APIS}); otherwise the test prints that it did not run. A
 * second consumer of the group then reads only what was produced after the first committed.
 *
 * <p>{@code -Dmeridian.node=PATH} and {@code -Dmeridian.npm=PATH} choose other executables.
 */
class KafkajsIT {
  static final Set<ApiKeys> GROUP_APIS =
      EnumSet.of(
          ApiKeys.FIND_COORDINATOR,
          ApiKeys.JOIN_GROUP,
          ApiKeys.SYNC_GROUP,
          ApiKeys.HEARTBEAT,
          ApiKeys.LEAVE_GROUP,
          ApiKeys.OFFSET_FETCH,
          ApiKeys.OFFSET_COMMIT);

  private static final Duration NPM_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
  private static final List<String> SOURCES =
      List.of("package.json", "package-lock.json", "roundtrip.js");

  private static final String NODE = System.getProperty("meridian.node", "node");
  private static final String NPM = System.getProperty("meridian.npm", "npm");

  private static Path project;
  private static String skipReason;

  @TempDir Path tmp;

  @BeforeAll
  static void installKafkajs() throws Exception {
    String node = ExternalProcess.probe(List.of(NODE, "--version"));
    String npm = ExternalProcess.probe(List.of(NPM, "--version"));
    if (node == null || npm == null) {
      skipReason =
          (node == null ? NODE : NPM)
              + " is not installed: skipping the kafkajs scenarios (they need Node.js >= 18 and"
              + " npm; .ci/run installs Debian's nodejs and npm when they are missing)";
      return;
    }
    if (majorVersion(node) < 18) {
      skipReason = "node " + node + " is too old for the kafkajs scenarios (they need >= 18)";
      return;
    }
    System.out.println("KafkajsIT: kafkajs 2.2.4 on node " + node + ", npm " + npm);

    Path module = Path.of(System.getProperty("basedir", "."));
    project = module.resolve("target/kafkajs");
    Files.createDirectories(project);
    for (String file : SOURCES) {
      Files.copy(
          module.resolve("src/test/js").resolve(file),
          project.resolve(file),
          StandardCopyOption.REPLACE_EXISTING);
    }
    ExternalProcess.Result install =
        ExternalProcess.run(
            List.of(NPM, "ci", "--no-audit", "--no-fund", "--loglevel=warn"),
            project,
            null,
            NPM_TIMEOUT,
            Map.of());
    assertTrue(install.ok(), "npm ci (kafkajs 2.2.4) failed:\n" + install.describe());
  }

  /** Per test, not in {@link #installKafkajs}: Surefire reports a class-level skip as no tests. */
  @BeforeEach
  void requireNode() {
    Assumptions.assumeTrue(skipReason == null, skipReason);
  }

  private static int majorVersion(String nodeVersion) {
    try {
      return Integer.parseInt(nodeVersion.replaceFirst("^v", "").split("\\.")[0]);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  @Test
  void adminProducersAndAutoCreationRoundTrip() throws Exception {
    try (MeridianUnderTest meridian = new MeridianUnderTest(tmp).start()) {
      String bootstrap = meridian.bootstrap();
      boolean groups = BrokerApis.advertised(bootstrap).containsAll(GROUP_APIS);
      List<String> cmd = new ArrayList<>(List.of(NODE, "roundtrip.js", bootstrap, "kafkajs"));
      if (groups) {
        cmd.add("--consume");
      }

      ExternalProcess.Result run =
          ExternalProcess.run(
              cmd, project, null, SCRIPT_TIMEOUT, Map.of("KAFKAJS_NO_PARTITIONER_WARNING", "1"));

      assertTrue(run.ok(), run.describe());
      String last = run.stdout().strip().lines().reduce((a, b) -> b).orElse("{}");
      JsonNode result = new ObjectMapper().readTree(last);
      String why = run.describe();

      // admin
      JsonNode cluster = result.get("cluster");
      assertFalse(cluster.get("clusterId").asText().isEmpty(), why);
      assertEquals(1, cluster.get("controller").asInt(), why);
      assertEquals(1, cluster.get("brokers").size(), why);
      assertEquals("127.0.0.1", cluster.at("/brokers/0/host").asText(), why);
      assertEquals(
          Integer.parseInt(bootstrap.substring(bootstrap.indexOf(':') + 1)),
          cluster.at("/brokers/0/port").asInt(),
          why);
      assertTrue(result.get("created").asBoolean(), why);
      assertFalse(result.get("createdAgain").asBoolean(), "an existing topic: " + why);
      assertTrue(result.get("listed").asBoolean(), why);
      assertEquals(2, result.get("partitions").size(), why);
      for (JsonNode p : result.get("partitions")) {
        assertEquals(1, p.get("leader").asInt(), why);
      }

      // producers: every partition answered without error
      for (String send : List.of("plain", "gzip", "idempotent", "autoCreated")) {
        assertFalse(result.get(send).isEmpty(), send + ": " + why);
        for (JsonNode p : result.get(send)) {
          assertEquals(0, p.get("errorCode").asInt(), send + ": " + why);
        }
      }

      // fetchTopicOffsets (ListOffsets) against what kafka-clients reads
      // with groups, 5 "late" records follow the first 25 in their partitions (the resume step)
      int total = groups ? 30 : 25;
      List<ConsumerRecord<String, String>> all =
          JavaClients.readAll(bootstrap, "kafkajs", total, READ_TIMEOUT);
      assertEquals(total, all.size(), "records in the topic");
      List<ConsumerRecord<String, String>> records =
          all.stream().filter(r -> !r.value().startsWith("late-")).toList();
      Map<String, String> expected = new TreeMap<>();
      for (int i = 0; i < 25; i++) {
        expected.put("k" + i, (i < 10 ? "plain" : i < 20 ? "gzip" : "idem") + "-" + i);
      }
      Map<String, String> read = new TreeMap<>();
      long[] perPartition = new long[2];
      for (ConsumerRecord<String, String> r : records) {
        read.put(r.key(), r.value());
        assertEquals(perPartition[r.partition()]++, r.offset(), "dense offsets: " + r);
        int i = Integer.parseInt(r.key().substring(1));
        if (i < 10) {
          assertEquals("kafkajs", header(r, "origin"), r.toString());
          assertEquals(String.valueOf(i), header(r, "seq"), r.toString());
        } else {
          assertEquals(0, r.headers().toArray().length, r.toString());
        }
      }
      assertEquals(expected, read, "read back with kafka-clients");
      assertEquals(25, records.size());
      for (JsonNode o : result.get("offsets")) {
        int p = o.get("partition").asInt();
        assertEquals(0, o.get("low").asLong(), why);
        assertEquals(perPartition[p], o.get("high").asLong(), "partition " + p + ": " + why);
      }

      // a topic made by Metadata auto-creation on the producer's first send
      assertEquals(3, result.at("/autoOffsets/0/high").asLong(), why);
      List<String> auto =
          JavaClients.readAll(bootstrap, "kafkajs-auto", 3, READ_TIMEOUT).stream()
              .map(r -> r.key() + "=" + r.value())
              .toList();
      assertEquals(List.of("k0=auto-0", "k1=auto-1", "k2=auto-2"), auto);

      if (groups) {
        Map<String, String> consumed = new TreeMap<>();
        for (JsonNode m : result.get("consumed")) {
          consumed.put(m.get("key").asText(), m.get("value").asText());
        }
        assertEquals(expected, consumed, "read back with a kafkajs consumer: " + why);
        Map<String, String> resumed = new TreeMap<>();
        for (JsonNode m : result.get("resumed")) {
          resumed.put(m.get("key").asText(), m.get("value").asText());
        }
        Map<String, String> late = new TreeMap<>();
        for (int i = 25; i < 30; i++) {
          late.put("k" + i, "late-" + i);
        }
        assertEquals(late, resumed, "the group resumed after its committed offsets: " + why);
      } else {
        // printed, so the gap shows in the build log until the group APIs land
        System.out.println(
            "KafkajsIT: the kafkajs consumer round trip did not run: the broker does not"
                + " advertise the consumer-group APIs "
                + GROUP_APIS);
      }
    }
  }

  private static String header(ConsumerRecord<String, String> r, String key) {
    Header h = r.headers().lastHeader(key);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
