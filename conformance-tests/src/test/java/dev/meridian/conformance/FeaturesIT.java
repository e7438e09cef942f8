package dev.meridian.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meridian.node.api.ApiVersionsHandler;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.FeatureMetadata;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.server.common.MetadataVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka's own tools (kafka-tools 4.4.0 in a child JVM) against a one-node region: {@code
 * kafka-features describe} shows metadata.version supported and finalized at Kafka 4.4's production
 * level and the client protocols Meridian lacks (transactions, KIP-848 groups, share groups,
 * streams groups) supported at 0 only and finalized at 0, with the finalized-features epoch; {@code
 * kafka-log-dirs --describe} prints every field of its JSON for a written partition.
 */
class FeaturesIT {
  private static final Pattern FIELD = Pattern.compile("(\\w+): (\\S+)");

  @TempDir Path tmp;

  /** {@code kafka-features describe}'s lines, by feature: field name to value. */
  private static Map<String, Map<String, String>> describeLines(String stdout) {
    Map<String, Map<String, String>> out = new TreeMap<>();
    for (String line : stdout.split("\n")) {
      if (!line.startsWith("Feature: ")) {
        continue;
      }
      Map<String, String> fields = new LinkedHashMap<>();
      Matcher m = FIELD.matcher(line); // Kafka 4.4 pads the fields with spaces (earlier: tabs)
      while (m.find()) {
        fields.put(m.group(1), m.group(2));
      }
      out.put(fields.get("Feature"), fields);
    }
    return out;
  }

  @Test
  void kafkaFeaturesDescribeShowsWhatIsImplemented() throws Exception {
    try (MeridianUnderTest meridian = new MeridianUnderTest(tmp).start()) {
      String level = MetadataVersion.latestProduction().version();
      assertEquals(
          MetadataVersion.latestProduction(),
          MetadataVersion.fromFeatureLevel(ApiVersionsHandler.METADATA_VERSION_LEVEL),
          "metadata.version is Kafka 4.4's latest production level");
      ExternalProcess.Result r =
          KafkaTools.run(
              tmp, KafkaTools.FEATURES, "--bootstrap-server", meridian.bootstrap(), "describe");
      assertTrue(r.ok(), r.describe());
      Map<String, Map<String, String>> features = describeLines(r.stdout());
      assertEquals(
          List.of(
              "group.version",
              "metadata.version",
              "share.version",
              "streams.version",
              "transaction.version"),
          List.copyOf(features.keySet()),
          r.describe());

      Map<String, String> mv = features.get("metadata.version");
      assertEquals(level, mv.get("SupportedMinVersion"), r.describe());
      assertEquals(level, mv.get("SupportedMaxVersion"), r.describe());
      assertEquals(level, mv.get("FinalizedVersionLevel"), r.describe());
      String epoch = mv.get("Epoch");
      assertTrue(epoch.matches("\\d+"), "a known epoch: " + r.describe());
      Map<String, String> gv = features.get("group.version");
      assertEquals("0", gv.get("SupportedMinVersion"), r.describe());
      assertEquals("1", gv.get("SupportedMaxVersion"), r.describe());
      assertEquals("1", gv.get("FinalizedVersionLevel"), r.describe());
      assertEquals(epoch, gv.get("Epoch"), r.describe());
      for (String feature : ApiVersionsHandler.NOT_IMPLEMENTED) {
        Map<String, String> f = features.get(feature);
        assertEquals("0", f.get("SupportedMinVersion"), feature + ": " + r.describe());
        assertEquals("0", f.get("SupportedMaxVersion"), feature + ": " + r.describe());
        assertEquals("0", f.get("FinalizedVersionLevel"), feature + ": " + r.describe());
        assertEquals(epoch, f.get("Epoch"), feature);
      }

      // what a producer reads: no transaction.version, so no KIP-890 transactions
      try (Admin admin = Admin.create(Clients.admin(meridian.bootstrap()))) {
        FeatureMetadata fm = admin.describeFeatures().featureMetadata().get(30, TimeUnit.SECONDS);
        assertEquals(
            java.util.Set.of("metadata.version", "group.version"), fm.finalizedFeatures().keySet());
        assertFalse(fm.finalizedFeatures().containsKey("transaction.version"));
        assertTrue(fm.finalizedFeaturesEpoch().isPresent());
      }
    }
  }

  @Test
  void kafkaLogDirsDescribePrintsEveryField() throws Exception {
    try (MeridianUnderTest meridian = new MeridianUnderTest(tmp).start();
        Admin admin = Admin.create(Clients.admin(meridian.bootstrap()))) {
      admin
          .createTopics(List.of(new NewTopic("dirs", 2, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
      try (KafkaProducer<String, String> producer =
          new KafkaProducer<>(Clients.producer(meridian.bootstrap()))) {
        for (int i = 0; i < 10; i++) {
          producer
              .send(new ProducerRecord<>("dirs", 0, "k" + i, "v" + i))
              .get(30, TimeUnit.SECONDS);
        }
      }
      ExternalProcess.Result r =
          KafkaTools.run(
              tmp,
              KafkaTools.LOG_DIRS,
              "--bootstrap-server",
              meridian.bootstrap(),
              "--describe",
              "--topic-list",
              "dirs");
      assertTrue(r.ok(), r.describe());
      String json =
          r.stdout()
              .lines()
              .filter(l -> l.startsWith("{"))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no JSON: " + r.describe()));
      JsonNode root = new ObjectMapper().readTree(json);
      assertEquals(1, root.get("version").asInt(), json);
      JsonNode broker = root.get("brokers").get(0);
      assertEquals(MeridianUnderTest.NODE_ID, broker.get("broker").asInt(), json);
      JsonNode dir = broker.get("logDirs").get(0);
      assertTrue(dir.get("logDir").asText().contains(MeridianUnderTest.NODE_DIR), json);
      assertTrue(dir.get("error").isNull(), json);
      Map<String, JsonNode> partitions = new TreeMap<>();
      dir.get("partitions").forEach(p -> partitions.put(p.get("partition").asText(), p));
      assertEquals(List.of("dirs-0", "dirs-1"), List.copyOf(partitions.keySet()), json);
      JsonNode written = partitions.get("dirs-0");
      assertTrue(written.get("size").asLong() > 0, json);
      assertEquals(0, written.get("offsetLag").asLong(), json);
      assertNotNull(written.get("isFuture"), json);
      assertFalse(written.get("isFuture").asBoolean(), json);
      assertEquals(0, partitions.get("dirs-1").get("size").asLong(), json);
    }
  }
}
