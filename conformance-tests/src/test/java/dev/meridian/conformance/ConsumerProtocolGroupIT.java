package dev.meridian.conformance;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.node.group.GroupQuery;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.GroupProtocol;
import org.apache.kafka.clients.consumer.SubscriptionPattern;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnreleasedInstanceIdException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Consumer groups with the KIP-848 consumer protocol ({@code group.protocol=consumer}, unmodified
 * kafka-clients 4.4): the coordinator assigns, members reconcile incrementally, and the group
 * scenarios of {@link GroupIT} hold the same way — shared partitions read once, members joining,
 * leaving and dying, two groups, static members, a restart of the node — plus the coordinator-side
 * assignors and regex, groups of both protocols side by side and an empty group moving between
 * them.
 */
class ConsumerProtocolGroupIT {
  private static final int PARTITIONS = 6;
  private static final Object[] CONSUMER_PROTOCOL = {
    ConsumerConfig.GROUP_PROTOCOL_CONFIG, GroupProtocol.CONSUMER.name()
  };

  @TempDir Path tmp;
  private MeridianUnderTest meridian;
  private GroupRun run;

  @BeforeEach
  void start() throws Exception {
    meridian = new MeridianUnderTest(tmp).start();
    run = new GroupRun(meridian::bootstrap, CONSUMER_PROTOCOL);
  }

  @AfterEach
  void stop() {
    run.close();
    meridian.close();
  }

  private void awaitAssignment(List<GroupConsumer> group, String topic, List<Integer> sizes) {
    run.awaitAssignment(group, topic, PARTITIONS, sizes);
  }

  private GroupQuery.GroupDetail group(String id) {
    return meridian.groups().group(id).orElseThrow();
  }

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void threeMembersShareSixPartitionsAndAFourthJoinsWithoutLossOrRepeats() throws Exception {
    Clients.createTopic(meridian.bootstrap(), "shared", PARTITIONS, Map.of());
    run.threeShareAndAFourthJoins("g-shared", "shared", PARTITIONS);
    assertEquals("consumer", group("g-shared").protocolType());
    assertEquals("uniform", group("g-shared").protocol());
    await("the group settles")
        .atMost(GroupRun.WAIT)
        .until(() -> group("g-shared").state().equals("Stable"));
  }

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void aMemberThatLeavesHandsItsPartitionsOnWithoutLossOrRepeats() throws Exception {
    String topic = "leaving";
    Clients.createTopic(meridian.bootstrap(), topic, PARTITIONS, Map.of());
    List<GroupConsumer> group = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      group.add(run.consumer("l" + i, "g-leave", topic));
    }
    awaitAssignment(group, topic, List.of(2, 2, 2));
    run.produce(topic, "before", 2000);
    run.awaitReadOnce("before", 2000);

    GroupConsumer leaving = group.remove(0);
    long leftAt = System.nanoTime();
    leaving.stop(true);
    awaitAssignment(group, topic, List.of(3, 3));
    long movedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - leftAt);
    assertTrue(
        movedMs < MeridianUnderTest.CONSUMER_SESSION_MS,
        "a member that leaves is not waited for: moved after " + movedMs + " ms");
    run.produce(topic, "after", 2000);
    run.awaitReadOnce("after", 2000);
    run.awaitReadOnce("before", 2000);
  }

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void aMemberKilledWithoutLeavingLosesItsPartitionsAfterTheSessionTimeout() throws Exception {
    String topic = "killed";
    String id = "g-killed";
    Clients.createTopic(meridian.bootstrap(), topic, PARTITIONS, Map.of());
    List<GroupConsumer> group = new ArrayList<>();
    for (int i = 1; i <= 2; i++) {
      group.add(run.consumer("k" + i, id, topic));
    }
    // the third member is kafka-console-consumer in a child JVM, killed with SIGKILL below
    Process victim =
        KafkaTools.start(
            tmp,
            KafkaTools.CONSOLE_CONSUMER,
            "--bootstrap-server",
            meridian.bootstrap(),
            "--topic",
            topic,
            "--group",
            id,
            "--consumer-property",
            "group.protocol=consumer");
    try {
      await("each of the three members holds two partitions")
          .atMost(GroupRun.WAIT)
          .ignoreExceptions()
          .until(
              () ->
                  group(id).state().equals("Stable")
                      && group(id).members().size() == 3
                      && group.get(0).assignment().size() == 2
                      && group.get(1).assignment().size() == 2);
      long killedAt = System.nanoTime();
      victim.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      run.produce(topic, "two", 1500);
      awaitAssignment(group, topic, List.of(3, 3));
      long movedAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
      assertTrue(
          movedAfterMs >= MeridianUnderTest.CONSUMER_SESSION_MS - 1000,
          "partitions moved after " + movedAfterMs + " ms, before the session ended");
      run.awaitReadOnce("two", 1500);
      assertEquals(2, group(id).members().size(), "the killed member is gone");
    } finally {
      victim.destroyForcibly();
    }
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void twoGroupsEachReadEverything() throws Exception {
    Clients.createTopic(meridian.bootstrap(), "fanout", PARTITIONS, Map.of());
    run.twoGroupsEachReadEverything("fanout");
  }

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void aStaticMemberRestartsWithoutARebalanceAndASecondProcessIsRefused() throws Exception {
    String topic = "static";
    String id = "g-static";
    Clients.createTopic(meridian.bootstrap(), topic, PARTITIONS, Map.of());
    GroupConsumer a = run.consumer("sa", id, topic, ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "a");
    GroupConsumer b = run.consumer("sb", id, topic, ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "b");
    awaitAssignment(List.of(a, b), topic, List.of(3, 3));
    await("stable")
        .atMost(GroupRun.WAIT)
        .ignoreExceptions()
        .until(() -> group(id).state().equals("Stable"));
    int epoch = group(id).generation();
    int assignmentsOfB = b.assignmentCount();
    Set<TopicPartition> partitionsOfA = a.assignment();
    run.produce(topic, "s1", 1000);
    run.awaitReadOnce("s1", 1000);

    // a closes as a static member (it means to come back); a new process takes its place
    a.stop(true);
    assertEquals(2, group(id).members().size(), "a static member stays in the group");
    GroupConsumer a2 = run.consumer("sa2", id, topic, ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "a");
    await("the restarted member gets its partitions back")
        .atMost(GroupRun.WAIT)
        .until(() -> a2.assignment().equals(partitionsOfA));
    assertEquals(epoch, group(id).generation(), "no rebalance: the group epoch is unchanged");
    assertEquals(assignmentsOfB, b.assignmentCount(), "the other member saw nothing");
    run.produce(topic, "s2", 1000);
    run.awaitReadOnce("s2", 1000);
    run.awaitReadOnce("s1", 1000);

    // a second process with the same instance id is refused while the first runs (KIP-848)
    GroupConsumer a3 = run.consumer("sa3", id, topic, ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "a");
    await("the second process is refused").atMost(GroupRun.WAIT).until(() -> a3.failure() != null);
    assertTrue(a3.failure() instanceof UnreleasedInstanceIdException, "refused: " + a3.failure());
    assertEquals(partitionsOfA, a2.assignment(), "the running process keeps its partitions");
  }

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void theRangeAssignorAndARegexSubscriptionAreServedByTheCoordinator() throws Exception {
    Clients.createTopic(meridian.bootstrap(), "orders-eu", 3, Map.of());
    Object[] range = {ConsumerConfig.GROUP_REMOTE_ASSIGNOR_CONFIG, "range"};
    SubscriptionPattern orders = new SubscriptionPattern("orders-.*");
    GroupConsumer r1 = run.consumer("r1", "g-regex", orders, range);
    GroupConsumer r2 = run.consumer("r2", "g-regex", orders, range);
    await("range: 2 + 1 of orders-eu")
        .atMost(GroupRun.WAIT)
        .until(
            () ->
                r1.assignment().size() + r2.assignment().size() == 3
                    && !r1.assignment().isEmpty()
                    && !r2.assignment().isEmpty());
    assertEquals("range", group("g-regex").protocol());
    // a topic created later that matches is assigned too; one that does not match is not
    Clients.createTopic(meridian.bootstrap(), "orders-us", 3, Map.of());
    Clients.createTopic(meridian.bootstrap(), "payments", 3, Map.of());
    await("orders-us joins the subscription")
        .atMost(GroupRun.WAIT)
        .until(
            () ->
                r1.assignment().size() + r2.assignment().size() == 6
                    && !r1.assignment().isEmpty()
                    && !r2.assignment().isEmpty());
    List<Integer> sizes = new ArrayList<>(List.of(r1.assignment().size(), r2.assignment().size()));
    sizes.sort(null);
    assertEquals(List.of(2, 4), sizes, "range gives the first member 2 of each 3-partition topic");
    run.produce("orders-us", "us", 300);
    run.produce("payments", "pay", 300);
    run.awaitReadOnce("us", 300);
    assertEquals(0, run.countRead("pay"), "payments does not match the regex");
  }

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void groupsOfBothProtocolsLiveSideBySideAndAdminDescribesBoth() throws Exception {
    String topic = "both";
    Clients.createTopic(meridian.bootstrap(), topic, PARTITIONS, Map.of());
    GroupConsumer modern = run.consumer("m1", "g-modern", topic);
    GroupConsumer classic =
        run.consumer(
            "c1",
            "g-classic",
            topic,
            ConsumerConfig.GROUP_PROTOCOL_CONFIG,
            GroupProtocol.CLASSIC.name());
    awaitAssignment(List.of(modern), topic, List.of(6));
    awaitAssignment(List.of(classic), topic, List.of(6));
    try (Admin admin = Admin.create(Clients.admin(meridian.bootstrap()))) {
      Map<String, GroupListing> listed = new java.util.HashMap<>();
      admin.listGroups().all().get(30, TimeUnit.SECONDS).forEach(g -> listed.put(g.groupId(), g));
      assertEquals(GroupType.CONSUMER, listed.get("g-modern").type().orElseThrow());
      assertEquals(GroupType.CLASSIC, listed.get("g-classic").type().orElseThrow());
      Map<String, ConsumerGroupDescription> described =
          admin
              .describeConsumerGroups(List.of("g-modern", "g-classic"))
              .all()
              .get(30, TimeUnit.SECONDS);
      ConsumerGroupDescription m = described.get("g-modern");
      assertEquals(GroupType.CONSUMER, m.type());
      assertEquals(GroupState.STABLE, m.groupState());
      assertEquals("uniform", m.partitionAssignor());
      assertEquals(1, m.members().size());
      assertEquals(6, m.members().iterator().next().assignment().topicPartitions().size());
      assertEquals(
          6,
          m.members().iterator().next().targetAssignment().orElseThrow().topicPartitions().size());
      ConsumerGroupDescription c = described.get("g-classic");
      assertEquals(GroupType.CLASSIC, c.type());
      assertEquals(6, c.members().iterator().next().assignment().topicPartitions().size());
    }
    // the REST view of the node: members, assignments and lag of both groups
    for (String id : List.of("g-modern", "g-classic")) {
      run.produce(topic, id, 60);
      await(id + " has no lag on any partition")
          .atMost(GroupRun.WAIT)
          .until(
              () -> {
                com.fasterxml.jackson.databind.JsonNode g =
                    new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(Http.get(meridian.httpPort(), "/v1/groups/" + id).body());
                int caughtUp = 0;
                for (com.fasterxml.jackson.databind.JsonNode p : g.path("partitions")) {
                  caughtUp += p.path("lag").asLong(-1) == 0 ? 1 : 0;
                }
                return caughtUp == PARTITIONS
                    && g.path("protocolType").asText().equals("consumer")
                    && g.path("members").size() == 1;
              });
    }
    ExternalProcess.Result r =
        KafkaTools.run(
            tmp,
            KafkaTools.CONSUMER_GROUPS,
            "--bootstrap-server",
            meridian.bootstrap(),
            "--describe",
            "--all-groups",
            "--members");
    assertTrue(r.ok(), r.describe());
    assertTrue(r.stdout().contains("g-modern") && r.stdout().contains("g-classic"), r.describe());
    assertTrue(r.stdout().contains("m1") && r.stdout().contains("c1"), r.describe());
  }

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void anEmptyGroupMovesBetweenTheProtocolsKeepingItsOffsets() throws Exception {
    String topic = "convert";
    String id = "g-convert";
    Clients.createTopic(meridian.bootstrap(), topic, PARTITIONS, Map.of());
    Object[] classic = {ConsumerConfig.GROUP_PROTOCOL_CONFIG, GroupProtocol.CLASSIC.name()};
    run.produce(topic, "p1", 600);
    GroupConsumer c = run.consumer("classic-1", id, topic, classic);
    run.awaitReadOnce("p1", 600);
    c.stop(true);
    assertEquals("classic", groupType(id));

    run.produce(topic, "p2", 600);
    GroupConsumer m = run.consumer("modern-1", id, topic);
    run.awaitReadOnce("p2", 600);
    run.awaitReadOnce("p1", 600);
    assertEquals("consumer", groupType(id));
    m.stop(true);

    run.produce(topic, "p3", 600);
    run.consumer("classic-2", id, topic, classic);
    run.awaitReadOnce("p3", 600);
    run.awaitReadOnce("p2", 600);
    assertEquals("classic", groupType(id));
  }

  private String groupType(String id) throws Exception {
    try (Admin admin = Admin.create(Clients.admin(meridian.bootstrap()))) {
      return admin.listGroups().all().get(30, TimeUnit.SECONDS).stream()
          .filter(g -> g.groupId().equals(id))
          .findFirst()
          .orElseThrow()
          .type()
          .orElseThrow()
          .name()
          .toLowerCase(java.util.Locale.ROOT);
    }
  }

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void membersKeepTheirEpochsAndPartitionsAcrossARestartOfTheNode() throws Exception {
    String topic = "restart";
    String id = "g-restart";
    Clients.createTopic(meridian.bootstrap(), topic, PARTITIONS, Map.of());
    List<GroupConsumer> group =
        List.of(run.consumer("r1", id, topic), run.consumer("r2", id, topic));
    awaitAssignment(group, topic, List.of(3, 3));
    await("stable")
        .atMost(GroupRun.WAIT)
        .ignoreExceptions()
        .until(() -> group(id).state().equals("Stable"));
    run.produce(topic, "before", 1000);
    run.awaitReadOnce("before", 1000);
    GroupQuery.GroupDetail was = group(id);

    meridian.stop();
    meridian.start();
    GroupQuery.GroupDetail loaded = group(id);
    assertEquals(was.generation(), loaded.generation(), "the group epoch is in the log");
    assertEquals(
        was.members().stream().map(GroupQuery.Member::memberId).sorted().toList(),
        loaded.members().stream().map(GroupQuery.Member::memberId).sorted().toList(),
        "the members are in the log");

    run.produce(topic, "after", 1000);
    run.awaitReadOnce("after", 1000);
    run.awaitReadOnce("before", 1000);
    assertEquals(was.generation(), group(id).generation(), "the members went on, no rejoin");
  }
}
