package dev.meridian.conformance;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.SubscriptionPattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * A group scenario's bookkeeping: the {@link GroupConsumer}s it started (closed at the end), how
 * many times each record value was read and which partitions each consumer read; producing numbered
 * records and waiting until each was read exactly once, or until the consumers' assignments have
 * the expected shape.
 */
final class GroupRun implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(60);

  private final Supplier<String> bootstrap;
  private final Object[] common;
  private final List<GroupConsumer> consumers = new ArrayList<>();
  private final Map<String, AtomicInteger> reads = new ConcurrentHashMap<>();
  private final Map<String, Set<TopicPartition>> partitionsRead = new ConcurrentHashMap<>();

  /**
   * @param bootstrap the cluster's address (asked each time: a restarted node keeps its port)
   * @param common consumer config overrides every consumer gets (e.g. the group protocol)
   */
  GroupRun(Supplier<String> bootstrap, Object... common) {
    this.bootstrap = bootstrap;
    this.common = common.clone();
  }

  private void record(String consumer, ConsumerRecord<String, String> r) {
    reads.computeIfAbsent(r.value(), v -> new AtomicInteger()).incrementAndGet();
    partitionsRead
        .computeIfAbsent(consumer, c -> ConcurrentHashMap.newKeySet())
        .add(new TopicPartition(r.topic(), r.partition()));
  }

  private java.util.Properties props(String group, Object... overrides) {
    List<Object> o = new ArrayList<>(List.of(ConsumerConfig.GROUP_ID_CONFIG, group));
    o.addAll(List.of(common));
    o.addAll(List.of(overrides));
    return Clients.consumer(bootstrap.get(), "earliest", o.toArray());
  }

  /** Starts a consumer of {@code group} subscribed to {@code topic}. */
  GroupConsumer consumer(String name, String group, String topic, Object... overrides) {
    return add(new GroupConsumer(name, props(group, overrides), topic, this::record));
  }

  /** Starts a consumer of {@code group} subscribed with a coordinator-side regex. */
  GroupConsumer consumer(
      String name, String group, SubscriptionPattern pattern, Object... overrides) {
    return add(new GroupConsumer(name, props(group, overrides), pattern, this::record));
  }

  /** Starts a consumer that counts what it reads into {@code sink} instead. */
  GroupConsumer consumer(
      String name, String group, String topic, GroupConsumer.Sink sink, Object... overrides) {
    return add(new GroupConsumer(name, props(group, overrides), topic, sink));
  }

  private GroupConsumer add(GroupConsumer c) {
    consumers.add(c);
    return c.start();
  }

  /** Produces values {@code prefix-0 .. count-1} with keys {@code k0 ..}. */
  void produce(String topic, String prefix, int count) throws Exception {
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(Clients.producer(bootstrap.get()))) {
      Clients.produceAll(
          producer,
          count,
          n -> new ProducerRecord<>(topic, "k" + n, prefix + "-" + n),
          (m, n) -> {},
          WAIT);
    }
  }

  /** Waits until every value {@code prefix-0 .. count-1} was read, then checks none twice. */
  void awaitReadOnce(String prefix, int count) {
    await("all " + count + " " + prefix + " records read")
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> countRead(prefix) == count || failedConsumer() != null);
    assertNull(failedConsumer(), () -> "a consumer failed: " + failedConsumer());
    for (int i = 0; i < count; i++) {
      assertEquals(1, reads.get(prefix + "-" + i).get(), prefix + "-" + i + " read once");
    }
  }

  long countRead(String prefix) {
    return reads.keySet().stream().filter(v -> v.startsWith(prefix + "-")).count();
  }

  /** The partitions consumer {@code name} read records of. */
  Set<TopicPartition> partitionsRead(String name) {
    return partitionsRead.getOrDefault(name, Set.of());
  }

  Throwable failedConsumer() {
    return consumers.stream()
        .map(GroupConsumer::failure)
        .filter(f -> f != null)
        .findFirst()
        .orElse(null);
  }

  /**
   * Waits until the consumers' assignments are disjoint, cover the topic's {@code partitions} and
   * have these sizes.
   */
  void awaitAssignment(
      List<GroupConsumer> group, String topic, int partitions, List<Integer> sizes) {
    await("assignment " + sizes)
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              Set<TopicPartition> all = new HashSet<>();
              List<Integer> got = new ArrayList<>();
              int total = 0;
              for (GroupConsumer c : group) {
                all.addAll(c.assignment());
                got.add(c.assignment().size());
                total += c.assignment().size();
              }
              got.sort(null);
              List<Integer> want = new ArrayList<>(sizes);
              want.sort(null);
              return total == all.size()
                  && all.equals(Set.copyOf(Clients.partitions(topic, partitions)))
                  && got.equals(want);
            });
  }

  // ---- scenarios both group protocols pass ---------------------------------------------------

  /**
   * Three consumers of {@code group} share the topic's {@code partitions} (6) two each, read 3000
   * records once, each only from its own partitions; a fourth joins ({@code 2, 2, 1, 1}) and 3000
   * more are read once, the fourth reading its share.
   *
   * @return the four consumers
   */
  List<GroupConsumer> threeShareAndAFourthJoins(String group, String topic, int partitions)
      throws Exception {
    List<GroupConsumer> members = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      members.add(consumer(group + "-c" + i, group, topic));
    }
    awaitAssignment(members, topic, partitions, List.of(2, 2, 2));
    produce(topic, "first", 3000);
    awaitReadOnce("first", 3000);
    for (GroupConsumer c : members) {
      Set<TopicPartition> read = partitionsRead(c.name());
      assertTrue(c.assignment().containsAll(read), c.name() + " read only its own partitions");
      assertEquals(2, read.size(), c.name() + " read its two partitions");
    }
    members.add(consumer(group + "-c4", group, topic));
    awaitAssignment(members, topic, partitions, List.of(2, 2, 1, 1));
    produce(topic, "second", 3000);
    awaitReadOnce("second", 3000);
    awaitReadOnce("first", 3000);
    assertFalse(partitionsRead(group + "-c4").isEmpty(), "the fourth consumer read its share");
    return members;
  }

  /** Two groups of two consumers each read all 2000 records of {@code topic}, each once. */
  void twoGroupsEachReadEverything(String topic) throws Exception {
    produce(topic, "x", 2000);
    Map<String, AtomicInteger> perGroup = new ConcurrentHashMap<>();
    for (String g : List.of("ga", "gb")) {
      for (int i = 1; i <= 2; i++) {
        consumer(
            g + "-" + i,
            g,
            topic,
            (name, r) ->
                perGroup
                    .computeIfAbsent(g + ":" + r.value(), v -> new AtomicInteger())
                    .incrementAndGet());
      }
    }
    await("both groups read all")
        .atMost(WAIT)
        .until(() -> perGroup.size() == 4000 || failedConsumer() != null);
    assertNull(failedConsumer());
    for (Map.Entry<String, AtomicInteger> e : perGroup.entrySet()) {
      assertEquals(1, e.getValue().get(), e.getKey() + " read once by its group");
    }
  }

  @Override
  public void close() {
    for (GroupConsumer c : consumers) {
      c.close();
    }
  }
}
