package dev.meridian.node.quorum;

/**
 * What the {@link MetadataQuorum} state machine needs from its surroundings: sending messages and
 * claiming controller epochs. Both are asynchronous; their answers come back through {@link
 * MetadataQuorum#onMessage} and {@link MetadataQuorum#onEpochClaimed}.
 */
public interface QuorumEnv {
  /** Sends a message to node {@code to}; may be lost. Never blocks. */
  void send(int to, QuorumMessage message);

  /**
   * Asks the region-wide epoch register for a new controller epoch above {@code floor}: the
   * register atomically sets its value to {@code max(value, floor) + 1} and answers it through
   * {@link MetadataQuorum#onEpochClaimed}, or answers {@link MetadataQuorum#onEpochClaimFailed}
   * when it refuses (the register lives in a map with split-brain protection, so a node without a
   * majority of the region gets no epoch). Never blocks.
   */
  void claimEpoch(long floor);
}
