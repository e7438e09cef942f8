package dev.meridian.node.protocol;

import java.nio.ByteBuffer;
import java.util.List;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.types.RawTaggedField;

/**
 * Pipelined Fetches for mirror links, as a Meridian extension of Fetch that stays inside the Kafka
 * protocol (like {@link LinkCompression}): a link's fetcher keeps several Fetches in flight on one
 * connection, so a Fetch is always parked at the source and a long round trip adds no wait between
 * them. A later Fetch is sent before the answers to the earlier ones arrive, so its fetch offsets
 * lag behind; the source therefore remembers, per pipeline and partition, the run of offsets it has
 * already sent, and continues after it when a Fetch asks from inside that run.
 *
 * <ul>
 *   <li>Request: tagged field {@link #TAG} holding the pipeline id (8 bytes), chosen by the
 *       fetcher; a new id starts afresh (after a truncation, a discarded answer, a new partition);
 *       then the spacing in microseconds (4 bytes): the source answers a pipeline's Fetches at
 *       least that far apart (round trip / depth, measured by the fetcher), so the Fetches in
 *       flight stay spread over the round trip instead of travelling in a bunch, and one is parked
 *       at the source at any time.
 *   <li>Answer: the answer carries {@link #TAG} with the nanoseconds it spent at the source, from
 *       its arrival to its answer (8 bytes), so the fetcher can tell the round trip of the network
 *       from time spent waiting; each partition the source read carries {@link #TAG} with the
 *       offset it read from (8 bytes). The fetcher applies an answer only when that offset is at or
 *       before its log end, so nothing is ever skipped: an answer that continued past what the
 *       fetcher applied is dropped and the fetcher starts a new pipeline.
 * </ul>
 *
 * Kafka brokers ignore the tag and answer each Fetch from its own offsets; a fetcher that sees no
 * answer tag keeps one Fetch in flight.
 */
public final class FetchPipeline {

  /** The tag of the request's pipeline id and of an answered partition's read offset. */
  public static final int TAG = 0x4D46;

  private FetchPipeline() {}

  /** Marks {@code req} as a Fetch of pipeline {@code id}, answers {@code spacingMicros} apart. */
  public static void request(FetchRequestData req, long id, int spacingMicros) {
    req.unknownTaggedFields()
        .add(
            new RawTaggedField(
                TAG, ByteBuffer.allocate(12).putLong(id).putInt(spacingMicros).array()));
  }

  /** The answer spacing a pipelined Fetch asks for, in microseconds (0: none). */
  public static int spacingMicros(FetchRequestData req) {
    List<RawTaggedField> tags = req.unknownTaggedFields();
    if (tags != null) {
      for (RawTaggedField t : tags) {
        if (t.tag() == TAG && t.size() >= 12) {
          return Math.max(0, ByteBuffer.wrap(t.data()).getInt(8));
        }
      }
    }
    return 0;
  }

  /** The pipeline id of a Fetch request, or -1 when it is not pipelined. */
  public static long id(FetchRequestData req) {
    long v = find(req.unknownTaggedFields());
    return v < 0 ? -1 : v;
  }

  /** Tells the fetcher how long its Fetch was at the source (arrival to answer). */
  public static void answer(FetchResponseData resp, long sourceNanos) {
    resp.unknownTaggedFields().add(new RawTaggedField(TAG, longBytes(sourceNanos)));
  }

  /** How long a Fetch was at the source, or -1 when the source did not say. */
  public static long sourceNanos(FetchResponseData resp) {
    return find(resp.unknownTaggedFields());
  }

  /** Tells the fetcher where the source read {@code pd} from. */
  public static void answer(FetchResponseData.PartitionData pd, long readFrom) {
    pd.unknownTaggedFields().add(new RawTaggedField(TAG, longBytes(readFrom)));
  }

  /** Where the source read a partition's answer from, or -1 when the source did not say. */
  public static long readFrom(FetchResponseData.PartitionData pd) {
    return find(pd.unknownTaggedFields());
  }

  private static long find(List<RawTaggedField> tags) {
    if (tags == null) {
      return -1;
    }
    for (RawTaggedField t : tags) {
      if (t.tag() == TAG && t.size() >= 8) {
        return ByteBuffer.wrap(t.data()).getLong();
      }
    }
    return -1;
  }

  private static byte[] longBytes(long v) {
    return ByteBuffer.allocate(8).putLong(v).array();
  }
}
