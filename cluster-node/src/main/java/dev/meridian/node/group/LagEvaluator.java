package dev.meridian.node.group;

import dev.meridian.node.group.GroupQuery.TopicPartitionRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Consumer lag status the way Burrow computes it: per group and partition, a sliding window of the
 * group's last {@code intervals} commits, rated by Burrow's rules instead of a lag threshold.
 *
 * <p>Sources: the wiki page "Consumer Lag Evaluation Rules" of linkedin/Burrow and its evaluator,
 * {@code core/internal/evaluator/caching.go} ({@code calculatePartitionStatus}); the window is kept
 * as its {@code core/internal/storage/inmemory.go} keeps it.
 *
 * <h2>Window</h2>
 *
 * <p>Per (group, topic, partition) the evaluator keeps two rings of at most {@code intervals}
 * entries (Burrow's {@code storage.intervals}, default {@value #DEFAULT_INTERVALS}):
 *
 * <pre>
 * commits:  (offset, commit timestamp, lag at the commit)   one per distinct commit, oldest first
 * ends:     (log end offset, sampled at)                     one per {@link #observe} call
 * </pre>
 *
 * <p>A commit enters the window when its timestamp is newer than the newest stored commit; a commit
 * of the same offset with a newer timestamp is a new commit (that is how a stall shows). Its lag is
 * the newest end offset sampled at or before the commit (the oldest sample when none is that old)
 * minus the committed offset, and never negative: Burrow likewise takes the broker offset it last
 * fetched before the commit arrived and stores 0 when the commit is ahead of it. A commit seen
 * before any end offset is known is dropped, as in Burrow. The window moves with commits, not with
 * time: a group that stops committing keeps its last window, which is how {@link LagStatus#STOPPED}
 * is detected.
 *
 * <h2>Rules</h2>
 *
 * <p>{@link #status} applies Burrow's rules (numbered as in Burrow's source) in Burrow's order, to
 * the window and the current lag, and the first that matches decides:
 *
 * <ol>
 *   <li>No current lag: {@link LagStatus#OK}, whatever the window says.
 *   <li>Rule 3, stopped: the time since the last commit is longer than the window spans (last
 *       commit timestamp minus first), and no recent end offset was at or below the last committed
 *       offset (the consumer was not caught up lately): {@link LagStatus#STOPPED}. Asked before
 *       rule 1, because a window that once had zero lag may be very old.
 *   <li>Rule 1: the lag was zero at some commit in the window: {@link LagStatus#OK}.
 *   <li>Rule 2: the committed offset decreases between two commits: {@link LagStatus#REWIND}.
 *   <li>Rule 4: all commits carry the same offset: {@link LagStatus#STALLED}.
 *   <li>Rule 5: the lag never decreases from one commit to the next: {@link LagStatus#WARNING}.
 *   <li>Otherwise (the lag went down somewhere: catching up): {@link LagStatus#OK}.
 * </ol>
 *
 * <p>Burrow never rates a partition {@link LagStatus#ERROR}: a slow consumer is a warning, and
 * {@code ERROR} is the group roll-up of the three partition errors ({@link LagStatus#ofGroup}).
 *
 * <p>A partition with no commit in its window is {@link LagStatus#OK} with completeness 0: there is
 * nothing to rate. Burrow can require a minimum completeness ({@code minimum-complete}) before
 * rating; its default, 0, is what this class does. Burrow's {@code min-distance} (merging commits
 * closer than a minimum) is not needed: the {@link LagAgent} sees commits only once per sampling
 * period.
 *
 * <p>Time is passed in, in milliseconds on the broker clock that stamps commits. Thread-safe:
 * {@link #observe} and the {@code retain} methods replace immutable windows atomically; {@link
 * #evaluate} reads without locking and never blocks.
 */
public final class LagEvaluator {

  /** Burrow's default window: 10 commits per partition. */
  public static final int DEFAULT_INTERVALS = 10;

  /**
   * One commit in a window.
   *
   * @param offset the committed offset
   * @param timestampMs when it was committed
   * @param lag the end offset at the commit minus {@code offset}, at least 0
   */
  public record CommitSample(long offset, long timestampMs, long lag) {}

  /** An end offset and when it was sampled. */
  private record EndSample(long logEndOffset, long sampledAtMs) {}

  /** A window; immutable, replaced on every change. */
  private record Window(List<CommitSample> commits, List<EndSample> ends) {
    static final Window EMPTY = new Window(List.of(), List.of());
  }

  /**
   * The rating of one partition.
   *
   * @param status the partition's status
   * @param complete the share of the window filled with commits, 0 to 1 (Burrow's {@code complete})
   * @param start the oldest commit of the window, {@code null} when it is empty
   * @param end the newest commit of the window, {@code null} when it is empty
   */
  public record Evaluation(
      LagStatus status, double complete, CommitSample start, CommitSample end) {}

  private static final Evaluation NOTHING = new Evaluation(LagStatus.OK, 0.0, null, null);

  private final int intervals;
  private final Map<String, Map<TopicPartitionRef, Window>> groups = new ConcurrentHashMap<>();

  /** An evaluator with Burrow's default window of {@value #DEFAULT_INTERVALS} commits. */
  public LagEvaluator() {
    this(DEFAULT_INTERVALS);
  }

  /**
   * An evaluator with a window of {@code intervals} commits per partition.
   *
   * @throws IllegalArgumentException if {@code intervals < 2}: the rules compare commits
   */
  public LagEvaluator(int intervals) {
    if (intervals < 2) {
      throw new IllegalArgumentException("intervals must be at least 2, was " + intervals);
    }
    this.intervals = intervals;
  }

  /** The window length, in commits. */
  public int intervals() {
    return intervals;
  }

  /**
   * Records what the group's committed offset and the partition's end offset are now.
   *
   * @param committedOffset the group's committed offset; negative means none, and only the end
   *     offset is recorded
   * @param commitTimestampMs when that offset was committed
   * @param logEndOffset the partition's end offset now; negative when unknown (then nothing is
   *     recorded for it)
   * @param nowMs the current time
   */
  public void observe(
      String group,
      TopicPartitionRef tp,
      long committedOffset,
      long commitTimestampMs,
      long logEndOffset,
      long nowMs) {
    groups
        .computeIfAbsent(group, g -> new ConcurrentHashMap<>())
        .compute(
            tp,
            (k, w) ->
                next(
                    w == null ? Window.EMPTY : w,
                    committedOffset,
                    commitTimestampMs,
                    logEndOffset,
                    nowMs));
  }

  private Window next(
      Window w, long committedOffset, long commitTimestampMs, long logEndOffset, long nowMs) {
    List<EndSample> ends = w.ends();
    if (logEndOffset >= 0) {
      ends = append(ends, new EndSample(logEndOffset, nowMs));
    }
    List<CommitSample> commits = w.commits();
    if (committedOffset >= 0 && !ends.isEmpty()) {
      CommitSample last = commits.isEmpty() ? null : commits.get(commits.size() - 1);
      CommitSample sample =
          new CommitSample(
              committedOffset,
              commitTimestampMs,
              Math.max(0, endAt(ends, commitTimestampMs) - committedOffset));
      if (last == null || commitTimestampMs > last.timestampMs()) {
        commits = append(commits, sample);
      } else if (commitTimestampMs == last.timestampMs() && committedOffset != last.offset()) {
        // a second commit within the same millisecond: the newer one replaces it
        List<CommitSample> replaced = new ArrayList<>(commits);
        replaced.set(replaced.size() - 1, sample);
        commits = List.copyOf(replaced);
      }
      // an older timestamp than the newest stored commit: not a new commit; ignored
    }
    return new Window(commits, ends);
  }

  /** The newest end offset sampled at or before {@code timestampMs}; else the oldest sample. */
  private static long endAt(List<EndSample> ends, long timestampMs) {
    for (int i = ends.size() - 1; i >= 0; i--) {
      if (ends.get(i).sampledAtMs() <= timestampMs) {
        return ends.get(i).logEndOffset();
      }
    }
    return ends.get(0).logEndOffset();
  }

  private <T> List<T> append(List<T> ring, T item) {
    List<T> next = new ArrayList<>(Math.min(ring.size() + 1, intervals));
    next.addAll(
        ring.size() < intervals ? ring : ring.subList(ring.size() - intervals + 1, ring.size()));
    next.add(item);
    return List.copyOf(next);
  }

  /**
   * Rates one partition of a group.
   *
   * @param currentLag the partition's end offset now minus the group's committed offset now, at
   *     least 0; negative when unknown, which rates as no lag
   * @param nowMs the current time
   */
  public Evaluation evaluate(String group, TopicPartitionRef tp, long currentLag, long nowMs) {
    Map<TopicPartitionRef, Window> partitions = groups.get(group);
    Window w = partitions == null ? null : partitions.get(tp);
    if (w == null || w.commits().isEmpty()) {
      return NOTHING;
    }
    List<CommitSample> commits = w.commits();
    return new Evaluation(
        status(commits, endOffsets(w.ends()), currentLag, nowMs),
        (double) commits.size() / intervals,
        commits.get(0),
        commits.get(commits.size() - 1));
  }

  /** The commits in a partition's window, oldest first; empty when there are none. */
  public List<CommitSample> window(String group, TopicPartitionRef tp) {
    Map<TopicPartitionRef, Window> partitions = groups.get(group);
    Window w = partitions == null ? null : partitions.get(tp);
    return w == null ? List.of() : w.commits();
  }

  /** Forgets the windows of every group not in {@code groupIds} (deleted or expired groups). */
  public void retainGroups(Set<String> groupIds) {
    groups.keySet().retainAll(groupIds);
  }

  /** Forgets the windows of {@code group}'s partitions not in {@code partitions}. */
  public void retainPartitions(String group, Set<TopicPartitionRef> partitions) {
    Map<TopicPartitionRef, Window> windows = groups.get(group);
    if (windows != null) {
      windows.keySet().retainAll(partitions);
    }
  }

  /** The groups that have windows. */
  public Set<String> groups() {
    return Set.copyOf(groups.keySet());
  }

  private static List<Long> endOffsets(List<EndSample> ends) {
    List<Long> offsets = new ArrayList<>(ends.size());
    for (EndSample e : ends) {
      offsets.add(e.logEndOffset());
    }
    return offsets;
  }

  /**
   * Burrow's rating of a partition ({@code calculatePartitionStatus}); the rules are listed in the
   * class comment.
   *
   * @param commits the window, oldest first; not empty
   * @param endOffsets recent end offsets of the partition, any order (Burrow's broker offset ring)
   * @param currentLag the lag now; 0 or negative rates {@link LagStatus#OK}
   * @param nowMs the current time
   */
  static LagStatus status(
      List<CommitSample> commits, List<Long> endOffsets, long currentLag, long nowMs) {
    if (currentLag <= 0) {
      return LagStatus.OK;
    }
    if (stopped(commits, nowMs) && !recentlyCaughtUp(commits, endOffsets)) {
      return LagStatus.STOPPED;
    }
    if (lagEverZero(commits)) {
      return LagStatus.OK;
    }
    if (rewound(commits)) {
      return LagStatus.REWIND;
    }
    if (stalled(commits)) {
      return LagStatus.STALLED;
    }
    if (lagNeverDecreases(commits)) {
      return LagStatus.WARNING;
    }
    return LagStatus.OK;
  }

  /**
   * Burrow rule 1: the lag was zero at some commit of the window, the period is fine ({@code
   * isLagAlwaysNotZero}, negated).
   */
  static boolean lagEverZero(List<CommitSample> commits) {
    for (CommitSample c : commits) {
      if (c.lag() == 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * Burrow rule 2: the committed offset decreased from one commit to the next ({@code
   * checkIfOffsetsRewind}).
   */
  static boolean rewound(List<CommitSample> commits) {
    for (int i = 1; i < commits.size(); i++) {
      if (commits.get(i).offset() < commits.get(i - 1).offset()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Burrow rule 3: the time since the last commit exceeds the time the window spans, first to last
   * commit ({@code checkIfOffsetsStopped}). With one commit the window spans nothing, so any time
   * after it counts.
   */
  static boolean stopped(List<CommitSample> commits, long nowMs) {
    long first = commits.get(0).timestampMs();
    long last = commits.get(commits.size() - 1).timestampMs();
    return nowMs - last > last - first;
  }

  /**
   * Burrow rule 4: every commit of the window carries the same offset ({@code
   * checkIfOffsetsStalled}); only asked when there is lag.
   */
  static boolean stalled(List<CommitSample> commits) {
    for (int i = 1; i < commits.size(); i++) {
      if (commits.get(i).offset() != commits.get(i - 1).offset()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Burrow rule 5: the lag does not decrease anywhere from one commit to the next ({@code
   * checkIfLagNotDecreasing}).
   */
  static boolean lagNeverDecreases(List<CommitSample> commits) {
    for (int i = 1; i < commits.size(); i++) {
      if (commits.get(i).lag() < commits.get(i - 1).lag()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Burrow's guard on rule 3 ({@code checkIfRecentLagZero}): some recent end offset was at or below
   * the last committed offset, so the consumer was caught up a short while ago and is given time to
   * commit past newly arrived records before it is called stopped.
   */
  static boolean recentlyCaughtUp(List<CommitSample> commits, List<Long> endOffsets) {
    long lastCommitted = commits.get(commits.size() - 1).offset();
    for (long end : endOffsets) {
      if (end <= lastCommitted) {
        return true;
      }
    }
    return false;
  }
}
