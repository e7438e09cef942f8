package dev.meridian.node.group;

import static dev.meridian.node.group.InMemoryGroupQuery.member;
import static dev.meridian.node.group.InMemoryGroupQuery.stable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.node.group.GroupQuery.TopicPartitionRef;
import dev.meridian.node.group.LagReporter.GroupLag;
import dev.meridian.node.group.LagReporter.GroupListing;
import dev.meridian.node.group.LagReporter.PartitionLag;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Lag math and statuses of whole groups, over an in-memory coordinator and fake end offsets. */
class LagReporterTest {

  private final InMemoryGroupQuery groups = new InMemoryGroupQuery();
  private final Map<TopicPartitionRef, Long> ends = new HashMap<>();
  private final LogEndOffsets endOffsets =
      (topic, p) -> ends.getOrDefault(new TopicPartitionRef(topic, p), LogEndOffsets.UNKNOWN);
  private final LagEvaluator evaluator = new LagEvaluator(3);
  private long now = 10_000_000;
  private final LagAgent agent = new LagAgent(groups, endOffsets, evaluator, () -> now, 10_000);
  private final LagReporter reporter = new LagReporter(groups, endOffsets, evaluator, () -> now);

  private void end(String topic, int partition, long offset) {
    ends.put(new TopicPartitionRef(topic, partition), offset);
  }

  @Test
  void noGroups() {
    assertEquals(List.of(), reporter.list());
    assertTrue(reporter.group("nope").isEmpty());
  }

  @Test
  void lagIsEndMinusCommittedPerPartitionAndSummedPerGroup() {
    groups.put(stable("billing", member("m1", "orders", 0, 1), member("m2", "orders", 2)));
    groups.commit("billing", "orders", 0, 100, now - 1_000);
    groups.commit("billing", "orders", 1, 50, now - 1_000);
    groups.commit("billing", "payments", 0, 7, now - 1_000); // committed, not assigned
    end("orders", 0, 142);
    end("orders", 1, 50);
    end("orders", 2, 9);
    end("payments", 0, 5); // truncated below the commit: lag 0, not -2
    agent.doWork(now);

    GroupLag lag = reporter.group("billing").orElseThrow();
    assertEquals(42, lag.totalLag());
    List<PartitionLag> p = lag.partitions();
    assertEquals(4, p.size());
    assertEquals(
        new PartitionLag("orders", 0, "m1", 100, now - 1_000, 142, 42, LagStatus.STOPPED, 1.0 / 3),
        p.get(0),
        "one commit, lag, and 1 s since: longer than the window spans (nothing), so stopped");
    assertEquals(
        new PartitionLag("orders", 1, "m1", 50, now - 1_000, 50, 0, LagStatus.OK, 1.0 / 3),
        p.get(1));
    assertEquals(
        new PartitionLag("orders", 2, "m2", -1, -1, 9, -1, LagStatus.OK, 0.0),
        p.get(2),
        "assigned, never committed: lag unknown");
    assertEquals(
        new PartitionLag("payments", 0, null, 7, now - 1_000, 5, 0, LagStatus.OK, 1.0 / 3),
        p.get(3));
    assertEquals(LagStatus.ERROR, lag.status());
    assertEquals(0.0, lag.complete());
  }

  @Test
  void aPartitionThisNodeDoesNotHostHasUnknownLag() {
    groups.put(stable("billing", member("m1", "elsewhere", 0)));
    groups.commit("billing", "elsewhere", 0, 10, now);
    agent.doWork(now);

    PartitionLag p = reporter.group("billing").orElseThrow().partitions().get(0);
    assertEquals(-1, p.logEndOffset());
    assertEquals(-1, p.lag());
    assertEquals(LagStatus.OK, p.status());
    assertEquals(0, reporter.group("billing").orElseThrow().totalLag());
  }

  @Test
  void aSlowConsumerWarnsAndACaughtUpOneIsOk() {
    groups
        .put(stable("slow", member("m1", "orders", 0)))
        .put(stable("fast", member("m2", "orders", 0)));
    for (int i = 1; i <= 3; i++) {
      now += 60_000;
      end("orders", 0, 200L * i);
      groups.commit("slow", "orders", 0, 100L * i, now); // lag 100, 200, 300
      groups.commit("fast", "orders", 0, 200L * i, now); // lag 0
      agent.doWork(now);
    }
    GroupLag slow = reporter.group("slow").orElseThrow();
    assertEquals(LagStatus.WARNING, slow.status());
    assertEquals(1.0, slow.complete());
    assertEquals(300, slow.totalLag());
    assertEquals(LagStatus.OK, reporter.group("fast").orElseThrow().status());

    assertEquals(
        List.of(
            new GroupListing("fast", "Stable", "consumer", 1, 0, LagStatus.OK),
            new GroupListing("slow", "Stable", "consumer", 1, 300, LagStatus.WARNING)),
        reporter.list());
  }

  @Test
  void aStoppedPartitionMakesTheGroupError() {
    groups.put(stable("billing", member("m1", "orders", 0)));
    end("orders", 0, 1000);
    for (int i = 1; i <= 3; i++) {
      now += 60_000;
      groups.commit("billing", "orders", 0, 100L * i, now);
      agent.doWork(now);
    }
    now += 2 * 60_000 + 1;
    GroupLag lag = reporter.group("billing").orElseThrow();
    assertEquals(LagStatus.STOPPED, lag.partitions().get(0).status());
    assertEquals(LagStatus.ERROR, lag.status());
  }

  @Test
  void aGroupWithoutPartitions() {
    groups.put(stable("empty"));
    GroupLag lag = reporter.group("empty").orElseThrow();
    assertEquals(LagStatus.OK, lag.status());
    assertEquals(0.0, lag.complete());
    assertEquals(List.of(), lag.partitions());
  }
}
