package dev.meridian.node.storage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;

/** Builds real Kafka v2 batches with kafka-clients and decodes what the log returns. */
final class TestRecords {
  private TestRecords() {}

  /** A decoded record. */
  record Rec(long offset, String key, String value, long timestamp) {}

  static ByteBuffer batch(long timestamp, String... keyValues) {
    return batch(Compression.NONE, timestamp, keyValues);
  }

  static ByteBuffer batch(Compression compression, long timestamp, String... keyValues) {
    return build(
        compression, timestamp, RecordBatch.NO_PRODUCER_ID, (short) -1, -1, false, keyValues);
  }

  static ByteBuffer idempotent(long pid, short epoch, int seq, long timestamp, String... kvs) {
    return build(Compression.NONE, timestamp, pid, epoch, seq, false, kvs);
  }

  /** A batch of {@code pid}'s transaction (the transactional flag set). */
  static ByteBuffer transactional(long pid, short epoch, int seq, long timestamp, String... kvs) {
    return build(Compression.NONE, timestamp, pid, epoch, seq, true, kvs);
  }

  /** A batch of {@code count} records of {@code valueSize} bytes. */
  static ByteBuffer sized(int count, int valueSize, long timestamp) {
    String[] kvs = new String[count * 2];
    String value = "v".repeat(valueSize);
    for (int i = 0; i < count; i++) {
      kvs[2 * i] = "k" + i;
      kvs[2 * i + 1] = value;
    }
    return batch(timestamp, kvs);
  }

  private static ByteBuffer build(
      Compression compression,
      long ts,
      long pid,
      short epoch,
      int seq,
      boolean transactional,
      String... kvs) {
    ByteBuffer buf = ByteBuffer.allocate(1024 + kvs.length * 64 + totalLength(kvs));
    MemoryRecordsBuilder b =
        MemoryRecords.builder(
            buf,
            RecordBatch.MAGIC_VALUE_V2,
            compression,
            TimestampType.CREATE_TIME,
            0L,
            ts,
            pid,
            epoch,
            seq,
            transactional,
            RecordBatch.NO_PARTITION_LEADER_EPOCH);
    for (int i = 0; i < kvs.length; i += 2) {
      byte[] key = kvs[i] == null ? null : kvs[i].getBytes(StandardCharsets.UTF_8);
      byte[] value = kvs[i + 1] == null ? null : kvs[i + 1].getBytes(StandardCharsets.UTF_8);
      b.append(new SimpleRecord(ts + i / 2, key, value));
    }
    MemoryRecords records = b.build();
    ByteBuffer out = ByteBuffer.allocate(records.sizeInBytes());
    out.put(records.buffer().duplicate()).flip();
    return out;
  }

  private static int totalLength(String[] kvs) {
    int n = 0;
    for (String s : kvs) {
      n += s == null ? 0 : s.length() * 3;
    }
    return n;
  }

  /** The data records of {@code batches} (control batches, such as markers, are skipped). */
  static List<Rec> decode(ByteBuffer batches) {
    List<Rec> out = new ArrayList<>();
    for (RecordBatch batch : MemoryRecords.readableRecords(batches.duplicate()).batches()) {
      batch.ensureValid();
      if (batch.isControlBatch()) {
        continue;
      }
      for (Record r : batch) {
        out.add(
            new Rec(
                r.offset(),
                r.hasKey() ? StandardCharsets.UTF_8.decode(r.key()).toString() : null,
                r.hasValue() ? StandardCharsets.UTF_8.decode(r.value()).toString() : null,
                r.timestamp()));
      }
    }
    return out;
  }

  /** Reads every committed-or-not record from {@code from} to the log end. */
  static List<Rec> readAll(PartitionLog log, long from) {
    List<Rec> out = new ArrayList<>();
    long next = from;
    while (next < log.logEndOffset()) {
      ByteBuffer b = log.read(next, 64 * 1024, FetchIsolation.LOG_END, true).records();
      if (!b.hasRemaining()) {
        break;
      }
      for (Rec r : decode(b)) {
        if (r.offset() >= next) {
          out.add(r);
        }
      }
      int p = 0;
      int last = 0;
      while (p < b.limit()) {
        last = p;
        p += RecordBatchHeader.totalSize(b, p);
      }
      next = RecordBatchHeader.lastOffset(b, last) + 1;
    }
    return out;
  }

  /** Concatenates buffers (for multi-batch appends). */
  static ByteBuffer concat(ByteBuffer... parts) {
    int n = 0;
    for (ByteBuffer p : parts) {
      n += p.remaining();
    }
    ByteBuffer out = ByteBuffer.allocate(n);
    for (ByteBuffer p : parts) {
      out.put(p.duplicate());
    }
    return out.flip();
  }
}
