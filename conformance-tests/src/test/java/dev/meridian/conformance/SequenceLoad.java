package dev.meridian.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.NavigableSet;
import java.util.Properties;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * A steady, paced stream of sequence numbers produced to one partition by an idempotent acks=all
 * producer in the background, remembering which were acknowledged and which failed, and the checks
 * that go with it: everything acknowledged read back exactly once and in order. Durability
 * scenarios run it while they kill, stop and restart nodes.
 */
final class SequenceLoad implements AutoCloseable {
  private final KafkaProducer<String, String> producer;
  private final TopicPartition partition;
  private final int perSecond;
  private final NavigableSet<Long> acked = new ConcurrentSkipListSet<>();
  private final Queue<String> failures = new ConcurrentLinkedQueue<>();
  private final Semaphore window = new Semaphore(5_000);
  private final Thread thread;
  private volatile boolean running = true;
  private volatile long sent;

  /**
   * Starts producing {@code perSecond} records a second to {@code partition}.
   *
   * @param overrides producer settings over the load's (acks=all, idempotence, a 2-minute delivery
   *     timeout so outages of a whole region are retried rather than failed)
   */
  SequenceLoad(String bootstrap, TopicPartition partition, int perSecond, Object... overrides) {
    Properties p =
        Clients.producer(
            bootstrap,
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true,
            ProducerConfig.LINGER_MS_CONFIG,
            5,
            ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
            10_000,
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
            120_000);
    this.producer = new KafkaProducer<>(Clients.with(p, overrides));
    this.partition = partition;
    this.perSecond = perSecond;
    this.thread = new Thread(this::run, "sequence-load-" + partition);
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    long start = System.nanoTime();
    long n = 0;
    while (running) {
      long due = start + n * 1_000_000_000L / perSecond;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait); // pacing the load, not waiting for a condition
        continue;
      }
      try {
        if (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
          continue; // the cluster is not answering: keep the backlog bounded
        }
      } catch (InterruptedException e) {
        return;
      }
      long value = n++;
      producer.send(
          new ProducerRecord<>(
              partition.topic(), partition.partition(), null, Long.toString(value)),
          (metadata, error) -> {
            if (error == null) {
              acked.add(value);
            } else {
              failures.add(value + ": " + error);
            }
            window.release();
          });
      sent = n;
    }
  }

  /** How many records were acknowledged so far. */
  int acknowledged() {
    return acked.size();
  }

  /** Waits until {@code more} further records are acknowledged (the cluster takes writes). */
  void awaitProgress(int more, Duration atMost) {
    int target = acked.size() + more;
    dev.meridian.testsupport.Wait.until(
        more + " more records acknowledged (at " + acked.size() + ")",
        atMost,
        () -> acked.size() >= target);
  }

  /**
   * Stops sending and waits for the answers to everything sent.
   *
   * @return the acknowledged sequence numbers
   */
  NavigableSet<Long> stop(Duration atMost) {
    running = false;
    try {
      thread.join(atMost.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.flush();
    dev.meridian.testsupport.Wait.until(
        "answers to all " + sent + " sends", atMost, () -> window.availablePermits() == 5_000);
    return acked;
  }

  /** The sends that failed, each as "value: error". */
  List<String> failures() {
    return new ArrayList<>(failures);
  }

  @Override
  public void close() {
    running = false;
    producer.close(Duration.ofSeconds(10));
  }

  /** Every value in {@code partition} from its start to its end, in offset order. */
  static List<Long> readAll(String bootstrap, TopicPartition partition, Duration atMost) {
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Clients.consumer(
                bootstrap, "earliest", ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000))) {
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition), atMost).get(partition);
      List<Long> values = new ArrayList<>();
      Clients.pollUntil(
          consumer,
          () -> consumer.position(partition) >= end,
          atMost,
          (ConsumerRecord<String, String> r) -> values.add(Long.parseLong(r.value())));
      return values;
    }
  }

  /**
   * Asserts that {@code read} (a partition's values in offset order) holds every acknowledged
   * value, holds no value twice, and keeps the order they were sent in.
   */
  static void assertExactlyOnceInOrder(String what, List<Long> read, Set<Long> acked) {
    Set<Long> seen = new HashSet<>();
    long previous = -1;
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < read.size(); i++) {
      long v = read.get(i);
      if (!seen.add(v)) {
        problems.add("value " + v + " twice (again at offset " + i + ")");
      } else if (v < previous) {
        problems.add("value " + v + " at offset " + i + " after " + previous);
      }
      previous = Math.max(previous, v);
      if (problems.size() > 10) {
        break;
      }
    }
    long lost = acked.stream().filter(v -> !seen.contains(v)).count();
    if (lost > 0) {
      problems.add(
          lost
              + " acknowledged value(s) missing, first "
              + acked.stream().filter(v -> !seen.contains(v)).limit(5).toList());
    }
    assertTrue(
        problems.isEmpty(),
        what + ": " + read.size() + " read, " + acked.size() + " acknowledged: " + problems);
  }

  /** Asserts two reads of one partition are the same (a consumer saw no record later undone). */
  static void assertSameLog(String what, List<Long> expected, List<Long> actual) {
    int common = Math.min(expected.size(), actual.size());
    for (int i = 0; i < common; i++) {
      if (!expected.get(i).equals(actual.get(i))) {
        throw new AssertionError(
            what + ": offset " + i + " was " + actual.get(i) + ", the log has " + expected.get(i));
      }
    }
    assertEquals(expected.size(), actual.size(), what + ": records read");
  }

  /**
   * A consumer reading one partition from its start in the background while nodes come and go:
   * assigned (no group), or subscribed in a group committing after every poll.
   */
  static final class Tail implements AutoCloseable {
    private final List<Long> values = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Queue<String> errors = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long next;

    /**
     * @param group the consumer group, or null to assign the partition
     */
    Tail(String bootstrap, TopicPartition partition, String group) {
      Properties p =
          group == null
              ? Clients.consumer(bootstrap, "earliest")
              : Clients.consumer(
                  bootstrap,
                  "earliest",
                  ConsumerConfig.GROUP_ID_CONFIG,
                  group,
                  ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                  false);
      thread =
          new Thread(
              () -> {
                try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
                  if (group == null) {
                    consumer.assign(List.of(partition));
                    consumer.seekToBeginning(List.of(partition));
                  } else {
                    consumer.subscribe(List.of(partition.topic()));
                  }
                  while (running) {
                    try {
                      for (ConsumerRecord<String, String> r :
                          consumer.poll(Duration.ofMillis(200))) {
                        values.add(Long.parseLong(r.value()));
                        next = r.offset() + 1;
                      }
                      if (group != null) {
                        consumer.commitSync(Duration.ofSeconds(30));
                      }
                    } catch (RuntimeException e) {
                      errors.add(e.toString()); // the scenario decides which are acceptable
                    }
                  }
                }
              },
              "tail-" + partition);
      thread.setDaemon(true);
      thread.start();
    }

    /** Waits until it has read up to {@code end}, stops it and returns what it read, in order. */
    List<Long> readTo(long end, Duration atMost) {
      dev.meridian.testsupport.Wait.until(
          "the tail consumer reaches offset " + end + " (at " + next + ")",
          atMost,
          () -> next >= end);
      close();
      synchronized (values) {
        return new ArrayList<>(values);
      }
    }

    /** The exceptions its polls and commits threw. */
    List<String> errors() {
      return new ArrayList<>(errors);
    }

    @Override
    public void close() {
      running = false;
      try {
        thread.join(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
