package dev.meridian.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.meridian.testsupport.RegionYaml;
import dev.meridian.testsupport.TcpProxy;
import dev.meridian.testsupport.TestRegion;
import dev.meridian.testsupport.Wait;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mirror links under faults, with real processes and clients: the source node killed with SIGKILL
 * and restarted and a WAN (a TCP proxy adding 50–200 ms each way) that drops connections and goes
 * down, while a producer writes; a leader killed in a three-node target region, and in a three-node
 * source region; and the link's byte rate limit. In every case the mirror ends identical to the
 * source: no loss, no duplicate, no gap.
 */
class MirrorLinkFaultsIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  @TempDir Path tmp;

  private static RegionYaml east() {
    return RegionYaml.of("east", 1).fixedKafkaPorts().broker("groupInitialRebalanceDelayMs", 0);
  }

  /** A region of three nodes (ids from {@code firstId}) that notices a dead member within ~4 s. */
  private static RegionYaml threeNodes(String name, int firstId) {
    return RegionYaml.of(name, 3, firstId)
        .broker("offsetsTopicPartitions", 3)
        .broker("memberHeartbeatSeconds", 1)
        .broker("memberFailureSeconds", 4)
        .broker("memberMergeDelaySeconds", 2);
  }

  /** Sends values 0..count-1 keyed by number (idempotent, acks=all); runs {@code at} on acks. */
  private static void produce(String bootstrap, String topic, int count, Map<Integer, Runnable> at)
      throws Exception {
    AtomicInteger acked = new AtomicInteger();
    Map<Integer, Runnable> pending = new ConcurrentHashMap<>(at);
    try (KafkaProducer<String, String> p =
        new KafkaProducer<>(
            Clients.producer(
                bootstrap,
                ProducerConfig.LINGER_MS_CONFIG,
                2,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                120_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                5_000))) {
      Clients.Sends<String, String> sends = new Clients.Sends<>(p, 2_000, TIMEOUT);
      for (int i = 0; i < count; i++) {
        sends.send(new ProducerRecord<>(topic, "k" + i, "v" + i), m -> acked.incrementAndGet());
        for (Map.Entry<Integer, Runnable> e : pending.entrySet()) {
          if (i >= e.getKey()) {
            pending.remove(e.getKey()).run();
          }
        }
      }
      sends.awaitAcks();
    }
    assertEquals(count, acked.get());
  }

  private static void assertIdentical(LinkedRegions regions, String topic, int partitions, int n)
      throws Exception {
    Wait.until(topic + " mirrored", TIMEOUT, () -> regions.caughtUp(topic, partitions));
    List<String> source = LinkedRegions.contents(regions.source.bootstrap(), topic, TIMEOUT);
    assertEquals(n, source.size(), "records in the source");
    assertEquals(
        n,
        source.stream().map(l -> l.substring(l.indexOf("key="))).distinct().count(),
        "each record once in the source");
    LinkedRegions.assertSame(
        source, LinkedRegions.contents(regions.target.bootstrap(), topic, TIMEOUT));
  }

  @Test
  void aKilledSourceAndAFlakyWanLoseDuplicateAndSkipNothing() throws Exception {
    RegionYaml east = east();
    int eastPort = east.node(1).kafkaPort();
    try (TcpProxy wan = TcpProxy.start("127.0.0.1", eastPort).delay(50, 200)) {
      RegionYaml west =
          RegionYaml.of("west", 1, 101)
              .alongside(east)
              .peerKafkaPort(1, wan.port())
              .link("e2w", "east", "west");
      TestRegion source = TestRegion.ofProcesses(east, tmp.resolve("east")).start();
      try (LinkedRegions regions =
          new LinkedRegions(
              source, TestRegion.ofProcesses(west, tmp.resolve("west")).start(), "e2w")) {
        String eb = source.bootstrap();
        Clients.createTopic(eb, "orders", 3, Map.of());
        Wait.until("the link sees orders", TIMEOUT, () -> regions.caughtUp("orders", 3));
        int n = 24_000;
        produce(
            eb,
            "orders",
            n,
            Map.of(
                4_000, wan::dropConnections,
                8_000, () -> wan.down(true),
                11_000, () -> wan.down(false),
                14_000,
                    () -> {
                      assertEquals(137, source.child(1).kill9());
                      source.child(1).start();
                    },
                18_000, wan::dropConnections));
        assertIdentical(regions, "orders", 3, n);
        assertTrue(wan.forwardedBytes() > 0, "the link went through the WAN proxy");
      }
    }
  }

  @Test
  void aLeaderChangeInTheTargetRegionKeepsOneCopyPerPartition() throws Exception {
    RegionYaml east = east();
    RegionYaml west =
        threeNodes("west", 101)
            .topicDefault("replicationFactor", -1) // up to 3: all of west, the one of east
            .alongside(east)
            .link("e2w", "east", "west");
    TestRegion source = TestRegion.ofProcesses(east, tmp.resolve("east")).start();
    try (LinkedRegions regions =
            new LinkedRegions(
                source, TestRegion.ofProcesses(west, tmp.resolve("west")).start(), "e2w");
        Admin westAdmin = Admin.create(Clients.admin(regions.target.bootstrap()))) {
      String eb = source.bootstrap();
      Clients.createTopic(eb, "orders", 3, Map.of());
      Wait.until("the link copies orders", TIMEOUT, () -> regions.caughtUp("orders", 3));
      TopicPartition tp = new TopicPartition("orders", 0);
      int[] killed = {-1};
      int n = 15_000;
      produce(
          eb,
          "orders",
          n,
          Map.of(
              5_000,
              () -> {
                try {
                  killed[0] = Clients.leader(westAdmin, tp);
                  assertEquals(137, regions.target.child(killed[0]).kill9());
                  Wait.until(
                      "a new leader of " + tp + " in west",
                      TIMEOUT,
                      () -> {
                        int l = Clients.leader(westAdmin, tp);
                        return l >= 0 && l != killed[0];
                      });
                  regions.target.child(killed[0]).start();
                } catch (Exception e) {
                  throw new AssertionError(e);
                }
              }));
      assertIdentical(regions, "orders", 3, n);
      Wait.until(
          "every west replica holds the source's batches",
          TIMEOUT,
          () -> {
            for (int p = 0; p < 3; p++) {
              TopicPartition part = new TopicPartition("orders", p);
              List<String> want = ReplicaFiles.batches(ReplicaFiles.partitionDir(source, 1, part));
              for (int id = 101; id <= 103; id++) {
                if (!want.equals(
                    ReplicaFiles.batches(ReplicaFiles.partitionDir(regions.target, id, part)))) {
                  return false;
                }
              }
            }
            return true;
          });
    }
  }

  @Test
  void aLeaderChangeInTheSourceRegionIsFollowed() throws Exception {
    RegionYaml east =
        threeNodes("east", 1)
            .topicDefault("replicationFactor", -1); // up to 3: all of east, the one of west
    RegionYaml west = RegionYaml.of("west", 1, 101).alongside(east).link("e2w", "east", "west");
    TestRegion source = TestRegion.ofProcesses(east, tmp.resolve("east")).start();
    try (LinkedRegions regions =
            new LinkedRegions(
                source, TestRegion.ofProcesses(west, tmp.resolve("west")).start(), "e2w");
        Admin eastAdmin = Admin.create(Clients.admin(source.bootstrap()))) {
      eastAdmin
          .createTopics(List.of(new NewTopic("orders", 3, (short) 3)))
          .all()
          .get(30, TimeUnit.SECONDS);
      Wait.until("the link copies orders", TIMEOUT, () -> regions.caughtUp("orders", 3));
      TopicPartition tp = new TopicPartition("orders", 0);
      int n = 15_000;
      produce(
          source.bootstrap(),
          "orders",
          n,
          Map.of(
              5_000,
              () -> {
                try {
                  int killed = Clients.leader(eastAdmin, tp);
                  assertEquals(137, source.child(killed).kill9());
                  Wait.until(
                      "a new leader of " + tp + " in east",
                      TIMEOUT,
                      () -> {
                        int l = Clients.leader(eastAdmin, tp);
                        return l >= 0 && l != killed;
                      });
                  source.child(killed).start();
                } catch (Exception e) {
                  throw new AssertionError(e);
                }
              }));
      assertIdentical(regions, "orders", 3, n);
    }
  }

  /**
   * An unclean election at the source (the only in-sync replica killed, an out-of-sync one elected)
   * truncates the source's log: records acknowledged with acks=1 by the old leader are gone there,
   * and the new leader writes other records at their offsets. The mirror must truncate the same way
   * (by leader epoch, as a follower would) and copy the new records: it ends identical to the
   * source, holding none of the records the source lost.
   */
  @Test
  void aTruncationAtTheSourceAfterAnUncleanElectionIsMirroredAsATruncation() throws Exception {
    RegionYaml east = threeNodes("east", 1);
    RegionYaml west = RegionYaml.of("west", 1, 101).alongside(east).link("e2w", "east", "west");
    TestRegion source = TestRegion.ofProcesses(east, tmp.resolve("east")).start();
    TopicPartition tp = new TopicPartition("ledger", 0);
    try (LinkedRegions regions =
            new LinkedRegions(
                source, TestRegion.ofProcesses(west, tmp.resolve("west")).start(), "e2w");
        Admin eastAdmin = Admin.create(Clients.admin(source.bootstrap()))) {
      eastAdmin
          .createTopics(
              List.of(
                  new NewTopic("ledger", Map.of(0, List.of(1, 2)))
                      .configs(
                          Map.of(
                              "unclean.leader.election.enable", "true",
                              "min.insync.replicas", "1"))))
          .all()
          .get(30, TimeUnit.SECONDS);
      Wait.until("node 1 leads " + tp, TIMEOUT, () -> Clients.leader(eastAdmin, tp) == 1);
      sendAll(source.bootstrap(), 0, 1_000, "all"); // on both replicas
      Wait.until("the first records mirrored", TIMEOUT, () -> regions.caughtUp("ledger", 1));

      assertEquals(137, source.child(2).kill9());
      Wait.until(
          "node 2 out of the ISR",
          TIMEOUT,
          () -> Clients.describe(eastAdmin, tp).isr().size() == 1);
      sendAll(source.bootstrap(), 1_000, 1_600, "1"); // on node 1 only
      // node 1's high watermark passes 1000 once node 1 itself has seen the ISR shrink (the
      // describe above may have been answered by a node that saw it first)
      Wait.until(
          "node 1's lone records committed",
          TIMEOUT,
          () -> Clients.latestOffsets(eastAdmin, List.of(tp)).get(tp) == 1_600);
      Wait.until("node 1's lone records mirrored", TIMEOUT, () -> regions.caughtUp("ledger", 1));
      assertEquals(
          1_600, LinkedRegions.contents(regions.target.bootstrap(), "ledger", TIMEOUT).size());

      assertEquals(137, source.child(1).kill9()); // the only in-sync replica
      source.child(2).start(); // out of sync: elected uncleanly, without records 1000..1599
      Wait.until("node 2 leads " + tp, TIMEOUT, () -> Clients.leader(eastAdmin, tp) == 2);
      sendAll(source.bootstrap(), 5_000, 5_900, "all"); // at the offsets the lost records had
      source.child(1).start(); // truncates as a follower of node 2

      try {
        Wait.until(
            "the mirror truncated and caught up", TIMEOUT, () -> regions.caughtUp("ledger", 1));
      } catch (RuntimeException e) { // intermittent once (2026-12-07): say where it stood
        throw new AssertionError(
            e.getMessage()
                + "\nlink status: "
                + regions.status()
                + "\nwest's log (tail):\n"
                + regions.target.child(101).tail(),
            e);
      }
      List<String> want = LinkedRegions.contents(source.bootstrap(), "ledger", TIMEOUT);
      List<String> have = LinkedRegions.contents(regions.target.bootstrap(), "ledger", TIMEOUT);
      assertEquals(1_900, want.size(), "records in the source after the unclean election");
      LinkedRegions.assertSame(want, have);
      assertEquals(
          0,
          have.stream()
              .map(l -> l.substring(l.indexOf(" value=") + 7))
              .filter(v -> v.matches("v1[0-5]\\d\\d"))
              .count(),
          "the mirror holds none of the records the source lost");
      // ... but keeps them, at their offsets, in its quarantine topic
      List<String> kept =
          LinkedRegions.contents(regions.target.bootstrap(), "ledger.quarantine.west", TIMEOUT);
      assertEquals(600, kept.size(), "the 600 records the source lost, once each");
      assertTrue(
          kept.stream()
              .allMatch(
                  l ->
                      l.matches(".* value=v1[0-5]\\d\\d .*")
                          && l.contains("meridian.quarantine.topic:ledger")),
          kept.get(0));
    }
  }

  /** Sends values {@code from..to-1} keyed by number with {@code acks}; waits for every ack. */
  private static void sendAll(String bootstrap, int from, int to, String acks) throws Exception {
    try (KafkaProducer<String, String> p =
        new KafkaProducer<>(
            Clients.producer(
                bootstrap,
                ProducerConfig.ACKS_CONFIG,
                acks,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                acks.equals("all"),
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                60_000))) {
      Clients.produceAll(
          p,
          to - from,
          i -> new ProducerRecord<>("ledger", "k" + (from + i), "v" + (from + i)),
          (m, i) -> {},
          TIMEOUT);
    }
  }

  /**
   * The byte rate limit holds within 10 %; and while the rate-limited mirror is behind, a group
   * committed at the source's end is synced clamped to the mirror's log end (a consumer failing
   * over then never starts past what the mirror holds), then reaches its source offsets.
   */
  @Test
  void theLinkHoldsItsByteRateAndGroupOffsetsAreClampedToTheMirrorsEnd() throws Exception {
    RegionYaml east = east();
    long rate = 1_000_000;
    RegionYaml west =
        RegionYaml.of("west", 1, 101)
            .alongside(east)
            .link(
                "e2w",
                "east",
                "west",
                "rateLimitBytesPerSecond: " + rate,
                "compression: none",
                "offsetSyncIntervalMs: 300");
    TestRegion source = TestRegion.ofProcesses(east, tmp.resolve("east")).start();
    String eb = source.bootstrap();
    List<TopicPartition> parts = Clients.partitions("bulk", 2);
    Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
    try (Admin admin = Admin.create(Clients.admin(eb))) {
      admin.createTopics(List.of(new NewTopic("bulk", 2, (short) 1))).all().get();
      String kb = "r".repeat(1000);
      try (KafkaProducer<String, String> p = new KafkaProducer<>(Clients.producer(eb))) {
        Clients.produceAll(
            p, 7_000, i -> new ProducerRecord<>("bulk", "k" + i, i + kb), (m, i) -> {}, TIMEOUT);
      }
      Clients.latestOffsets(admin, parts)
          .forEach((tp, end) -> committed.put(tp, new OffsetAndMetadata(end, "done")));
      admin.alterConsumerGroupOffsets("billing", committed).all().get(10, TimeUnit.SECONDS);
    }
    try (LinkedRegions regions =
            new LinkedRegions(
                source, TestRegion.ofProcesses(west, tmp.resolve("west")).start(), "e2w");
        Admin westAdmin = Admin.create(Clients.admin(regions.target.bootstrap()))) {
      long[] first = awaitBytes(regions, 1_000_000);
      boolean[] clampedSeen = {false};
      Wait.until(
          "a synced offset clamped below the source's, at most the mirror's end",
          TIMEOUT,
          () -> {
            Map<TopicPartition, OffsetAndMetadata> synced = groupOffsets(westAdmin, "billing");
            Map<TopicPartition, Long> ends =
                Clients.latestOffsets(westAdmin, parts); // ends only grow
            for (TopicPartition tp : parts) {
              OffsetAndMetadata o = synced.get(tp);
              if (o == null) {
                continue;
              }
              assertTrue(o.offset() <= ends.get(tp), tp + " synced at " + o + ", end " + ends);
              if (o.offset() > 0 && o.offset() < committed.get(tp).offset()) {
                assertTrue(o.leaderEpoch().isEmpty(), "a clamped offset has no epoch: " + o);
                clampedSeen[0] = true;
              }
            }
            return clampedSeen[0];
          });
      long[] last = awaitBytes(regions, 5_000_000);
      double measured = (last[1] - first[1]) * 1000.0 / (last[0] - first[0]);
      assertTrue(
          Math.abs(measured - rate) <= rate * 0.10,
          "rate " + Math.round(measured) + " B/s, limit " + rate);
      Wait.until(
          "the group's source offsets once the mirror caught up",
          TIMEOUT,
          () -> {
            Map<TopicPartition, OffsetAndMetadata> synced = groupOffsets(westAdmin, "billing");
            return parts.stream()
                .allMatch(
                    tp ->
                        synced.get(tp) != null
                            && synced.get(tp).offset() == committed.get(tp).offset());
          });
    }
  }

  private static Map<TopicPartition, OffsetAndMetadata> groupOffsets(Admin admin, String group)
      throws Exception {
    Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
    admin
        .listConsumerGroupOffsets(group)
        .partitionsToOffsetAndMetadata()
        .get(10, TimeUnit.SECONDS)
        .forEach(
            (tp, o) -> {
              if (o != null) {
                out.put(tp, o);
              }
            });
    return out;
  }

  /** Waits until the link appended at least {@code bytes}; returns {time ms, bytes}. */
  private static long[] awaitBytes(LinkedRegions regions, long bytes) {
    return Wait.await("the link copied " + bytes + " bytes", TIMEOUT)
        .until(
            () -> {
              long sum = 0;
              for (JsonNode p : regions.status().get("partitions")) {
                sum += p.get("bytes").asLong();
              }
              return new long[] {System.currentTimeMillis(), sum};
            },
            v -> v[1] >= bytes);
  }
}
