package dev.meridian.node.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.node.protocol.LinkCompression;
import dev.meridian.node.protocol.WireRecords;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Random;
import org.apache.kafka.common.message.FetchResponseData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LZ4 across a link: a compressible record set read from a log crosses smaller, restored exact. */
class LinkCompressionTest {
  @TempDir Path tmp;

  private static ByteBuffer bytes(LogSlice slice) throws Exception {
    ByteBuffer b = ByteBuffer.allocate(slice.length());
    slice.channel().read(b, slice.position());
    return b.flip();
  }

  @Test
  void compressibleRecordSetsCrossSmallerAndComeBackByteForByte() throws Exception {
    LogFixture f = new LogFixture(tmp, LogConfig.DEFAULT);
    for (int i = 0; i < 20; i++) {
      f.log.appendAsLeader(TestRecords.sized(50, 200, 1000 + i), 0);
    }
    f.log.updateHighWatermark(f.log.logEndOffset());
    LogSlice slice = f.log.readSlice(0, 1 << 20, FetchIsolation.HIGH_WATERMARK, true);
    ByteBuffer original = bytes(slice);

    FetchResponseData.PartitionData pd = new FetchResponseData.PartitionData();
    pd.setRecords(WireRecords.of(slice));
    int sent = LinkCompression.compress(pd, slice);
    assertTrue(sent < original.remaining() / 4, sent + " of " + original.remaining());

    ByteBuffer[] scratch = new ByteBuffer[1];
    long[] wire = new long[1];
    ByteBuffer restored = LinkCompression.records(pd, wire, scratch);
    assertEquals(original, restored);
    assertEquals(sent, wire[0]);
    ByteBuffer again = LinkCompression.records(pd, wire, scratch);
    assertEquals(original, again);
    assertSame(scratch[0].array(), again.array(), "the scratch buffer is reused");
  }

  @Test
  void incompressibleRecordSetsStayAsTheyAre() throws Exception {
    LogFixture f = new LogFixture(tmp, LogConfig.DEFAULT);
    byte[] noise = new byte[400];
    Random r = new Random(3);
    String[] kvs = new String[40];
    for (int i = 0; i < kvs.length; i += 2) {
      r.nextBytes(noise);
      kvs[i] = "k" + i;
      kvs[i + 1] = java.util.Base64.getEncoder().encodeToString(noise);
    }
    f.log.appendAsLeader(TestRecords.batch(1000, kvs), 0);
    f.log.updateHighWatermark(f.log.logEndOffset());
    LogSlice slice = f.log.readSlice(0, 1 << 20, FetchIsolation.HIGH_WATERMARK, true);
    FetchResponseData.PartitionData pd = new FetchResponseData.PartitionData();
    pd.setRecords(WireRecords.of(slice));
    assertEquals(slice.length(), LinkCompression.compress(pd, slice));
    assertTrue(pd.unknownTaggedFields() == null || pd.unknownTaggedFields().isEmpty());
  }

  @Test
  void aSliceKnowsTheOffsetAfterItsLastBatchFromTheFileAndFromTheBytesLinkCompressionRead()
      throws Exception {
    LogFixture f = new LogFixture(tmp, LogConfig.DEFAULT);
    for (int i = 0; i < 20; i++) {
      f.log.appendAsLeader(TestRecords.sized(50, 200, 1000 + i), 0); // 50 records a batch
    }
    f.log.updateHighWatermark(f.log.logEndOffset());
    LogSlice all = f.log.readSlice(0, 1 << 20, FetchIsolation.HIGH_WATERMARK, true);
    assertEquals(1000, all.nextOffset());
    assertEquals(1000, LogSlice.nextOffset(bytes(all)));
    LogSlice some =
        f.log.readSlice(100, 3 * all.length() / 20 + 10, FetchIsolation.HIGH_WATERMARK, true);
    assertEquals(250, some.nextOffset());
    long[] next = new long[1];
    FetchResponseData.PartitionData pd = new FetchResponseData.PartitionData();
    pd.setRecords(WireRecords.of(some));
    LinkCompression.compress(pd, some, next);
    assertEquals(250, next[0]);
    assertEquals(
        -1, f.log.readSlice(1000, 1 << 20, FetchIsolation.HIGH_WATERMARK, true).nextOffset());
  }
}
