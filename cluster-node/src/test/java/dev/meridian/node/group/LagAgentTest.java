package dev.meridian.node.group;

import static dev.meridian.node.group.InMemoryGroupQuery.member;
import static dev.meridian.node.group.InMemoryGroupQuery.stable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.node.group.GroupQuery.TopicPartitionRef;
import dev.meridian.node.group.LagEvaluator.CommitSample;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The agent's duty cycle, driven with a test clock; one test runs it on its own thread. */
class LagAgentTest {

  private static final TopicPartitionRef T0 = new TopicPartitionRef("orders", 0);
  private static final TopicPartitionRef T1 = new TopicPartitionRef("orders", 1);

  private final InMemoryGroupQuery groups = new InMemoryGroupQuery();
  private final Map<TopicPartitionRef, Long> ends = new HashMap<>();
  private final LogEndOffsets endOffsets =
      (topic, p) -> ends.getOrDefault(new TopicPartitionRef(topic, p), LogEndOffsets.UNKNOWN);
  private final LagEvaluator evaluator = new LagEvaluator(5);
  private long now = 1_000_000;
  private final LagAgent agent = new LagAgent(groups, endOffsets, evaluator, () -> now, 10_000);

  @Test
  void feedsEveryCommittedPartitionWithItsEndOffset() {
    groups.put(stable("billing", member("m1", "orders", 0, 1)));
    groups.commit("billing", "orders", 0, 100, now - 5_000);
    groups.commit("billing", "orders", 1, 40, now - 5_000);
    ends.put(T0, 130L);
    ends.put(T1, 40L);

    agent.doWork(now);

    assertEquals(List.of(new CommitSample(100, now - 5_000, 30)), evaluator.window("billing", T0));
    assertEquals(List.of(new CommitSample(40, now - 5_000, 0)), evaluator.window("billing", T1));
  }

  @Test
  void eachNewCommitAddsOneSample() {
    groups.put(stable("billing", member("m1", "orders", 0)));
    ends.put(T0, 100L);
    for (int i = 0; i < 6; i++) {
      now += 10_000;
      if (i % 2 == 0) {
        groups.commit("billing", "orders", 0, 10L * i, now);
      }
      agent.doWork(now);
    }
    assertEquals(
        List.of(0L, 20L, 40L),
        evaluator.window("billing", T0).stream().map(CommitSample::offset).toList());
  }

  @Test
  void goneGroupsAndPartitionsAreForgotten() {
    groups.put(stable("a")).put(stable("b"));
    groups.commit("a", "orders", 0, 1, now);
    groups.commit("a", "orders", 1, 1, now);
    groups.commit("b", "orders", 0, 1, now);
    ends.put(T0, 5L);
    ends.put(T1, 5L);
    agent.doWork(now);
    assertEquals(Set.of("a", "b"), evaluator.groups());

    groups.remove("b");
    groups.put(stable("a")); // its offsets are gone (deleted by an admin)
    groups.commit("a", "orders", 0, 2, now + 1);
    agent.doWork(now + 10_000);

    assertEquals(Set.of("a"), evaluator.groups());
    assertEquals(List.of(), evaluator.window("a", T1));
    assertEquals(2, evaluator.window("a", T0).size());
  }

  @Test
  void aFailingGroupDoesNotStopTheOthers() {
    GroupQuery flaky =
        new GroupQuery() {
          @Override
          public List<GroupSummary> groups() {
            return List.of(
                new GroupSummary("broken", "Stable", "consumer", 0),
                new GroupSummary("fine", "Stable", "consumer", 0));
          }

          @Override
          public Optional<GroupDetail> group(String groupId) {
            if (groupId.equals("broken")) {
              throw new IllegalStateException("coordinator bug");
            }
            return groups.group(groupId);
          }
        };
    groups.put(stable("fine"));
    groups.commit("fine", "orders", 0, 3, now);
    ends.put(T0, 5L);

    new LagAgent(flaky, endOffsets, evaluator, () -> now, 10_000).doWork(now);

    assertEquals(1, evaluator.window("fine", T0).size());
  }

  @Test
  void runsOnItsOwnThreadUntilClosed() {
    AtomicInteger passes = new AtomicInteger();
    List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
    GroupQuery counting =
        new GroupQuery() {
          @Override
          public List<GroupSummary> groups() {
            passes.incrementAndGet();
            threads.add(Thread.currentThread().getName());
            return List.of();
          }

          @Override
          public Optional<GroupDetail> group(String groupId) {
            return Optional.empty();
          }
        };
    LagAgent running =
        new LagAgent(counting, endOffsets, evaluator, System::currentTimeMillis, 100);
    running.start();
    try {
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> passes.get() >= 2);
      assertThrows(IllegalStateException.class, running::start);
    } finally {
      running.close();
    }
    int after = passes.get();
    assertTrue(threads.stream().allMatch("meridian-lag-agent"::equals), threads.toString());
    running.close(); // idempotent
    assertEquals(after, passes.get(), "no pass after close");
  }

  @Test
  void theSamplingPeriodMustBePositive() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new LagAgent(groups, endOffsets, evaluator, () -> now, 0));
  }
}
