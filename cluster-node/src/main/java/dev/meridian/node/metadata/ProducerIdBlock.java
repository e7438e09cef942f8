package dev.meridian.node.metadata;

/**
 * Producer ids {@code [firstId, firstId + size)} owned by one node.
 *
 * @param nodeId the owner
 * @param firstId the first id of the block
 * @param size the number of ids
 */
public record ProducerIdBlock(int nodeId, long firstId, int size) {
  /** One past the last id of the block. */
  public long endId() {
    return firstId + size;
  }
}
