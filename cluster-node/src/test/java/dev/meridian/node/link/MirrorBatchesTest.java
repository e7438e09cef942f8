package dev.meridian.node.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.node.storage.RecordBatchHeader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;

/** What a mirror partition appends of a fetched record set. */
class MirrorBatchesTest {

  /** A batch of {@code count} records at {@code base}, stamped with source epoch {@code epoch}. */
  static ByteBuffer batch(long base, int count, int epoch) {
    ByteBuffer buf = ByteBuffer.allocate(256 + count * 64);
    MemoryRecordsBuilder b =
        MemoryRecords.builder(
            buf,
            RecordBatch.MAGIC_VALUE_V2,
            Compression.NONE,
            TimestampType.CREATE_TIME,
            base,
            1000L,
            RecordBatch.NO_PRODUCER_ID,
            (short) -1,
            -1,
            false,
            epoch);
    for (int i = 0; i < count; i++) {
      b.append(
          new SimpleRecord(
              1000L + base + i,
              ("k" + (base + i)).getBytes(StandardCharsets.UTF_8),
              "value".getBytes(StandardCharsets.UTF_8)));
    }
    MemoryRecords r = b.build();
    ByteBuffer out = ByteBuffer.allocate(r.sizeInBytes());
    out.put(r.buffer().duplicate()).flip();
    return out;
  }

  static ByteBuffer concat(List<ByteBuffer> parts) {
    int size = parts.stream().mapToInt(ByteBuffer::remaining).sum();
    ByteBuffer out = ByteBuffer.allocate(size);
    parts.forEach(p -> out.put(p.duplicate()));
    return out.flip();
  }

  private static List<Long> bases(ByteBuffer b) {
    List<Long> out = new ArrayList<>();
    for (int p = b.position(); p < b.limit(); p += RecordBatchHeader.totalSize(b, p)) {
      out.add(RecordBatchHeader.baseOffset(b, p));
    }
    return out;
  }

  @Test
  void wholeBatchesFromTheLogEndUpToAHigherSourceEpoch() {
    ByteBuffer fetched =
        concat(List.of(batch(0, 5, 0), batch(5, 5, 1), batch(12, 3, 1), batch(15, 2, 4)));
    MirrorBatches s = MirrorBatches.select(fetched, 5, 2);
    assertEquals(List.of(5L, 12L), bases(s.batches()), "already-copied batch skipped, gap kept");
    assertEquals(8, s.records());
    assertEquals(4, s.higherEpoch());
    assertFalse(s.straddling());
    assertEquals(0, fetched.position(), "the fetched buffer is not consumed");
  }

  @Test
  void aPartialBatchAtTheEndIsLeftForTheNextFetch() {
    ByteBuffer whole = concat(List.of(batch(0, 3, 0), batch(3, 3, 0)));
    ByteBuffer cut = whole.duplicate();
    cut.limit(whole.limit() - 10);
    MirrorBatches s = MirrorBatches.select(cut.slice(), 0, 0);
    assertEquals(List.of(0L), bases(s.batches()));
    assertEquals(-1, s.higherEpoch());
  }

  @Test
  void aBatchAcrossTheLogEndCannotBeAppended() {
    MirrorBatches s = MirrorBatches.select(batch(10, 5, 0), 12, 0);
    assertTrue(s.straddling());
    assertFalse(s.batches().hasRemaining());
  }

  @Property(tries = 200)
  void selectsExactlyTheWholeBatchesAtOrAfterTheEndBelowTheFirstHigherEpoch(
      @ForAll @Size(min = 1, max = 12) List<@IntRange(min = 1, max = 5) Integer> sizes,
      @ForAll @Size(min = 12, max = 12) List<@IntRange(min = 0, max = 3) Integer> epochs,
      @ForAll @IntRange(min = 0, max = 3) int leaderEpoch,
      @ForAll @IntRange(min = 0, max = 12) int skip,
      @ForAll @IntRange(min = 0, max = 64) int cutBytes) {
    List<ByteBuffer> parts = new ArrayList<>();
    List<long[]> meta = new ArrayList<>();
    long base = 0;
    int epoch = 0;
    for (int i = 0; i < sizes.size(); i++) {
      epoch = Math.max(epoch, epochs.get(i)); // source epochs only grow
      parts.add(batch(base, sizes.get(i), epoch));
      meta.add(new long[] {base, base + sizes.get(i) - 1, epoch});
      base += sizes.get(i) + (i % 3 == 2 ? 2 : 0); // some gaps
    }
    ByteBuffer all = concat(parts);
    all.limit(
        Math.max(0, all.limit() - Math.min(cutBytes, parts.get(parts.size() - 1).remaining())));
    int firstKept = Math.min(skip, meta.size());
    long logEnd = firstKept == meta.size() ? base : meta.get(firstKept)[0];
    List<Long> expected = new ArrayList<>();
    int complete = cutBytes > 0 ? meta.size() - 1 : meta.size();
    for (int i = firstKept; i < complete; i++) {
      if (meta.get(i)[2] > leaderEpoch) {
        break;
      }
      expected.add(meta.get(i)[0]);
    }
    MirrorBatches s = MirrorBatches.select(all.slice(), logEnd, leaderEpoch);
    assertEquals(expected, bases(s.batches()));
    assertFalse(s.straddling());
  }
}
