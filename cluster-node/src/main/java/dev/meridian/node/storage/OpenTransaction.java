package dev.meridian.node.storage;

/**
 * A transaction a producer began in a partition's log and no control batch (commit or abort marker)
 * ended yet.
 *
 * @param producerId the transactional producer's id
 * @param producerEpoch its epoch in the transaction's batches
 * @param firstOffset the offset of the transaction's first batch in this log
 */
public record OpenTransaction(long producerId, short producerEpoch, long firstOffset) {}
