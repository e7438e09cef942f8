package dev.meridian.conformance;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acknowledged records survive a restart of the node, graceful or by SIGKILL, and the idempotent
 * producer that wrote them carries on against the restarted node (its sequence numbers still match
 * the producer state the node recovered).
 */
class RestartIT {
  private static final int PARTITIONS = 3;
  private static final int BEFORE = 20_000;
  private static final int AFTER = 20_000;
  private static final int MAX_RECORDS = 1_000_000;
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path tmp;

  /** Where each acknowledged record landed, by record number. */
  private final int[] ackedPartition = new int[MAX_RECORDS];

  private final long[] ackedOffset = new long[MAX_RECORDS];
  private final AtomicInteger acked = new AtomicInteger();

  private static ProducerRecord<String, String> record(String topic, int n) {
    return new ProducerRecord<>(topic, "k" + (n % 100), "v" + n);
  }

  private void onAck(RecordMetadata metadata, int n) {
    ackedPartition[n] = metadata.partition();
    ackedOffset[n] = metadata.offset();
    acked.incrementAndGet();
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void gracefulRestartKeepsAcknowledgedRecordsAndTheProducerContinues() throws Exception {
    String topic = "graceful";
    try (MeridianUnderTest meridian = new MeridianUnderTest(tmp).start()) {
      Clients.createTopic(meridian.bootstrap(), topic, PARTITIONS, Map.of());
      try (KafkaProducer<String, String> producer =
          new KafkaProducer<>(Clients.producer(meridian.bootstrap()))) {
        Clients.produceAll(producer, BEFORE, n -> record(topic, n), this::onAck, TIMEOUT);

        meridian.stop();
        meridian.start();

        Clients.produceAll(
            producer,
            AFTER,
            n -> record(topic, BEFORE + n),
            (m, n) -> onAck(m, BEFORE + n),
            TIMEOUT);
      }
      checkLog(meridian.bootstrap(), topic, BEFORE + AFTER);
    }
  }

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void killNineLosesNothingAcknowledgedAndTheProducerContinues() throws Exception {
    String topic = "killed";
    ExecutorService sender = Executors.newSingleThreadExecutor();
    try (NodeProcess node = new NodeProcess(tmp).start();
        KafkaProducer<String, String> producer =
            new KafkaProducer<>(Clients.producer(node.bootstrap()))) {
      Clients.createTopic(node.bootstrap(), topic, PARTITIONS, Map.of());
      Clients.produceAll(producer, BEFORE, n -> record(topic, n), this::onAck, TIMEOUT);

      // keep sending while the node is killed and restarted; a send is retried by the producer
      // until the node is back, so every record sent must in the end be acknowledged once
      AtomicBoolean stop = new AtomicBoolean();
      Future<Integer> sent =
          sender.submit(
              () -> {
                Clients.Sends<String, String> sends = new Clients.Sends<>(producer, 5_000, TIMEOUT);
                int n = BEFORE;
                while (!stop.get()) {
                  if (n == MAX_RECORDS) {
                    throw new AssertionError("sent " + MAX_RECORDS + " records before stop");
                  }
                  int number = n++;
                  sends.send(record(topic, number), m -> onAck(m, number));
                }
                sends.awaitAcks();
                return n;
              });
      awaitAcks(BEFORE + 2_000, sent);
      int ackedBeforeKill = acked.get();

      assertEquals(137, node.kill9(), "exit code of a JVM killed by SIGKILL");
      node.start();

      awaitAcks(acked.get() + AFTER, sent);
      stop.set(true);
      int total = sent.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      assertEquals(total, acked.get(), "every record sent was acknowledged once");
      assertTrue(total > ackedBeforeKill + AFTER, total + " records sent in all");
      checkLog(node.bootstrap(), topic, total);
    } finally {
      sender.shutdownNow();
    }
  }

  private void awaitAcks(int count, Future<Integer> sender) {
    await(count + " acknowledgements")
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(20))
        .failFast(
            () -> {
              if (sender.isDone()) {
                throw new AssertionError("the sender stopped, returning " + sender.get());
              }
            })
        .until(() -> acked.get() >= count);
  }

  /**
   * Reads the whole topic back: every record {@code 0 .. count - 1} exactly once, where it was
   * acknowledged, offsets contiguous from 0 and records in send order per partition.
   */
  private void checkLog(String bootstrap, String topic, int count) {
    List<TopicPartition> parts = Clients.partitions(topic, PARTITIONS);
    long[] next = new long[PARTITIONS];
    int[] lastNumber = new int[PARTITIONS];
    Arrays.fill(lastNumber, -1);
    boolean[] seen = new boolean[count];
    int[] read = {0};
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(Clients.consumer(bootstrap, "earliest"))) {
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Clients.pollUntil(
          consumer,
          () -> read[0] == count,
          TIMEOUT,
          r -> {
            int n = Integer.parseInt(r.value().substring(1));
            int p = r.partition();
            if (n >= count || seen[n]) {
              fail("unexpected or duplicate record " + n + " at " + p + "@" + r.offset());
            }
            seen[n] = true;
            assertEquals("k" + (n % 100), r.key());
            assertEquals(next[p]++, r.offset(), "offsets of partition " + p + " are contiguous");
            assertEquals(ackedPartition[n], p, "partition of record " + n);
            assertEquals(ackedOffset[n], r.offset(), "acknowledged offset of record " + n);
            assertTrue(lastNumber[p] < n, "partition " + p + ": record " + n + " out of order");
            lastNumber[p] = n;
            read[0]++;
          });
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      for (TopicPartition tp : parts) {
        assertEquals(next[tp.partition()], end.get(tp), "log end of " + tp);
      }
    }
  }
}
