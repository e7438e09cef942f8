package dev.meridian.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.node.group.GroupQuery;
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

  /**
   * The group's membership is durable too: consumers that stay up while the node restarts carry on
   * in the same generation (no rebalance) and read every record once.
   */
  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void aGroupCarriesOnAcrossANodeRestartWithoutARebalance() throws Exception {
    String topic = "live";
    String group = "g-live";
    Map<String, java.util.concurrent.atomic.AtomicInteger> reads =
        new java.util.concurrent.ConcurrentHashMap<>();
    try (MeridianUnderTest meridian = new MeridianUnderTest(tmp).start()) {
      Clients.createTopic(meridian.bootstrap(), topic, PARTITIONS, Map.of());
      List<GroupConsumer> members = new ArrayList<>();
      try {
        for (String name : List.of("live-1", "live-2")) {
          members.add(
              new GroupConsumer(
                      name,
                      Clients.consumer(
                          meridian.bootstrap(),
                          "earliest",
                          ConsumerConfig.GROUP_ID_CONFIG,
                          group,
                          ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
                          30_000,
                          // with its only broker down, the client would otherwise "rebootstrap"
                          // (KIP-899): its metadata loses the topic's partitions and the leader
                          // rejoins because "cached metadata has changed" — a client-side
                          // rebalance that real Kafka with one broker sees as well
                          org.apache.kafka.clients.CommonClientConfigs
                              .METADATA_RECOVERY_STRATEGY_CONFIG,
                          "none"),
                      topic,
                      (c, r) ->
                          reads
                              .computeIfAbsent(
                                  r.value(), v -> new java.util.concurrent.atomic.AtomicInteger())
                              .incrementAndGet())
                  .start());
        }
        org.awaitility.Awaitility.await("both members have partitions")
            .atMost(WAIT)
            .until(
                () ->
                    members.stream().allMatch(m -> !m.assignment().isEmpty())
                        && members.stream().mapToInt(m -> m.assignment().size()).sum()
                            == PARTITIONS);
        produce(meridian.bootstrap(), topic, 0, 600);
        org.awaitility.Awaitility.await("before").atMost(WAIT).until(() -> reads.size() == 600);
        int generation = meridian.groups().group(group).orElseThrow().generation();
        int[] assigned = members.stream().mapToInt(GroupConsumer::assignmentCount).toArray();

        meridian.stop();
        meridian.start();

        GroupQuery.GroupDetail reloaded = meridian.groups().group(group).orElseThrow();
        assertEquals("Stable", reloaded.state(), "the group came back from the log");
        assertEquals(generation, reloaded.generation());
        assertEquals(2, reloaded.members().size());
        produce(meridian.bootstrap(), topic, 600, 600);
        org.awaitility.Awaitility.await("after").atMost(WAIT).until(() -> reads.size() == 1200);
        for (GroupConsumer m : members) {
          assertEquals(null, m.failure(), m.name());
        }
        assertTrue(reads.values().stream().allMatch(n -> n.get() == 1), "each record once");
        assertEquals(generation, meridian.groups().group(group).orElseThrow().generation());
        assertEquals(
            List.of(assigned[0], assigned[1]),
            members.stream().map(GroupConsumer::assignmentCount).toList(),
            "no member saw a rebalance");
      } finally {
        for (GroupConsumer m : members) {
          m.close();
        }
      }
    }
  }
}
