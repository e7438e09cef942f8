package dev.meridian.conformance;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.node.group.GroupQuery;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Consumer groups with unmodified kafka-clients 4.4 consumers (classic protocol): partitions are
 * shared, every record is read once by the group, rebalances on join, on leave and on a member's
 * death move partitions without losing or repeating committed records.
 */
class GroupIT {
  private static final int PARTITIONS = 6;
  private static final Duration WAIT = GroupRun.WAIT;

  @TempDir Path tmp;
  private MeridianUnderTest meridian;
  private GroupRun run;

  @BeforeEach
  void start() throws Exception {
    meridian = new MeridianUnderTest(tmp).start();
    run = new GroupRun(meridian::bootstrap);
  }

  @AfterEach
  void stop() throws Exception {
    run.close();
    meridian.close();
  }

  private GroupConsumer consumer(String name, String group, String topic, Object... overrides) {
    return run.consumer(name, group, topic, overrides);
  }

  private void produce(String topic, String prefix, int count) throws Exception {
    run.produce(topic, prefix, count);
  }

  private void awaitReadOnce(String prefix, int count) {
    run.awaitReadOnce(prefix, count);
  }

  private void awaitAssignment(List<GroupConsumer> group, String topic, List<Integer> sizes) {
    run.awaitAssignment(group, topic, PARTITIONS, sizes);
  }

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void threeConsumersShareSixPartitionsAndAFourthJoinsWithoutLossOrRepeats() throws Exception {
    Clients.createTopic(meridian.bootstrap(), "shared", PARTITIONS, Map.of());
    run.threeShareAndAFourthJoins("g-shared", "shared", PARTITIONS);
  }

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void cooperativeStickyRebalancesMovePartitionsWithoutLossOrRepeats() throws Exception {
    String topic = "cooperative";
    Clients.createTopic(meridian.bootstrap(), topic, PARTITIONS, Map.of());
    Object[] cooperative = {
      ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName()
    };
    List<GroupConsumer> group = new ArrayList<>();
    group.add(consumer("s1", "g-coop", topic, cooperative));
    awaitAssignment(group, topic, List.of(6));
    produce(topic, "before", 2000);
    awaitReadOnce("before", 2000);

    group.add(consumer("s2", "g-coop", topic, cooperative));
    group.add(consumer("s3", "g-coop", topic, cooperative));
    awaitAssignment(group, topic, List.of(2, 2, 2));
    produce(topic, "during", 2000);
    awaitReadOnce("during", 2000);

    GroupConsumer leaving = group.remove(0);
    leaving.stop(true);
    awaitAssignment(group, topic, List.of(3, 3));
    produce(topic, "after", 2000);
    awaitReadOnce("after", 2000);
    awaitReadOnce("before", 2000);
    awaitReadOnce("during", 2000);
  }

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void aConsumerKilledWithoutLeavingLosesItsPartitionsAfterTheSessionTimeout() throws Exception {
    String topic = "killed";
    Clients.createTopic(meridian.bootstrap(), topic, PARTITIONS, Map.of());
    Object[] session = {
      ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
      6000,
      ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
      500
    };
    List<GroupConsumer> group = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      group.add(consumer("k" + i, "g-killed", topic, session));
    }
    awaitAssignment(group, topic, List.of(2, 2, 2));
    produce(topic, "one", 1500);
    awaitReadOnce("one", 1500);

    GroupConsumer victim = group.remove(2);
    Set<TopicPartition> orphaned = victim.assignment();
    long killedAt = System.nanoTime();
    victim.stop(false);
    produce(topic, "two", 1500);
    awaitAssignment(group, topic, List.of(3, 3));
    long movedAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
    assertTrue(
        movedAfterMs >= 4000,
        "partitions "
            + orphaned
            + " moved after "
            + movedAfterMs
            + " ms, before the session ended");
    awaitReadOnce("two", 1500);
    awaitReadOnce("one", 1500);
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void twoGroupsEachReadEverything() throws Exception {
    Clients.createTopic(meridian.bootstrap(), "fanout", PARTITIONS, Map.of());
    run.twoGroupsEachReadEverything("fanout");
  }

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void aStaticMemberRestartsWithoutARebalanceAndADuplicateIsFenced() throws Exception {
    String topic = "static";
    String group = "g-static";
    Clients.createTopic(meridian.bootstrap(), topic, PARTITIONS, Map.of());
    GroupConsumer a = consumer("sa", group, topic, staticMember("instance-a"));
    GroupConsumer b = consumer("sb", group, topic, staticMember("instance-b"));
    awaitAssignment(List.of(a, b), topic, List.of(3, 3));
    int generation = meridian.groups().group(group).orElseThrow().generation();
    // b may have been assigned twice already (alone first, then with a): count from here
    int assignmentsOfB = b.assignmentCount();
    Set<TopicPartition> partitionsOfA = a.assignment();
    produce(topic, "s1", 1000);
    awaitReadOnce("s1", 1000);

    // a stops without leaving (static members stay), and a new process takes its place
    a.stop(true);
    assertEquals(2, meridian.groups().group(group).orElseThrow().members().size());
    GroupConsumer a2 = consumer("sa2", group, topic, staticMember("instance-a"));
    await("the restarted member gets its partitions back")
        .atMost(WAIT)
        .until(() -> a2.assignment().equals(partitionsOfA));
    GroupQuery.GroupDetail after = meridian.groups().group(group).orElseThrow();
    assertEquals(generation, after.generation(), "no rebalance: the generation is unchanged");
    assertEquals("Stable", after.state());
    assertEquals(assignmentsOfB, b.assignmentCount(), "the other member saw no rebalance");
    produce(topic, "s2", 1000);
    awaitReadOnce("s2", 1000);
    awaitReadOnce("s1", 1000);

    // a second process with the same instance id fences the one running
    GroupConsumer a3 = consumer("sa3", group, topic, staticMember("instance-a"));
    await("the older process is fenced").atMost(WAIT).until(() -> a2.failure() != null);
    assertTrue(a2.failure() instanceof FencedInstanceIdException, "fenced: " + a2.failure());
    await("the newest process has the partitions")
        .atMost(WAIT)
        .until(() -> a3.assignment().equals(partitionsOfA));
    assertEquals(generation, meridian.groups().group(group).orElseThrow().generation());
    assertEquals(1, b.assignmentCount());
  }

  private static Object[] staticMember(String instanceId) {
    return new Object[] {
      ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId,
      ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 30_000,
      ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 500
    };
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void assignAndCommitWorkWithoutMembersAndASubscriberResumesThere() throws Exception {
    String topic = "manual";
    String group = "g-manual";
    Clients.createTopic(meridian.bootstrap(), topic, 3, Map.of());
    produce(topic, "m1", 300);
    List<TopicPartition> parts = Clients.partitions(topic, 3);
    try (KafkaConsumer<String, String> c =
        new KafkaConsumer<>(
            Clients.consumer(
                meridian.bootstrap(),
                "earliest",
                ConsumerConfig.GROUP_ID_CONFIG,
                group,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false))) {
      c.assign(parts);
      int[] n = {0};
      Clients.pollUntil(c, () -> n[0] >= 300, WAIT, r -> n[0]++);
      c.commitSync();
      Map<TopicPartition, OffsetAndMetadata> committed =
          c.committed(Set.copyOf(parts), Duration.ofSeconds(30));
      assertEquals(300, committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum());
    }
    GroupQuery.GroupDetail g = meridian.groups().group(group).orElseThrow();
    assertEquals("Empty", g.state());
    assertEquals("", g.protocolType(), "a group that only commits");

    consumer("subscriber", group, topic);
    produce(topic, "m2", 30);
    awaitReadOnce("m2", 30);
    assertEquals(0, run.countRead("m1"), "nothing committed is read again");
  }
}
