package dev.meridian.conformance;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.SubscriptionPattern;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;

/**
 * A kafka-clients consumer in a group, on its own thread: subscribes to one topic, hands every
 * record to a sink, commits synchronously after each poll that returned records and when partitions
 * are revoked — so a record handed to the sink is committed before its partition can move, and no
 * record is read twice by the group. Auto-commit is off.
 */
final class GroupConsumer implements AutoCloseable {
  /** Receives each record with the name of the consumer that read it. */
  @FunctionalInterface
  interface Sink {
    void accept(String consumer, ConsumerRecord<String, String> record);
  }

  private final String name;
  private final Properties props;
  private final String topic;
  private final SubscriptionPattern pattern;
  private final Sink sink;
  private final Thread thread;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final AtomicInteger assignments = new AtomicInteger();
  private volatile Set<TopicPartition> assignment = Set.of();
  private volatile boolean stop;
  private volatile boolean leaveOnStop = true;

  /**
   * @param props consumer properties with a group.id ({@link Clients#consumer} plus overrides)
   */
  GroupConsumer(String name, Properties props, String topic, Sink sink) {
    this(name, props, topic, null, sink);
  }

  /**
   * A consumer that subscribes with a regular expression the group coordinator evaluates (KIP-848,
   * {@code group.protocol=consumer} only).
   */
  GroupConsumer(String name, Properties props, SubscriptionPattern pattern, Sink sink) {
    this(name, props, null, pattern, sink);
  }

  private GroupConsumer(
      String name, Properties props, String topic, SubscriptionPattern pattern, Sink sink) {
    this.name = name;
    this.pattern = pattern;
    this.props = new Properties();
    this.props.putAll(props);
    this.props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    this.props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, name);
    this.topic = topic;
    this.sink = sink;
    this.thread = new Thread(this::run, "group-consumer-" + name);
    this.thread.setDaemon(true);
  }

  GroupConsumer start() {
    thread.start();
    return this;
  }

  String name() {
    return name;
  }

  /** The partitions assigned now (empty before the first assignment). */
  Set<TopicPartition> assignment() {
    return assignment;
  }

  /** How many times partitions were assigned (once per rebalance this consumer took part in). */
  int assignmentCount() {
    return assignments.get();
  }

  Throwable failure() {
    return failure.get();
  }

  private void run() {
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
      try {
        if (pattern != null) {
          consumer.subscribe(pattern, listener(consumer));
        } else {
          consumer.subscribe(List.of(topic), listener(consumer));
        }
        while (!stop) {
          ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(100));
          for (ConsumerRecord<String, String> r : records) {
            sink.accept(name, r);
          }
          if (!records.isEmpty()) {
            commit(consumer);
          }
        }
      } finally {
        // a consumer "killed" without leaving: no LeaveGroup, the group notices by its session
        consumer.close(
            CloseOptions.groupMembershipOperation(
                    leaveOnStop
                        ? CloseOptions.GroupMembershipOperation.DEFAULT
                        : CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
      }
    } catch (Throwable t) {
      failure.compareAndSet(null, t);
    } finally {
      assignment = Set.of();
      stopped.countDown();
    }
  }

  private static void commit(KafkaConsumer<String, String> consumer) {
    try {
      consumer.commitSync(Duration.ofSeconds(30));
    } catch (RebalanceInProgressException e) {
      // cooperative rebalancing: the positions are committed again when partitions are revoked
    }
  }

  private ConsumerRebalanceListener listener(KafkaConsumer<String, String> consumer) {
    return new ConsumerRebalanceListener() {
      @Override
      public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        if (!partitions.isEmpty()) {
          commit(consumer);
        }
        Set<TopicPartition> now = new HashSet<>(assignment);
        now.removeAll(partitions);
        assignment = Set.copyOf(now);
      }

      @Override
      public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        Set<TopicPartition> now = new HashSet<>(assignment);
        now.addAll(partitions);
        assignment = Set.copyOf(now);
        assignments.incrementAndGet();
      }

      @Override
      public void onPartitionsLost(Collection<TopicPartition> partitions) {
        Set<TopicPartition> now = new HashSet<>(assignment);
        now.removeAll(partitions);
        assignment = Set.copyOf(now);
      }
    };
  }

  /**
   * Stops polling and closes the consumer.
   *
   * @param leave whether to leave the group (LeaveGroup) or vanish as if killed
   */
  void stop(boolean leave) throws InterruptedException {
    leaveOnStop = leave;
    stop = true;
    if (!stopped.await(60, TimeUnit.SECONDS)) {
      throw new AssertionError("consumer " + name + " did not stop within 60 s");
    }
  }

  @Override
  public void close() {
    if (thread.isAlive()) {
      try {
        stop(true);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
