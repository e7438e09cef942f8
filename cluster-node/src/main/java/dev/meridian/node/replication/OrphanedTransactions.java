package dev.meridian.node.replication;

import dev.meridian.node.storage.LogAppendInfo;
import dev.meridian.node.storage.OpenTransaction;
import dev.meridian.node.storage.record.KafkaRecords;
import java.util.List;
import java.util.function.LongPredicate;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Aborts the transactions no coordinator of this region will ever end. A mirror link copies a
 * source's transactional batches and, later, their commit or abort markers; when the source is lost
 * (an unplanned failover) or fenced mid-transaction, the promoted topic holds transactions whose
 * coordinator is in the other cluster. Their records would stay undecided for ever, and
 * read_committed consumers would stop at the first of them. So when this node becomes leader of a
 * writable partition, it appends an ABORT marker for every open transaction of a producer id this
 * region did not hand out (each region allocates from a range of its own, {@code ProducerIdRange});
 * transactions of this region's own producers are left to their coordinator.
 *
 * <p>Runs on the metadata publisher thread, where blocking appends are allowed.
 */
public final class OrphanedTransactions implements ReplicaManager.LeadershipListener {
  private static final Logger LOG = LoggerFactory.getLogger(OrphanedTransactions.class);

  private final LongPredicate ownProducerId;
  private final LongSupplier clock;

  /**
   * @param ownProducerId whether this region handed out a producer id
   * @param clock wall-clock milliseconds for the markers' timestamps
   */
  public OrphanedTransactions(LongPredicate ownProducerId, LongSupplier clock) {
    this.ownProducerId = ownProducerId;
    this.clock = clock;
  }

  @Override
  public void becameLeader(Partition partition) {
    if (partition.mirrorLink() != null) {
      return; // the link copies the markers as the source writes them
    }
    List<OpenTransaction> open = partition.openTransactions();
    for (OpenTransaction t : open) {
      if (ownProducerId.test(t.producerId())) {
        continue;
      }
      try {
        LogAppendInfo info =
            partition.appendAsLeader(
                KafkaRecords.abortMarker(t.producerId(), t.producerEpoch(), clock.getAsLong()), -1);
        LOG.warn(
            "{}: aborted the transaction of producer {} (epoch {}) open since offset {}: its"
                + " coordinator is not in this region (marker at offset {})",
            partition,
            t.producerId(),
            t.producerEpoch(),
            t.firstOffset(),
            info.firstOffset());
      } catch (RuntimeException e) {
        LOG.error(
            "{}: cannot abort the transaction of producer {} open since offset {}",
            partition,
            t.producerId(),
            t.firstOffset(),
            e);
      }
    }
  }

  @Override
  public void stoppedLeading(Partition partition) {}
}
