package dev.meridian.node.cluster;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * How the nodes of a region reach each other: the live members (oldest first), one-way messages
 * between nodes, and the region-wide controller epoch register. {@link HazelcastRegion} is the real
 * one; a region of one node in a unit test may use {@link SoloTransport}.
 */
public interface RegionTransport extends AutoCloseable {
  /** Receives what other nodes send. */
  interface Receiver {
    /** A message of {@code kind} from node {@code from}; called on a transport thread. */
    void receive(int from, String kind, byte[] payload);

    /** The live members changed; called on a transport thread. */
    void membersChanged(List<RegionMember> members);
  }

  /** The live members, oldest first (this node included). */
  List<RegionMember> members();

  /** Sends a message to a node; silently dropped when it is not a member. Never blocks. */
  void send(int nodeId, String kind, byte[] payload);

  /**
   * Atomically sets the region's epoch register to {@code max(value, floor) + 1} and returns it;
   * fails where the register refuses (no majority of the region on this side).
   */
  CompletionStage<Long> claimEpoch(long floor);

  @Override
  void close();
}
