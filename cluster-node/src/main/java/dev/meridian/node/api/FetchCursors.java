package dev.meridian.node.api;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a source has sent to each pipelined fetcher ({@link
 * dev.meridian.node.protocol.FetchPipeline}): per pipeline id and partition, the run of offsets
 * [base, end) its answers covered. A Fetch of that pipeline asking from inside the run was sent
 * before its fetcher saw the latest answers, so it continues at {@code end}; any other offset (a
 * truncated fetcher, a gap it asked for) starts a new run there. Pipelines not used for {@link
 * #IDLE_MS} or beyond the newest {@link #MAX_PIPELINES} are forgotten: a fetcher starts a new one
 * on reconnecting anyway. Thread-safe.
 */
final class FetchCursors {
  static final int MAX_PIPELINES = 1024;
  static final long IDLE_MS = 120_000;

  private static final class Pipeline {
    final Map<String, long[]> runs = new HashMap<>();
    long usedMs;
    long lastAnswerNanos = Long.MIN_VALUE;
  }

  private final Map<Long, Pipeline> pipelines =
      new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Pipeline> eldest) {
          return size() > MAX_PIPELINES;
        }
      };

  /** Where pipeline {@code id} reads {@code partition} from when its Fetch asks {@code offset}. */
  synchronized long readFrom(long id, String partition, long offset, long nowMs) {
    Pipeline p = pipeline(id, nowMs);
    long[] run = p.runs.get(partition);
    return run != null && offset >= run[0] && offset < run[1] ? run[1] : offset;
  }

  /**
   * Records that pipeline {@code id} read {@code partition} from {@code readFrom} up to {@code
   * next} (the offset after the last batch sent; -1 when nothing was sent).
   */
  synchronized void sent(long id, String partition, long readFrom, long next, long nowMs) {
    Pipeline p = pipeline(id, nowMs);
    long[] run = p.runs.get(partition);
    long end = next < 0 ? readFrom : next;
    if (run != null && readFrom == run[1]) {
      run[1] = Math.max(run[1], end); // continued the run
    } else {
      p.runs.put(partition, new long[] {readFrom, end});
    }
  }

  /** Forgets {@code partition} in pipeline {@code id} (an error was answered for it). */
  synchronized void forget(long id, String partition) {
    Pipeline p = pipelines.get(id);
    if (p != null) {
      p.runs.remove(partition);
    }
  }

  /**
   * How long to hold an answer of pipeline {@code id} so that its answers are at least {@code
   * spacingNanos} apart; the answer is then taken to leave at now + the result.
   */
  synchronized long holdNanos(long id, long spacingNanos, long nowNanos) {
    Pipeline p = pipelines.get(id);
    if (p == null || spacingNanos <= 0) {
      return 0;
    }
    long at =
        p.lastAnswerNanos == Long.MIN_VALUE
            ? nowNanos
            : Math.max(nowNanos, p.lastAnswerNanos + spacingNanos);
    p.lastAnswerNanos = at;
    return at - nowNanos;
  }

  synchronized int size() {
    return pipelines.size();
  }

  private Pipeline pipeline(long id, long nowMs) {
    Pipeline p = pipelines.get(id);
    if (p == null || nowMs - p.usedMs > IDLE_MS) {
      p = new Pipeline();
      pipelines.put(id, p);
    }
    p.usedMs = nowMs;
    return p;
  }
}
