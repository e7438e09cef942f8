package dev.meridian.conformance;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Size-based retention deletes old segments under a lagging consumer: with auto.offset.reset
 * earliest it is reset (OFFSET_OUT_OF_RANGE, then ListOffsets earliest) to the new log start and
 * reads on; with none it gets {@link OffsetOutOfRangeException}.
 *
 * <p>Needs a short retention check interval: {@link MeridianUnderTest}'s region config sets the
 * broker setting {@code retentionCheckIntervalMs} (see {@link #CHECK_MS}).
 */
class RetentionIT {
  /** The retention check interval of the nodes {@link MeridianUnderTest} runs. */
  private static final long CHECK_MS = MeridianUnderTest.RETENTION_CHECK_MS;

  private static final int SEGMENT_BYTES = 16 * 1024;
  private static final int RETENTION_BYTES = 64 * 1024;
  private static final int VALUE_BYTES = 500;
  private static final int COUNT = 2_000; // ≈ 1 MB: ~60 segments, of which ~5 are retained
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path tmp;

  private static String value(long offset) {
    String head = "value-" + offset + "-";
    return head + "x".repeat(VALUE_BYTES - head.length());
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void laggingConsumerIsResetToTheNewLogStartOrFailsWithResetNone() throws Exception {
    String topic = "retained";
    TopicPartition tp = new TopicPartition(topic, 0);
    try (MeridianUnderTest meridian = new MeridianUnderTest(tmp).start();
        Admin admin = Admin.create(Clients.admin(meridian.bootstrap()));
        KafkaConsumer<String, String> earliest =
            new KafkaConsumer<>(Clients.consumer(meridian.bootstrap(), "earliest"));
        KafkaConsumer<String, String> none =
            new KafkaConsumer<>(Clients.consumer(meridian.bootstrap(), "none"))) {
      Clients.createTopic(
          meridian.bootstrap(),
          topic,
          1,
          Map.of(
              "segment.bytes", String.valueOf(SEGMENT_BYTES),
              "retention.bytes", String.valueOf(RETENTION_BYTES)));

      // two lagging consumers, positioned at offset 0 before anything is written
      earliest.assign(List.of(tp));
      earliest.seekToBeginning(List.of(tp));
      assertEquals(0, earliest.position(tp));
      none.assign(List.of(tp));
      none.seek(tp, 0);

      try (KafkaProducer<String, String> producer =
          new KafkaProducer<>(
              Clients.producer(meridian.bootstrap(), ProducerConfig.BATCH_SIZE_CONFIG, 4096))) {
        Clients.produceAll(
            producer,
            COUNT,
            n -> new ProducerRecord<>(topic, "k" + n, value(n)),
            (metadata, n) -> assertEquals(n, metadata.offset(), "offset of record " + n),
            TIMEOUT);
      }

      // retention runs every CHECK_MS and deletes, in one pass, every segment it may
      await("retention deletes old segments")
          .atMost(TIMEOUT)
          .pollInterval(Duration.ofMillis(100))
          .until(() -> logStart(admin, tp) > 0);
      long[] last = {-1};
      await("retention has nothing more to delete")
          .atMost(TIMEOUT)
          .during(Duration.ofMillis(5 * CHECK_MS))
          .pollInterval(Duration.ofMillis(CHECK_MS / 2))
          .until(
              () -> {
                long start = logStart(admin, tp);
                boolean unchanged = start == last[0];
                last[0] = start;
                return unchanged;
              });
      long logStart = logStart(admin, tp);
      long retained = COUNT - logStart;
      // retention.bytes: deleting the next segment would go below it; one more would fit
      assertTrue(
          retained * VALUE_BYTES < RETENTION_BYTES + SEGMENT_BYTES,
          "retained " + retained + " records, more than retention.bytes + segment.bytes");
      assertTrue(
          retained * 2 * VALUE_BYTES >= RETENTION_BYTES,
          "retained only " + retained + " records, less than retention.bytes");

      // auto.offset.reset=earliest: out of range at 0, reset to the log start, read on to the end
      List<ConsumerRecord<String, String>> got = new ArrayList<>();
      Clients.pollUntil(
          earliest,
          () -> !got.isEmpty() && got.get(got.size() - 1).offset() == COUNT - 1,
          TIMEOUT,
          got::add);
      assertEquals(logStart, got.get(0).offset(), "first offset after the reset");
      for (int i = 0; i < got.size(); i++) {
        ConsumerRecord<String, String> r = got.get(i);
        assertEquals(logStart + i, r.offset(), "offsets after the reset are contiguous");
        assertEquals(value(r.offset()), r.value(), "value at offset " + r.offset());
      }
      assertEquals(COUNT, earliest.position(tp));

      // auto.offset.reset=none: the same fetch fails in poll()
      OffsetOutOfRangeException e =
          assertThrows(
              OffsetOutOfRangeException.class,
              () -> Clients.pollUntil(none, () -> false, TIMEOUT, r -> {}));
      assertEquals(Map.of(tp, 0L), e.offsetOutOfRangePartitions());
      // the application decides: here it starts again from the log start
      none.seekToBeginning(List.of(tp));
      assertEquals(logStart, none.position(tp));
    }
  }

  private static long logStart(Admin admin, TopicPartition tp) throws Exception {
    return admin
        .listOffsets(Map.of(tp, OffsetSpec.earliest()))
        .partitionResult(tp)
        .get(10, TimeUnit.SECONDS)
        .offset();
  }
}
