package dev.meridian.conformance;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

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

  @Override
  public void close() {
    for (GroupConsumer c : consumers) {
      c.close();
    }
  }
}
