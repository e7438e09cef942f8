package dev.meridian.node.storage.record;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.LongPredicate;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.internals.BufferSupplier;
import org.apache.kafka.common.utils.internals.CloseableIterator;

/**
 * The one place the storage layer uses kafka-clients' record classes (package {@code
 * org.apache.kafka.common.record.internal}, which moves between releases). Only features that must
 * look inside a batch come here — decompression and per-record iteration for timestamp lookups and
 * compaction, and writing or reading the records of internal topics (group coordinator); the hot
 * append and read paths work on batch headers alone ({@code RecordBatchHeader}).
 */
public final class KafkaRecords {
  private KafkaRecords() {}

  /** A record's offset and timestamp. */
  public record OffsetAndTimestamp(long offset, long timestamp) {}

  /** Receives the keys of records, for building a compaction offset map. */
  @FunctionalInterface
  public interface KeyVisitor {
    /**
     * @param key the key bytes (a buffer owned by the callee; copy to keep), or null
     * @param tombstone whether the record has a null value
     */
    void visit(long offset, ByteBuffer key, boolean tombstone);
  }

  /** Compacted batches and whether any tombstone in them was kept. */
  public record Compacted(ByteBuffer batches, boolean tombstonesKept) {}

  /** A record to write: key and value bytes; a null value is a tombstone. */
  public record KeyValue(byte[] key, byte[] value) {}

  /** Receives whole records, for reading an internal topic back. */
  @FunctionalInterface
  public interface RecordVisitor {
    /**
     * @param key the key bytes (owned by the callee; copy to keep), or null
     * @param value the value bytes (owned by the callee), or null for a tombstone
     */
    void visit(long offset, long timestamp, ByteBuffer key, ByteBuffer value);
  }

  /** Decides per record whether compaction keeps it. */
  @FunctionalInterface
  public interface RetainPolicy {
    /** Whether the record with {@code key} (never null here) at {@code offset} is the newest. */
    boolean isLatest(ByteBuffer key, long offset);
  }

  /**
   * The first record of the batches at or after {@code timestamp} whose offset is at least {@code
   * minOffset}, or null.
   */
  public static OffsetAndTimestamp firstAtOrAfter(
      ByteBuffer batches, long timestamp, long minOffset) {
    for (MutableRecordBatch batch : MemoryRecords.readableRecords(batches.duplicate()).batches()) {
      if (batch.maxTimestamp() < timestamp || batch.isControlBatch()) {
        continue;
      }
      try (CloseableIterator<Record> it = batch.streamingIterator(BufferSupplier.NO_CACHING)) {
        while (it.hasNext()) {
          Record r = it.next();
          if (r.timestamp() >= timestamp && r.offset() >= minOffset) {
            return new OffsetAndTimestamp(r.offset(), r.timestamp());
          }
        }
      }
    }
    return null;
  }

  /** The first record holding the largest timestamp of the batches, or null when empty. */
  public static OffsetAndTimestamp maxTimestamp(ByteBuffer batches) {
    OffsetAndTimestamp best = null;
    for (MutableRecordBatch batch : MemoryRecords.readableRecords(batches.duplicate()).batches()) {
      if (batch.isControlBatch() || (best != null && batch.maxTimestamp() <= best.timestamp())) {
        continue;
      }
      try (CloseableIterator<Record> it = batch.streamingIterator(BufferSupplier.NO_CACHING)) {
        while (it.hasNext()) {
          Record r = it.next();
          if (best == null || r.timestamp() > best.timestamp()) {
            best = new OffsetAndTimestamp(r.offset(), r.timestamp());
          }
        }
      }
    }
    return best;
  }

  /** Visits every data record's key, in offset order (control batches are skipped). */
  public static void forEachKey(ByteBuffer batches, KeyVisitor visitor) {
    for (MutableRecordBatch batch : MemoryRecords.readableRecords(batches.duplicate()).batches()) {
      if (batch.isControlBatch()) {
        continue;
      }
      try (CloseableIterator<Record> it = batch.streamingIterator(BufferSupplier.NO_CACHING)) {
        while (it.hasNext()) {
          Record r = it.next();
          visitor.visit(r.offset(), r.hasKey() ? r.key() : null, !r.hasValue());
        }
      }
    }
  }

  /**
   * Compacts whole batches: keeps records without a key, records that {@code policy} calls the
   * newest for their key, and tombstones until their batch's delete horizon has passed (the
   * horizon, {@code now + deleteRetentionMs}, is stamped into a batch the first time it is cleaned
   * with a tombstone in it, as Kafka does since KIP-534). Kept records keep their offsets; a batch
   * that loses all records disappears unless {@code retainEmpty} says its last offset carries
   * producer state.
   *
   * @return the compacted batches, ready to be written (position 0, limit = size), and whether a
   *     tombstone was kept (a later pass must remove it after its horizon)
   */
  public static Compacted compact(
      ByteBuffer batches,
      RetainPolicy policy,
      long now,
      long deleteRetentionMs,
      LongPredicate retainEmpty) {
    MemoryRecords records = MemoryRecords.readableRecords(batches.duplicate());
    boolean[] tombstoneKept = {false};
    MemoryRecords.RecordFilter filter =
        new MemoryRecords.RecordFilter(now, deleteRetentionMs) {
          @Override
          protected BatchRetentionResult checkBatchRetention(RecordBatch batch) {
            boolean keepEmpty = batch.hasProducerId() && retainEmpty.test(batch.lastOffset());
            return new BatchRetentionResult(
                keepEmpty ? BatchRetention.RETAIN_EMPTY : BatchRetention.DELETE_EMPTY, false);
          }

          @Override
          protected boolean shouldRetainRecord(RecordBatch batch, Record record) {
            if (!record.hasKey()) {
              return true;
            }
            if (!policy.isLatest(record.key(), record.offset())) {
              return false;
            }
            if (!record.hasValue()) {
              var horizon = batch.deleteHorizonMs();
              boolean keep = horizon.isEmpty() || now < horizon.getAsLong();
              tombstoneKept[0] |= keep;
              return keep;
            }
            return true;
          }
        };
    ByteBuffer out = ByteBuffer.allocate(Math.max(batches.remaining(), 64));
    MemoryRecords.FilterResult result =
        records.filterTo(filter, out, BufferSupplier.NO_CACHING, Integer.MAX_VALUE);
    ByteBuffer written = result.outputBuffer();
    written.flip();
    return new Compacted(written, tombstoneKept[0]);
  }

  /**
   * One uncompressed v2 batch (no producer id) of {@code records}, all with {@code timestamp},
   * ready for {@code appendAsLeader} (position 0, limit = size).
   */
  public static ByteBuffer batch(List<KeyValue> records, long timestamp) {
    SimpleRecord[] simple = new SimpleRecord[records.size()];
    for (int i = 0; i < simple.length; i++) {
      simple[i] = new SimpleRecord(timestamp, records.get(i).key(), records.get(i).value());
    }
    return MemoryRecords.withRecords(Compression.NONE, simple).buffer();
  }

  /**
   * Visits every data record of the batches in offset order (control batches are skipped).
   *
   * @return the offset after the last batch ({@code lastOffset + 1}), or -1 when there is none
   */
  public static long forEachRecord(ByteBuffer batches, RecordVisitor visitor) {
    long next = -1;
    for (MutableRecordBatch batch : MemoryRecords.readableRecords(batches.duplicate()).batches()) {
      next = batch.lastOffset() + 1;
      if (batch.isControlBatch()) {
        continue;
      }
      try (CloseableIterator<Record> it = batch.streamingIterator(BufferSupplier.NO_CACHING)) {
        while (it.hasNext()) {
          Record r = it.next();
          visitor.visit(
              r.offset(),
              r.timestamp(),
              r.hasKey() ? r.key() : null,
              r.hasValue() ? r.value() : null);
        }
      }
    }
    return next;
  }
}
