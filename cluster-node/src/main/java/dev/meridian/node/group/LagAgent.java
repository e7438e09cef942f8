package dev.meridian.node.group;

import dev.meridian.node.group.GroupQuery.Committed;
import dev.meridian.node.group.GroupQuery.GroupDetail;
import dev.meridian.node.group.GroupQuery.GroupSummary;
import dev.meridian.node.group.GroupQuery.TopicPartitionRef;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the {@link LagEvaluator}: every {@code sampleMs} it takes a snapshot of every group ({@link
 * GroupQuery}) and, for each partition the group has committed, hands the committed offset, its
 * commit timestamp and the partition's end offset to {@link LagEvaluator#observe}. It then drops
 * the windows of groups and partitions that are gone.
 *
 * <p>The duty cycle is {@link #doWork(long)}, with the time passed in; tests call it directly.
 * {@link #start()} runs it on its own daemon thread ({@code meridian-lag-agent}), never on an event
 * loop, first at once and then {@code sampleMs} after the end of each pass. A pass that fails for
 * one group logs it and goes on with the next.
 */
public final class LagAgent implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LagAgent.class);

  private final GroupQuery groups;
  private final LogEndOffsets ends;
  private final LagEvaluator evaluator;
  private final LongSupplier clock;
  private final long sampleMs;
  private ScheduledExecutorService scheduler;

  /**
   * Creates an agent; nothing runs before {@link #start()}.
   *
   * @param groups the node's groups
   * @param ends the end offsets of the node's partitions
   * @param evaluator the evaluator to feed
   * @param clock the time in milliseconds, on the clock that stamps commits
   * @param sampleMs milliseconds between two passes
   */
  public LagAgent(
      GroupQuery groups,
      LogEndOffsets ends,
      LagEvaluator evaluator,
      LongSupplier clock,
      long sampleMs) {
    if (sampleMs <= 0) {
      throw new IllegalArgumentException("sampleMs must be positive, was " + sampleMs);
    }
    this.groups = groups;
    this.ends = ends;
    this.evaluator = evaluator;
    this.clock = clock;
    this.sampleMs = sampleMs;
  }

  /** Runs {@link #doWork} on the agent's thread every {@code sampleMs}. */
  public synchronized void start() {
    if (scheduler != null) {
      throw new IllegalStateException("lag agent already started");
    }
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "meridian-lag-agent");
              t.setDaemon(true);
              return t;
            });
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    scheduler = executor;
    scheduler.scheduleWithFixedDelay(this::runOnce, 0, sampleMs, TimeUnit.MILLISECONDS);
  }

  private void runOnce() {
    try {
      doWork(clock.getAsLong());
    } catch (RuntimeException e) {
      // a thrown exception would cancel the schedule: log it and sample again next time
      LOG.warn("lag sampling failed", e);
    }
  }

  /**
   * One pass over all groups.
   *
   * @param nowMs the current time
   */
  public void doWork(long nowMs) {
    Set<String> present = new HashSet<>();
    for (GroupSummary summary : groups.groups()) {
      String groupId = summary.groupId();
      present.add(groupId);
      try {
        Optional<GroupDetail> detail = groups.group(groupId);
        if (detail.isEmpty()) {
          continue; // deleted since the listing; forgotten in the next pass
        }
        Map<TopicPartitionRef, Committed> offsets = offsetsOf(detail.get());
        for (Map.Entry<TopicPartitionRef, Committed> e : offsets.entrySet()) {
          TopicPartitionRef tp = e.getKey();
          Committed committed = e.getValue();
          evaluator.observe(
              groupId,
              tp,
              committed.offset(),
              committed.commitTimestampMs(),
              ends.logEndOffset(tp.topic(), tp.partition()),
              nowMs);
        }
        evaluator.retainPartitions(groupId, offsets.keySet());
      } catch (RuntimeException e) {
        LOG.warn("lag sampling of group '{}' failed", groupId, e);
      }
    }
    evaluator.retainGroups(present);
  }

  static Map<TopicPartitionRef, Committed> offsetsOf(GroupDetail detail) {
    return detail.offsets() == null ? Map.of() : detail.offsets();
  }

  /** Stops the agent's thread, waiting for a pass under way. Idempotent. */
  @Override
  public synchronized void close() {
    if (scheduler == null || scheduler.isShutdown()) {
      return;
    }
    scheduler.shutdown();
    try {
      if (!scheduler.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.warn("lag agent did not stop within 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
