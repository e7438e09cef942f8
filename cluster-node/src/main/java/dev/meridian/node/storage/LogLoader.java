package dev.meridian.node.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a partition directory and brings it to a consistent state.
 *
 * <p>After a clean shutdown (the {@value #CLEAN_SHUTDOWN_FILE} marker is present) the index files
 * are trusted when they pass a sanity check. After an unclean stop, every batch from the segment
 * holding the recovery point onward is validated (sizes, magic, CRC-32C, increasing offsets); the
 * log is truncated at the first invalid or torn batch, later segments are deleted, and the indexes
 * of the recovered segments are rebuilt. Leftovers of interrupted operations ({@code .deleted},
 * {@code .cleaned}, {@code .tmp} files) are removed. What was truncated is logged.
 */
final class LogLoader {
  static final String CLEAN_SHUTDOWN_FILE = ".clean-shutdown";
  static final String CLEANED_SUFFIX = ".cleaned";
  private static final Logger LOG = LoggerFactory.getLogger(LogLoader.class);

  /** The state found on disk. */
  record Loaded(
      ConcurrentSkipListMap<Long, LogSegment> segments,
      long logStartOffset,
      long logEndOffset,
      long highWatermark,
      long cleanerOffset,
      boolean cleanShutdown,
      long truncatedBytes) {}

  private LogLoader() {}

  static Loaded load(Path dir, String name, LogConfig config, long nowMs) throws IOException {
    Files.createDirectories(dir);
    removeLeftovers(dir);
    Path marker = dir.resolve(CLEAN_SHUTDOWN_FILE);
    boolean clean = Files.exists(marker);
    PartitionCheckpoint cp = PartitionCheckpoint.read(dir);

    List<Long> bases = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      files
          .map(f -> f.getFileName().toString())
          .filter(n -> n.endsWith(LogSegment.LOG_SUFFIX) && n.length() == 24)
          .forEach(n -> bases.add(Long.parseLong(n.substring(0, 20))));
    }
    bases.sort(null);
    ConcurrentSkipListMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();
    long truncated = 0;
    if (bases.isEmpty()) {
      long start = cp.logStartOffset();
      segments.put(start, LogSegment.create(dir, start, config.indexIntervalBytes(), nowMs));
    } else {
      long recoveryBase = floorBase(bases, cp.recoveryPoint());
      long expectedNext = -1;
      for (int i = 0; i < bases.size(); i++) {
        long base = bases.get(i);
        Path file = dir.resolve(LogSegment.fileName(base, LogSegment.LOG_SUFFIX));
        boolean recover = !clean && base >= recoveryBase;
        LogSegment seg =
            recover
                ? LogSegment.openUnscanned(file, base, config.indexIntervalBytes())
                : LogSegment.open(file, base, config.indexIntervalBytes(), true);
        if (recover) {
          int cut = seg.recover(Math.max(base, expectedNext));
          if (cut > 0) {
            truncated += cut;
            LOG.warn(
                "{}: recovery truncated {} bytes of torn or corrupt data from {} at offset {}",
                name,
                cut,
                file.getFileName(),
                seg.nextOffset());
            segments.put(base, seg);
            truncated += deleteFollowing(name, dir, bases.subList(i + 1, bases.size()));
            break;
          }
        }
        segments.put(base, seg);
        expectedNext = seg.nextOffset();
      }
    }
    LogSegment last = segments.lastEntry().getValue();
    long leo = last.nextOffset();
    long logStart = Math.min(Math.max(cp.logStartOffset(), segments.firstKey()), leo);
    Files.deleteIfExists(marker);
    return new Loaded(
        segments,
        logStart,
        leo,
        Math.min(cp.highWatermark(), leo),
        Math.min(cp.cleanerOffset(), leo),
        clean,
        truncated);
  }

  private static long floorBase(List<Long> bases, long offset) {
    long floor = bases.get(0);
    for (long b : bases) {
      if (b <= offset) {
        floor = b;
      }
    }
    return floor;
  }

  private static long deleteFollowing(String name, Path dir, List<Long> bases) throws IOException {
    long bytes = 0;
    for (long base : bases) {
      for (String suffix :
          new String[] {
            LogSegment.LOG_SUFFIX, LogSegment.INDEX_SUFFIX, LogSegment.TIME_INDEX_SUFFIX
          }) {
        Path f = dir.resolve(LogSegment.fileName(base, suffix));
        if (Files.exists(f)) {
          if (suffix.equals(LogSegment.LOG_SUFFIX)) {
            bytes += Files.size(f);
            LOG.warn("{}: recovery deleted segment {} that followed corrupt data", name, f);
          }
          Files.delete(f);
        }
      }
    }
    return bytes;
  }

  private static void removeLeftovers(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String n = f.getFileName().toString();
        if (n.endsWith(LogSegment.DELETED_SUFFIX)
            || n.endsWith(CLEANED_SUFFIX)
            || n.endsWith(".tmp")) {
          Files.deleteIfExists(f);
        }
      }
    }
  }

  /** Closes every segment; used when a load fails half way. */
  static void closeQuietly(NavigableMap<Long, LogSegment> segments) {
    for (Map.Entry<Long, LogSegment> e : segments.entrySet()) {
      try {
        e.getValue().close();
      } catch (IOException ignored) {
        // already failing
      }
    }
  }
}
