package dev.meridian.node.failover;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The traffic of a drill, with real clients: records {@code <drill>:<seq>} produced at a steady
 * rate (what was acknowledged is kept, with when), and a consumer group that reads them and commits
 * after every poll, in whichever region it is pointed at. What the group read is checked at the end
 * ({@link #verify}): every acknowledged record that should be there read once, no offset skipped,
 * each partition in the order it was written, and a checksum over the values. A record read again
 * in a second region below the offset the group had committed in the first is a reread, not a
 * repeat: its commit was lost (a region lost before the link synced the group's offsets).
 */
final class DrillTraffic {
  private final String drill;
  private final String topic;
  private final String group;

  /** seq → when its write was acknowledged, and where it landed. */
  final Map<Long, Acked> acked = new ConcurrentHashMap<>();

  /**
   * What the group read, per region and partition: offset → seq (after an unplanned failover the
   * two regions hold different records at the promoted offsets and above).
   */
  private final Map<String, TreeMap<Long, Long>> read = new TreeMap<>();

  private final List<String> repeats = new ArrayList<>();

  /**
   * Records read again in a region because the group's commit past them, made in the region it read
   * them first, never reached this one (lost with a region before the link synced it).
   */
  private final List<String> rereads = new ArrayList<>();

  /** What the group last committed in each region: region → partition → offset. */
  private final Map<String, Map<Integer, Long>> committed = new HashMap<>();

  /** Which region the group read each seq in first. */
  private final Map<Long, String> readIn = new HashMap<>();

  /** The value the group read for each seq (the first time). */
  private final Map<Long, String> values = new HashMap<>();

  private long nextSeq;

  /** An acknowledged write. */
  record Acked(long atMs, int partition, long offset, boolean here) {}

  DrillTraffic(String drill, String topic, String group) {
    this.drill = drill;
    this.topic = topic;
    this.group = group;
  }

  static Properties admin(String bootstrap) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, "meridian-drill");
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
    return p;
  }

  /**
   * Creates the drill topic at the source if it is missing, and starts the group at the topic's
   * current ends there (earlier drills' records are not this drill's).
   */
  void prepare(String sourceBootstrap, int partitions) throws Exception {
    try (Admin a = Admin.create(admin(sourceBootstrap))) {
      try {
        a.createTopics(List.of(new NewTopic(topic, partitions, (short) -1)))
            .all()
            .get(15, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
      int n =
          a.describeTopics(List.of(topic))
              .allTopicNames()
              .get(15, TimeUnit.SECONDS)
              .get(topic)
              .partitions()
              .size();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (int i = 0; i < n; i++) {
        latest.put(new TopicPartition(topic, i), OffsetSpec.latest());
      }
      Map<TopicPartition, OffsetAndMetadata> start = new HashMap<>();
      a.listOffsets(latest)
          .all()
          .get(15, TimeUnit.SECONDS)
          .forEach((tp, info) -> start.put(tp, new OffsetAndMetadata(info.offset())));
      a.alterConsumerGroupOffsets(group, start).all().get(15, TimeUnit.SECONDS);
    }
  }

  /**
   * Produces {@code count} records to {@code bootstrap} ({@code here}: the drill's own region) at
   * {@code perSecond}; stops early when {@code stop} says so. Returns how many were sent; {@link
   * #acked} holds those acknowledged.
   */
  long produce(
      String bootstrap,
      boolean here,
      long count,
      int perSecond,
      java.util.function.BooleanSupplier stop)
      throws InterruptedException {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "meridian-drill-" + drill);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 3_000);
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 8_000);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    long sent = 0;
    long intervalNanos = 1_000_000_000L / Math.max(1, perSecond);
    long next = System.nanoTime();
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      List<Future<RecordMetadata>> pending = new ArrayList<>();
      while (sent < count && !stop.getAsBoolean()) {
        long seq = nextSeq++;
        String value = drill + ":" + seq;
        pending.add(
            producer.send(
                new ProducerRecord<>(topic, Long.toString(seq), value),
                (md, e) -> {
                  if (e == null) {
                    acked.put(
                        seq,
                        new Acked(System.currentTimeMillis(), md.partition(), md.offset(), here));
                  }
                }));
        sent++;
        next += intervalNanos;
        long wait = next - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait); // pacing the writes, not waiting for a condition
        }
        if (Thread.interrupted()) {
          throw new InterruptedException();
        }
      }
      producer.flush();
    }
    return sent;
  }

  /**
   * Reads with the group from {@code bootstrap} until every seq of {@code want} was read (here or
   * before) or {@code timeout} passed; commits after every poll. Returns whether it read them all.
   */
  boolean consume(String region, String bootstrap, Collection<Long> want, Duration timeout) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "meridian-drill-" + drill);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    long deadline = System.nanoTime() + timeout.toNanos();
    java.util.Set<Long> missing = new java.util.HashSet<>(want);
    missing.removeAll(values.keySet()); // read before, in the other region
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p)) {
      c.subscribe(List.of(topic));
      while (!missing.isEmpty() && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
          long seq = seqOf(r.value());
          String tp = region + "/" + r.topic() + "-" + r.partition();
          Long before = read.computeIfAbsent(tp, k -> new TreeMap<>()).put(r.offset(), seq);
          String first = seq >= 0 ? readIn.get(seq) : null;
          String at = tp + "@" + r.offset() + (seq >= 0 ? " (" + seq + ")" : "");
          if (before == null && first != null && !first.equals(region)) {
            // read in another region first: a lost commit if the group had committed past it there
            long committedThere =
                committed.getOrDefault(first, Map.of()).getOrDefault(r.partition(), -1L);
            (r.offset() < committedThere ? rereads : repeats).add(at);
          } else if (before != null || first != null) {
            repeats.add(at);
          }
          if (seq >= 0) {
            values.putIfAbsent(seq, r.value());
            readIn.putIfAbsent(seq, region);
          }
          missing.remove(seq);
        }
        c.commitSync(Duration.ofSeconds(10));
      }
      Map<Integer, Long> last = committed.computeIfAbsent(region, k -> new HashMap<>());
      c.committed(c.assignment(), Duration.ofSeconds(10))
          .forEach((tp, o) -> last.put(tp.partition(), o == null ? -1L : o.offset()));
    }
    return missing.isEmpty();
  }

  /** The records read again only because a commit was lost with a region ({@link #consume}). */
  List<String> rereads() {
    return List.copyOf(rereads);
  }

  /** The seq of one of this drill's values, or -1 for another drill's record. */
  private long seqOf(String value) {
    int colon = value == null ? -1 : value.lastIndexOf(':');
    if (colon < 0 || !value.substring(0, colon).equals(drill)) {
      return -1;
    }
    try {
      return Long.parseLong(value.substring(colon + 1));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** What the group read, checked against what should be in the region it ended in. */
  record Verdict(
      long expected,
      long read,
      List<Long> missing,
      List<String> repeats,
      List<String> gaps,
      List<String> outOfOrder,
      long expectedChecksum,
      long readChecksum) {
    boolean clean() {
      return missing.isEmpty()
          && repeats.isEmpty()
          && gaps.isEmpty()
          && outOfOrder.isEmpty()
          && expectedChecksum == readChecksum;
    }
  }

  /**
   * Checks what the group read against {@code expected} (the seqs that should have reached the
   * region the group ended in): each read once, per partition every offset from the group's start
   * read (no gap), seqs rising with offsets (order), and a checksum over the values.
   */
  Verdict verify(Collection<Long> expected) {
    java.util.Set<Long> seen = new java.util.HashSet<>();
    List<String> gaps = new ArrayList<>();
    List<String> order = new ArrayList<>();
    read.forEach(
        (tp, offsets) -> {
          long prevOffset = -1;
          long prevSeq = -1;
          for (Map.Entry<Long, Long> e : offsets.entrySet()) {
            if (prevOffset >= 0 && e.getKey() != prevOffset + 1) {
              gaps.add(tp + " " + (prevOffset + 1) + ".." + (e.getKey() - 1));
            }
            if (e.getValue() >= 0) {
              if (e.getValue() < prevSeq) {
                order.add(tp + "@" + e.getKey() + ": " + e.getValue() + " after " + prevSeq);
              }
              prevSeq = e.getValue();
              seen.add(e.getValue());
            }
            prevOffset = e.getKey();
          }
        });
    List<Long> missing = expected.stream().filter(s -> !seen.contains(s)).sorted().toList();
    return new Verdict(
        expected.size(),
        seen.stream().filter(expected::contains).count(),
        missing.size() > 20 ? missing.subList(0, 20) : missing,
        List.copyOf(repeats),
        gaps,
        order,
        checksum(expected, s -> drill + ":" + s),
        checksum(expected, values::get));
  }

  /** CRC-32 over the values of {@code seqs} in seq order ({@code value}: null for one not read). */
  private static long checksum(
      Collection<Long> seqs, java.util.function.Function<Long, String> value) {
    CRC32 crc = new CRC32();
    seqs.stream()
        .sorted()
        .map(value)
        .filter(java.util.Objects::nonNull)
        .forEach(v -> crc.update((v + "\n").getBytes(StandardCharsets.UTF_8)));
    return crc.getValue();
  }
}
