package dev.meridian.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meridian.testsupport.TestRegion;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Two regions of test processes with a mirror link from {@code source} into {@code target}, and
 * what scenarios compare between them: every record of a topic as a line (partition, offset, leader
 * epoch, timestamp, key, value, headers), and the link's status from the target's control plane.
 */
final class LinkedRegions implements AutoCloseable {
  final TestRegion source;
  final TestRegion target;
  final String link;

  LinkedRegions(TestRegion source, TestRegion target, String link) {
    this.source = source;
    this.target = target;
    this.link = link;
  }

  /** The link's status, merged over the target's nodes ({@code GET /v1/links/{name}}). */
  JsonNode status() throws Exception {
    int port = target.nodes().values().iterator().next().httpPort();
    HttpResponse<String> r = Http.get(port, "/v1/links/" + link);
    if (r.statusCode() != 200) {
      throw new AssertionError("GET /v1/links/" + link + ": " + r.statusCode() + " " + r.body());
    }
    return new ObjectMapper().readTree(r.body());
  }

  /**
   * Whether the mirror of {@code topic} has all its {@code partitions} and each ends where its
   * source ends (latest offsets asked of both regions), and the link's status shows no lag.
   */
  boolean caughtUp(String topic, int partitions) throws Exception {
    try (Admin s = Admin.create(Clients.admin(source.bootstrap()));
        Admin t = Admin.create(Clients.admin(target.bootstrap()))) {
      if (!sameEnds(s, t, topic, partitions)) {
        return false;
      }
    }
    int seen = 0;
    for (JsonNode p : status().get("partitions")) {
      if (p.get("topic").asText().equals(topic) && p.get("lagRecords").asLong() == 0) {
        seen++;
      }
    }
    return seen == partitions;
  }

  /** Whether partitions 0..{@code partitions - 1} of {@code topic} end at the same offsets. */
  static boolean sameEnds(Admin source, Admin target, String topic, int partitions)
      throws Exception {
    List<TopicPartition> parts = Clients.partitions(topic, partitions);
    return Clients.latestOffsets(source, parts).equals(Clients.latestOffsets(target, parts));
  }

  /**
   * Every record of {@code topic} in the region at {@code bootstrap}, as lines in partition and
   * offset order, read with an assigning consumer up to the end offsets seen at the start.
   */
  static List<String> contents(String bootstrap, String topic, Duration timeout) {
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
    c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 << 20);
    Map<Integer, List<String>> byPartition = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
      List<TopicPartition> parts = new ArrayList<>();
      for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
        parts.add(new TopicPartition(topic, p.partition()));
      }
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> ends = consumer.endOffsets(parts, Duration.ofSeconds(30));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!parts.stream().allMatch(tp -> consumer.position(tp) >= ends.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("reading " + topic + " at " + bootstrap + " took too long");
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          byPartition.computeIfAbsent(r.partition(), k -> new ArrayList<>()).add(line(r));
        }
      }
    }
    List<String> out = new ArrayList<>();
    byPartition.keySet().stream().sorted().forEach(p -> out.addAll(byPartition.get(p)));
    return out;
  }

  /** Asserts two record lists are equal, naming the size and the first difference only. */
  static void assertSame(List<String> source, List<String> mirror) {
    for (int i = 0; i < Math.min(source.size(), mirror.size()); i++) {
      if (!source.get(i).equals(mirror.get(i))) {
        throw new AssertionError(
            "record " + i + " differs: source " + source.get(i) + ", mirror " + mirror.get(i));
      }
    }
    if (source.size() != mirror.size()) {
      throw new AssertionError(
          "source has "
              + source.size()
              + " records, mirror "
              + mirror.size()
              + (mirror.isEmpty() ? "" : "; last mirrored " + mirror.get(mirror.size() - 1)));
    }
  }

  static String line(ConsumerRecord<byte[], byte[]> r) {
    StringBuilder b =
        new StringBuilder()
            .append(r.partition())
            .append('@')
            .append(r.offset())
            .append(" epoch=")
            .append(r.leaderEpoch().orElse(-1))
            .append(' ')
            .append(r.timestampType())
            .append('=')
            .append(r.timestamp())
            .append(" key=")
            .append(r.key() == null ? "null" : new String(r.key()))
            .append(" value=")
            .append(r.value() == null ? "null" : new String(r.value()));
    for (Header h : r.headers()) {
      b.append(' ').append(h.key()).append(':').append(new String(h.value()));
    }
    return b.toString();
  }

  @Override
  public void close() {
    target.close();
    source.close();
  }
}
