package dev.meridian.node.group;

/**
 * Where the partitions of this node end, for lag: the offset a consumer has reached when it is
 * caught up. Implementations answer from memory and never block, since the control plane asks on
 * the event loop.
 */
@FunctionalInterface
public interface LogEndOffsets {

  /** The answer for a partition this node does not host, or that does not exist. */
  long UNKNOWN = -1;

  /** The end offset of {@code topic}-{@code partition}, or {@link #UNKNOWN}. */
  long logEndOffset(String topic, int partition);
}
