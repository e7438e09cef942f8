package dev.meridian.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meridian.testsupport.RegionYaml;
import dev.meridian.testsupport.TestRegion;
import dev.meridian.testsupport.Wait;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mirror link from a real Apache Kafka 4.4 broker into a Meridian region: plain, compacted (with
 * the gaps Kafka's cleaner leaves) and transactional topics (committed and aborted transactions,
 * their control batches) arrive at the same offsets with the same content, topic configs follow,
 * and a consumer group's committed offsets are synced.
 */
class MirrorFromKafkaIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @Test
  void aKafkaClusterIsMirroredAtTheSameOffsets() throws Exception {
    try (ApacheKafka kafka =
        ApacheKafka.start(
            tmp.resolve("kafka"),
            Map.of("log.cleaner.backoff.ms", "500", "log.cleaner.min.compaction.lag.ms", "0"))) {
      String kb = kafka.bootstrap();
      try (Admin admin = Admin.create(Clients.admin(kb))) {
        admin
            .createTopics(
                List.of(
                    new NewTopic("orders", 3, (short) 1)
                        .configs(Map.of("retention.ms", "86400000")),
                    new NewTopic("profiles", 1, (short) 1)
                        .configs(
                            Map.of(
                                "cleanup.policy", "compact",
                                "segment.bytes", "1048576",
                                "min.cleanable.dirty.ratio", "0.01"))))
            .all()
            .get(30, TimeUnit.SECONDS);
      }
      try (KafkaProducer<String, String> p =
          new KafkaProducer<>(
              Clients.producer(kb, ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"))) {
        Clients.produceAll(
            p,
            10_000,
            i -> new ProducerRecord<>("orders", "k" + i, "v" + i),
            (m, i) -> {},
            TIMEOUT);
      }
      try (KafkaProducer<String, String> p = new KafkaProducer<>(Clients.producer(kb))) {
        // uncompressed 1 KB values: four 1 MB segments for the cleaner
        Clients.produceAll(
            p,
            4_000,
            i -> new ProducerRecord<>("profiles", "key-" + (i % 40), i + "v".repeat(1000)),
            (m, i) -> {},
            TIMEOUT);
      }
      try (KafkaProducer<String, String> tx =
          new KafkaProducer<>(
              Clients.producer(kb, ProducerConfig.TRANSACTIONAL_ID_CONFIG, "mirror-tx"))) {
        tx.initTransactions();
        tx.beginTransaction();
        for (int i = 0; i < 100; i++) {
          tx.send(new ProducerRecord<>("orders", "tx" + i, "committed" + i));
        }
        tx.commitTransaction();
        tx.beginTransaction();
        for (int i = 0; i < 50; i++) {
          tx.send(new ProducerRecord<>("orders", "tx" + i, "aborted" + i));
        }
        tx.flush(); // written to the log before the abort marker
        tx.abortTransaction();
      }
      Map<TopicPartition, OffsetAndMetadata> committed;
      try (KafkaConsumer<String, String> c =
          new KafkaConsumer<>(
              Clients.consumer(
                  kb,
                  "earliest",
                  ConsumerConfig.GROUP_ID_CONFIG,
                  "readers",
                  ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                  false))) {
        c.subscribe(List.of("orders"));
        int[] n = {0};
        Clients.pollUntil(c, () -> n[0] >= 3_000, TIMEOUT, r -> n[0]++);
        c.commitSync();
        committed = c.committed(Set.copyOf(c.assignment()));
      }
      Wait.until(
          "Kafka's cleaner compacted profiles",
          TIMEOUT,
          () -> LinkedRegions.contents(kb, "profiles", TIMEOUT).size() < 4_000);

      RegionYaml west =
          RegionYaml.of("west", 1, 101)
              .broker("groupInitialRebalanceDelayMs", 0)
              .linkFromKafka("from-kafka", kb, "west", "offsetSyncIntervalMs: 500");
      try (TestRegion region = TestRegion.ofProcesses(west, tmp.resolve("west")).start();
          Admin source = Admin.create(Clients.admin(kb));
          Admin target = Admin.create(Clients.admin(region.bootstrap()))) {
        String wb = region.bootstrap();
        for (String topic : List.of("orders", "profiles")) {
          int partitions = topic.equals("orders") ? 3 : 1;
          Wait.until(
              topic + " mirrored",
              TIMEOUT,
              () -> LinkedRegions.sameEnds(source, target, topic, partitions));
          LinkedRegions.assertSame(
              LinkedRegions.contents(kb, topic, TIMEOUT),
              LinkedRegions.contents(wb, topic, TIMEOUT));
        }
        Wait.until(
            "group offsets synced",
            TIMEOUT,
            () ->
                committed.equals(
                    target
                        .listConsumerGroupOffsets("readers")
                        .partitionsToOffsetAndMetadata()
                        .get()));
        ConfigEntry retention =
            target
                .describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, "orders")))
                .all()
                .get()
                .values()
                .iterator()
                .next()
                .get("retention.ms");
        assertEquals("86400000", retention.value());
        assertTrue(
            LinkedRegions.contents(wb, "orders", TIMEOUT).stream()
                .anyMatch(l -> l.contains("value=aborted")),
            "the aborted transaction's records are mirrored (read_uncommitted)");
      }
    }
  }

  /**
   * A transaction left open at the source when its mirror is promoted (an unplanned failover while
   * a producer was mid-transaction) would stay undecided for ever: its coordinator is in the lost
   * cluster. The promoted partition's leader aborts it with a marker; the committed transaction
   * before it is left alone, and the topic takes writes.
   */
  @Test
  void aTransactionLeftOpenAtTheSourceIsAbortedWhenItsMirrorIsPromoted() throws Exception {
    try (ApacheKafka kafka = ApacheKafka.start(tmp.resolve("kafka"), Map.of());
        KafkaProducer<String, String> tx =
            new KafkaProducer<>(
                Clients.producer(
                    kafka.bootstrap(),
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                    "payments-tx",
                    ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                    600_000))) {
      String kb = kafka.bootstrap();
      Clients.createTopic(kb, "payments", 1, Map.of());
      tx.initTransactions();
      tx.beginTransaction();
      for (int i = 0; i < 20; i++) {
        tx.send(new ProducerRecord<>("payments", "p" + i, "committed" + i));
      }
      tx.commitTransaction();
      tx.beginTransaction();
      for (int i = 0; i < 10; i++) {
        tx.send(new ProducerRecord<>("payments", "p" + i, "open" + i));
      }
      tx.flush(); // in the log, no marker: the transaction stays open

      RegionYaml west = RegionYaml.of("west", 1, 101).linkFromKafka("from-kafka", kb, "west", "");
      try (TestRegion region = TestRegion.ofProcesses(west, tmp.resolve("west")).start();
          Admin source = Admin.create(Clients.admin(kb));
          Admin target = Admin.create(Clients.admin(region.bootstrap()))) {
        Wait.until(
            "payments mirrored",
            TIMEOUT,
            () -> LinkedRegions.sameEnds(source, target, "payments", 1));
        TopicPartition tp = new TopicPartition("payments", 0);
        long end = Clients.latestOffsets(target, List.of(tp)).get(tp);
        assertEquals(31, end, "20 committed, their marker, 10 open");
        Path dir = ReplicaFiles.partitionDir(region, 101, tp);
        long pid = producerIdOf(ReplicaFiles.markers(dir));
        assertEquals(List.of("20 producer " + pid + " COMMIT"), ReplicaFiles.markers(dir));

        int http = region.node(101).httpPort();
        HttpResponse<String> started =
            Http.send(http, "POST", "/v1/links/from-kafka/failover", "{\"type\":\"unplanned\"}");
        assertEquals(202, started.statusCode(), started.body());
        String id = JSON.readTree(started.body()).get("id").asText();
        Wait.until(
            "the failover completed",
            TIMEOUT,
            () ->
                JSON.readTree(Http.get(http, "/v1/operations/" + id).body())
                    .get("state")
                    .asText()
                    .equals("COMPLETED"));

        Wait.until(
            "the open transaction aborted", TIMEOUT, () -> ReplicaFiles.markers(dir).size() == 2);
        assertEquals(
            List.of("20 producer " + pid + " COMMIT", "31 producer " + pid + " ABORT"),
            ReplicaFiles.markers(dir));
        try (KafkaProducer<String, String> p =
            new KafkaProducer<>(Clients.producer(region.bootstrap()))) {
          assertEquals(
              32, p.send(new ProducerRecord<>("payments", "after", "failover")).get().offset());
        }
      }
    }
  }

  private static long producerIdOf(List<String> markers) {
    return Long.parseLong(markers.get(0).split(" ")[2]);
  }
}
