package dev.meridian.node.protocol;

import dev.meridian.node.storage.LogSlice;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.types.RawTaggedField;

/**
 * LZ4 for record sets crossing a mirror link, as a Meridian extension of Fetch that stays inside
 * the Kafka protocol: a link's fetcher adds a tagged field ({@link #TAG}) to its Fetch request
 * (v12+, flexible); a Meridian node then answers each partition whose records LZ4 makes at least
 * {@link #MIN_SAVING} smaller with the compressed bytes in the records field and the same tag in
 * that partition's tagged fields, holding the original size. Kafka brokers ignore unknown tagged
 * fields and answer plain Fetch, and clients never send the tag, so nothing else changes. The
 * stored batches are untouched: the fetcher restores the exact bytes before it appends them.
 */
public final class LinkCompression {

  /** The tag of the request flag and of a compressed partition's original size. */
  public static final int TAG = 0x4D45;

  /** The smallest saving worth the CPU: compressed sets must be at most 90 % of the original. */
  public static final double MIN_SAVING = 0.10;

  private static final LZ4Compressor COMPRESSOR = LZ4Factory.fastestInstance().fastCompressor();
  private static final LZ4SafeDecompressor DECOMPRESSOR =
      LZ4Factory.fastestInstance().safeDecompressor();

  private LinkCompression() {}

  /** Asks a Meridian source to compress the answer. */
  public static void request(FetchRequestData req) {
    req.unknownTaggedFields().add(new RawTaggedField(TAG, new byte[] {1}));
  }

  /** Whether a Fetch request asks for compressed answers. */
  public static boolean requested(FetchRequestData req) {
    List<RawTaggedField> tags = req.unknownTaggedFields();
    return tags != null && tags.stream().anyMatch(t -> t.tag() == TAG);
  }

  /**
   * Replaces {@code pd}'s records, read from {@code slice}, by their LZ4 form when that saves
   * enough; otherwise leaves them (zero-copy).
   *
   * @return the size of the records as sent
   */
  public static int compress(FetchResponseData.PartitionData pd, LogSlice slice) {
    return compress(pd, slice, null);
  }

  /**
   * As {@link #compress(FetchResponseData.PartitionData, LogSlice)}; also sets {@code next[0]}
   * (when given) to the offset after the slice's last batch, read from the bytes it compressed (-1
   * when it read none).
   */
  public static int compress(FetchResponseData.PartitionData pd, LogSlice slice, long[] next) {
    int length = slice.length();
    if (next != null) {
      next[0] = -1;
    }
    if (length == 0) {
      return 0;
    }
    ByteBuffer raw = ByteBuffer.allocate(length);
    try {
      long pos = slice.position();
      while (raw.hasRemaining()) {
        int n = slice.channel().read(raw, pos + raw.position());
        if (n < 0) {
          return length; // the segment shrank under us: send it as it is
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    raw.flip();
    if (next != null) {
      next[0] = LogSlice.nextOffset(raw);
    }
    byte[] out = new byte[COMPRESSOR.maxCompressedLength(length)];
    int size = COMPRESSOR.compress(raw, 0, length, ByteBuffer.wrap(out), 0, out.length);
    if (size > length * (1 - MIN_SAVING)) {
      return length;
    }
    pd.setRecords(WireRecords.of(ByteBuffer.wrap(out, 0, size).slice()));
    pd.unknownTaggedFields().add(new RawTaggedField(TAG, intBytes(length)));
    return size;
  }

  /**
   * The record bytes of a fetched partition: restored from LZ4 when the source compressed them.
   *
   * @return the bytes, and via {@code wire[0]} the size they had on the wire
   */
  public static ByteBuffer records(FetchResponseData.PartitionData pd, long[] wire) {
    return records(pd, wire, null);
  }

  /**
   * As {@link #records(FetchResponseData.PartitionData, long[])}, restoring into {@code scratch[0]}
   * (grown and replaced as needed) instead of a new buffer: the result is valid until the next call
   * with the same scratch.
   */
  public static ByteBuffer records(
      FetchResponseData.PartitionData pd, long[] wire, ByteBuffer[] scratch) {
    ByteBuffer bytes = WireRecords.bytes(pd.records());
    wire[0] = bytes.remaining();
    List<RawTaggedField> tags = pd.unknownTaggedFields();
    if (tags == null) {
      return bytes;
    }
    for (RawTaggedField t : tags) {
      if (t.tag() == TAG && t.size() == 4) {
        int original = ByteBuffer.wrap(t.data()).getInt();
        ByteBuffer out;
        if (scratch == null) {
          out = ByteBuffer.allocate(original);
        } else {
          if (scratch[0] == null || scratch[0].capacity() < original) {
            // the largest record set restored so far, not twice that: it lives as long as the
            // fetcher does
            scratch[0] = ByteBuffer.allocate(KafkaChannel.roundUp(original));
          }
          out = scratch[0].clear();
        }
        int n =
            DECOMPRESSOR.decompress(bytes, bytes.position(), bytes.remaining(), out, 0, original);
        if (n != original) {
          throw new IllegalStateException(
              "LZ4 record set restored to " + n + " bytes, expected " + original);
        }
        return out.limit(original).position(0).slice();
      }
    }
    return bytes;
  }

  private static byte[] intBytes(int v) {
    return ByteBuffer.allocate(4).putInt(v).array();
  }
}
