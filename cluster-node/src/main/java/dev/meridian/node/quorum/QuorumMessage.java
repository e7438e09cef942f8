package dev.meridian.node.quorum;

import java.util.List;

/**
 * The messages between the nodes of a region that replicate its metadata log ({@link
 * MetadataQuorum}). Every message carries the sender's epoch; delivery is unreliable (messages may
 * be lost, delayed, duplicated or reordered), and the protocol is safe under all of that.
 */
public sealed interface QuorumMessage {
  /** The epoch the sender acts in. */
  long epoch();

  /** A candidate asks for a promise to follow no controller of a lower epoch. */
  record Promise(long epoch, int candidate) implements QuorumMessage {}

  /**
   * The answer to {@link Promise}: granted or not, the promised epoch, and where the answering log
   * ends.
   */
  record PromiseReply(
      long epoch,
      boolean granted,
      long promisedEpoch,
      long lastVersion,
      long lastEpoch,
      long commitVersion)
      implements QuorumMessage {}

  /** A candidate fetches the entries after {@code fromVersion - 1} of the most up-to-date log. */
  record FetchLog(long epoch, long fromVersion) implements QuorumMessage {}

  /**
   * The answer to {@link FetchLog}: a snapshot when {@code fromVersion} is no longer in the log
   * (else {@code null}), and the entries after it.
   */
  record FetchLogReply(long epoch, long fromVersion, Snapshot snapshot, List<LogEntry> entries)
      implements QuorumMessage {
    /** Copies the entries. */
    public FetchLogReply {
      entries = List.copyOf(entries);
    }
  }

  /**
   * The controller of {@code epoch} replicates entries after {@code prevVersion} (whose entry has
   * {@code prevEpoch}) and tells how far the log is committed. Empty appends are heartbeats.
   */
  record Append(
      long epoch,
      int leader,
      long prevVersion,
      long prevEpoch,
      List<LogEntry> entries,
      long commitVersion)
      implements QuorumMessage {
    /** Copies the entries. */
    public Append {
      entries = List.copyOf(entries);
    }
  }

  /** The controller of {@code epoch} replaces a follower's log up to the snapshot's version. */
  record InstallSnapshot(long epoch, int leader, Snapshot snapshot, long commitVersion)
      implements QuorumMessage {}

  /**
   * The answer to {@link Append} and {@link InstallSnapshot}: on success the follower's log matches
   * the controller's up to {@code matchVersion}; on a mismatch the controller resends from {@code
   * matchVersion + 1}; {@code promisedEpoch} above the controller's epoch deposes it.
   */
  record AppendReply(
      long epoch, boolean ok, long promisedEpoch, long matchVersion, long commitVersion)
      implements QuorumMessage {}
}
