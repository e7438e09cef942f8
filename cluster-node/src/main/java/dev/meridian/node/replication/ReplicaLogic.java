package dev.meridian.node.replication;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The decisions of replication, as pure functions of what a leader knows of its followers: when a
 * follower counts as caught up, where the high watermark is, which replicas belong in the ISR, and
 * where a follower must truncate its log when it follows a new leader (KIP-101/279). {@link
 * Partition} and the replication simulation both use them.
 */
public final class ReplicaLogic {
  /** No offset known. */
  public static final long UNKNOWN = -1;

  private ReplicaLogic() {}

  /**
   * A follower's progress as its leader sees it.
   *
   * @param logEndOffset where the follower's log ends (its last fetch offset), or {@link #UNKNOWN}
   * @param lastCaughtUpMs the last time the follower had everything the leader had, or -1
   * @param lastFetchMs when it fetched last, or -1
   * @param leaderEndAtLastFetch the leader's log end offset at that fetch
   */
  public record FollowerState(
      long logEndOffset, long lastCaughtUpMs, long lastFetchMs, long leaderEndAtLastFetch) {

    /** A follower the leader has not heard from, counted as caught up at {@code nowMs}. */
    public static FollowerState fresh(long nowMs) {
      return new FollowerState(UNKNOWN, nowMs, -1, UNKNOWN);
    }
  }

  /**
   * The follower's state after a fetch from {@code fetchOffset} while the leader's log ends at
   * {@code leaderEnd}: it is caught up now when it asks for the log end, and was caught up at its
   * previous fetch when it now asks from where the leader's log ended then (Kafka's rule).
   */
  public static FollowerState onFetch(
      FollowerState previous, long fetchOffset, long leaderEnd, long nowMs) {
    long caughtUp = previous == null ? -1 : previous.lastCaughtUpMs();
    if (fetchOffset >= leaderEnd) {
      caughtUp = nowMs;
    } else if (previous != null
        && previous.lastFetchMs() >= 0
        && fetchOffset >= previous.leaderEndAtLastFetch()) {
      caughtUp = Math.max(caughtUp, previous.lastFetchMs());
    }
    return new FollowerState(fetchOffset, caughtUp, nowMs, leaderEnd);
  }

  /**
   * The high watermark over the leader and {@code replicas}: the smallest log end among them; a
   * replica whose log end is unknown holds it at {@code current}.
   */
  public static long highWatermark(
      long current, long leaderEnd, List<Integer> replicas, Map<Integer, FollowerState> followers) {
    long hw = leaderEnd;
    for (int r : replicas) {
      FollowerState f = followers.get(r);
      if (f == null || f.logEndOffset() == UNKNOWN) {
        return current; // one in-sync replica has not told where it is
      }
      hw = Math.min(hw, f.logEndOffset());
    }
    return Math.max(current, hw);
  }

  /**
   * The ISR the leader asks for: the leader, the members still caught up within {@code lagMaxMs},
   * and followers outside it whose log end reached both the high watermark and the start of the
   * leader's epoch. Order follows {@code replicas}.
   */
  public static List<Integer> desiredIsr(
      int leader,
      List<Integer> replicas,
      List<Integer> isr,
      Map<Integer, FollowerState> followers,
      long highWatermark,
      long leaderEpochStart,
      long nowMs,
      long lagMaxMs) {
    List<Integer> out = new ArrayList<>();
    for (int r : replicas) {
      if (r == leader) {
        out.add(r);
        continue;
      }
      FollowerState f = followers.get(r);
      if (isr.contains(r)) {
        if (f != null && nowMs - f.lastCaughtUpMs() <= lagMaxMs) {
          out.add(r);
        }
      } else if (f != null
          && f.logEndOffset() != UNKNOWN
          && f.logEndOffset() >= highWatermark
          && f.logEndOffset() >= leaderEpochStart) {
        out.add(r);
      }
    }
    return out;
  }

  /**
   * Where a follower truncates its log before fetching from a new leader (KIP-279). It asked the
   * leader for the end of {@code askedEpoch} (its own latest epoch); the leader answered the
   * largest epoch it has at or below that, and where that epoch ends in its log.
   *
   * @param localEnd the follower's log end
   * @param answeredEpoch the epoch the leader answered with, -1 for none
   * @param answeredEnd the end offset of that epoch on the leader, -1 for none
   * @param localEndOfAnswered the end offset of {@code answeredEpoch} in the follower's own log
   * @return the offset to truncate to, or {@link #UNKNOWN} when the leader knows no epoch of it
   *     (then the follower falls back to its high watermark)
   */
  public static long truncationOffset(
      long localEnd, int askedEpoch, int answeredEpoch, long answeredEnd, long localEndOfAnswered) {
    if (answeredEpoch < 0 || answeredEnd < 0) {
      return UNKNOWN;
    }
    long offset = Math.min(localEnd, answeredEnd);
    if (answeredEpoch != askedEpoch) {
      offset = Math.min(offset, localEndOfAnswered);
    }
    return offset;
  }
}
