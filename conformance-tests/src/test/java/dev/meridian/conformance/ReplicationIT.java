package dev.meridian.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.testsupport.RegionYaml;
import dev.meridian.testsupport.RunningNode;
import dev.meridian.testsupport.TestRegion;
import dev.meridian.testsupport.Wait;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.NotEnoughReplicasAfterAppendException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replication inside a region of three real node processes under real client traffic: an idempotent
 * acks=all producer (min.insync.replicas=2, three replicas) writes sequence numbers while partition
 * leaders are killed with SIGKILL, paused with SIGSTOP past the failure timeout, stopped with
 * SIGTERM in a rolling restart, and while the whole region is killed and started again. Afterwards
 * everything acknowledged is read back exactly once and in order, and consumers that read
 * throughout saw exactly the final log (they never read a record that was later undone). A follower
 * paused with SIGSTOP but still a member of the region leaves the ISR by its lag alone, and
 * acks=all writes waiting for it get REQUEST_TIMED_OUT or NOT_ENOUGH_REPLICAS_AFTER_APPEND.
 *
 * <p>{@code MERIDIAN_CHAOS_CYCLES} sets how many leader kills the first scenario runs (12 by
 * default; {@code ops/chaos/replication.sh} runs more).
 */
class ReplicationIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(90);
  private static final int RATE = 1500;
  private static final int RECORDS = 200_000;

  @TempDir Path tmp;

  private static RegionYaml region() {
    return RegionYaml.of("east", 3)
        .topicDefault("replicationFactor", 3)
        .topicDefault("minInsyncReplicas", 2)
        .broker("groupInitialRebalanceDelayMs", 0)
        .broker("offsetsTopicPartitions", 3)
        .broker("replicaLagTimeMaxMs", 5000)
        .broker("memberHeartbeatSeconds", 1)
        .broker("memberFailureSeconds", 4)
        .broker("memberMergeDelaySeconds", 2);
  }

  private static int cycles() {
    String env = System.getenv("MERIDIAN_CHAOS_CYCLES");
    return env == null || env.isBlank() ? 12 : Integer.parseInt(env.trim());
  }

  private static TopicPartitionInfo describe(Admin admin, TopicPartition tp) throws Exception {
    return Clients.describe(admin, tp);
  }

  private static void createTopic(Admin admin, String name) throws Exception {
    admin.createTopics(List.of(new NewTopic(name, 1, (short) 3))).all().get(30, TimeUnit.SECONDS);
  }

  /** Waits until every replica of {@code tp} is in sync, and returns the partition. */
  private static TopicPartitionInfo awaitFullIsr(Admin admin, TopicPartition tp) {
    return Wait.forValue(
        tp + " with all three replicas in sync",
        TIMEOUT,
        () -> {
          TopicPartitionInfo p = describe(admin, tp);
          return p.leader() != null && p.isr().size() == 3 ? p : null;
        });
  }

  /** Waits for a leader of {@code tp} other than {@code old} and returns its id. */
  private static int awaitNewLeader(Admin admin, TopicPartition tp, int old) {
    return Wait.forValue(
        tp + " led by a node other than " + old,
        TIMEOUT,
        () -> {
          Node l = describe(admin, tp).leader();
          return l != null && l.id() >= 0 && l.id() != old ? l.id() : null;
        });
  }

  @Test
  void acknowledgedRecordsSurviveKillingTheLeaderAgainAndAgain() throws Exception {
    TopicPartition tp = new TopicPartition("durable", 0);
    try (TestRegion region = TestRegion.ofProcesses(region(), tmp).start();
        Admin admin = Admin.create(Clients.admin(region.bootstrap()))) {
      createTopic(admin, tp.topic());
      awaitFullIsr(admin, tp);
      List<Long> failoverMs = new ArrayList<>();
      NavigableSet<Long> acked;
      List<Long> tailed;
      try (SequenceLoad load = new SequenceLoad(region.bootstrap(), tp, 2 * RATE);
          SequenceLoad.Tail tail = new SequenceLoad.Tail(region.bootstrap(), tp, null)) {
        load.awaitProgress(1000, TIMEOUT);
        for (int cycle = 0; cycle < cycles(); cycle++) {
          TopicPartitionInfo before = awaitFullIsr(admin, tp);
          int leader = before.leader().id();
          long t0 = System.nanoTime();
          assertEquals(137, region.child(leader).kill9());
          int next = awaitNewLeader(admin, tp, leader);
          load.awaitProgress(100, TIMEOUT);
          failoverMs.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
          assertTrue(before.isr().stream().anyMatch(n -> n.id() == next), "led from the ISR");
          region.child(leader).start();
          load.awaitProgress(1000, TIMEOUT);
        }
        awaitFullIsr(admin, tp);
        load.awaitProgress(Math.max(0, RECORDS - load.acknowledged()), Duration.ofMinutes(3));
        acked = load.stop(TIMEOUT);
        assertEquals(List.of(), load.failures(), "the producer retried through every failover");
        List<Long> log = SequenceLoad.readAll(region.bootstrap(), tp, TIMEOUT);
        SequenceLoad.assertExactlyOnceInOrder("after " + cycles() + " leader kills", log, acked);
        tailed = tail.readTo(log.size(), TIMEOUT);
        SequenceLoad.assertSameLog("the consumer that read throughout", log, tailed);
      }
      System.out.println(
          "ReplicationIT: "
              + acked.size()
              + " records acknowledged across "
              + cycles()
              + " leader kills; kill -9 to the next acknowledged write (ms): "
              + failoverMs);
      // every replica holds the same batches, byte for byte (same offsets, epochs and CRCs)
      awaitReplicasIdentical(region, admin, tp);
    }
  }

  /**
   * Waits until the three replicas of {@code tp} hold the same batches on disk (once the load has
   * stopped, followers reach the leader's log end).
   */
  private static void awaitReplicasIdentical(TestRegion region, Admin admin, TopicPartition tp) {
    awaitFullIsr(admin, tp);
    Wait.until(
        "the replicas of " + tp + " hold the same batches",
        TIMEOUT,
        () -> {
          List<String> first = ReplicaFiles.batches(ReplicaFiles.partitionDir(region, 1, tp));
          return !first.isEmpty()
              && first.equals(ReplicaFiles.batches(ReplicaFiles.partitionDir(region, 2, tp)))
              && first.equals(ReplicaFiles.batches(ReplicaFiles.partitionDir(region, 3, tp)));
        });
  }

  /**
   * Waits until every running node's own image (its {@code GET /v1/topics/{name}}) shows the same
   * leader and leader epoch for {@code tp} and all three replicas in sync; returns the leader. A
   * node that was cut off answers from a stale image until it is back in the region.
   */
  private static int awaitAgreedFullIsr(TestRegion region, TopicPartition tp) {
    return Wait.forValue(
        "every node agrees on " + tp + " with all three replicas in sync",
        TIMEOUT,
        () -> {
          java.util.Set<String> views = new java.util.HashSet<>();
          int leader = -1;
          for (RunningNode n : region.nodes().values()) {
            com.fasterxml.jackson.databind.JsonNode p =
                NodeViews.partition(n, tp.topic(), tp.partition());
            if (p == null || p.path("isr").size() != 3 || !p.path("leader").isInt()) {
              return null;
            }
            leader = p.path("leader").asInt();
            views.add(leader + "@" + p.path("leaderEpoch").asInt());
          }
          return views.size() == 1 ? leader : null;
        });
  }

  /**
   * Makes {@code id}, the preferred replica of {@code tp}, its leader again with a preferred leader
   * election once it is in sync.
   */
  private static void moveLeader(Admin admin, TopicPartition tp, int id) {
    Wait.until(
        "node " + id + " leads " + tp,
        TIMEOUT,
        () -> {
          TopicPartitionInfo p = describe(admin, tp);
          if (p.leader() != null && p.leader().id() == id) {
            return true;
          }
          if (p.replicas().get(0).id() == id && p.isr().stream().anyMatch(n -> n.id() == id)) {
            admin
                .electLeaders(ElectionType.PREFERRED, Set.of(tp))
                .partitions()
                .get(10, TimeUnit.SECONDS);
          }
          return false;
        });
  }

  @Test
  void aPausedLeaderIsReplacedAndRejoinsWithTheNewLeadersLog() throws Exception {
    TopicPartition tp = new TopicPartition("paused", 0);
    try (TestRegion region = TestRegion.ofProcesses(region(), tmp).start();
        Admin admin = Admin.create(Clients.admin(region.bootstrap()))) {
      createTopic(admin, tp.topic());
      int leader = awaitFullIsr(admin, tp).leader().id();
      NavigableSet<Long> acked;
      try (SequenceLoad load = new SequenceLoad(region.bootstrap(), tp, RATE)) {
        load.awaitProgress(1000, TIMEOUT);
        region.child(leader).pause();
        long t0 = System.nanoTime();
        int next = awaitNewLeader(admin, tp, leader);
        load.awaitProgress(1000, TIMEOUT);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        System.out.println(
            "ReplicationIT: SIGSTOP of leader "
                + leader
                + " to node "
                + next
                + " leading and taking 1000 acknowledged writes: "
                + ms
                + " ms");
        region.child(leader).resume();
        // the old leader learns it was replaced, truncates what only it had, and catches up; until
        // it is back in the region its own view is stale, so every node's view must agree
        long t1 = System.nanoTime();
        awaitAgreedFullIsr(region, tp);
        System.out.println(
            "ReplicationIT: SIGCONT to the resumed node agreeing on a full ISR: "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t1)
                + " ms");
        load.awaitProgress(1000, TIMEOUT);
        acked = load.stop(TIMEOUT);
        assertEquals(List.of(), load.failures());
      }
      // it was the preferred replica: it leads again and serves exactly the acknowledged log
      moveLeader(admin, tp, leader);
      Wait.until(
          "every node sees node " + leader + " lead " + tp,
          TIMEOUT,
          () -> awaitAgreedFullIsr(region, tp) == leader);
      List<Long> log = SequenceLoad.readAll(region.bootstrap(), tp, TIMEOUT);
      SequenceLoad.assertExactlyOnceInOrder("read from the resumed node " + leader, log, acked);
      awaitReplicasIdentical(region, admin, tp);
    }
  }

  @Test
  void aRollingRestartAndAWholeRegionKillLoseNothingAndGiveClientsNoErrors() throws Exception {
    TopicPartition tp = new TopicPartition("rolling", 0);
    try (TestRegion region = TestRegion.ofProcesses(region(), tmp).start();
        Admin admin = Admin.create(Clients.admin(region.bootstrap()))) {
      createTopic(admin, tp.topic());
      awaitFullIsr(admin, tp);
      NavigableSet<Long> acked;
      List<Long> log;
      List<Long> grouped;
      try (SequenceLoad load = new SequenceLoad(region.bootstrap(), tp, RATE);
          SequenceLoad.Tail group = new SequenceLoad.Tail(region.bootstrap(), tp, "rolling")) {
        load.awaitProgress(1000, TIMEOUT);
        List<Long> stopMs = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
          long t0 = System.nanoTime();
          int exit = region.child(id).terminate();
          assertTrue(exit == 0 || exit == 143, "node " + id + " stopped by SIGTERM: " + exit);
          stopMs.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
          load.awaitProgress(500, TIMEOUT);
          region.child(id).start();
          awaitFullIsr(admin, tp);
          awaitFullIsr(admin, new TopicPartition("__consumer_offsets", 0));
        }
        System.out.println("ReplicationIT: SIGTERM to exit per node (ms): " + stopMs);
        assertEquals(List.of(), load.failures(), "a rolling restart gives the producer no errors");

        // kill -9 every node at once, then start them all
        for (int id = 1; id <= 3; id++) {
          region.child(id).kill9();
        }
        for (int id = 1; id <= 3; id++) {
          region.child(id).start();
        }
        load.awaitProgress(1000, TIMEOUT);
        awaitFullIsr(admin, tp);
        acked = load.stop(TIMEOUT);
        assertEquals(List.of(), load.failures(), "the producer retried through the outage");
        log = SequenceLoad.readAll(region.bootstrap(), tp, TIMEOUT);
        SequenceLoad.assertExactlyOnceInOrder("after the rolling restart", log, acked);
        grouped = group.readTo(log.size(), TIMEOUT);
      }
      // the group read everything (repeats allowed only where a commit was lost with a node)
      assertTrue(
          Set.copyOf(grouped).containsAll(acked),
          "the group consumer read every acknowledged record");
      Map<TopicPartition, OffsetAndMetadata> committed =
          admin
              .listConsumerGroupOffsets("rolling")
              .partitionsToOffsetAndMetadata()
              .get(30, TimeUnit.SECONDS);
      assertEquals(log.size(), committed.get(tp).offset(), "the group committed to the end");
      assertNotEquals(0, log.size());
      System.out.println(
          "ReplicationIT: rolling restart + region kill: "
              + acked.size()
              + " acknowledged, "
              + (grouped.size() - Set.copyOf(grouped).size())
              + " repeated to the group consumer");
    }
  }

  @Test
  void aCommittedLeaderEpochSurvivesALeaderChangeAndAcksAllNeedsMinInsyncReplicas()
      throws Exception {
    TopicPartition tp = new TopicPartition("epochs", 0);
    try (TestRegion region = TestRegion.ofProcesses(region(), tmp).start();
        Admin admin = Admin.create(Clients.admin(region.bootstrap()))) {
      createTopic(admin, tp.topic());
      TopicPartitionInfo before = awaitFullIsr(admin, tp);
      try (KafkaProducer<String, String> producer =
          new KafkaProducer<>(Clients.producer(region.bootstrap(), "acks", "all"))) {
        Clients.produceAll(
            producer,
            1000,
            i -> new ProducerRecord<>(tp.topic(), tp.partition(), null, Long.toString(i)),
            (m, i) -> {},
            TIMEOUT);
      }
      Properties props =
          Clients.consumer(
              region.bootstrap(),
              "none", // a reset would throw instead of silently moving the position
              ConsumerConfig.GROUP_ID_CONFIG,
              "epochs",
              ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
              false,
              ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
              500);
      int epochBefore;
      try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
        consumer.assign(List.of(tp));
        consumer.seek(tp, 0);
        List<Long> first = new ArrayList<>();
        Clients.pollUntil(
            consumer,
            () -> first.size() >= 500,
            TIMEOUT,
            r -> first.add(Long.parseLong(r.value())));
        consumer.commitSync(Duration.ofSeconds(30));
        OffsetAndMetadata committed =
            consumer.committed(Set.of(tp), Duration.ofSeconds(30)).get(tp);
        assertTrue(committed.leaderEpoch().isPresent(), "the commit carries the leader epoch");
        epochBefore = committed.leaderEpoch().get();
      }

      // the leader dies; its successor takes more records in a newer epoch
      int leader = before.leader().id();
      region.child(leader).kill9();
      awaitNewLeader(admin, tp, leader);
      try (KafkaProducer<String, String> producer =
          new KafkaProducer<>(Clients.producer(region.bootstrap(), "acks", "all"))) {
        Clients.produceAll(
            producer,
            1000,
            i -> new ProducerRecord<>(tp.topic(), tp.partition(), null, Long.toString(1000 + i)),
            (m, i) -> {},
            TIMEOUT);
      }

      // a new member of the group validates the committed epoch and continues where it was
      try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
        consumer.assign(List.of(tp));
        List<Long> rest = new ArrayList<>();
        int[] epochAfter = {-1};
        Clients.pollUntil(
            consumer,
            () -> rest.size() >= 1500,
            TIMEOUT,
            r -> {
              rest.add(Long.parseLong(r.value()));
              epochAfter[0] = r.leaderEpoch().orElse(-1);
            });
        List<Long> expected = new ArrayList<>();
        for (long v = 500; v < 2000; v++) {
          expected.add(v);
        }
        assertEquals(expected, rest, "no reset, no gap, no repeat");
        assertTrue(
            epochAfter[0] > epochBefore,
            "records of the new leader's epoch " + epochAfter[0] + " > " + epochBefore);
      }

      // acks=all below min.insync.replicas: a 2-replica topic loses its follower
      region.child(leader).start();
      TopicPartition thin = new TopicPartition("thin", 0);
      admin
          .createTopics(List.of(new NewTopic("thin", 1, (short) 2)))
          .all()
          .get(30, TimeUnit.SECONDS);
      TopicPartitionInfo two =
          Wait.forValue(
              "thin with both replicas in sync",
              TIMEOUT,
              () -> {
                TopicPartitionInfo p = describe(admin, thin);
                return p.leader() != null && p.isr().size() == 2 ? p : null;
              });
      int follower =
          two.replicas().stream()
              .mapToInt(Node::id)
              .filter(n -> n != two.leader().id())
              .findFirst()
              .orElseThrow();
      region.child(follower).kill9();
      Wait.until(
          "thin's ISR is its leader alone", TIMEOUT, () -> describe(admin, thin).isr().size() == 1);
      try (KafkaProducer<String, String> strict =
              new KafkaProducer<>(
                  Clients.producer(
                      region.bootstrap(),
                      "acks",
                      "all",
                      "retries",
                      0,
                      "enable.idempotence",
                      false));
          KafkaProducer<String, String> one =
              new KafkaProducer<>(
                  Clients.producer(region.bootstrap(), "acks", "1", "enable.idempotence", false))) {
        java.util.concurrent.ExecutionException refused =
            org.junit.jupiter.api.Assertions.assertThrows(
                java.util.concurrent.ExecutionException.class,
                () ->
                    strict
                        .send(new ProducerRecord<>("thin", 0, null, "x"))
                        .get(30, TimeUnit.SECONDS));
        assertTrue(
            refused.getCause() instanceof org.apache.kafka.common.errors.NotEnoughReplicasException,
            "acks=all with 1 in-sync replica of 2 required: " + refused.getCause());
        one.send(new ProducerRecord<>("thin", 0, null, "y")).get(30, TimeUnit.SECONDS);
        region.child(follower).start();
        Wait.until(
            "thin's follower back in sync", TIMEOUT, () -> describe(admin, thin).isr().size() == 2);
        strict.send(new ProducerRecord<>("thin", 0, null, "z")).get(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void aStalledFollowerLeavesTheIsrByLagAndAcksAllWaitersGetRetriableErrors() throws Exception {
    // the stalled node stays a live member for the whole test: only its lag takes it out
    RegionYaml yaml =
        region().broker("replicaLagTimeMaxMs", 3000).broker("memberFailureSeconds", 120);
    TopicPartition tp = new TopicPartition("stalled", 0);
    try (TestRegion region = TestRegion.ofProcesses(yaml, tmp).start();
        Admin admin = Admin.create(Clients.admin(region.bootstrap()))) {
      int controller = admin.describeCluster().controller().get(10, TimeUnit.SECONDS).id();
      List<Integer> others = new ArrayList<>(List.of(1, 2, 3));
      others.remove(Integer.valueOf(controller));
      int leader = others.get(0);
      int follower = others.get(1);
      admin
          .createTopics(
              List.of(
                  new NewTopic(tp.topic(), Map.of(0, List.of(leader, follower)))
                      .configs(Map.of("min.insync.replicas", "2"))))
          .all()
          .get(30, TimeUnit.SECONDS);
      RunningNode l = region.node(leader);
      // every node's image has the topic (a producer without retries must find it anywhere)
      for (RunningNode n : region.nodes().values()) {
        Wait.until(
            "node "
                + n.nodeId()
                + " sees "
                + tp
                + " led by node "
                + leader
                + " with both replicas in sync",
            TIMEOUT,
            () -> {
              com.fasterxml.jackson.databind.JsonNode p =
                  NodeViews.partition(n, tp.topic(), tp.partition());
              return p != null && p.path("leader").asInt() == leader && p.path("isr").size() == 2;
            });
      }
      Properties props =
          Clients.producer(
              region.bootstrap(),
              "acks",
              "all",
              "retries",
              0,
              "enable.idempotence",
              false,
              "request.timeout.ms",
              30000,
              "delivery.timeout.ms",
              60000);
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
        producer
            .send(new ProducerRecord<>(tp.topic(), 0, null, "before"))
            .get(30, TimeUnit.SECONDS);

        region.child(follower).pause();
        assertEquals(
            Errors.REQUEST_TIMED_OUT,
            RawKafka.produce("127.0.0.1", l.kafkaPort(), tp.topic(), 0, 300, 10_000),
            "acks=all past the request's timeout while the follower is stalled");
        long t0 = System.nanoTime();
        ExecutionException afterAppend =
            assertThrows(
                ExecutionException.class,
                () ->
                    producer
                        .send(new ProducerRecord<>(tp.topic(), 0, null, "during"))
                        .get(60, TimeUnit.SECONDS));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        System.out.println(
            "ReplicationIT: acks=all waiting for a stalled follower failed after " + ms + " ms");
        assertInstanceOf(
            NotEnoughReplicasAfterAppendException.class,
            afterAppend.getCause(),
            "the ISR shrank below min.insync.replicas during the wait");
        // asked of the leader itself: an Admin request may go to the stalled node and hang
        com.fasterxml.jackson.databind.JsonNode shrunk =
            NodeViews.partition(l, tp.topic(), tp.partition());
        assertEquals("[" + leader + "]", shrunk.path("isr").toString());
        assertTrue(
            NodeViews.isAlive(l, follower),
            "the follower is still a live node: it left the ISR by its lag alone");
        ExecutionException below =
            assertThrows(
                ExecutionException.class,
                () ->
                    producer
                        .send(new ProducerRecord<>(tp.topic(), 0, null, "below"))
                        .get(60, TimeUnit.SECONDS));
        assertInstanceOf(NotEnoughReplicasException.class, below.getCause());

        region.child(follower).resume();
        Wait.until(
            "the resumed follower back in the ISR, as the leader's own image says",
            TIMEOUT,
            () -> NodeViews.partition(l, tp.topic(), tp.partition()).path("isr").size() == 2);
        producer.send(new ProducerRecord<>(tp.topic(), 0, null, "after")).get(30, TimeUnit.SECONDS);
      }
      List<String> values = new ArrayList<>();
      try (KafkaConsumer<String, String> consumer =
          new KafkaConsumer<>(Clients.consumer(region.bootstrap(), "earliest"))) {
        consumer.assign(List.of(tp));
        Clients.pollUntil(
            consumer, () -> values.contains("after"), TIMEOUT, r -> values.add(r.value()));
      }
      assertEquals(
          List.of("before", "raw", "during", "after"),
          values,
          "records appended before the failed waits stay (as in Kafka); the refused one is not"
              + " written");
      Wait.until(
          "the two replicas of " + tp + " hold the same batches",
          TIMEOUT,
          () ->
              ReplicaFiles.batches(ReplicaFiles.partitionDir(region, leader, tp))
                  .equals(ReplicaFiles.batches(ReplicaFiles.partitionDir(region, follower, tp))));
    }
  }
}
