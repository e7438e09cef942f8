package dev.meridian.node.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The leader epochs of one partition and the first offset written in each, as Kafka keeps them
 * (KIP-101): a follower of a new leader truncates to the end offset of its last common epoch.
 *
 * <pre>
 * leader-epoch-checkpoint (text):
 *   0                  version
 *   N                  number of entries
 *   epoch startOffset  N lines, ascending in both
 * </pre>
 *
 * <p>Rewritten atomically on every change (rare: once per leader change). Not thread-safe: guarded
 * by the owning log's lock.
 */
final class LeaderEpochCache {
  static final String FILE_NAME = "leader-epoch-checkpoint";

  /** One leader epoch and the first offset of the log written in it. */
  record EpochEntry(int epoch, long startOffset) {}

  private final Path file;
  private final List<EpochEntry> entries = new ArrayList<>();

  LeaderEpochCache(Path dir) throws IOException {
    this.file = dir.resolve(FILE_NAME);
    load();
  }

  List<EpochEntry> entries() {
    return List.copyOf(entries);
  }

  /** The newest epoch, or -1. */
  int latestEpoch() {
    return entries.isEmpty() ? -1 : entries.get(entries.size() - 1).epoch();
  }

  /** Records that {@code epoch} starts at {@code startOffset} if it is newer than the latest. */
  void maybeAssign(int epoch, long startOffset) throws IOException {
    if (epoch >= 0 && epoch > latestEpoch()) {
      entries.add(new EpochEntry(epoch, startOffset));
      save();
    }
  }

  /**
   * The end offset of {@code epoch}: the start offset of the next larger epoch, or {@code
   * logEndOffset} when it is the latest. Returns {epoch found, end offset}; {-1, -1} when the
   * requested epoch is older than every entry.
   */
  long[] endOffsetFor(int epoch, long logEndOffset) {
    if (entries.isEmpty() || epoch < entries.get(0).epoch()) {
      return new long[] {-1, -1};
    }
    for (int i = entries.size() - 1; i >= 0; i--) {
      EpochEntry e = entries.get(i);
      if (e.epoch() <= epoch) {
        long end = i == entries.size() - 1 ? logEndOffset : entries.get(i + 1).startOffset();
        return new long[] {e.epoch(), end};
      }
    }
    return new long[] {-1, -1};
  }

  /** Drops epochs that start at or after {@code offset}. */
  void truncateFromEnd(long offset) throws IOException {
    if (entries.removeIf(e -> e.startOffset() >= offset)) {
      save();
    }
  }

  /** Moves the first epoch's start up to {@code offset}, dropping epochs wholly before it. */
  void truncateFromStart(long offset) throws IOException {
    EpochEntry keep = null;
    boolean changed = false;
    while (!entries.isEmpty() && entries.get(0).startOffset() < offset) {
      keep = entries.remove(0);
      changed = true;
    }
    if (keep != null && (entries.isEmpty() || entries.get(0).startOffset() > offset)) {
      entries.add(0, new EpochEntry(keep.epoch(), offset));
    }
    if (changed) {
      save();
    }
  }

  void clear() throws IOException {
    entries.clear();
    save();
  }

  private void load() throws IOException {
    if (!Files.exists(file)) {
      return;
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    try {
      int n = Integer.parseInt(lines.get(1).trim());
      for (int i = 0; i < n; i++) {
        String[] parts = lines.get(2 + i).trim().split("\\s+");
        entries.add(new EpochEntry(Integer.parseInt(parts[0]), Long.parseLong(parts[1])));
      }
    } catch (RuntimeException e) {
      throw new IOException("corrupt " + file + ": " + e.getMessage(), e);
    }
  }

  private void save() throws IOException {
    StringBuilder sb = new StringBuilder("0\n").append(entries.size()).append('\n');
    for (EpochEntry e : entries) {
      sb.append(e.epoch()).append(' ').append(e.startOffset()).append('\n');
    }
    IndexFiles.writeAtomically(
        file, ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8)), false);
  }
}
