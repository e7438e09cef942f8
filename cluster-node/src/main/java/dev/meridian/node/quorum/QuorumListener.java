package dev.meridian.node.quorum;

import dev.meridian.node.metadata.MetadataImage;
import java.util.List;

/** Hears what the {@link MetadataQuorum} decides. Called on the quorum's thread. */
public interface QuorumListener {
  /**
   * The committed image advanced to {@code image}, by {@code entries} (in order), or by a snapshot
   * when {@code entries} is empty.
   */
  void onCommitted(MetadataImage image, List<LogEntry> entries);

  /** This node became the controller of {@code epoch} and may propose changes. */
  void onLeader(long epoch);

  /** This node stopped being the controller of {@code epoch}. */
  void onResigned(long epoch);
}
