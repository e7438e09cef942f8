package dev.meridian.node.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Idempotent-producer state of one partition: for each producer id its epoch and the metadata of
 * its last five batches, so that a retried batch is recognised and answered with its original
 * offsets, and a sequence gap is refused.
 *
 * <p>It also knows each producer's open transaction: the offset of its first transactional batch
 * not yet ended by a control batch (commit or abort marker). Meridian has no transaction
 * coordinator yet, so an open transaction here was copied by a mirror link; when such a topic is
 * promoted, its leader ends them ({@link PartitionLog#openTransactions()}).
 *
 * <p>Snapshots make the state survive restarts. A snapshot is taken at every segment roll and at
 * clean shutdown; its name is the log offset it covers up to (exclusive). On load the newest
 * snapshot at or below the log end is read and the batches after it are replayed from the log.
 *
 * <pre>
 * 00000000000000001234.snapshot:
 *   version int32 (=2) | count int32 | producer* | crc32c int32 (over everything before it)
 *   producer: id int64 | epoch int16 | lastTimestamp int64 | txnFirstOffset int64 (-1: none)
 *             | batches int32 | batch*
 *   batch:    firstSeq int32 | lastSeq int32 | firstOffset int64 | lastOffset int64 | ts int64
 * </pre>
 *
 * Version 1 snapshots (no txnFirstOffset) are read as having no open transactions.
 *
 * <p>Not thread-safe: guarded by the owning log's lock.
 */
final class ProducerStateManager {
  static final int BATCHES_RETAINED = 5;
  static final String SNAPSHOT_SUFFIX = ".snapshot";
  private static final int SNAPSHOT_VERSION = 2;

  /** Where one batch of a producer landed. */
  record BatchMetadata(int firstSeq, int lastSeq, long firstOffset, long lastOffset, long ts) {}

  /** Outcome of checking a batch against the producer's state. */
  enum Status {
    OK,
    DUPLICATE,
    OUT_OF_ORDER_SEQUENCE,
    INVALID_PRODUCER_EPOCH
  }

  /** A check's status; for a duplicate, where the original was written. */
  record Check(Status status, BatchMetadata original, String reason) {
    static final Check OK = new Check(Status.OK, null, null);

    /** What an append refused by this check answers; {@code log} names the partition. */
    LogAppendInfo refusal(long logStartOffset, String log) {
      return switch (status) {
        case DUPLICATE ->
            new LogAppendInfo(
                LogAppendInfo.Status.DUPLICATE,
                original.firstOffset(),
                original.lastOffset(),
                original.ts(),
                logStartOffset,
                0,
                0,
                "duplicate of the batch at offsets "
                    + original.firstOffset()
                    + ".."
                    + original.lastOffset());
        case OUT_OF_ORDER_SEQUENCE, INVALID_PRODUCER_EPOCH ->
            new LogAppendInfo(
                status == Status.OUT_OF_ORDER_SEQUENCE
                    ? LogAppendInfo.Status.OUT_OF_ORDER_SEQUENCE
                    : LogAppendInfo.Status.INVALID_PRODUCER_EPOCH,
                -1,
                -1,
                -1,
                logStartOffset,
                0,
                0,
                log + ": " + reason);
        case OK -> throw new IllegalStateException("an OK check refuses nothing");
      };
    }
  }

  private static final class Entry {
    short epoch;
    long lastTimestamp;
    long txnFirstOffset = -1;
    final ArrayDeque<BatchMetadata> batches = new ArrayDeque<>(BATCHES_RETAINED);
  }

  private final Path dir;
  private final Map<Long, Entry> producers = new HashMap<>();

  ProducerStateManager(Path dir) {
    this.dir = dir;
  }

  int activeProducers() {
    return producers.size();
  }

  /** The last offset written by {@code producerId}, or -1 when unknown. */
  long lastOffset(long producerId) {
    Entry e = producers.get(producerId);
    return e == null || e.batches.isEmpty() ? -1 : e.batches.peekLast().lastOffset();
  }

  /** The last offset of every producer's newest batch. */
  List<Long> lastOffsets() {
    List<Long> out = new ArrayList<>(producers.size());
    for (Entry e : producers.values()) {
      if (!e.batches.isEmpty()) {
        out.add(e.batches.peekLast().lastOffset());
      }
    }
    return out;
  }

  /** The transactions no control batch ended yet, by first offset. */
  List<OpenTransaction> openTransactions() {
    List<OpenTransaction> out = new ArrayList<>();
    for (Map.Entry<Long, Entry> me : producers.entrySet()) {
      Entry e = me.getValue();
      if (e.txnFirstOffset >= 0) {
        out.add(new OpenTransaction(me.getKey(), e.epoch, e.txnFirstOffset));
      }
    }
    out.sort((a, b) -> Long.compare(a.firstOffset(), b.firstOffset()));
    return out;
  }

  /** Checks a leader append of one batch from {@code producerId}. */
  Check check(long producerId, short epoch, int firstSeq, int lastSeq) {
    Entry e = producers.get(producerId);
    if (e == null) {
      return Check.OK;
    }
    if (epoch < e.epoch) {
      return new Check(
          Status.INVALID_PRODUCER_EPOCH,
          null,
          "producer " + producerId + " epoch " + epoch + " is older than current " + e.epoch);
    }
    if (epoch > e.epoch) {
      return firstSeq == 0
          ? Check.OK
          : new Check(
              Status.OUT_OF_ORDER_SEQUENCE,
              null,
              "producer "
                  + producerId
                  + " new epoch "
                  + epoch
                  + " must start at sequence 0, not "
                  + firstSeq);
    }
    for (BatchMetadata b : e.batches) {
      if (b.firstSeq() == firstSeq && b.lastSeq() == lastSeq) {
        return new Check(Status.DUPLICATE, b, null);
      }
    }
    if (e.batches.isEmpty()) {
      return Check.OK;
    }
    int last = e.batches.peekLast().lastSeq();
    boolean inSequence = firstSeq == last + 1 || (last == Integer.MAX_VALUE && firstSeq == 0);
    return inSequence
        ? Check.OK
        : new Check(
            Status.OUT_OF_ORDER_SEQUENCE,
            null,
            "producer " + producerId + " expected sequence " + (last + 1) + " but got " + firstSeq);
  }

  /**
   * Checks every idempotent batch of a leader append in {@code buf}[pos, limit): the first that is
   * not OK decides.
   */
  Check checkBatches(ByteBuffer buf, int pos, int limit) {
    for (int p = pos; p < limit; p += RecordBatchHeader.totalSize(buf, p)) {
      long pid = RecordBatchHeader.producerId(buf, p);
      if (pid < 0 || RecordBatchHeader.isControl(buf, p)) {
        continue;
      }
      Check check =
          check(
              pid,
              RecordBatchHeader.producerEpoch(buf, p),
              RecordBatchHeader.baseSequence(buf, p),
              RecordBatchHeader.lastSequence(buf, p));
      if (check.status() != Status.OK) {
        return check;
      }
    }
    return Check.OK;
  }

  /** Records a batch that was appended (as leader, follower, or in a replay). */
  void update(
      long producerId,
      short epoch,
      int firstSeq,
      int lastSeq,
      long firstOffset,
      long lastOffset,
      long timestamp) {
    Entry e = producers.computeIfAbsent(producerId, id -> new Entry());
    if (epoch != e.epoch) {
      e.batches.clear();
      e.epoch = epoch;
    }
    if (e.batches.size() == BATCHES_RETAINED) {
      e.batches.removeFirst();
    }
    e.batches.addLast(new BatchMetadata(firstSeq, lastSeq, firstOffset, lastOffset, timestamp));
    e.lastTimestamp = Math.max(e.lastTimestamp, timestamp);
  }

  /** Records every idempotent batch in {@code buf}[pos, limit). */
  void updateFromBatches(ByteBuffer buf, int pos, int limit) {
    for (int p = pos; p < limit; p += RecordBatchHeader.totalSize(buf, p)) {
      updateFromBatch(buf, p);
    }
  }

  void updateFromBatch(ByteBuffer buf, int p) {
    long pid = RecordBatchHeader.producerId(buf, p);
    if (pid < 0) {
      return;
    }
    if (RecordBatchHeader.isControl(buf, p)) {
      Entry e = producers.get(pid);
      if (e != null) {
        e.txnFirstOffset = -1;
      }
      return;
    }
    if (RecordBatchHeader.isTransactional(buf, p)) {
      Entry e = producers.computeIfAbsent(pid, id -> new Entry());
      if (e.txnFirstOffset < 0 || RecordBatchHeader.producerEpoch(buf, p) != e.epoch) {
        e.txnFirstOffset = RecordBatchHeader.baseOffset(buf, p);
      }
    }
    update(
        pid,
        RecordBatchHeader.producerEpoch(buf, p),
        RecordBatchHeader.baseSequence(buf, p),
        RecordBatchHeader.lastSequence(buf, p),
        RecordBatchHeader.baseOffset(buf, p),
        RecordBatchHeader.lastOffset(buf, p),
        RecordBatchHeader.maxTimestamp(buf, p));
  }

  void clear() {
    producers.clear();
  }

  /**
   * Forgets batches at or past {@code offset} (after a truncation), transactions that began there,
   * and emptied producers.
   */
  void truncateFromEnd(long offset) {
    Iterator<Entry> it = producers.values().iterator();
    while (it.hasNext()) {
      Entry e = it.next();
      e.batches.removeIf(b -> b.lastOffset() >= offset);
      if (e.txnFirstOffset >= offset) {
        e.txnFirstOffset = -1;
      }
      if (e.batches.isEmpty()) {
        it.remove();
      }
    }
  }

  static Path snapshotFile(Path dir, long offset) {
    return dir.resolve(LogSegment.fileName(offset, SNAPSHOT_SUFFIX));
  }

  /** Writes the state as of {@code offset} (the log end) to a snapshot file. */
  void takeSnapshot(long offset) throws IOException {
    int size = 12;
    for (Entry e : producers.values()) {
      size += 30 + e.batches.size() * 32;
    }
    ByteBuffer buf = ByteBuffer.allocate(size);
    buf.putInt(SNAPSHOT_VERSION).putInt(producers.size());
    for (Map.Entry<Long, Entry> me : producers.entrySet()) {
      Entry e = me.getValue();
      buf.putLong(me.getKey()).putShort(e.epoch).putLong(e.lastTimestamp);
      buf.putLong(e.txnFirstOffset).putInt(e.batches.size());
      for (BatchMetadata b : e.batches) {
        buf.putInt(b.firstSeq()).putInt(b.lastSeq()).putLong(b.firstOffset());
        buf.putLong(b.lastOffset()).putLong(b.ts());
      }
    }
    CRC32C crc = new CRC32C();
    crc.update(buf.array(), 0, buf.position());
    buf.putInt((int) crc.getValue());
    buf.flip();
    IndexFiles.writeAtomically(snapshotFile(dir, offset), buf, false);
  }

  /** Offsets of the snapshot files present, ascending. */
  List<Long> snapshotOffsets() throws IOException {
    List<Long> offsets = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      files
          .map(f -> f.getFileName().toString())
          .filter(n -> n.endsWith(SNAPSHOT_SUFFIX) && n.length() == 20 + SNAPSHOT_SUFFIX.length())
          .forEach(n -> offsets.add(Long.parseLong(n.substring(0, 20))));
    }
    offsets.sort(null);
    return offsets;
  }

  /**
   * Replaces the state with the newest readable snapshot at or below {@code maxOffset}; corrupt
   * snapshots are deleted.
   *
   * @return the offset the loaded snapshot covers, or -1 when none (state is then empty)
   */
  long loadLatestSnapshot(long maxOffset) throws IOException {
    producers.clear();
    List<Long> offsets = snapshotOffsets();
    for (int i = offsets.size() - 1; i >= 0; i--) {
      long off = offsets.get(i);
      if (off > maxOffset) {
        continue;
      }
      Path file = snapshotFile(dir, off);
      if (readSnapshot(Files.readAllBytes(file))) {
        return off;
      }
      producers.clear();
      Files.deleteIfExists(file);
    }
    return -1;
  }

  private boolean readSnapshot(byte[] bytes) {
    if (bytes.length < 12) {
      return false;
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 4);
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    if (buf.getInt(bytes.length - 4) != (int) crc.getValue()) {
      return false;
    }
    int version = buf.getInt();
    if (version != 1 && version != SNAPSHOT_VERSION) {
      return false;
    }
    int count = buf.getInt();
    for (int i = 0; i < count; i++) {
      long pid = buf.getLong();
      Entry e = new Entry();
      e.epoch = buf.getShort();
      e.lastTimestamp = buf.getLong();
      e.txnFirstOffset = version == 1 ? -1 : buf.getLong();
      int n = buf.getInt();
      for (int j = 0; j < n; j++) {
        e.batches.addLast(
            new BatchMetadata(
                buf.getInt(), buf.getInt(), buf.getLong(), buf.getLong(), buf.getLong()));
      }
      producers.put(pid, e);
    }
    return true;
  }

  /** Deletes snapshots above {@code offset} (they describe a truncated future). */
  void deleteSnapshotsAfter(long offset) throws IOException {
    for (long off : snapshotOffsets()) {
      if (off > offset) {
        Files.deleteIfExists(snapshotFile(dir, off));
      }
    }
  }

  /** Keeps the newest {@code keep} snapshots and deletes older ones below {@code offset}. */
  void deleteOldSnapshots(long offset, int keep) throws IOException {
    List<Long> offsets = snapshotOffsets();
    for (int i = 0; i < offsets.size() - keep; i++) {
      if (offsets.get(i) < offset) {
        Files.deleteIfExists(snapshotFile(dir, offsets.get(i)));
      }
    }
  }
}
