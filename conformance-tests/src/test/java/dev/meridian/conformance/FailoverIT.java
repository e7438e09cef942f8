package dev.meridian.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meridian.testsupport.RegionYaml;
import dev.meridian.testsupport.TestRegion;
import dev.meridian.testsupport.Wait;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failovers of a mirror link east → west over the target's control plane, against real node
 * processes and real clients: a planned failover under traffic moves a producer and a consumer
 * group to west with nothing lost and nothing read twice; the REST errors of the failover routes.
 */
class FailoverIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOPIC = "orders";
  private static final int PARTITIONS = 3;

  @TempDir Path tmp;

  private LinkedRegions start(String... linkSettings) {
    RegionYaml east =
        RegionYaml.of("east", 1)
            .fixedKafkaPorts()
            .fixedHttpPorts()
            .broker("groupInitialRebalanceDelayMs", 0)
            .broker("offsetsTopicPartitions", 3)
            .allowHalt(); // the region-loss drill halts east's node
    withTokens(east);
    RegionYaml west =
        RegionYaml.of("west", 1, 101)
            .fixedKafkaPorts()
            .fixedHttpPorts()
            .broker("groupInitialRebalanceDelayMs", 0)
            .broker("offsetsTopicPartitions", 3)
            .alongside(east)
            .link("e2w", "east", "west", withSync(linkSettings));
    withTokens(west);
    east.alongside(west); // east's reverse link reads west

    TestRegion source = TestRegion.ofProcesses(east, tmp.resolve("east")).start();
    TestRegion target = TestRegion.ofProcesses(west, tmp.resolve("west")).start();
    return new LinkedRegions(source, target, "e2w");
  }

  /** The control plane's tokens, the same in both regions' files (the nodes use ADMIN). */
  private static final String ADMIN = "admin-token-0123456789";

  private static final String OPERATOR = "operator-token-0123456789";
  private static final String VIEWER = "viewer-token-0123456789";

  private static void withTokens(RegionYaml r) {
    r.token("ops", ADMIN, "admin").token("oncall", OPERATOR, "operator");
    r.token("dashboard", VIEWER, "read-only");
  }

  /** A change with the operator's token. */
  private static HttpResponse<String> change(int http, String method, String path, String body)
      throws Exception {
    return Http.send(http, method, path, body, OPERATOR);
  }

  private static String[] withSync(String... settings) {
    String[] out = java.util.Arrays.copyOf(settings, settings.length + 1);
    out[settings.length] = "offsetSyncIntervalMs: 500";
    return out;
  }

  /** Every record value of {@code topic} in the region at {@code bootstrap}. */
  private static Set<String> values(String bootstrap) {
    Set<String> out = new HashSet<>();
    try (KafkaConsumer<String, String> c =
        new KafkaConsumer<>(Clients.consumer(bootstrap, "earliest"))) {
      List<TopicPartition> parts = Clients.partitions(TOPIC, PARTITIONS);
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> ends = c.endOffsets(parts, TIMEOUT);
      Clients.pollUntil(
          c,
          () -> parts.stream().allMatch(tp -> c.position(tp) >= ends.get(tp)),
          TIMEOUT,
          r -> out.add(r.key()));
    }
    return out;
  }

  /** Writes {@code prefix-i} records until stopped; keeps what was acknowledged. */
  private static final class Traffic {
    final Set<String> acked = ConcurrentHashMap.newKeySet();
    final AtomicInteger failed = new AtomicInteger();
    final AtomicBoolean stop = new AtomicBoolean();
    private final Thread thread;

    Traffic(String bootstrap, String prefix) {
      this(bootstrap, prefix, 0);
    }

    /** Records keyed {@code prefix-i}, their values the key and {@code padding} bytes more. */
    Traffic(String bootstrap, String prefix, int padding) {
      String pad = "x".repeat(padding);
      thread =
          new Thread(
              () -> {
                try (KafkaProducer<String, String> p =
                    new KafkaProducer<>(
                        Clients.producer(
                            bootstrap,
                            ProducerConfig.LINGER_MS_CONFIG,
                            5,
                            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                            4_000,
                            ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                            3_000))) {
                  for (int i = 0; !stop.get(); i++) {
                    String v = prefix + "-" + i;
                    p.send(
                        new ProducerRecord<>(TOPIC, v, v + pad),
                        (md, e) -> {
                          if (e == null) {
                            acked.add(v);
                          } else {
                            failed.incrementAndGet();
                          }
                        });
                    if (i % 50 == 49) {
                      p.flush();
                      // pacing, not waiting for a condition: about 2 000 records/s
                      java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
                    }
                  }
                  p.flush();
                }
              },
              "traffic-" + prefix);
      thread.start();
    }

    void stop() throws InterruptedException {
      stop.set(true);
      thread.join(30_000);
    }
  }

  private static JsonNode post(int http, String path, String body) throws Exception {
    HttpResponse<String> r = change(http, "POST", path, body);
    return JSON.readTree(r.body()).deepCopy();
  }

  private static JsonNode awaitEnded(int http, String id) throws Exception {
    JsonNode[] op = new JsonNode[1];
    Wait.until(
        "operation " + id + " ended",
        TIMEOUT,
        () -> {
          op[0] = JSON.readTree(Http.get(http, "/v1/operations/" + id).body());
          String s = op[0].get("state").asText();
          return s.equals("COMPLETED") || s.equals("ROLLED_BACK") || s.equals("FAILED");
        });
    return op[0];
  }

  /** Reads {@code group}'s records from {@code bootstrap} until it has read all of {@code want}. */
  private static void consumeUntil(
      String bootstrap,
      String group,
      Set<String> want,
      Set<String> values,
      Map<TopicPartition, Set<Long>> seen,
      List<String> repeats) {
    try (KafkaConsumer<String, String> c =
        new KafkaConsumer<>(
            Clients.consumer(bootstrap, "earliest", ConsumerConfig.GROUP_ID_CONFIG, group))) {
      c.subscribe(List.of(TOPIC));
      Clients.pollUntil(
          c,
          () -> values.containsAll(want),
          TIMEOUT,
          r -> {
            if (!seen.computeIfAbsent(
                    new TopicPartition(r.topic(), r.partition()), k -> new HashSet<>())
                .add(r.offset())) {
              repeats.add(r.topic() + "-" + r.partition() + "@" + r.offset());
            }
            values.add(r.value());
          });
    }
  }

  /**
   * A planned failover east → west with {@code reverse}, then the planned failover back of the
   * reverse link: after each, the group resumes in the newly writable region at its committed
   * offsets (nothing lost, nothing read twice), the producer continues there, and the other region
   * holds the same records at the same offsets as a mirror.
   */
  @Test
  void plannedFailoverMovesProducersAndAGroupToWestWithNothingLostOrReadTwice() throws Exception {
    try (LinkedRegions regions = start()) {
      String eb = regions.source.bootstrap();
      String wb = regions.target.bootstrap();
      int http = regions.target.node(101).httpPort();
      Clients.createTopic(eb, TOPIC, PARTITIONS, Map.of());

      Map<TopicPartition, Set<Long>> seen = new HashMap<>();
      Set<String> values = new HashSet<>();
      List<String> repeats = new ArrayList<>();
      Traffic east = new Traffic(eb, "east");
      Map<TopicPartition, OffsetAndMetadata> committed;
      try (KafkaConsumer<String, String> c =
          new KafkaConsumer<>(
              Clients.consumer(
                  eb,
                  "earliest",
                  ConsumerConfig.GROUP_ID_CONFIG,
                  "billing",
                  ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                  false))) {
        c.subscribe(List.of(TOPIC));
        Clients.pollUntil(
            c,
            () -> values.size() >= 3_000,
            TIMEOUT,
            r -> {
              if (!seen.computeIfAbsent(
                      new TopicPartition(r.topic(), r.partition()), k -> new HashSet<>())
                  .add(r.offset())) {
                repeats.add(r.topic() + "-" + r.partition() + "@" + r.offset());
              }
              values.add(r.value());
            });
        c.commitSync();
        committed = c.committed(Set.copyOf(c.assignment()));
      }

      try (Admin wa = Admin.create(Clients.admin(wb))) {
        Wait.until(
            "orders mirrored to west",
            TIMEOUT,
            () -> wa.listTopics().names().get(10, TimeUnit.SECONDS).contains(TOPIC));
      }
      // the failover, with the producer still writing to east
      long t0 = System.currentTimeMillis();
      JsonNode started =
          post(http, "/v1/links/e2w/failover", "{\"type\":\"planned\",\"reverse\":true}");
      String id = started.get("id").asText();
      assertEquals("FENCING", started.get("state").asText(), started.toString());
      JsonNode done = awaitEnded(http, id);
      long measuredMs = System.currentTimeMillis() - t0;
      assertEquals("COMPLETED", done.get("state").asText(), done.toString());
      assertEquals(0, done.get("rpoRecords").asLong());
      long rto = done.get("rtoMs").asLong();
      assertTrue(rto > 0 && rto <= 5_000, "planned failover RTO " + rto + " ms: " + done);
      assertTrue(
          rto <= measuredMs, "reported RTO " + rto + " within what the test saw " + measuredMs);
      System.out.printf(
          "planned failover under %d records/s: RTO %d ms (reported), %d ms (POST to COMPLETED seen"
              + " by the test), RPO %d records; %s%n",
          2_000, rto, measuredMs, done.get("rpoRecords").asLong(), done.get("history"));
      east.stop();
      assertTrue(
          east.failed.get() > 0,
          "east's producer was fenced: acked " + east.acked.size() + ", operation " + done);

      // east is the reverse link's mirror: a write fails, not retriably, naming that link
      try (KafkaProducer<String, String> p =
          new KafkaProducer<>(Clients.producer(eb, ProducerConfig.RETRIES_CONFIG, 0))) {
        ExecutionException e =
            assertThrows(
                ExecutionException.class,
                () ->
                    p.send(new ProducerRecord<>(TOPIC, "late", "late")).get(10, TimeUnit.SECONDS));
        assertInstanceOf(
            org.apache.kafka.common.errors.InvalidRequestException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("e2w-reverse"), e.getCause().toString());
      }

      // west holds every record east acknowledged, at the same offsets (promoted = fenced ends)
      JsonNode fenced = done.get("fencedEnds");
      JsonNode promoted = done.get("promoted");
      try (Admin ea = Admin.create(Clients.admin(eb));
          Admin wa = Admin.create(Clients.admin(wb))) {
        Map<TopicPartition, Long> eastEnds =
            Clients.latestOffsets(ea, Clients.partitions(TOPIC, PARTITIONS));
        Map<TopicPartition, Long> westEnds =
            Clients.latestOffsets(wa, Clients.partitions(TOPIC, PARTITIONS));
        assertEquals(eastEnds, westEnds);
        eastEnds.forEach(
            (tp, end) -> {
              String key = tp.topic() + "-" + tp.partition();
              assertEquals(end, fenced.get(key).asLong(), key);
              assertEquals(end, promoted.get(key).get("offset").asLong(), key);
            });
        assertEquals(
            committed,
            wa.listConsumerGroupOffsets("billing").partitionsToOffsetAndMetadata().get());
      }

      // the producer continues on west; the group resumes there at its committed offsets
      Traffic west = new Traffic(wb, "west");
      Wait.until("west takes writes", TIMEOUT, () -> west.acked.size() >= 1_000);
      west.stop();
      Set<String> expected = new HashSet<>(east.acked);
      expected.addAll(west.acked);
      consumeUntil(wb, "billing", expected, values, seen, repeats);
      assertEquals(List.of(), repeats, "records read twice");

      // east holds west's records at the same offsets
      int eastHttp = regions.source.node(1).httpPort();
      JsonNode reverse = JSON.readTree(Http.get(eastHttp, "/v1/links/e2w-reverse").body());
      assertEquals("e2w", reverse.get("reverseOf").asText(), reverse.toString());
      try (Admin ea = Admin.create(Clients.admin(eb));
          Admin wa = Admin.create(Clients.admin(wb))) {
        Wait.until(
            "east mirrors west's writes",
            TIMEOUT,
            () -> LinkedRegions.sameEnds(wa, ea, TOPIC, PARTITIONS));
      }

      // fail back under traffic on west: the reverse link's planned failover, run by east
      // through the CLI, starts e2w again (west's topics its mirror topics once more)
      Traffic west2 = new Traffic(wb, "west2");
      Wait.until("west takes more writes", TIMEOUT, () -> west2.acked.size() >= 500);
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      int exit = ctlIn(out, "east", "--json", "failover", "e2w-reverse", "--planned", "--reverse");
      west2.stop();
      assertEquals(0, exit, out.toString());
      JsonNode back = JSON.readTree(out.toString().trim());
      assertEquals("COMPLETED", back.get("state").asText(), back.toString());
      assertEquals(0, back.get("rpoRecords").asLong());
      assertTrue(back.get("rtoMs").asLong() <= 5_000, back.toString());
      System.out.printf(
          "planned failback west -> east under traffic: RTO %d ms%n", back.get("rtoMs").asLong());
      Traffic east2 = new Traffic(eb, "east2");
      Wait.until("east takes writes again", TIMEOUT, () -> east2.acked.size() >= 500);
      east2.stop();
      try (Admin ea = Admin.create(Clients.admin(eb));
          Admin wa = Admin.create(Clients.admin(wb))) {
        Wait.until(
            "west mirrors east again (e2w resumed)",
            TIMEOUT,
            () -> LinkedRegions.sameEnds(ea, wa, TOPIC, PARTITIONS));
      }
      expected.addAll(west2.acked);
      expected.addAll(east2.acked);
      consumeUntil(eb, "billing", expected, values, seen, repeats);
      assertEquals(List.of(), repeats, "records read twice");
      assertTrue(values.containsAll(expected));

      JsonNode all = JSON.readTree(Http.get(http, "/v1/operations").body());
      assertEquals(id, all.get(0).get("id").asText());
    }
  }

  /**
   * An unplanned failover after east is kill -9'd reports as RPO exactly the records west lacks;
   * when east returns, the failback keeps those records in east's quarantine topic (and nowhere
   * else), truncates them, and east mirrors west from then on.
   */
  @Test
  void unplannedFailoverAfterTheSourceIsKilledReportsTheRecordsItLost() throws Exception {
    // a slow link (rate limited) keeps west behind while it still learns east's ends
    try (LinkedRegions regions = start("rateLimitBytesPerSecond: 65536")) {
      String eb = regions.source.bootstrap();
      String wb = regions.target.bootstrap();
      int http = regions.target.node(101).httpPort();
      Clients.createTopic(eb, TOPIC, PARTITIONS, Map.of());
      Traffic east = new Traffic(eb, "east", 200);
      Wait.until("east took 3000 writes", TIMEOUT, () -> east.acked.size() >= 3_000);
      east.stop();
      assertEquals(0, east.failed.get());
      Map<TopicPartition, Long> eastEnds;
      try (Admin ea = Admin.create(Clients.admin(eb))) {
        eastEnds = Clients.latestOffsets(ea, Clients.partitions(TOPIC, PARTITIONS));
      }
      Wait.until(
          "the link knows east's ends and is behind",
          TIMEOUT,
          () -> {
            long known = 0;
            long lag = 0;
            for (JsonNode p : regions.status().get("partitions")) {
              TopicPartition tp = new TopicPartition(TOPIC, p.get("partition").asInt());
              if (p.get("sourceHighWatermark").asLong() == eastEnds.get(tp)) {
                known++;
              }
              lag += p.get("lagRecords").asLong();
            }
            return known == PARTITIONS && lag > 0;
          });
      regions.source.child(1).kill9();

      // through the CLI, as an operator would: it waits until the operation ends
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      int exit = ctl(out, "--json", "failover", "e2w", "--unplanned");
      assertEquals(0, exit, out.toString());
      JsonNode done = JSON.readTree(out.toString().trim());
      assertEquals("COMPLETED", done.get("state").asText(), done.toString());
      assertEquals(
          done, JSON.readTree(Http.get(http, "/v1/operations/" + done.get("id").asText()).body()));

      Set<String> onWest = values(wb);
      long missing = east.acked.stream().filter(v -> !onWest.contains(v)).count();
      System.out.printf(
          "unplanned failover: RPO %d records reported, %d missing on west, rpoMs %d, RTO %d ms%n",
          done.get("rpoRecords").asLong(),
          missing,
          done.get("rpoMs").asLong(),
          done.get("rtoMs").asLong());
      assertTrue(missing > 0, "west was behind when east died");
      assertEquals(missing, done.get("rpoRecords").asLong(), done.toString());
      assertTrue(done.get("rpoMs").asLong() > 0, done.toString());
      assertTrue(done.get("rtoMs").asLong() <= 5_000, done.toString());
      // west is writable now
      try (KafkaProducer<String, String> p = new KafkaProducer<>(Clients.producer(wb))) {
        p.send(new ProducerRecord<>(TOPIC, "after", "after")).get(10, TimeUnit.SECONDS);
      }

      // east returns, still holding what west never got, and fails back
      regions.source.start(1);
      out.reset();
      exit = ctl(out, "--json", "failback", "e2w");
      assertEquals(0, exit, out.toString());
      JsonNode back = JSON.readTree(out.toString().trim());
      assertEquals("COMPLETED", back.get("state").asText(), back.toString());
      assertEquals("FAILBACK", back.get("type").asText());
      assertEquals(missing, back.get("quarantinedRecords").asLong(), back.toString());
      try (Admin ea = Admin.create(Clients.admin(eb));
          Admin wa = Admin.create(Clients.admin(wb))) {
        Wait.until(
            "east mirrors west", TIMEOUT, () -> LinkedRegions.sameEnds(wa, ea, TOPIC, PARTITIONS));
      }
      Set<String> nowOnWest = values(wb);
      assertEquals(nowOnWest, values(eb), "east holds exactly west's records");
      Set<String> lost = new HashSet<>(east.acked);
      lost.removeAll(onWest);
      List<String> kept = quarantined(eb, "orders.quarantine.east");
      assertEquals(lost.size(), kept.size(), "each unmirrored record kept once");
      assertEquals(lost, new HashSet<>(kept), "the quarantine holds exactly what west lacks");
      assertTrue(java.util.Collections.disjoint(lost, nowOnWest), "and it is nowhere else");
      System.out.printf(
          "failback: %d records of east kept in quarantine, %s%n",
          kept.size(), back.get("history"));
    }
  }

  /** The original keys of the records in quarantine topic {@code q}, checking their provenance. */
  private static List<String> quarantined(String bootstrap, String q) {
    List<String> out = new ArrayList<>();
    try (KafkaConsumer<String, String> c =
        new KafkaConsumer<>(Clients.consumer(bootstrap, "earliest"))) {
      List<TopicPartition> parts = Clients.partitions(q, PARTITIONS);
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> ends = c.endOffsets(parts, TIMEOUT);
      Clients.pollUntil(
          c,
          () -> parts.stream().allMatch(tp -> c.position(tp) >= ends.get(tp)),
          TIMEOUT,
          r -> {
            var topic = r.headers().lastHeader("meridian.quarantine.topic");
            var partition = r.headers().lastHeader("meridian.quarantine.partition");
            assertEquals(TOPIC, new String(topic.value(), java.nio.charset.StandardCharsets.UTF_8));
            assertEquals(
                Integer.toString(r.partition()),
                new String(partition.value(), java.nio.charset.StandardCharsets.UTF_8));
            assertTrue(r.headers().lastHeader("meridian.quarantine.offset") != null);
            out.add(r.key());
          });
    }
    return out;
  }

  /**
   * In a 3-node target region the operation runs on the region's controller: killed -9 in FENCING
   * (east frozen) and left dead, the next controller resumes it from its recorded state and
   * completes it, each state entered once; east is fenced, west writable, nothing lost.
   */
  @Test
  void aFailoverWhoseControllerIsKilledIsResumedByTheNextController() throws Exception {
    RegionYaml east =
        RegionYaml.of("east", 1)
            .fixedKafkaPorts()
            .fixedHttpPorts()
            .broker("groupInitialRebalanceDelayMs", 0);
    withTokens(east);
    RegionYaml west =
        RegionYaml.of("west", 3, 101)
            .fixedKafkaPorts()
            .fixedHttpPorts()
            .broker("groupInitialRebalanceDelayMs", 0)
            .broker("offsetsTopicPartitions", 3)
            .alongside(east)
            .link("e2w", "east", "west", withSync());
    withTokens(west);
    east.alongside(west);
    try (LinkedRegions regions =
        new LinkedRegions(
            TestRegion.ofProcesses(east, tmp.resolve("east")).start(),
            TestRegion.ofProcesses(west, tmp.resolve("west")).start(),
            "e2w")) {
      String eb = regions.source.bootstrap();
      Clients.createTopic(eb, TOPIC, PARTITIONS, Map.of());
      Traffic traffic = new Traffic(eb, "east");
      Wait.until("east took 2000 writes", TIMEOUT, () -> traffic.acked.size() >= 2_000);
      traffic.stop();
      Wait.until("orders mirrored", TIMEOUT, () -> regions.caughtUp(TOPIC, PARTITIONS));
      int controller =
          JSON.readTree(Http.get(regions.target.node(101).httpPort(), "/v1/cluster").body())
              .path("controller")
              .path("id")
              .asInt();
      int survivor = controller == 101 ? 102 : 101;

      regions.source.child(1).pause(); // the fence cannot be set: the operation stays in FENCING
      String id =
          post(
                  regions.target.node(survivor).httpPort(),
                  "/v1/links/e2w/failover",
                  "{\"type\":\"planned\"}")
              .get("id")
              .asText();
      Wait.until(
          "the controller started the operation",
          TIMEOUT,
          () ->
              JSON.readTree(
                      Http.get(regions.target.node(survivor).httpPort(), "/v1/operations/" + id)
                          .body())
                  .path("state")
                  .asText()
                  .equals("FENCING"));
      regions.target.child(controller).kill9();
      regions.source.child(1).resume();

      JsonNode done = awaitEnded(regions.target.node(survivor).httpPort(), id);
      assertEquals("COMPLETED", done.get("state").asText(), done.toString());
      assertEquals(
          done.get("history").size(),
          java.util.stream.StreamSupport.stream(done.get("history").spliterator(), false)
              .map(h -> h.get("state").asText())
              .distinct()
              .count(),
          "each state entered once: " + done.get("history"));
      String wb = "127.0.0.1:" + regions.target.node(survivor).kafkaPort();
      assertTrue(values(wb).containsAll(traffic.acked), "west holds everything east acknowledged");
      try (KafkaProducer<String, String> p =
          new KafkaProducer<>(
              Clients.producer(
                  eb,
                  ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                  3_000,
                  ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                  2_000))) {
        assertThrows(
            ExecutionException.class,
            () -> p.send(new ProducerRecord<>(TOPIC, "late", "late")).get(10, TimeUnit.SECONDS),
            "east is fenced");
      }
      try (KafkaProducer<String, String> p = new KafkaProducer<>(Clients.producer(wb))) {
        p.send(new ProducerRecord<>(TOPIC, "after", "after")).get(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void aFailoverWhoseNodeIsKilledMidwayResumesWhenItReturns() throws Exception {
    try (LinkedRegions regions = start()) {
      String eb = regions.source.bootstrap();
      String wb = regions.target.bootstrap();
      Clients.createTopic(eb, TOPIC, PARTITIONS, Map.of());
      Traffic east = new Traffic(eb, "east");
      Wait.until("east took 2000 writes", TIMEOUT, () -> east.acked.size() >= 2_000);
      east.stop();
      Wait.until("orders mirrored", TIMEOUT, () -> regions.caughtUp(TOPIC, PARTITIONS));

      // east frozen: the fence cannot be set, so the operation stays in FENCING
      regions.source.child(1).pause();
      JsonNode started =
          post(
              regions.target.node(101).httpPort(),
              "/v1/links/e2w/failover",
              "{\"type\":\"planned\"}");
      String id = started.get("id").asText();
      regions.target.child(101).kill9();
      regions.source.child(1).resume();
      regions.target.start(101);

      int http = regions.target.node(101).httpPort();
      JsonNode done = awaitEnded(http, id);
      assertEquals("COMPLETED", done.get("state").asText(), done.toString());
      assertEquals(
          done.get("history").size(),
          java.util.stream.StreamSupport.stream(done.get("history").spliterator(), false)
              .map(h -> h.get("state").asText())
              .distinct()
              .count(),
          "each state entered once: " + done.get("history"));
      Set<String> onWest = values(wb);
      assertTrue(onWest.containsAll(east.acked), "west holds everything east acknowledged");
      // exactly one region takes writes: east is fenced, west is not
      try (KafkaProducer<String, String> p =
          new KafkaProducer<>(
              Clients.producer(
                  eb,
                  ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                  3_000,
                  ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                  2_000))) {
        assertThrows(
            ExecutionException.class,
            () -> p.send(new ProducerRecord<>(TOPIC, "late", "late")).get(10, TimeUnit.SECONDS));
      }
      try (KafkaProducer<String, String> p = new KafkaProducer<>(Clients.producer(wb))) {
        p.send(new ProducerRecord<>(TOPIC, "after", "after")).get(10, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * Drills through the CLI: a planned one and then an unplanned one, each failing back, drive their
   * own traffic and group, and pass; what they report agrees with the failover operations they ran
   * and with the records the test finds in the drill topic afterwards.
   */
  @Test
  void drillsFailOverAndBackWithTheirOwnTrafficAndReportWhatTheyMeasured() throws Exception {
    try (LinkedRegions regions = start()) {
      int http = regions.target.node(101).httpPort();
      long records = 0;
      for (String scenario : List.of("planned", "unplanned", "region-loss")) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        // region-loss halts east's node; the test restarts it as a supervisor would, and the
        // node itself stays down until the 5 s outage the drill asked for is over
        CompletableFuture<Void> supervisor =
            scenario.equals("region-loss")
                ? CompletableFuture.runAsync(
                    () -> {
                      Wait.until(
                          "east's node halted by the drill",
                          TIMEOUT,
                          () -> !regions.source.child(1).isAlive());
                      regions.source.start(1);
                    })
                : CompletableFuture.completedFuture(null);
        int exit =
            ctl(
                out,
                "--json",
                "drill",
                "run",
                "--link",
                "e2w",
                "--scenario",
                scenario,
                "--records",
                "600",
                "--fail-back",
                "--down-for",
                "5");
        supervisor.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        String printed = out.toString().trim();
        JsonNode report = JSON.readTree(printed.substring(printed.lastIndexOf("\n{") + 1));
        assertEquals(0, exit, printed);
        assertEquals("PASSED", report.get("state").asText(), report.toString());
        System.out.println("drill: " + report.get("summary").asText());
        JsonNode v = report.get("verified");
        assertEquals(0, v.get("readTwice").size());
        assertEquals(0, v.get("gaps").size());
        assertEquals(v.get("expectedChecksum").asLong(), v.get("readChecksum").asLong());
        assertEquals(v.get("expected").asLong(), v.get("read").asLong());
        // what the drill reports is what its failover operation recorded
        JsonNode op =
            JSON.readTree(
                Http.get(http, "/v1/operations/" + report.get("failover").get("id").asText())
                    .body());
        assertEquals("COMPLETED", op.get("state").asText());
        assertEquals(op.get("rtoMs").asLong(), report.get("rto").get("reportedMs").asLong());
        assertEquals(
            op.get("rpoRecords").asLong(), report.get("rpo").get("reportedRecords").asLong());
        assertTrue(report.get("rpo").get("agrees").asBoolean(), report.toString());
        assertTrue(
            report.get("rto").get("measuredMs").asLong() >= op.get("rtoMs").asLong(),
            "writes resume here only after the promotion: " + report);
        if (scenario.equals("planned")) {
          assertEquals(0, report.get("rpo").get("records").asLong(), report.toString());
        }
        if (!scenario.equals("region-loss")) {
          assertEquals(0, v.get("readAgain").asInt(), "the group's commits were copied: " + report);
        }
        if (scenario.equals("region-loss")) {
          JsonNode loss = report.get("regionLoss");
          assertEquals("[1]", loss.get("nodesHalted").toString(), report.toString());
          assertTrue(
              loss.get("backAtMs").asLong() - loss.get("haltedAtMs").asLong() >= 5_000,
              "east stayed down for the outage the drill asked for: " + loss);
          assertTrue(
              regions.source.child(1).output().contains("halting this node now"),
              "east's node was halted, not stopped");
        }
        JsonNode listed = JSON.readTree(Http.get(http, "/v1/drills").body());
        assertEquals(report.get("id").asText(), listed.get(0).get("id").asText());
        records +=
            report.get("written").get("acknowledged").asLong()
                - report.get("rpo").get("records").asLong();
        // failed back, the link copies new writes on every partition at once (it stalled on the
        // partitions whose last epoch, from when west led them writable, had no batch in it)
        try (KafkaProducer<String, String> p =
            new KafkaProducer<>(Clients.producer(regions.source.bootstrap()))) {
          for (int i = 0; i < 30; i++) {
            p.send(new ProducerRecord<>("meridian-drill", "probe" + i, "probe")).get();
          }
        }
        records += 30;
        try (Admin ea = Admin.create(Clients.admin(regions.source.bootstrap()));
            Admin wa = Admin.create(Clients.admin(regions.target.bootstrap()))) {
          Wait.until(
              "writes to east after the failback mirrored to west",
              Duration.ofSeconds(10),
              () -> LinkedRegions.sameEnds(ea, wa, "meridian-drill", 3));
        }
      }
      // failed back: east is the primary again and west holds the same drill records
      long expected = records;
      try (Admin ea = Admin.create(Clients.admin(regions.source.bootstrap()));
          Admin wa = Admin.create(Clients.admin(regions.target.bootstrap()))) {
        Wait.until(
            "west mirrors east again",
            TIMEOUT,
            () -> LinkedRegions.sameEnds(ea, wa, "meridian-drill", 3));
        long total =
            Clients.latestOffsets(ea, Clients.partitions("meridian-drill", 3)).values().stream()
                .mapToLong(Long::longValue)
                .sum();
        assertEquals(expected, total, "every record the drills say survived, and no other");
      }
      try (KafkaProducer<String, String> p =
          new KafkaProducer<>(Clients.producer(regions.source.bootstrap()))) {
        p.send(new ProducerRecord<>("meridian-drill", "after", "after")).get(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void failoverRoutesAnswerEveryErrorWithAProblemBody() throws Exception {
    try (LinkedRegions regions = start()) {
      int http = regions.target.node(101).httpPort();
      int eastHttp = regions.source.node(1).httpPort();
      Clients.createTopic(regions.source.bootstrap(), TOPIC, 1, Map.of());
      Wait.until("orders mirrored", TIMEOUT, () -> regions.caughtUp(TOPIC, 1));

      assertProblem(
          change(http, "POST", "/v1/links/nope/failover", "{\"type\":\"planned\"}"),
          404,
          "/link-not-found");
      assertProblem(
          change(http, "POST", "/v1/links/e2w/failover", "{\"type\":\"sideways\"}"), 400, null);
      assertProblem(change(http, "POST", "/v1/links/e2w/failover", "not json"), 400, null);
      assertProblem(
          change(
              http, "POST", "/v1/links/e2w/failover", "{\"type\":\"planned\",\"reverse\":\"yes\"}"),
          400,
          null);
      assertProblem(Http.get(http, "/v1/operations/none"), 404, "/operation-not-found");
      assertProblem(change(eastHttp, "POST", "/v1/fences", "{\"topics\":[]}"), 400, null);
      assertProblem(
          change(eastHttp, "POST", "/v1/fences", "{\"topics\":[\"ghost\"],\"by\":\"x\"}"),
          404,
          "/topic-not-found");

      assertProblem(
          change(eastHttp, "POST", "/v1/adoptions", "{\"topics\":[\"orders\"]}"), 400, null);
      assertProblem(
          change(eastHttp, "POST", "/v1/adoptions", "{\"link\":\"r\",\"topics\":[\"ghost\"]}"),
          404,
          "/topic-not-found");
      HttpResponse<String> writable =
          change(eastHttp, "POST", "/v1/adoptions", "{\"link\":\"r\",\"topics\":[\"orders\"]}");
      assertProblem(writable, 409, null);
      assertTrue(writable.body().contains("fence it first"), writable.body());
      assertProblem(
          change(
              http, "POST", "/v1/links/e2w/failover", "{\"type\":\"unplanned\",\"reverse\":true}"),
          400,
          null);

      // a change needs a token whose role allows it; a refused one changes nothing
      HttpResponse<String> anonymous =
          Http.send(eastHttp, "POST", "/v1/fences", "{\"topics\":[\"orders\"],\"by\":\"x\"}");
      assertProblem(anonymous, 401, "/unauthorized");
      assertEquals(
          "Bearer realm=\"meridian\"",
          anonymous.headers().firstValue("www-authenticate").orElse(""));
      assertProblem(
          Http.send(
              eastHttp,
              "POST",
              "/v1/fences",
              "{\"topics\":[\"orders\"],\"by\":\"x\"}",
              "not-a-token-of-the-file"),
          401,
          "/unauthorized");
      assertProblem(
          Http.send(eastHttp, "POST", "/v1/links/e2w/pause", null, VIEWER), 403, "/forbidden");
      HttpResponse<String> operatorMakesLink =
          Http.send(
              http,
              "POST",
              "/v1/links",
              "{\"name\":\"x2w\",\"source\":{\"region\":\"east\"}}",
              OPERATOR);
      assertProblem(operatorMakesLink, 403, "/forbidden");
      assertTrue(operatorMakesLink.body().contains("needs admin"), operatorMakesLink.body());
      assertTrue(
          JSON.readTree(Http.get(http, "/v1/links").body()).size() == 1, "no link was created");
      try (KafkaProducer<String, String> p =
          new KafkaProducer<>(Clients.producer(regions.source.bootstrap()))) {
        p.send(new ProducerRecord<>(TOPIC, "k", "not fenced")).get(10, TimeUnit.SECONDS);
      }

      // a fence set and lifted over REST: produces fail while it holds, work after
      HttpResponse<String> set =
          change(eastHttp, "POST", "/v1/fences", "{\"topics\":[\"orders\"],\"by\":\"drill\"}");
      assertEquals(200, set.statusCode(), set.body());
      assertEquals(
          "drill", JSON.readTree(set.body()).get("topics").get(0).get("fencedBy").asText());
      HttpResponse<String> lifted =
          change(eastHttp, "POST", "/v1/fences", "{\"topics\":[\"orders\"],\"by\":null}");
      assertEquals(200, lifted.statusCode(), lifted.body());
      try (KafkaProducer<String, String> p =
          new KafkaProducer<>(Clients.producer(regions.source.bootstrap()))) {
        p.send(new ProducerRecord<>(TOPIC, "k", "after the fence")).get(10, TimeUnit.SECONDS);
      }
      assertTrue(JSON.readTree(Http.get(http, "/v1/operations").body()).isEmpty());

      // topics through the control plane and the CLI: create, reconfigure, delete (admin)
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      assertProblem(
          Http.send(http, "POST", "/v1/topics", "{\"name\":\"t2\"}", OPERATOR), 403, "/forbidden");
      out.reset();
      assertEquals(
          0,
          ctl(out, "topics", "create", "t2", "--partitions", "2", "--set", "retention.ms=60000"),
          out.toString());
      JsonNode t2 = JSON.readTree(Http.get(http, "/v1/topics/t2").body());
      assertEquals(2, t2.get("partitions").size(), t2.toString());
      out.reset();
      assertEquals(1, ctl(out, "topics", "create", "t2"), "it exists: " + out);
      out.reset();
      assertEquals(
          0,
          ctl(
              out,
              "topics",
              "config",
              "t2",
              "--set",
              "retention.ms=1000",
              "--set",
              "segment.ms=600000"),
          out.toString());
      assertEquals(
          "1000", JSON.readTree(out.toString()).get("configs").get("retention.ms").asText());
      out.reset();
      assertEquals(
          1, ctl(out, "topics", "config", "t2", "--set", "retention.ms=soon"), out.toString());
      assertTrue(out.toString().contains("retention.ms"), out.toString());
      assertProblem(
          Http.send(http, "DELETE", "/v1/topics/" + TOPIC, null, ADMIN), 409, null); // a mirror
      assertProblem(
          Http.send(http, "DELETE", "/v1/topics/none", null, ADMIN), 404, "/topic-not-found");
      out.reset();
      assertEquals(0, ctl(out, "topics", "delete", "t2"), out.toString());
      Wait.until("t2 deleted", TIMEOUT, () -> Http.get(http, "/v1/topics/t2").statusCode() == 404);

      // east's audit trail: each change let through, who made it and its answer, newest first
      Wait.until(
          "the audit trail has the fence lifted",
          TIMEOUT,
          () -> {
            JsonNode audit = JSON.readTree(Http.get(eastHttp, "/v1/audit").body());
            return audit.size() > 0 && audit.get(0).get("path").asText().equals("/v1/fences");
          });
      JsonNode audit = JSON.readTree(Http.get(eastHttp, "/v1/audit").body());
      JsonNode lift = audit.get(0);
      assertEquals("oncall", lift.get("principal").asText(), lift.toString());
      assertEquals("POST", lift.get("method").asText());
      assertEquals(200, lift.get("status").asInt());
      assertTrue(
          java.util.stream.StreamSupport.stream(audit.spliterator(), false)
              .noneMatch(e -> e.get("status").asInt() == 401 || e.get("status").asInt() == 403),
          "refused changes are not in the trail (they are logged): " + audit);
      assertTrue(
          java.util.stream.StreamSupport.stream(audit.spliterator(), false)
              .anyMatch(e -> e.get("status").asInt() == 404),
          "a change that failed is, with its answer: " + audit);

      // the CLI: exit codes and output
      out.reset();
      assertEquals(0, ctl(out, "links"), out.toString());
      assertTrue(
          out.toString().contains("e2w") && out.toString().contains("RUNNING"), out.toString());
      out.reset();
      assertEquals(1, ctl(out, "failover", "nope", "--planned"), out.toString());
      assertTrue(out.toString().contains("no link 'nope'"), out.toString());
      out.reset();
      assertEquals(2, ctl(out, "failover", "e2w"), out.toString());
      out.reset();
      assertEquals(2, ctl(out, "sideways"), out.toString());
      out.reset();
      assertEquals(0, ctl(out, "--json", "operations"), out.toString());
      assertEquals("[]", out.toString().trim());
    }
  }

  /** Runs {@code ops/meridian ctl} (its main class) against the test's west config file. */
  private int ctl(java.io.ByteArrayOutputStream out, String... args) {
    return ctlIn(out, "west", args);
  }

  /** Runs {@code ops/meridian ctl} against the config file of {@code region}'s nodes. */
  private int ctlIn(java.io.ByteArrayOutputStream out, String region, String... args) {
    java.io.PrintStream print =
        new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8);
    return dev.meridian.node.tools.Ctl.run(
        List.of(args), tmp.resolve(region).resolve("region.yaml"), print, print);
  }

  private static void assertProblem(HttpResponse<String> r, int status, String typeSuffix)
      throws Exception {
    assertEquals(status, r.statusCode(), r.body());
    assertEquals("application/problem+json", r.headers().firstValue("content-type").orElse(""));
    JsonNode p = JSON.readTree(r.body());
    assertEquals(status, p.get("status").asInt());
    assertTrue(p.hasNonNull("detail"), r.body());
    if (typeSuffix != null) {
      assertTrue(p.get("type").asText().endsWith(typeSuffix), r.body());
    }
  }
}
