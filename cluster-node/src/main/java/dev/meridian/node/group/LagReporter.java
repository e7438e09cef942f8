package dev.meridian.node.group;

import dev.meridian.node.group.GroupQuery.Committed;
import dev.meridian.node.group.GroupQuery.GroupDetail;
import dev.meridian.node.group.GroupQuery.GroupSummary;
import dev.meridian.node.group.GroupQuery.Member;
import dev.meridian.node.group.GroupQuery.TopicPartitionRef;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.LongSupplier;

/**
 * Consumer groups with their lag, as the control plane shows them: the current snapshot of each
 * group ({@link GroupQuery}), the current end offsets ({@link LogEndOffsets}), and each partition's
 * status from the {@link LagEvaluator} windows that the {@link LagAgent} fills.
 *
 * <p>Lag of a partition is its end offset now minus the group's committed offset now, never
 * negative; unknown ({@code -1}) when the group has not committed the partition or this node does
 * not host it. A group's total lag is the sum of the known lags. Reads memory only and never
 * blocks; thread-safe.
 */
public final class LagReporter {

  /** The value of an offset or lag that is not known. */
  public static final long UNKNOWN = -1;

  /**
   * A group in a listing.
   *
   * @param totalLag the sum of the group's known partition lags
   * @param status the group's status: {@link LagStatus#OK}, {@link LagStatus#WARNING} or {@link
   *     LagStatus#ERROR}
   */
  public record GroupListing(
      String groupId,
      String state,
      String protocolType,
      int members,
      long totalLag,
      LagStatus status) {}

  /**
   * One partition of a group.
   *
   * @param memberId the member the partition is assigned to, {@code null} when none is
   * @param committedOffset the group's committed offset, {@link #UNKNOWN} when none
   * @param commitTimestampMs when it was committed, {@link #UNKNOWN} when not
   * @param logEndOffset the partition's end offset, {@link #UNKNOWN} when this node does not host
   *     it
   * @param lag {@code logEndOffset - committedOffset}, at least 0; {@link #UNKNOWN} when either is
   * @param status the partition's status ({@link LagEvaluator})
   * @param complete the share of the partition's window filled with commits, 0 to 1
   */
  public record PartitionLag(
      String topic,
      int partition,
      String memberId,
      long committedOffset,
      long commitTimestampMs,
      long logEndOffset,
      long lag,
      LagStatus status,
      double complete) {}

  /**
   * A group in detail.
   *
   * @param group the group's snapshot
   * @param status the worst partition status, partition errors counted as {@link LagStatus#ERROR}
   * @param complete the share of partitions whose window is full, 0 to 1; 0 without partitions
   *     (Burrow's group {@code complete})
   * @param totalLag the sum of the known partition lags
   * @param partitions every partition the group has committed or has assigned, by topic and
   *     partition
   */
  public record GroupLag(
      GroupDetail group,
      LagStatus status,
      double complete,
      long totalLag,
      List<PartitionLag> partitions) {}

  private static final Comparator<TopicPartitionRef> BY_TOPIC_PARTITION =
      Comparator.comparing(TopicPartitionRef::topic).thenComparingInt(TopicPartitionRef::partition);

  private final GroupQuery groups;
  private final LogEndOffsets ends;
  private final LagEvaluator evaluator;
  private final LongSupplier clock;

  /**
   * Creates a reporter.
   *
   * @param clock the time in milliseconds, on the clock that stamps commits
   */
  public LagReporter(
      GroupQuery groups, LogEndOffsets ends, LagEvaluator evaluator, LongSupplier clock) {
    this.groups = groups;
    this.ends = ends;
    this.evaluator = evaluator;
    this.clock = clock;
  }

  /** Every group, by group id. */
  public List<GroupListing> list() {
    long nowMs = clock.getAsLong();
    List<GroupListing> listing = new ArrayList<>();
    for (GroupSummary summary : groups.groups()) {
      Optional<GroupLag> lag = groups.group(summary.groupId()).map(d -> report(d, nowMs));
      if (lag.isEmpty()) {
        continue; // deleted since the listing
      }
      listing.add(
          new GroupListing(
              summary.groupId(),
              summary.state(),
              summary.protocolType(),
              summary.members(),
              lag.get().totalLag(),
              lag.get().status()));
    }
    listing.sort(Comparator.comparing(GroupListing::groupId));
    return listing;
  }

  /** One group in detail; empty when there is no such group. */
  public Optional<GroupLag> group(String groupId) {
    return groups.group(groupId).map(d -> report(d, clock.getAsLong()));
  }

  private GroupLag report(GroupDetail detail, long nowMs) {
    Map<TopicPartitionRef, String> owners = new HashMap<>();
    if (detail.members() != null) {
      for (Member m : detail.members()) {
        if (m.assignment() != null) {
          for (TopicPartitionRef tp : m.assignment()) {
            owners.put(tp, m.memberId());
          }
        }
      }
    }
    Map<TopicPartitionRef, Committed> offsets = LagAgent.offsetsOf(detail);
    TreeSet<TopicPartitionRef> all = new TreeSet<>(BY_TOPIC_PARTITION);
    all.addAll(offsets.keySet());
    all.addAll(owners.keySet());

    List<PartitionLag> partitions = new ArrayList<>(all.size());
    List<LagStatus> statuses = new ArrayList<>(all.size());
    long totalLag = 0;
    int complete = 0;
    for (TopicPartitionRef tp : all) {
      Committed committed = offsets.get(tp);
      long offset = committed == null || committed.offset() < 0 ? UNKNOWN : committed.offset();
      long end = ends.logEndOffset(tp.topic(), tp.partition());
      long lag = offset == UNKNOWN || end < 0 ? UNKNOWN : Math.max(0, end - offset);
      LagEvaluator.Evaluation ev = evaluator.evaluate(detail.groupId(), tp, lag, nowMs);
      partitions.add(
          new PartitionLag(
              tp.topic(),
              tp.partition(),
              owners.get(tp),
              offset,
              offset == UNKNOWN ? UNKNOWN : committed.commitTimestampMs(),
              end < 0 ? UNKNOWN : end,
              lag,
              ev.status(),
              ev.complete()));
      statuses.add(ev.status());
      if (lag > 0) {
        totalLag += lag;
      }
      if (ev.complete() >= 1.0) {
        complete++;
      }
    }
    return new GroupLag(
        detail,
        LagStatus.ofGroup(statuses),
        all.isEmpty() ? 0.0 : (double) complete / all.size(),
        totalLag,
        List.copyOf(partitions));
  }
}
