package dev.meridian.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Committed offsets are durable: after a graceful restart or a SIGKILL of the node, a consumer of
 * the group resumes exactly at the committed offsets — nothing skipped, nothing read again.
 */
class GroupRestartIT {
  private static final int PARTITIONS = 3;
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path tmp;

  private static void produce(String bootstrap, String topic, int from, int count)
      throws Exception {
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(Clients.producer(bootstrap))) {
      Clients.produceAll(
          producer,
          count,
          n -> new ProducerRecord<>(topic, "k" + (from + n), "v" + (from + n)),
          (m, n) -> {},
          WAIT);
    }
  }

  private static KafkaConsumer<String, String> consumer(String bootstrap, String group) {
    return new KafkaConsumer<>(
        Clients.consumer(
            bootstrap,
            "earliest",
            ConsumerConfig.GROUP_ID_CONFIG,
            group,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false,
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
            50));
  }

  /**
   * Reads about {@code atLeast} records with a group consumer, committing after each poll; returns
   * the offsets it committed, as Admin lists them.
   */
  private static Map<TopicPartition, Long> readAndCommit(
      String bootstrap, String topic, String group, int atLeast, List<String> values)
      throws Exception {
    try (KafkaConsumer<String, String> c = consumer(bootstrap, group)) {
      c.subscribe(List.of(topic));
      int[] read = {0};
      Clients.pollUntil(
          c,
          () -> {
            if (read[0] > 0) {
              c.commitSync();
            }
            return read[0] >= atLeast;
          },
          WAIT,
          r -> {
            values.add(r.value());
            read[0]++;
          });
      c.commitSync();
    }
    try (Admin admin = Admin.create(Clients.admin(bootstrap))) {
      Map<TopicPartition, Long> out =
          new TreeMap<>(java.util.Comparator.comparing(Object::toString));
      admin
          .listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata()
          .get(30, TimeUnit.SECONDS)
          .forEach((tp, o) -> out.put(tp, o.offset()));
      return out;
    }
  }

  /**
   * Resumes the group after the restart: the first offset read per partition is the committed one,
   * and together with what was read before, every record is read exactly once.
   */
  private static void resumeExactly(
      String bootstrap,
      String topic,
      String group,
      Map<TopicPartition, Long> committed,
      List<String> before,
      int total) {
    List<String> values = new ArrayList<>(before);
    Map<TopicPartition, Long> first = new HashMap<>();
    try (KafkaConsumer<String, String> c = consumer(bootstrap, group)) {
      c.subscribe(List.of(topic));
      Clients.pollUntil(
          c,
          () -> values.size() >= total,
          WAIT,
          (ConsumerRecord<String, String> r) -> {
            first.putIfAbsent(new TopicPartition(r.topic(), r.partition()), r.offset());
            values.add(r.value());
          });
      for (Map.Entry<TopicPartition, Long> e : committed.entrySet()) {
        if (first.containsKey(e.getKey())) {
          assertEquals(e.getValue(), first.get(e.getKey()), "resumed " + e.getKey());
        }
      }
      for (Map.Entry<TopicPartition, OffsetAndMetadata> e :
          c.committed(new java.util.HashSet<>(committed.keySet()), Duration.ofSeconds(30))
              .entrySet()) {
        assertTrue(e.getValue() != null, "committed offset of " + e.getKey() + " is known");
      }
    }
    assertEquals(total, values.size(), "records read in all");
    assertEquals(total, new java.util.HashSet<>(values).size(), "each record once");
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void gracefulRestartResumesFromTheCommittedOffsets() throws Exception {
    String topic = "durable";
    try (MeridianUnderTest meridian = new MeridianUnderTest(tmp).start()) {
      Clients.createTopic(meridian.bootstrap(), topic, PARTITIONS, Map.of());
      produce(meridian.bootstrap(), topic, 0, 1000);
      List<String> before = new ArrayList<>();
      Map<TopicPartition, Long> committed =
          readAndCommit(meridian.bootstrap(), topic, "g-durable", 400, before);
      assertEquals(PARTITIONS, committed.size(), "offsets of every partition: " + committed);
      assertEquals(before.size(), committed.values().stream().mapToLong(Long::longValue).sum());

      meridian.stop();
      meridian.start();

      assertEquals(
          committed.size(), meridian.groups().group("g-durable").orElseThrow().offsets().size());
      produce(meridian.bootstrap(), topic, 1000, 500);
      resumeExactly(meridian.bootstrap(), topic, "g-durable", committed, before, 1500);
    }
  }

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void sigkillOfTheNodeKeepsTheCommittedOffsets() throws Exception {
    String topic = "killed-node";
    try (NodeProcess node = new NodeProcess(tmp).start()) {
      Clients.createTopic(node.bootstrap(), topic, PARTITIONS, Map.of());
      produce(node.bootstrap(), topic, 0, 1000);
      List<String> before = new ArrayList<>();
      Map<TopicPartition, Long> committed =
          readAndCommit(node.bootstrap(), topic, "g-kill", 600, before);

      assertEquals(137, node.kill9());
      node.start();

      produce(node.bootstrap(), topic, 1000, 500);
      resumeExactly(node.bootstrap(), topic, "g-kill", committed, before, 1500);
    }
  }
}
