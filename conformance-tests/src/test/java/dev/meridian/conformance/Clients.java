package dev.meridian.conformance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import java.util.function.ObjIntConsumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What the conformance scenarios share about kafka-clients: client properties (the clients'
 * defaults unless a scenario says otherwise), topic creation, bounded asynchronous sends and
 * consumer poll loops with deadlines.
 */
final class Clients {
  private Clients() {}

  /** Admin properties for {@code bootstrap}. */
  static Properties admin(String bootstrap) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    return p;
  }

  /**
   * Producer properties with String keys and values and the client's defaults otherwise: acks=all,
   * enable.idempotence=true, max.in.flight.requests.per.connection=5.
   *
   * @param overrides further settings, as key, value pairs
   */
  static Properties producer(String bootstrap, Object... overrides) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    return with(p, overrides);
  }

  /**
   * Consumer properties with String keys and values, no group (scenarios use {@code assign()}) and
   * the given auto.offset.reset.
   *
   * @param overrides further settings, as key, value pairs
   */
  static Properties consumer(String bootstrap, String autoOffsetReset, Object... overrides) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, autoOffsetReset);
    return with(p, overrides);
  }

  static Properties with(Properties p, Object... overrides) {
    if (overrides.length % 2 != 0) {
      throw new IllegalArgumentException("overrides are key, value pairs");
    }
    for (int i = 0; i < overrides.length; i += 2) {
      p.put(overrides[i], String.valueOf(overrides[i + 1]));
    }
    return p;
  }

  /** Creates a topic (replication factor 1) with config overrides; waits for the result. */
  static void createTopic(
      String bootstrap, String name, int partitions, Map<String, String> configs) throws Exception {
    try (Admin admin = Admin.create(admin(bootstrap))) {
      admin
          .createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
  }

  /** Sets one config of a topic (IncrementalAlterConfigs SET); the future of the answer. */
  static KafkaFuture<Void> setTopicConfig(Admin admin, String topic, String key, String value) {
    return admin
        .incrementalAlterConfigs(
            Map.of(
                new ConfigResource(ConfigResource.Type.TOPIC, topic),
                List.of(new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.SET))))
        .all();
  }

  /** A partition as the cluster describes it: leader, replicas, ISR. */
  static TopicPartitionInfo describe(Admin admin, TopicPartition tp) throws Exception {
    return admin
        .describeTopics(List.of(tp.topic()))
        .allTopicNames()
        .get(10, TimeUnit.SECONDS)
        .get(tp.topic())
        .partitions()
        .get(tp.partition());
  }

  /** The latest offsets (log ends for consumers: high watermarks) of {@code partitions}. */
  static Map<TopicPartition, Long> latestOffsets(
      Admin admin, java.util.Collection<TopicPartition> partitions) throws Exception {
    Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest =
        new java.util.HashMap<>();
    partitions.forEach(tp -> latest.put(tp, org.apache.kafka.clients.admin.OffsetSpec.latest()));
    Map<TopicPartition, Long> out = new java.util.HashMap<>();
    admin
        .listOffsets(latest)
        .all()
        .get(10, TimeUnit.SECONDS)
        .forEach((tp, o) -> out.put(tp, o.offset()));
    return out;
  }

  /** The id of a partition's leader, or -1 without one. */
  static int leader(Admin admin, TopicPartition tp) throws Exception {
    TopicPartitionInfo p = describe(admin, tp);
    return p.leader() == null || p.leader().isEmpty() ? -1 : p.leader().id();
  }

  /** Partitions 0 to {@code count - 1} of {@code topic}. */
  static List<TopicPartition> partitions(String topic, int count) {
    List<TopicPartition> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(new TopicPartition(topic, i));
    }
    return out;
  }

  /**
   * Asynchronous sends with at most {@code window} records unacknowledged, so a scenario can send
   * many records fast without waiting for each ({@code send().get()}) and without an unbounded
   * backlog. Acknowledgement callbacks run on the producer's I/O thread; everything they wrote is
   * visible to the caller once {@link #awaitAcks} returns.
   */
  static final class Sends<K, V> {
    private final Producer<K, V> producer;
    private final int window;
    private final Duration timeout;
    private final Semaphore permits;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    /**
     * @param window the most records in flight
     * @param timeout how long one send may wait for room in the window, and {@link #awaitAcks} for
     *     the last acknowledgements
     */
    Sends(Producer<K, V> producer, int window, Duration timeout) {
      this.producer = producer;
      this.window = window;
      this.timeout = timeout;
      this.permits = new Semaphore(window);
    }

    /**
     * Sends {@code record}; {@code onAck} gets its metadata once it is acknowledged. Blocks while
     * the window is full.
     *
     * @throws AssertionError when an earlier send failed or the window stays full too long
     */
    void send(ProducerRecord<K, V> record, java.util.function.Consumer<RecordMetadata> onAck)
        throws InterruptedException {
      rethrowFailure();
      if (!permits.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(window + " sends unacknowledged for " + timeout);
      }
      try {
        producer.send(
            record,
            (metadata, error) -> {
              try {
                if (error != null) {
                  failure.compareAndSet(null, error);
                } else {
                  onAck.accept(metadata);
                }
              } catch (Throwable t) {
                failure.compareAndSet(null, t);
              } finally {
                permits.release();
              }
            });
      } catch (RuntimeException e) {
        permits.release();
        throw e;
      }
    }

    /**
     * Waits until every record sent so far is acknowledged.
     *
     * @throws AssertionError naming the first failed send, or when acks take longer than the
     *     timeout
     */
    void awaitAcks() throws InterruptedException {
      if (!permits.tryAcquire(window, timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        rethrowFailure();
        throw new AssertionError(
            (window - permits.availablePermits()) + " sends still unacknowledged after " + timeout);
      }
      permits.release(window);
      rethrowFailure();
    }

    private void rethrowFailure() {
      Throwable t = failure.get();
      if (t != null) {
        throw new AssertionError("a send failed: " + t, t);
      }
    }
  }

  /**
   * Sends records {@code 0 .. count - 1} (built by {@code record}) with a bounded window and waits
   * for all acknowledgements; {@code onAck} receives each record's metadata and number.
   */
  static <K, V> void produceAll(
      Producer<K, V> producer,
      int count,
      IntFunction<ProducerRecord<K, V>> record,
      ObjIntConsumer<RecordMetadata> onAck,
      Duration timeout)
      throws InterruptedException {
    Sends<K, V> sends = new Sends<>(producer, 10_000, timeout);
    for (int i = 0; i < count; i++) {
      int n = i;
      sends.send(record.apply(n), metadata -> onAck.accept(metadata, n));
    }
    sends.awaitAcks();
  }

  /**
   * Polls until {@code done} holds, handing every record to {@code each}.
   *
   * @throws AssertionError when {@code done} does not hold within {@code timeout}
   */
  static <K, V> void pollUntil(
      Consumer<K, V> consumer,
      BooleanSupplier done,
      Duration timeout,
      java.util.function.Consumer<ConsumerRecord<K, V>> each) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(
            "consumer did not finish within " + timeout + "; positions: " + positions(consumer));
      }
      for (ConsumerRecord<K, V> r : consumer.poll(Duration.ofMillis(200))) {
        each.accept(r);
      }
    }
  }

  private static String positions(Consumer<?, ?> consumer) {
    StringBuilder b = new StringBuilder();
    for (TopicPartition tp : consumer.assignment()) {
      b.append(tp).append('=').append(consumer.position(tp, Duration.ofSeconds(5))).append(' ');
    }
    return b.toString().trim();
  }
}
