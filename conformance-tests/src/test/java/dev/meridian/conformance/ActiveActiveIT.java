package dev.meridian.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Active-active links between regions of real node processes, written and read with kafka-clients:
 * producers in every region write the same topic, and every region ends with the union, each record
 * exactly once (counted by its producer's region and sequence number), in its producer's order per
 * partition, with provenance headers naming where it came from — two regions linked both ways, and
 * three in a ring; also while the link's node and its source node are killed -9.
 */
class ActiveActiveIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final String TOPIC = "orders";
  private static final int PARTITIONS = 3;

  @TempDir Path tmp;

  private final Map<String, TestRegion> running = new LinkedHashMap<>();

  @AfterEach
  void stop() {
    running.values().forEach(TestRegion::close);
  }

  /**
   * Starts one-node regions {@code names} (ids 1, 101, 201, ...), each file holding every region
   * and every link {@code "source>target"}, all active-active.
   */
  private void start(List<String> names, List<String> links) {
    prepare(names, links).values().forEach(this::launch);
  }

  private void launch(RegionYaml y) {
    running.put(y.region(), TestRegion.ofProcesses(y, tmp.resolve(y.region())).start());
  }

  /**
   * The files of one-node regions {@code names} (ids 1, 101, 201, ...), each holding every region
   * and every link {@code "source>target"} (optionally {@code "|more: settings"}), all
   * active-active.
   */
  private Map<String, RegionYaml> prepare(List<String> names, List<String> links) {
    List<RegionYaml> yamls = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      yamls.add(
          RegionYaml.of(names.get(i), 1, 1 + 100 * i)
              .fixedKafkaPorts()
              .broker("groupInitialRebalanceDelayMs", 0));
    }
    for (RegionYaml y : yamls) {
      yamls.stream().filter(o -> o != y).forEach(y::alongside);
      for (String l : links) {
        String[] more = l.split("\\|");
        String[] st = more[0].split(">");
        List<String> settings =
            new ArrayList<>(List.of("mode: active-active", "offsetSyncIntervalMs: 500"));
        settings.addAll(List.of(more).subList(1, more.length));
        y.link(st[0] + "-to-" + st[1], st[0], st[1], settings.toArray(String[]::new));
      }
    }
    Map<String, RegionYaml> out = new LinkedHashMap<>();
    yamls.forEach(y -> out.put(y.region(), y));
    return out;
  }

  private TestRegion region(String name) {
    return running.get(name);
  }

  /** Sends {@code count} records from region {@code origin}: keys k0..k29, header seq = number. */
  private void produce(String origin, int from, int count, Map<Integer, Runnable> at)
      throws Exception {
    Map<Integer, Runnable> pending = new ConcurrentHashMap<>(at);
    try (KafkaProducer<String, String> p =
        new KafkaProducer<>(
            Clients.producer(
                region(origin).bootstrap(),
                ProducerConfig.LINGER_MS_CONFIG,
                2,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                120_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                5_000))) {
      Clients.Sends<String, String> sends = new Clients.Sends<>(p, 2_000, TIMEOUT);
      for (int i = from; i < from + count; i++) {
        ProducerRecord<String, String> r =
            new ProducerRecord<>(TOPIC, "k" + (i % 30), origin + "-" + i);
        r.headers().add(new RecordHeader("seq", bytes(Integer.toString(i))));
        sends.send(r, m -> {});
        for (Map.Entry<Integer, Runnable> e : pending.entrySet()) {
          if (i >= e.getKey()) {
            pending.remove(e.getKey()).run();
          }
        }
      }
      sends.awaitAcks();
    }
  }

  /** One record as a region holds it. */
  private record Held(
      int partition, long offset, String origin, String path, String value, int seq) {}

  /** Every record of the topic in {@code region}, in partition and offset order. */
  private List<Held> contents(String name) {
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, region(name).bootstrap());
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<Held> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = new ArrayList<>();
      for (PartitionInfo p : consumer.partitionsFor(TOPIC, Duration.ofSeconds(30))) {
        parts.add(new TopicPartition(TOPIC, p.partition()));
      }
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> ends = consumer.endOffsets(parts, Duration.ofSeconds(30));
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (!parts.stream().allMatch(tp -> consumer.position(tp) >= ends.get(tp))) {
        assertTrue(System.nanoTime() < deadline, "reading " + name + " took too long");
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          out.add(
              new Held(
                  r.partition(),
                  r.offset(),
                  header(r, "meridian.origin"),
                  header(r, "meridian.path"),
                  new String(r.value(), StandardCharsets.UTF_8),
                  Integer.parseInt(header(r, "seq"))));
        }
      }
    }
    out.sort(
        (a, b) ->
            a.partition != b.partition
                ? Integer.compare(a.partition, b.partition)
                : Long.compare(a.offset, b.offset));
    return out;
  }

  private static String header(ConsumerRecord<?, ?> r, String key) {
    Header h = r.headers().lastHeader(key);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  private long records(String name) throws Exception {
    try (Admin a = Admin.create(Clients.admin(region(name).bootstrap()))) {
      return Clients.latestOffsets(a, Clients.partitions(TOPIC, PARTITIONS)).values().stream()
          .mapToLong(Long::longValue)
          .sum();
    }
  }

  private void awaitRecords(String name, long atLeast) {
    Wait.until(name + " holds " + atLeast + " records", TIMEOUT, () -> records(name) >= atLeast);
  }

  private JsonNode link(String target, String name) throws Exception {
    HttpResponse<String> r =
        Http.get(region(target).nodes().values().iterator().next().httpPort(), "/v1/links/" + name);
    assertEquals(200, r.statusCode(), r.body());
    return new ObjectMapper().readTree(r.body());
  }

  /** Whether the link has read its source to the end on every partition. */
  private boolean drained(String target, String name) throws Exception {
    JsonNode parts = link(target, name).get("partitions");
    int done = 0;
    for (JsonNode p : parts) {
      if (p.get("lagRecords").asLong() == 0) {
        done++;
      }
    }
    return done == PARTITIONS;
  }

  /**
   * Waits until every region holds {@code total} records and every link has read its source to the
   * end (then no copy is in flight), and checks each region's records.
   */
  private void assertUnionOnceEach(Map<String, Integer> produced, List<String> links)
      throws Exception {
    long total = produced.values().stream().mapToLong(Integer::longValue).sum();
    for (String r : running.keySet()) {
      Wait.until(r + " holds every record", TIMEOUT, () -> records(r) >= total);
    }
    for (String l : links) {
      String[] st = l.split(">");
      Wait.until(
          l + " read its source to the end",
          TIMEOUT,
          () -> drained(st[1], st[0] + "-to-" + st[1]) && records(st[1]) >= total);
    }
    for (String r : running.keySet()) {
      assertEquals(total, records(r), r + ": records");
      assertHolds(r, contents(r), produced);
    }
  }

  /**
   * Region {@code name} holds each produced record once, with provenance headers saying where it
   * came from, each origin's records of a partition in their order.
   */
  private static void assertHolds(String name, List<Held> held, Map<String, Integer> produced) {
    Map<String, Integer> seen = new HashMap<>();
    Map<String, Integer> lastSeq = new HashMap<>();
    for (Held h : held) {
      String origin = h.origin == null ? name : h.origin;
      assertEquals(origin + "-" + h.seq, h.value, name + ": origin header of " + h);
      if (h.origin == null) {
        assertEquals(null, h.path, name + ": " + h);
      } else {
        assertTrue(h.path.startsWith(origin + ",") && h.path.endsWith("," + name), name + ": " + h);
        assertEquals(
            h.path.split(",").length,
            java.util.Set.of(h.path.split(",")).size(),
            name + ": a loop: " + h);
      }
      String key = origin + "-" + h.seq;
      Integer before = seen.put(key, h.partition);
      assertEquals(null, before, name + ": " + key + " twice");
      Integer last = lastSeq.put(origin + "/" + h.partition, h.seq);
      assertTrue(last == null || last < h.seq, name + ": out of order after " + last + ": " + h);
    }
    produced.forEach(
        (origin, n) -> {
          for (int i = 0; i < n; i++) {
            assertTrue(seen.containsKey(origin + "-" + i), name + ": lost " + origin + "-" + i);
          }
        });
  }

  private void createTopicIn(String first, List<String> others) throws Exception {
    Clients.createTopic(region(first).bootstrap(), TOPIC, PARTITIONS, Map.of());
    for (String o : others) {
      Wait.until(
          "the link created " + TOPIC + " in " + o,
          TIMEOUT,
          () -> {
            try (Admin a = Admin.create(Clients.admin(region(o).bootstrap()))) {
              return a.listTopics().names().get().contains(TOPIC);
            }
          });
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void producersInTwoRegionsLinkedBothWaysLeaveTheUnionInEachOnceAndInOrder() throws Exception {
    List<String> links = List.of("east>west", "west>east");
    start(List.of("east", "west"), links);
    createTopicIn("east", List.of("west"));
    try (Admin west = Admin.create(Clients.admin(region("west").bootstrap()))) {
      assertEquals(
          PARTITIONS,
          west.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC).partitions().size());
    }
    Thread w =
        new Thread(
            () -> {
              try {
                produce("west", 0, 5_000, Map.of());
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    w.start();
    produce("east", 0, 5_000, Map.of());
    w.join(TIMEOUT.toMillis());
    assertUnionOnceEach(Map.of("east", 5_000, "west", 5_000), links);
    JsonNode e2w = link("west", "east-to-west");
    assertEquals("active-active", e2w.get("mode").asText());
    long skipped = 0;
    for (JsonNode p : e2w.get("partitions")) {
      skipped += p.get("skipped").asLong();
    }
    assertEquals(5_000, skipped, "east-to-west skipped west's records copied into east: " + e2w);
  }

  @Test
  void threeRegionsInARingLeaveTheUnionInEachOnce() throws Exception {
    List<String> links = List.of("east>west", "west>north", "north>east");
    start(List.of("east", "west", "north"), links);
    createTopicIn("east", List.of("west", "north"));
    for (String r : List.of("east", "west", "north")) {
      produce(r, 0, 2_000, Map.of());
    }
    assertUnionOnceEach(Map.of("east", 2_000, "west", 2_000, "north", 2_000), links);
  }

  @Test
  void theLinksNodeAndItsSourceKilledMidStreamLoseAndRepeatNothing() throws Exception {
    List<String> links = List.of("east>west", "west>east");
    start(List.of("east", "west"), links);
    createTopicIn("east", List.of("west"));
    produce("west", 0, 3_000, Map.of());
    produce(
        "east",
        0,
        20_000,
        Map.of(
            6_000,
            () -> {
              // the link into west has copied, so a restart that did not resume exactly repeats
              awaitRecords("west", 3_000 + 2_000);
              assertEquals(137, region("west").child(101).kill9());
              region("west").child(101).start();
            },
            14_000,
            () -> {
              // the source of east-to-west, and the node running west-to-east (done copying)
              awaitRecords("east", 3_000 + 10_000);
              awaitRecords("west", 3_000 + 8_000);
              assertEquals(137, region("east").child(1).kill9());
              region("east").child(1).start();
            }));
    assertUnionOnceEach(Map.of("east", 20_000, "west", 3_000), links);
  }

  /**
   * Reads in {@code region} as member of {@code group} until {@code done}; commits what it read.
   */
  private List<String> readAsGroup(
      String name, String group, java.util.function.Predicate<List<String>> done) throws Exception {
    List<String> read = new ArrayList<>();
    try (KafkaConsumer<String, String> c =
        new KafkaConsumer<>(
            Clients.consumer(
                region(name).bootstrap(),
                "earliest",
                ConsumerConfig.GROUP_ID_CONFIG,
                group,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                100))) {
      c.subscribe(List.of(TOPIC));
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (!done.test(read)) {
        assertTrue(System.nanoTime() < deadline, name + ": " + group + " read " + read.size());
        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
          read.add(r.value());
        }
        c.commitSync();
      }
    }
    return read;
  }

  /** Whether a group has read the topic in {@code region} to its end (committed = log end). */
  private boolean committedAtEnd(String name, String group) throws Exception {
    try (Admin a = Admin.create(Clients.admin(region(name).bootstrap()))) {
      Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> committed =
          a.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      Map<TopicPartition, Long> ends =
          Clients.latestOffsets(a, Clients.partitions(TOPIC, PARTITIONS));
      return ends.entrySet().stream()
          .allMatch(
              e ->
                  committed.get(e.getKey()) != null
                      && committed.get(e.getKey()).offset() == e.getValue());
    }
  }

  /**
   * East holds 600 records west never got (the link into west starts at east's latest offsets), so
   * the same records sit at other offsets in the two regions; east's retention removes what the
   * group read there, and west's node restarts, before the group moves.
   */
  @Test
  void aGroupThatMovesFromEastToWestReadsEveryRecordItHadNotReadAndNoneTwice() throws Exception {
    Map<String, RegionYaml> files =
        prepare(List.of("east", "west"), List.of("east>west|startPosition: latest", "west>east"));
    launch(files.get("east"));
    Clients.createTopic(region("east").bootstrap(), TOPIC, PARTITIONS, Map.of());
    produce("east", 10_000, 600, Map.of());
    launch(files.get("west"));
    Wait.until(
        "the link created " + TOPIC + " in west",
        TIMEOUT,
        () -> {
          try (Admin a = Admin.create(Clients.admin(region("west").bootstrap()))) {
            return a.listTopics().names().get().contains(TOPIC);
          }
        });
    Wait.until("east-to-west copies", TIMEOUT, () -> drained("west", "east-to-west"));
    produce("west", 0, 1_000, Map.of());
    awaitRecords("east", 1_600);
    produce("east", 0, 1_000, Map.of());
    awaitRecords("west", 2_000);
    Wait.until("west-to-east read to the end", TIMEOUT, () -> drained("east", "west-to-east"));
    assertEquals(2_600, records("east"));
    assertEquals(2_000, records("west"));

    List<String> inEast = readAsGroup("east", "billing", r -> r.size() >= 2_000);
    // retention in east removes what billing read there: the maps, not the records, translate
    try (Admin a = Admin.create(Clients.admin(region("east").bootstrap()))) {
      Map<TopicPartition, org.apache.kafka.clients.admin.RecordsToDelete> delete = new HashMap<>();
      a.listConsumerGroupOffsets("billing")
          .partitionsToOffsetAndMetadata()
          .get()
          .forEach(
              (tp, o) ->
                  delete.put(
                      tp, org.apache.kafka.clients.admin.RecordsToDelete.beforeOffset(o.offset())));
      a.deleteRecords(delete).all().get();
    }
    // the target restarts: its offset maps are read back from the map topic
    assertEquals(137, region("west").child(101).kill9());
    region("west").child(101).start();

    int port = region("west").nodes().values().iterator().next().httpPort();
    Wait.until(
        "billing's offsets translated into west",
        TIMEOUT,
        () -> {
          HttpResponse<String> r = Http.get(port, "/v1/links/east-to-west/offsets?group=billing");
          if (r.statusCode() != 200) {
            return false;
          }
          JsonNode parts = new ObjectMapper().readTree(r.body()).get("partitions");
          int synced = 0;
          for (JsonNode p : parts) {
            if (!p.get("translatedOffset").isNull()
                && p.get("translatedOffset").asLong() == p.path("targetOffset").asLong(-1)) {
              synced++;
            }
          }
          return synced == PARTITIONS;
        });
    assertEquals(
        400, Http.get(port, "/v1/links/east-to-west/offsets").statusCode(), "group is required");
    assertEquals(404, Http.get(port, "/v1/links/nowhere/offsets?group=billing").statusCode());

    int left = 2_600 - inEast.size();
    List<String> inWest = readAsGroup("west", "billing", r -> r.size() >= left);
    assertTrue(committedAtEnd("west", "billing"), "what billing read in west ends the topic");
    List<String> all = new ArrayList<>(inEast);
    all.addAll(inWest);
    assertEquals(2_600, new java.util.HashSet<>(all).size(), "every record read");
    assertEquals(
        2_600,
        all.size(),
        "none twice: " + inEast.size() + " read in east, " + inWest.size() + " in west");
  }
}
