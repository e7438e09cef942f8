package dev.meridian.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The default (idempotent, acks=all) Java producer writes keyed records with headers and explicit
 * timestamps to a 6-partition topic, once per compression type, and consumers with {@code assign()}
 * read them all back intact and in order; {@code offsetsForTimes} finds records by time.
 *
 * <p>The record count per codec is the system property {@value #COUNT_PROPERTY} (default 200000).
 */
class ProduceConsumeIT {
  static final String COUNT_PROPERTY = "meridian.conformance.records";
  private static final int COUNT = Integer.getInteger(COUNT_PROPERTY, 200_000);
  private static final int PARTITIONS = 6;
  private static final int KEYS = 1_000;
  private static final String FILLER = "-abcdefghijklmnopqrstuvwxyz-0123456789-".repeat(2);
  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  @TempDir static Path tmp;
  private static MeridianUnderTest meridian;

  @BeforeAll
  static void startNode() throws Exception {
    meridian = new MeridianUnderTest(tmp).start();
  }

  @AfterAll
  static void stopNode() {
    if (meridian != null) {
      meridian.close();
    }
  }

  private static String key(int n) {
    return "key-" + (n % KEYS);
  }

  private static String value(int n) {
    return "value-" + n + FILLER;
  }

  /** Strictly increasing and 2 ms apart, so a lookup can fall between two records. */
  private static long timestamp(long base, int n) {
    return base + 2L * n;
  }

  private static byte[] seqBytes(int n) {
    return ByteBuffer.allocate(4).putInt(n).array();
  }

  @ParameterizedTest(name = "compression.type={0}")
  @ValueSource(strings = {"none", "gzip", "snappy", "lz4", "zstd"})
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void idempotentProducerRecordsComeBackIntactAndInOrder(String codec) throws Exception {
    String topic = "produce-consume-" + codec;
    Clients.createTopic(meridian.bootstrap(), topic, PARTITIONS, Map.of());
    long base = System.currentTimeMillis() - TimeUnit.HOURS.toMillis(1);
    byte[] codecBytes = codec.getBytes(StandardCharsets.UTF_8);

    int[] ackedPartition = new int[COUNT];
    long[] ackedOffset = new long[COUNT];
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Clients.producer(
                meridian.bootstrap(),
                ProducerConfig.COMPRESSION_TYPE_CONFIG,
                codec,
                ProducerConfig.BATCH_SIZE_CONFIG,
                64 * 1024))) {
      Clients.produceAll(
          producer,
          COUNT,
          n -> {
            RecordHeaders headers = new RecordHeaders();
            headers.add("seq", seqBytes(n));
            headers.add("codec", codecBytes);
            headers.add("empty", null);
            return new ProducerRecord<>(topic, null, timestamp(base, n), key(n), value(n), headers);
          },
          (metadata, n) -> {
            ackedPartition[n] = metadata.partition();
            ackedOffset[n] = metadata.offset();
          },
          TIMEOUT);
    }

    // per partition, in offset order: the numbers of the records read
    int[][] seqsByPartition = new int[PARTITIONS][COUNT];
    int[] read = new int[PARTITIONS];
    boolean[] seen = new boolean[COUNT];
    Map<String, Integer> partitionOfKey = new HashMap<>();
    int[] total = {0};
    List<TopicPartition> parts = Clients.partitions(topic, PARTITIONS);
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(Clients.consumer(meridian.bootstrap(), "earliest"))) {
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Clients.pollUntil(
          consumer,
          () -> total[0] == COUNT,
          TIMEOUT,
          r -> {
            int n = check(r, base, codecBytes);
            int p = r.partition();
            if (seen[n]) {
              fail("record " + n + " read twice, again at " + p + "@" + r.offset());
            }
            seen[n] = true;
            assertEquals(ackedPartition[n], p, "partition of record " + n);
            assertEquals(ackedOffset[n], r.offset(), "offset of record " + n);
            assertEquals(read[p], r.offset(), "offsets of partition " + p + " are contiguous");
            if (read[p] > 0) {
              int previous = seqsByPartition[p][read[p] - 1];
              assertTrue(previous < n, "partition " + p + ": record " + n + " after " + previous);
            }
            Integer keyPartition = partitionOfKey.putIfAbsent(r.key(), p);
            if (keyPartition != null && keyPartition != p) {
              fail("key " + r.key() + " in partitions " + keyPartition + " and " + p);
            }
            seqsByPartition[p][read[p]++] = n;
            total[0]++;
          });

      Map<TopicPartition, Long> begin = consumer.beginningOffsets(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      for (TopicPartition tp : parts) {
        assertEquals(0L, begin.get(tp), "log start of " + tp);
        assertEquals((long) read[tp.partition()], end.get(tp), "log end of " + tp);
        assertTrue(read[tp.partition()] > 0, tp + " got no records with " + KEYS + " keys");
      }
      assertEquals(KEYS, partitionOfKey.size());

      checkOffsetsForTimes(consumer, parts, base, seqsByPartition, read);
    }
  }

  /** Checks one record against what was sent; returns its number. */
  private static int check(ConsumerRecord<String, String> r, long base, byte[] codecBytes) {
    Header seq = r.headers().lastHeader("seq");
    assertNotNull(seq, "seq header of " + r.partition() + "@" + r.offset());
    int n = ByteBuffer.wrap(seq.value()).getInt();
    String at = "record " + n + " at " + r.partition() + "@" + r.offset();
    assertEquals(key(n), r.key(), at);
    assertEquals(value(n), r.value(), at);
    assertEquals(timestamp(base, n), r.timestamp(), at);
    assertEquals(TimestampType.CREATE_TIME, r.timestampType(), at);
    Header[] headers = r.headers().toArray();
    assertEquals(3, headers.length, at);
    assertEquals("codec", headers[1].key(), at);
    assertArrayEquals(codecBytes, headers[1].value(), at);
    assertEquals("empty", headers[2].key(), at);
    assertNull(headers[2].value(), at);
    return n;
  }

  /**
   * offsetsForTimes returns, per partition, the first offset whose timestamp is at or after the one
   * asked for: at a record's own timestamp, between two records, before all and after all.
   */
  private static void checkOffsetsForTimes(
      KafkaConsumer<String, String> consumer,
      List<TopicPartition> parts,
      long base,
      int[][] seqsByPartition,
      int[] read) {
    int[] probes = {0, 1, COUNT / 3, COUNT / 2 + 7, COUNT - 2, COUNT - 1};
    for (int probe : probes) {
      for (long ts : new long[] {timestamp(base, probe), timestamp(base, probe) - 1}) {
        Map<TopicPartition, Long> query = new HashMap<>();
        parts.forEach(tp -> query.put(tp, ts));
        Map<TopicPartition, OffsetAndTimestamp> found =
            consumer.offsetsForTimes(query, Duration.ofSeconds(30));
        for (TopicPartition tp : parts) {
          int p = tp.partition();
          int[] seqs = Arrays.copyOf(seqsByPartition[p], read[p]);
          // the first record of the partition numbered >= probe (timestamps grow with numbers)
          int idx = Arrays.binarySearch(seqs, probe);
          int first = idx >= 0 ? idx : -idx - 1;
          OffsetAndTimestamp hit = found.get(tp);
          String what = tp + " at timestamp base+" + (ts - base);
          if (first == seqs.length) {
            assertNull(hit, what + ": every record is older");
          } else {
            assertNotNull(hit, what);
            assertEquals(first, hit.offset(), what);
            assertEquals(timestamp(base, seqs[first]), hit.timestamp(), what);
          }
        }
      }
    }
    Map<TopicPartition, Long> afterAll = new HashMap<>();
    Map<TopicPartition, Long> beforeAll = new HashMap<>();
    parts.forEach(tp -> afterAll.put(tp, timestamp(base, COUNT)));
    parts.forEach(tp -> beforeAll.put(tp, base - 1));
    Map<TopicPartition, OffsetAndTimestamp> none =
        consumer.offsetsForTimes(afterAll, Duration.ofSeconds(30));
    parts.forEach(tp -> assertNull(none.get(tp), tp + ": nothing at or after the last record"));
    Map<TopicPartition, OffsetAndTimestamp> firsts =
        consumer.offsetsForTimes(beforeAll, Duration.ofSeconds(30));
    parts.forEach(tp -> assertEquals(0L, firsts.get(tp).offset(), tp + ": before all records"));
  }
}
