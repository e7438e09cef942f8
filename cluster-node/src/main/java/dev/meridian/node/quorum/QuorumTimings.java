package dev.meridian.node.quorum;

/**
 * The timing of the metadata quorum, in milliseconds.
 *
 * @param heartbeatMs how often the controller sends appends (heartbeats when empty) to followers
 * @param leaderTimeoutMs how long a controller without acknowledgements from a majority stays in
 *     office, and how long followers wait for a silent controller before standing
 * @param candidateTimeoutMs how long a candidacy may take before it is abandoned
 * @param backoffMs the most a node waits (random) after a failed candidacy before standing again
 * @param snapshotEvery committed entries after which a node writes a snapshot and drops them
 */
public record QuorumTimings(
    long heartbeatMs,
    long leaderTimeoutMs,
    long candidateTimeoutMs,
    long backoffMs,
    int snapshotEvery) {
  /** The defaults of a node. */
  public static final QuorumTimings DEFAULT = new QuorumTimings(250, 3000, 2000, 500, 1000);
}
