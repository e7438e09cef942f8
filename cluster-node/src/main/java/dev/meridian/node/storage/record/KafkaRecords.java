package dev.meridian.node.storage.record;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.LongPredicate;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
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
 * compaction, the leader's record checks and re-compression that some topic configs ask for ({@code
 * compression.type}, the timestamp window, keys of compacted topics), and writing or reading the
 * records of internal topics (group coordinator); the hot append and read paths work on batch
 * headers alone ({@code RecordBatchHeader}).
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

  /** A record to copy: timestamp, key, value and headers as they are to be written. */
  public record CopiedRecord(long timestamp, byte[] key, byte[] value, Header[] headers) {}

  /** Receives the offset and headers of each record. */
  @FunctionalInterface
  public interface HeaderVisitor {
    void visit(long offset, Headers headers);
  }

  /**
   * One LZ4-compressed v2 batch (no producer id, create time) of {@code records}, ready for {@code
   * appendAsLeader}: how an active-active link writes what it copied.
   */
  public static ByteBuffer lz4Batch(List<CopiedRecord> records) {
    SimpleRecord[] simple = new SimpleRecord[records.size()];
    for (int i = 0; i < simple.length; i++) {
      CopiedRecord r = records.get(i);
      simple[i] = new SimpleRecord(r.timestamp(), r.key(), r.value(), r.headers());
    }
    return MemoryRecords.withRecords(Compression.lz4().build(), simple).buffer();
  }

  /**
   * Visits the offset and headers of every data record of the batches in offset order (control
   * batches are skipped).
   *
   * @return the offset after the last batch, or -1 when there is none
   */
  public static long forEachRecordHeaders(ByteBuffer batches, HeaderVisitor visitor) {
    long next = -1;
    for (MutableRecordBatch batch : MemoryRecords.readableRecords(batches.duplicate()).batches()) {
      next = batch.lastOffset() + 1;
      if (batch.isControlBatch()) {
        continue;
      }
      try (CloseableIterator<Record> it = batch.streamingIterator(BufferSupplier.NO_CACHING)) {
        while (it.hasNext()) {
          Record r = it.next();
          visitor.visit(r.offset(), new RecordHeaders(r.headers()));
        }
      }
    }
    return next;
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

  /**
   * Whether a batch header's compression (attribute bits 0–2) is {@code type}, a Kafka {@code
   * compression.type} name ({@code uncompressed}, {@code gzip}, {@code snappy}, {@code lz4}, {@code
   * zstd}).
   */
  public static boolean isCompressedAs(int attributes, String type) {
    CompressionType codec = CompressionType.forId(attributes & 0x07);
    return codec == codecOf(type);
  }

  private static CompressionType codecOf(String type) {
    return type.equals("uncompressed") ? CompressionType.NONE : CompressionType.forName(type);
  }

  private static Compression compression(String type, int level, int defaultLevel) {
    CompressionType codec = codecOf(type);
    boolean custom = level != defaultLevel;
    return switch (codec) {
      case NONE -> Compression.NONE;
      case GZIP -> custom ? Compression.gzip().level(level).build() : Compression.gzip().build();
      case SNAPPY -> Compression.snappy().build();
      case LZ4 -> custom ? Compression.lz4().level(level).build() : Compression.lz4().build();
      case ZSTD -> custom ? Compression.zstd().level(level).build() : Compression.zstd().build();
    };
  }

  /**
   * Re-encodes every data batch whose codec is not {@code type} with that codec (and {@code level},
   * or the codec's default when it equals {@code defaultLevel}), as Kafka's leader does for a
   * topic's {@code compression.type}. A re-encoded batch keeps its offsets (base and deltas),
   * timestamps and timestamp type, producer id, epoch and base sequence, transactional flag and
   * partition leader epoch; records keep keys, values and headers. Control batches and batches
   * already of that codec are copied unchanged.
   *
   * @return the batches, ready to append (position 0, limit = size)
   */
  public static ByteBuffer recompress(
      ByteBuffer batches, String type, int level, int defaultLevel) {
    Compression target = compression(type, level, defaultLevel);
    ByteBuffer out = ByteBuffer.allocate(Math.max(batches.remaining(), 64));
    for (MutableRecordBatch batch : MemoryRecords.readableRecords(batches.duplicate()).batches()) {
      if (batch.isControlBatch() || batch.compressionType() == target.type()) {
        out = ensure(out, batch.sizeInBytes());
        batch.writeTo(out);
        continue;
      }
      boolean appendTime = batch.timestampType() == TimestampType.LOG_APPEND_TIME;
      MemoryRecordsBuilder b =
          MemoryRecords.builder(
              ByteBuffer.allocate(Math.max(batch.sizeInBytes(), 64)),
              RecordBatch.MAGIC_VALUE_V2,
              target,
              batch.timestampType(),
              batch.baseOffset(),
              appendTime ? batch.maxTimestamp() : RecordBatch.NO_TIMESTAMP,
              batch.producerId(),
              batch.producerEpoch(),
              batch.baseSequence(),
              batch.isTransactional(),
              batch.partitionLeaderEpoch());
      try (CloseableIterator<Record> it = batch.streamingIterator(BufferSupplier.NO_CACHING)) {
        while (it.hasNext()) {
          Record r = it.next();
          b.appendWithOffset(
              r.offset(),
              r.timestamp(),
              r.hasKey() ? r.key() : null,
              r.hasValue() ? r.value() : null,
              r.headers());
        }
      }
      ByteBuffer rebuilt = b.build().buffer();
      out = ensure(out, rebuilt.remaining());
      out.put(rebuilt);
    }
    out.flip();
    return out;
  }

  private static ByteBuffer ensure(ByteBuffer b, int more) {
    if (b.remaining() >= more) {
      return b;
    }
    ByteBuffer bigger = ByteBuffer.allocate(Math.max(b.capacity() * 2, b.position() + more));
    b.flip();
    bigger.put(b);
    return bigger;
  }

  /** The offset of the first data record without a key, or -1 when every record has one. */
  public static long firstWithoutKey(ByteBuffer batches) {
    for (MutableRecordBatch batch : MemoryRecords.readableRecords(batches.duplicate()).batches()) {
      if (batch.isControlBatch()) {
        continue;
      }
      try (CloseableIterator<Record> it = batch.streamingIterator(BufferSupplier.NO_CACHING)) {
        while (it.hasNext()) {
          Record r = it.next();
          if (!r.hasKey()) {
            return r.offset();
          }
        }
      }
    }
    return -1;
  }

  /**
   * The first record of a CreateTime data batch whose timestamp is outside {@code [min, max]}, or
   * null; records without a timestamp (-1) are not checked, as in Kafka.
   */
  public static OffsetAndTimestamp firstTimestampOutside(ByteBuffer batches, long min, long max) {
    for (MutableRecordBatch batch : MemoryRecords.readableRecords(batches.duplicate()).batches()) {
      if (batch.isControlBatch() || batch.timestampType() != TimestampType.CREATE_TIME) {
        continue;
      }
      try (CloseableIterator<Record> it = batch.streamingIterator(BufferSupplier.NO_CACHING)) {
        while (it.hasNext()) {
          Record r = it.next();
          long ts = r.timestamp();
          if (ts != RecordBatch.NO_TIMESTAMP && (ts < min || ts > max)) {
            return new OffsetAndTimestamp(r.offset(), ts);
          }
        }
      }
    }
    return null;
  }

  /**
   * A control batch that aborts {@code producerId}'s transaction (an ABORT marker, coordinator
   * epoch 0): offset and leader epoch are stamped by the append.
   */
  public static ByteBuffer abortMarker(long producerId, short producerEpoch, long timestampMs) {
    return MemoryRecords.withEndTransactionMarker(
            0L,
            timestampMs,
            RecordBatch.NO_PARTITION_LEADER_EPOCH,
            producerId,
            producerEpoch,
            new EndTransactionMarker(ControlRecordType.ABORT, 0))
        .buffer();
  }
}
