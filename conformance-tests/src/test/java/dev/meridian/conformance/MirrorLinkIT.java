package dev.meridian.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meridian.testsupport.RegionYaml;
import dev.meridian.testsupport.TestRegion;
import dev.meridian.testsupport.Wait;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mirror links between two regions of real node processes, read and written with kafka-clients 4.4:
 * a mirror topic holds every batch of its source at the same offset with the same content (keys,
 * values, headers, timestamps, leader epochs; gaps of a compacted source stay gaps), is read-only,
 * and a consumer group that read half in the source continues in the target from its synced offsets
 * without loss or repeats.
 */
class MirrorLinkIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private static RegionYaml east() {
    return RegionYaml.of("east", 1)
        .fixedKafkaPorts()
        .broker("groupInitialRebalanceDelayMs", 0)
        .broker("offsetsTopicPartitions", 3);
  }

  private static RegionYaml west(RegionYaml east, String... linkSettings) {
    return RegionYaml.of("west", 1, 101)
        .broker("groupInitialRebalanceDelayMs", 0)
        .broker("offsetsTopicPartitions", 3)
        .alongside(east)
        .link("e2w", "east", "west", linkSettings);
  }

  private LinkedRegions start(RegionYaml east, RegionYaml west) {
    TestRegion source = TestRegion.ofProcesses(east, tmp.resolve("east")).start();
    TestRegion target = TestRegion.ofProcesses(west, tmp.resolve("west")).start();
    return new LinkedRegions(source, target, "e2w");
  }

  private static void produce(
      String bootstrap, String topic, int from, int count, String compression) throws Exception {
    try (KafkaProducer<String, String> p =
        new KafkaProducer<>(
            Clients.producer(
                bootstrap, ProducerConfig.COMPRESSION_TYPE_CONFIG, compression, "linger.ms", 5))) {
      Clients.produceAll(
          p,
          count,
          i -> {
            int n = from + i;
            ProducerRecord<String, String> r =
                new ProducerRecord<>(
                    topic,
                    null,
                    1_700_000_000_000L + n,
                    "key-" + n,
                    "value-" + n + "-" + "x".repeat(n % 200));
            r.headers()
                .add(new RecordHeader("n", Integer.toString(n).getBytes(StandardCharsets.UTF_8)));
            r.headers()
                .add(new RecordHeader("codec", compression.getBytes(StandardCharsets.UTF_8)));
            return r;
          },
          (m, n) -> {},
          TIMEOUT);
    }
  }

  @Test
  void mirrorTopicsHoldEveryBatchAtItsSourceOffsetWithIdenticalContent() throws Exception {
    RegionYaml east = east();
    TestRegion source = TestRegion.ofProcesses(east, tmp.resolve("east")).start();
    String eb = source.bootstrap();
    Clients.createTopic(eb, "orders", 3, Map.of());
    int each = 25_000;
    String[] codecs = {"none", "gzip", "lz4", "zstd"};
    for (int i = 0; i < codecs.length; i++) {
      produce(eb, "orders", i * each, each, codecs[i]);
    }
    // a compacted topic whose cleaned log has gaps before the link starts
    Clients.createTopic(
        eb,
        "profiles",
        1,
        Map.of("cleanup.policy", "compact", "segment.bytes", "4096", "segment.ms", "100"));
    produce(eb, "profiles", 0, 3000, "none");
    try (KafkaProducer<String, String> p = new KafkaProducer<>(Clients.producer(eb))) {
      for (int i = 0; i < 3000; i++) {
        p.send(new ProducerRecord<>("profiles", "key-" + (i % 50), "v2-" + i));
      }
    }
    Wait.until(
        "the source compacted profiles (offsets with gaps)",
        Duration.ofSeconds(60),
        () -> {
          List<String> lines = LinkedRegions.contents(eb, "profiles", TIMEOUT);
          return lines.size() < 6000;
        });

    try (LinkedRegions regions =
        new LinkedRegions(
            source, TestRegion.ofProcesses(west(east), tmp.resolve("west")).start(), "e2w")) {
      String wb = regions.target.bootstrap();
      Wait.until("orders mirrored", TIMEOUT, () -> regions.caughtUp("orders", 3));
      Wait.until("profiles mirrored", TIMEOUT, () -> regions.caughtUp("profiles", 1));

      List<String> eastOrders = LinkedRegions.contents(eb, "orders", TIMEOUT);
      assertEquals(100_000, eastOrders.size());
      LinkedRegions.assertSame(eastOrders, LinkedRegions.contents(wb, "orders", TIMEOUT));
      List<String> eastProfiles = LinkedRegions.contents(eb, "profiles", TIMEOUT);
      LinkedRegions.assertSame(eastProfiles, LinkedRegions.contents(wb, "profiles", TIMEOUT));
      assertTrue(hasGaps(eastProfiles), "the compacted source has gaps: " + eastProfiles.size());
      for (int p = 0; p < 3; p++) {
        TopicPartition tp = new TopicPartition("orders", p);
        assertEquals(
            ReplicaFiles.batches(ReplicaFiles.partitionDir(source, 1, tp)),
            ReplicaFiles.batches(ReplicaFiles.partitionDir(regions.target, 101, tp)),
            "batches of " + tp + " (offsets, epochs, CRCs)");
      }

      JsonNode status = regions.status();
      assertEquals("RUNNING", status.get("state").asText());
      assertTrue(
          status.get("wireBytes").asLong() < status.get("recordBytes").asLong() * 0.8,
          "LZ4 across the link: " + status);
      try (Admin admin = Admin.create(Clients.admin(wb))) {
        assertEquals(
            3,
            admin
                .describeTopics(List.of("orders"))
                .allTopicNames()
                .get()
                .get("orders")
                .partitions()
                .size());
      }

      try (Admin admin = Admin.create(Clients.admin(wb))) {
        TopicPartition tp = new TopicPartition("orders", 0);
        for (org.apache.kafka.common.KafkaFuture<?> refused :
            List.<org.apache.kafka.common.KafkaFuture<?>>of(
                admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(10))).all(),
                admin.createPartitions(Map.of("orders", NewPartitions.increaseTo(4))).all(),
                Clients.setTopicConfig(admin, "orders", "retention.ms", "1000"))) {
          ExecutionException e =
              assertThrows(ExecutionException.class, () -> refused.get(30, TimeUnit.SECONDS));
          assertInstanceOf(InvalidRequestException.class, e.getCause());
          assertTrue(e.getCause().getMessage() == null || !e.getCause().getMessage().isEmpty());
        }
      }
      try (KafkaProducer<String, String> p =
          new KafkaProducer<>(Clients.producer(wb, ProducerConfig.RETRIES_CONFIG, 0))) {
        ExecutionException e =
            assertThrows(
                ExecutionException.class,
                () -> p.send(new ProducerRecord<>("orders", "k", "v")).get(30, TimeUnit.SECONDS));
        assertInstanceOf(InvalidRequestException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("link 'e2w'"), e.getCause().getMessage());
      }
    }
  }

  private static boolean hasGaps(List<String> lines) {
    long expected = -1;
    for (String l : lines) {
      long offset = Long.parseLong(l.substring(l.indexOf('@') + 1, l.indexOf(' ')));
      if (expected >= 0 && offset != expected) {
        return true;
      }
      expected = offset + 1;
    }
    return false;
  }

  @Test
  void aConsumerGroupMovesToTheTargetAndContinuesWithoutLossOrRepeats() throws Exception {
    RegionYaml east = east();
    try (LinkedRegions regions = start(east, west(east, "offsetSyncIntervalMs: 500"))) {
      String eb = regions.source.bootstrap();
      String wb = regions.target.bootstrap();
      Clients.createTopic(eb, "payments", 2, Map.of());
      produce(eb, "payments", 0, 5_000, "none");
      // a restart of the source moves its leader epochs up: the mirror must follow (DLE >= SLE)
      regions.source.child(1).kill9();
      regions.source.start(1);
      produce(eb, "payments", 5_000, 5_000, "lz4");
      int total = 10_000;

      Map<TopicPartition, Set<Long>> seen = new HashMap<>();
      List<String> repeats = new ArrayList<>();
      Map<TopicPartition, OffsetAndMetadata> committed;
      try (KafkaConsumer<String, String> c =
          new KafkaConsumer<>(
              Clients.consumer(
                  eb,
                  "earliest",
                  ConsumerConfig.GROUP_ID_CONFIG,
                  "billing",
                  ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                  false,
                  ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                  500))) {
        c.subscribe(List.of("payments"));
        Clients.pollUntil(
            c, () -> count(seen) >= total / 2, TIMEOUT, r -> record(seen, repeats, r));
        c.commitSync();
        committed = c.committed(Set.copyOf(c.assignment()));
      }
      assertTrue(
          committed.values().stream().anyMatch(o -> o.leaderEpoch().orElse(0) > 0),
          "the source's epochs moved: " + committed);
      try (Admin west = Admin.create(Clients.admin(wb))) {
        Wait.until(
            "group offsets synced to west",
            TIMEOUT,
            () ->
                committed.equals(
                    west.listConsumerGroupOffsets("billing")
                        .partitionsToOffsetAndMetadata()
                        .get()));
      }
      Wait.until("payments mirrored", TIMEOUT, () -> regions.caughtUp("payments", 2));
      try (KafkaConsumer<String, String> c =
          new KafkaConsumer<>(
              Clients.consumer(wb, "earliest", ConsumerConfig.GROUP_ID_CONFIG, "billing"))) {
        c.subscribe(List.of("payments"));
        Clients.pollUntil(c, () -> count(seen) >= total, TIMEOUT, r -> record(seen, repeats, r));
      }
      assertEquals(List.of(), repeats);
      assertEquals(total, count(seen));
      // the group is idle in west again and east still has its older offsets: later syncs
      // (every 500 ms here) must not move west's offsets back
      try (Admin west = Admin.create(Clients.admin(wb))) {
        Map<TopicPartition, OffsetAndMetadata> done =
            west.listConsumerGroupOffsets("billing").partitionsToOffsetAndMetadata().get();
        assertTrue(
            done.entrySet().stream()
                    .allMatch(e -> e.getValue().offset() >= committed.get(e.getKey()).offset())
                && done.entrySet().stream()
                    .anyMatch(e -> e.getValue().offset() > committed.get(e.getKey()).offset()),
            "west committed past east: " + done + " vs " + committed);
        Wait.await("west's offsets never move back", Duration.ofSeconds(10))
            .during(Duration.ofSeconds(3))
            .until(
                () ->
                    done.equals(
                        west.listConsumerGroupOffsets("billing")
                            .partitionsToOffsetAndMetadata()
                            .get()));
      }
      LinkedRegions.assertSame(
          LinkedRegions.contents(eb, "payments", TIMEOUT),
          LinkedRegions.contents(wb, "payments", TIMEOUT));
    }
  }

  private static long count(Map<TopicPartition, Set<Long>> seen) {
    return seen.values().stream().mapToLong(Set::size).sum();
  }

  private static void record(
      Map<TopicPartition, Set<Long>> seen, List<String> repeats, ConsumerRecord<?, ?> r) {
    if (!seen.computeIfAbsent(new TopicPartition(r.topic(), r.partition()), k -> new HashSet<>())
        .add(r.offset())) {
      repeats.add(r.topic() + "-" + r.partition() + "@" + r.offset());
    }
  }

  @Test
  void pauseResumeAndErrorsOverRest() throws Exception {
    RegionYaml east = east();
    try (LinkedRegions regions = start(east, west(east))) {
      String eb = regions.source.bootstrap();
      int http = regions.target.node(101).httpPort();
      Clients.createTopic(eb, "events", 1, Map.of());
      produce(eb, "events", 0, 100, "none");
      Wait.until("events mirrored", TIMEOUT, () -> regions.caughtUp("events", 1));

      JsonNode all = JSON.readTree(Http.get(http, "/v1/links").body());
      assertEquals(1, all.size());
      assertEquals("e2w", all.get(0).get("name").asText());
      assertEquals("region east", all.get(0).get("source").asText());

      HttpResponse<String> missing = Http.get(http, "/v1/links/nope");
      assertEquals(404, missing.statusCode());
      assertEquals("application/problem+json", missing.headers().firstValue("content-type").get());
      JsonNode problem = JSON.readTree(missing.body());
      assertTrue(problem.get("type").asText().endsWith("/link-not-found"), problem.toString());
      assertTrue(problem.get("detail").asText().contains("nope"));
      assertEquals(404, Http.post(http, "/v1/links/nope/pause").statusCode());
      HttpResponse<String> fileLink = Http.send(http, "DELETE", "/v1/links/e2w", null);
      assertEquals(409, fileLink.statusCode(), "declared in the config file: " + fileLink.body());

      HttpResponse<String> paused = Http.post(http, "/v1/links/e2w/pause");
      assertEquals(200, paused.statusCode());
      assertEquals("PAUSED", JSON.readTree(paused.body()).get("state").asText());
      produce(eb, "events", 100, 100, "none");
      Wait.await("the paused link copies nothing", Duration.ofSeconds(10))
          .during(Duration.ofSeconds(2))
          .until(() -> endOffset(regions.status(), "events") == 100);

      // the pause is region metadata: a killed and restarted target node keeps the link paused
      assertEquals(137, regions.target.child(101).kill9());
      regions.target.child(101).start();
      int http2 = regions.target.node(101).httpPort();
      Wait.until(
          "the link runs again after the restart, paused",
          TIMEOUT,
          () -> {
            HttpResponse<String> r = Http.get(http2, "/v1/links/e2w");
            return r.statusCode() == 200
                && "PAUSED".equals(JSON.readTree(r.body()).get("state").asText());
          });
      Wait.await("the paused link copies nothing after the restart", Duration.ofSeconds(10))
          .during(Duration.ofSeconds(2))
          .until(() -> endOffset(regions.status(), "events") == 100);

      // retention at the source passes the mirror's end while the link is paused
      try (Admin source = Admin.create(Clients.admin(eb))) {
        source
            .deleteRecords(
                Map.of(new TopicPartition("events", 0), RecordsToDelete.beforeOffset(150)))
            .all()
            .get(30, TimeUnit.SECONDS);
      }
      HttpResponse<String> resumed = Http.post(http2, "/v1/links/e2w/resume");
      assertNotEquals("PAUSED", JSON.readTree(resumed.body()).get("state").asText());
      Wait.until("resumed", TIMEOUT, () -> endOffset(regions.status(), "events") == 200);
      try (Admin target = Admin.create(Clients.admin(regions.target.bootstrap()))) {
        TopicPartition tp = new TopicPartition("events", 0);
        assertEquals(
            150,
            target.listOffsets(Map.of(tp, OffsetSpec.earliest())).all().get().get(tp).offset(),
            "the mirror continues from the source's new log start");
      }
      LinkedRegions.assertSame(
          LinkedRegions.contents(eb, "events", TIMEOUT),
          LinkedRegions.contents(regions.target.bootstrap(), "events", TIMEOUT));

      // partitions added and configs changed at the source follow within 30 s
      try (Admin source = Admin.create(Clients.admin(eb));
          Admin target = Admin.create(Clients.admin(regions.target.bootstrap()))) {
        source.createPartitions(Map.of("events", NewPartitions.increaseTo(3))).all().get();
        Map<String, String> changed =
            Map.of(
                "retention.ms", "7200000",
                // keys a mirror could not follow before every Kafka topic config was accepted
                "compression.type", "zstd",
                "min.compaction.lag.ms", "60000");
        for (Map.Entry<String, String> e : changed.entrySet()) {
          Clients.setTopicConfig(source, "events", e.getKey(), e.getValue()).get();
        }
        Wait.until(
            "the mirror follows the source's partitions and configs",
            Duration.ofSeconds(30),
            () -> {
              if (target
                      .describeTopics(List.of("events"))
                      .allTopicNames()
                      .get()
                      .get("events")
                      .partitions()
                      .size()
                  != 3) {
                return false;
              }
              org.apache.kafka.clients.admin.Config c =
                  target
                      .describeConfigs(
                          List.of(new ConfigResource(ConfigResource.Type.TOPIC, "events")))
                      .all()
                      .get()
                      .values()
                      .iterator()
                      .next();
              return changed.entrySet().stream()
                  .allMatch(e -> e.getValue().equals(c.get(e.getKey()).value()));
            });
      }
      assertFalse(regions.status().get("partitions").isEmpty());
    }
  }

  @Test
  void linksAreCreatedChangedAndDeletedOverRest() throws Exception {
    RegionYaml east = east();
    RegionYaml west =
        RegionYaml.of("west", 1, 101)
            .broker("groupInitialRebalanceDelayMs", 0)
            .broker("offsetsTopicPartitions", 3)
            .alongside(east);
    try (LinkedRegions regions = start(east, west)) {
      String eb = regions.source.bootstrap();
      int http = regions.target.node(101).httpPort();
      Clients.createTopic(eb, "audit", 2, Map.of("retention.ms", "3600000"));
      Clients.createTopic(eb, "_internal-ish", 1, Map.of());
      produce(eb, "audit", 0, 500, "none");
      assertEquals("[]", Http.get(http, "/v1/links").body());

      HttpResponse<String> bad =
          Http.send(
              http,
              "POST",
              "/v1/links",
              "{\"name\":\"e2w\",\"source\":{\"region\":\"nowhere\"},"
                  + "\"topics\":{\"include\":[\"(\"]}}");
      assertEquals(400, bad.statusCode(), bad.body());
      JsonNode problem = JSON.readTree(bad.body());
      assertTrue(problem.get("type").asText().endsWith("/link-invalid"), bad.body());
      assertEquals("source.region", problem.get("problems").get(0).get("path").asText());
      assertEquals("topics.include[0]", problem.get("problems").get(1).get("path").asText());
      assertEquals(
          400, Http.send(http, "POST", "/v1/links", "[1, 2]").statusCode(), "not an object");

      String body = "{\"name\":\"e2w\",\"source\":{\"region\":\"east\"}}";
      HttpResponse<String> dry = Http.send(http, "POST", "/v1/links?dryRun=true", body);
      assertEquals(200, dry.statusCode(), dry.body());
      JsonNode plan = JSON.readTree(dry.body());
      assertEquals("audit", plan.get("topics").get(0).get("name").asText());
      assertEquals(1, plan.get("topics").size(), "names starting with _ are left out: " + plan);
      assertEquals("[]", Http.get(http, "/v1/links").body(), "a dry run creates nothing");

      HttpResponse<String> created = Http.send(http, "POST", "/v1/links", body);
      assertEquals(201, created.statusCode(), created.body());
      assertEquals("/v1/links/e2w", created.headers().firstValue("location").orElse(""));
      assertEquals(409, Http.send(http, "POST", "/v1/links", body).statusCode());
      Wait.until("audit mirrored", TIMEOUT, () -> regions.caughtUp("audit", 2));
      LinkedRegions.assertSame(
          LinkedRegions.contents(eb, "audit", TIMEOUT),
          LinkedRegions.contents(regions.target.bootstrap(), "audit", TIMEOUT));

      HttpResponse<String> changed =
          Http.send(
              http,
              "PUT",
              "/v1/links/e2w",
              "{\"source\":{\"region\":\"east\"},\"rateLimitBytesPerSecond\":2000000}");
      assertEquals(200, changed.statusCode(), changed.body());
      Wait.until(
          "the replaced link runs",
          TIMEOUT,
          () -> regions.status().get("rateLimitBytesPerSecond").asLong() == 2_000_000);
      produce(eb, "audit", 500, 500, "none");
      Wait.until("audit mirrored again", TIMEOUT, () -> regions.caughtUp("audit", 2));

      // the link survives a restart of the target region (it is region metadata)
      regions.target.child(101).kill9();
      regions.target.child(101).start();
      int http2 = regions.target.node(101).httpPort();
      Wait.until(
          "the link runs after the restart",
          TIMEOUT,
          () -> Http.get(http2, "/v1/links/e2w").statusCode() == 200);

      assertEquals(204, Http.send(http2, "DELETE", "/v1/links/e2w", null).statusCode());
      Wait.until("deleted", TIMEOUT, () -> Http.get(http2, "/v1/links/e2w").statusCode() == 404);
      assertEquals(404, Http.send(http2, "DELETE", "/v1/links/e2w", null).statusCode());
      HttpResponse<String> stillMirror =
          Http.send(http2, "PUT", "/v1/links/nope", "{\"source\":{\"region\":\"east\"}}");
      assertEquals(404, stillMirror.statusCode());
    }
  }

  private static long endOffset(JsonNode status, String topic) {
    for (JsonNode p : status.get("partitions")) {
      if (p.get("topic").asText().equals(topic)) {
        return p.get("logEndOffset").asLong();
      }
    }
    return -1;
  }
}
