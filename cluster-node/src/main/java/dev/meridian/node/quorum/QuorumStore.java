package dev.meridian.node.quorum;

import java.util.List;

/**
 * What a node of the quorum keeps on disk: its promise (the highest controller epoch it follows),
 * its metadata log as a snapshot plus the entries after it, and how far it knows the log to be
 * committed. Every mutating method except {@link #commit} is durable when it returns (fsync), since
 * the protocol's answers depend on it. Used by one thread.
 */
public interface QuorumStore {
  /** The highest epoch this node promised to follow (0 at first). */
  long promisedEpoch();

  /** The node it promised {@link #promisedEpoch()} to, -1 if none. */
  int promisedTo();

  /** Durably records a promise. */
  void promise(long epoch, int candidate);

  /** The latest snapshot ({@link Snapshot#EMPTY} at first). */
  Snapshot snapshot();

  /** The version of the last entry (the snapshot's if no entry follows it). */
  long lastVersion();

  /** The epoch of the entry at {@code version}, or -1 when the log does not hold it. */
  long epochAt(long version);

  /**
   * Up to {@code max} entries from {@code fromVersion} on; {@code fromVersion} must be above the
   * snapshot's version.
   */
  List<LogEntry> entries(long fromVersion, int max);

  /** Durably appends entries that follow the last one. */
  void append(List<LogEntry> entries);

  /** Durably removes the entries after {@code version} (not below the snapshot's version). */
  void truncateAfter(long version);

  /**
   * Durably makes {@code snapshot} the start of the log: entries up to its version are dropped;
   * when the log holds the snapshot's last entry (same version and epoch) the entries after it are
   * kept, otherwise all entries are dropped.
   */
  void installSnapshot(Snapshot snapshot);

  /** How far this node knows the log to be committed, as last recorded. */
  long commitVersion();

  /** Records the commit version; need not be durable at once (it is learned again). */
  void commit(long version);

  /** The epoch of the last entry. */
  default long lastEpoch() {
    return epochAt(lastVersion());
  }
}
