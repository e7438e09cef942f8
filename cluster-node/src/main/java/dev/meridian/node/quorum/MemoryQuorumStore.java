package dev.meridian.node.quorum;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link QuorumStore} in memory: for simulations (where it stands for a disk that survives a
 * crash of its node) and for nodes of tests that need no durability.
 */
public final class MemoryQuorumStore implements QuorumStore {
  private long promisedEpoch;
  private int promisedTo = -1;
  private Snapshot snapshot = Snapshot.EMPTY;
  private final List<LogEntry> entries = new ArrayList<>();
  private long commitVersion;

  @Override
  public long promisedEpoch() {
    return promisedEpoch;
  }

  @Override
  public int promisedTo() {
    return promisedTo;
  }

  @Override
  public void promise(long epoch, int candidate) {
    promisedEpoch = epoch;
    promisedTo = candidate;
  }

  @Override
  public Snapshot snapshot() {
    return snapshot;
  }

  @Override
  public long lastVersion() {
    return entries.isEmpty() ? snapshot.version() : entries.get(entries.size() - 1).version();
  }

  @Override
  public long epochAt(long version) {
    if (version == snapshot.version()) {
      return snapshot.epoch();
    }
    long index = version - snapshot.version() - 1;
    return index < 0 || index >= entries.size() ? -1 : entries.get((int) index).epoch();
  }

  @Override
  public List<LogEntry> entries(long fromVersion, int max) {
    int from = (int) (fromVersion - snapshot.version() - 1);
    if (from < 0) {
      throw new IllegalArgumentException(
          "version " + fromVersion + " is in the snapshot at " + snapshot.version());
    }
    if (from >= entries.size()) {
      return List.of();
    }
    return List.copyOf(entries.subList(from, (int) Math.min(entries.size(), (long) from + max)));
  }

  @Override
  public void append(List<LogEntry> more) {
    long next = lastVersion() + 1;
    for (LogEntry e : more) {
      if (e.version() != next++) {
        throw new IllegalArgumentException(
            "entry " + e.version() + " does not follow " + lastVersion());
      }
      entries.add(e);
    }
  }

  @Override
  public void truncateAfter(long version) {
    if (version < snapshot.version()) {
      throw new IllegalArgumentException(
          "cannot truncate to " + version + " below the snapshot at " + snapshot.version());
    }
    int keep = (int) (version - snapshot.version());
    while (entries.size() > keep) {
      entries.remove(entries.size() - 1);
    }
    commitVersion = Math.min(commitVersion, Math.max(version, snapshot.version()));
  }

  @Override
  public void installSnapshot(Snapshot s) {
    boolean keepTail = epochAt(s.version()) == s.epoch() && s.version() >= snapshot.version();
    List<LogEntry> tail = new ArrayList<>();
    if (keepTail) {
      for (LogEntry e : entries) {
        if (e.version() > s.version()) {
          tail.add(e);
        }
      }
    }
    entries.clear();
    entries.addAll(tail);
    snapshot = s;
    commitVersion = Math.max(commitVersion, s.version());
  }

  @Override
  public long commitVersion() {
    return commitVersion;
  }

  @Override
  public void commit(long version) {
    commitVersion = version;
  }
}
