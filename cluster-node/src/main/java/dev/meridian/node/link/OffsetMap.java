package dev.meridian.node.link;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where an active-active link put what it copied, for one source partition: runs of consecutive
 * source offsets copied to consecutive target offsets, kept disjoint (runs that overlap or touch
 * and agree are merged; one that disagrees replaces what it overlaps: the newer entry wins), and
 * how far the link has read its source ({@link #processed}). Answers both ways exactly for every
 * offset the runs cover; thread-safe.
 */
final class OffsetMap {

  /** Source offsets {@code source .. source + count - 1} are at {@code target ..}. */
  record Run(long source, long target, long count) {
    long sourceEnd() {
      return source + count;
    }

    long targetEnd() {
      return target + count;
    }

    long delta() {
      return target - source;
    }
  }

  private final TreeMap<Long, Run> bySource = new TreeMap<>();
  private final TreeMap<Long, Run> byTarget = new TreeMap<>();
  private long processed = -1;

  /** Adds a run, merging it with the runs it overlaps or touches. */
  synchronized void add(Run run) {
    if (run.count() <= 0) {
      return;
    }
    long start = run.source();
    long end = run.sourceEnd();
    List<Run> absorbed = new ArrayList<>();
    Map.Entry<Long, Run> e = bySource.floorEntry(start);
    if (e == null || e.getValue().sourceEnd() < start) {
      e = bySource.ceilingEntry(start);
    }
    while (e != null && e.getValue().source() <= end) {
      absorbed.add(e.getValue());
      e = bySource.higherEntry(e.getKey());
    }
    for (Run r : absorbed) {
      bySource.remove(r.source());
      byTarget.remove(r.target());
      boolean touches = r.sourceEnd() == start || r.source() == end;
      if (r.delta() == run.delta()) {
        start = Math.min(start, r.source());
        end = Math.max(end, r.sourceEnd());
      } else if (!touches) {
        keepOutside(r, run);
      } else {
        put(r); // adjacent but not contiguous in the target: a separate run
      }
    }
    put(new Run(start, start + run.delta(), end - start));
    processed = Math.max(processed, end);
  }

  /** What a disagreeing older run keeps outside the newer {@code run}. */
  private void keepOutside(Run old, Run run) {
    if (old.source() < run.source()) {
      put(new Run(old.source(), old.target(), run.source() - old.source()));
    }
    if (old.sourceEnd() > run.sourceEnd()) {
      long skip = run.sourceEnd() - old.source();
      put(new Run(run.sourceEnd(), old.target() + skip, old.count() - skip));
    }
  }

  private void put(Run r) {
    bySource.put(r.source(), r);
    byTarget.put(r.target(), r);
  }

  /** The link has read its source up to {@code next} (records it skipped included). */
  synchronized void processed(long next) {
    processed = Math.max(processed, next);
  }

  /** The source offset the link has read up to, or -1 when unknown. */
  synchronized long processed() {
    return processed;
  }

  synchronized boolean isEmpty() {
    return bySource.isEmpty();
  }

  synchronized List<Run> runs() {
    return List.copyOf(bySource.values());
  }

  /**
   * The target offset of the first copied record at or after source offset {@code source}: where a
   * reader that read the source up to {@code source} goes on in the target. Past every run: the
   * target offset after the last run. -1 when nothing was copied.
   */
  synchronized long toTarget(long source) {
    Map.Entry<Long, Run> f = bySource.floorEntry(source);
    if (f != null && source < f.getValue().sourceEnd()) {
      return f.getValue().target() + (source - f.getValue().source());
    }
    Map.Entry<Long, Run> h = bySource.higherEntry(source);
    if (h != null) {
      return h.getValue().target();
    }
    return bySource.isEmpty() ? -1 : bySource.lastEntry().getValue().targetEnd();
  }

  /**
   * The source offset of the first copied record whose copy is at or after target offset {@code
   * target}: the first source record a reader of the target up to {@code target} has not seen. Past
   * every run: how far the link has read ({@link #processed}), since what it read before was either
   * copied (so seen) or not meant for the target. -1 when unknown.
   */
  synchronized long toSource(long target) {
    Map.Entry<Long, Run> f = byTarget.floorEntry(target);
    if (f != null && target < f.getValue().targetEnd()) {
      return f.getValue().source() + (target - f.getValue().target());
    }
    Map.Entry<Long, Run> h = byTarget.higherEntry(target);
    if (h != null) {
      return h.getValue().source();
    }
    return processed;
  }

  /**
   * The runs of {@code count} copies: source offset {@code sources[i]} at target offset {@code
   * targets[i]}, both ascending.
   */
  static List<Run> runsOf(long[] sources, long[] targets, int count) {
    List<Run> out = new ArrayList<>();
    int i = 0;
    while (i < count) {
      int j = i + 1;
      while (j < count && sources[j] == sources[j - 1] + 1 && targets[j] == targets[j - 1] + 1) {
        j++;
      }
      out.add(new Run(sources[i], targets[i], j - i));
      i = j;
    }
    return out;
  }
}
