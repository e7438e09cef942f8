package dev.meridian.node.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import dev.meridian.node.api.BrokerApis;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.MetadataRequest;
import org.junit.jupiter.api.Test;

/** {@link RequestDecoder}'s decisions, one by one, and declared lengths that must not allocate. */
class ProtocolDecoderTest {
  private static final ApiRegistry SERVED = BrokerApis.registry(null);
  private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

  /** Body offset of a v1 request header with {@link RequestFrames#CLIENT_ID}. */
  private static final int BODY_V1 = 8 + 2 + RequestFrames.CLIENT_ID.length();

  /** Body offset of a v2 (flexible) request header: the same plus an empty tagged-field count. */
  private static final int BODY_V2 = BODY_V1 + 1;

  @Test
  void servedRequestIsParsed() throws RequestDecodeException {
    byte[] p = metadata((short) 12);
    DecodedRequest.Parsed d =
        assertInstanceOf(DecodedRequest.Parsed.class, RequestDecoder.decode(wrap(p), SERVED));
    assertEquals(ApiKeys.METADATA, d.header().apiKey());
    assertEquals(7, d.correlationId());
    assertEquals(RequestFrames.CLIENT_ID, d.header().clientId());
    assertEquals(
        List.of("orders", "payments"),
        ((MetadataRequestData) d.request().data())
            .topics().stream().map(MetadataRequestData.MetadataRequestTopic::name).toList());
  }

  @Test
  void shorterThanTheFixedHeaderIsRejected() {
    for (int n = 0; n < 8; n++) {
      assertRejected(new byte[n], "shorter than the fixed header");
    }
  }

  @Test
  void unknownApiKeyIsRejected() {
    byte[] p = metadata((short) 12);
    ByteBuffer.wrap(p).putShort(0, (short) 999);
    assertRejected(p, "unknown API key 999");
    ByteBuffer.wrap(p).putShort(0, (short) -1);
    assertRejected(p, "unknown API key -1");
  }

  @Test
  void knownButUnservedApiIsRejected() {
    byte[] p =
        RequestFrames.payload(
            ApiKeys.SASL_HANDSHAKE,
            (short) 1,
            1,
            "c",
            new SaslHandshakeRequestData().setMechanism("PLAIN"));
    assertRejected(p, "SASL_HANDSHAKE (API key 17) is not served");
  }

  @Test
  void unsupportedVersionOfOtherApisIsRejected() {
    byte[] produce = RequestFrames.payload(ApiKeys.PRODUCE, (short) 9, 1, "c", produceBody());
    for (short v : new short[] {-1, 0, 2, 13, 99, Short.MAX_VALUE}) {
      byte[] p = produce.clone();
      ByteBuffer.wrap(p).putShort(2, v);
      assertRejected(p, "PRODUCE v" + v + " is not supported (served: v3 to v12)");
    }
  }

  @Test
  void anUnservedApiOrVersionIsARefusalNamingTheClientAMalformedFrameIsNot() {
    byte[] sasl =
        RequestFrames.payload(
            ApiKeys.SASL_HANDSHAKE,
            (short) 1,
            1,
            "tool-1",
            new SaslHandshakeRequestData().setMechanism("PLAIN"));
    RequestDecodeException e = rejected(sasl);
    assertEquals("unsupported API", e.unsupportedKind());
    assertEquals("SASL_HANDSHAKE", e.api());
    assertEquals(1, e.version());
    assertEquals("tool-1", e.clientId());

    byte[] produce = RequestFrames.payload(ApiKeys.PRODUCE, (short) 9, 1, "app", produceBody());
    ByteBuffer.wrap(produce).putShort(2, (short) 2);
    e = rejected(produce);
    assertEquals("unsupported version", e.unsupportedKind());
    assertEquals("PRODUCE", e.api());
    assertEquals(2, e.version());
    assertEquals("app", e.clientId());

    byte[] unknown = produce.clone();
    ByteBuffer.wrap(unknown).putShort(0, (short) 999);
    e = rejected(unknown);
    assertEquals("unsupported API", e.unsupportedKind());
    assertEquals("API key 999", e.api());
    assertEquals("app", e.clientId());

    // a client id length beyond the frame: no client id, still a refusal
    byte[] cut = Arrays.copyOf(unknown, 11);
    assertEquals(null, rejected(cut).clientId());
    ByteBuffer.wrap(cut).putShort(8, (short) -1);
    assertEquals(null, rejected(cut).clientId());

    byte[] garbage = metadata((short) 12);
    Arrays.fill(garbage, 8, garbage.length, (byte) 0x7f);
    assertEquals(null, rejected(garbage).unsupportedKind());
  }

  private static RequestDecodeException rejected(byte[] payload) {
    return assertThrows(
        RequestDecodeException.class, () -> RequestDecoder.decode(wrap(payload), SERVED));
  }

  @Test
  void unsupportedApiVersionsIsAnsweredWithoutParsingItsBody() throws RequestDecodeException {
    // a newer client (v5 here; v99 some day) whose body we may not know
    byte[] v5 =
        RequestFrames.payload(
            ApiKeys.API_VERSIONS, (short) 5, 41, "c", new ApiVersionsRequestData());
    assertEquals(
        new DecodedRequest.UnsupportedApiVersions((short) 5, 41),
        RequestDecoder.decode(wrap(v5), SERVED));
    byte[] v99 =
        ByteBuffer.allocate(40).putShort((short) 18).putShort((short) 99).putInt(42).array();
    Arrays.fill(v99, 8, 40, (byte) 0xff);
    assertEquals(
        new DecodedRequest.UnsupportedApiVersions((short) 99, 42),
        RequestDecoder.decode(wrap(v99), SERVED));
    byte[] bare = Arrays.copyOf(v99, 8);
    ByteBuffer.wrap(bare).putShort(2, (short) -3);
    assertEquals(
        new DecodedRequest.UnsupportedApiVersions((short) -3, 42),
        RequestDecoder.decode(wrap(bare), SERVED));
  }

  @Test
  void undecodableHeaderOrBodyIsRejectedWithTheParsersReason() {
    byte[] p = metadata((short) 12);
    assertRejected(
        Arrays.copyOf(p, p.length - 1), "undecodable METADATA v12 body (correlation id 7)");
    byte[] header = Arrays.copyOf(p, 14);
    ByteBuffer.wrap(header).putShort(8, (short) 100); // client id longer than the frame
    assertRejected(header, "undecodable METADATA v12 request header");
  }

  @Test
  void hugeDeclaredArrayLengthIsRejectedWithoutAllocating() {
    for (int n : new int[] {Integer.MAX_VALUE, 1_000_001, 100 << 20, -2}) {
      byte[] p = metadata((short) 4);
      ByteBuffer.wrap(p).putInt(BODY_V1, n);
      if (n == -2) {
        // negative: a null (all topics) request, not an error; it still must not allocate
        assertDecodesCheaply(p);
      } else {
        assertRejectedCheaply(p, "undecodable METADATA v4 body");
      }
    }
    // flexible: compact array length as an unsigned varint (N + 1)
    byte[] p =
        splice(metadata((short) 12), BODY_V2, 1, FrameMutator.unsignedVarint(Integer.MAX_VALUE));
    assertRejectedCheaply(p, "undecodable METADATA v12 body");
  }

  @Test
  void hugeDeclaredStringRecordsAndTaggedFieldLengthsAreRejectedWithoutAllocating() {
    // the first topic name's int16 length
    byte[] name = metadata((short) 4);
    ByteBuffer.wrap(name).putShort(BODY_V1 + 4, Short.MAX_VALUE);
    assertRejectedCheaply(name, "undecodable METADATA v4 body");

    // a produce record set's int32 size
    byte[] produce =
        RequestFrames.payload(
            ApiKeys.PRODUCE, (short) 8, 1, RequestFrames.CLIENT_ID, produceBody());
    int records = indexOf(produce, RequestFrames.records().buffer().array());
    ByteBuffer.wrap(produce).putInt(records - 4, Integer.MAX_VALUE);
    assertRejectedCheaply(produce, "undecodable PRODUCE v8 body");

    // an unknown tagged field in a v2 header: count 1, tag 5, size 2^31 - 1
    ByteArrayOutputStream tagged = new ByteArrayOutputStream();
    tagged.write(1);
    tagged.write(5);
    tagged.writeBytes(FrameMutator.unsignedVarint(Integer.MAX_VALUE));
    byte[] header = splice(metadata((short) 12), BODY_V2 - 1, 1, tagged.toByteArray());
    assertRejectedCheaply(header, "undecodable METADATA v12 request header");
  }

  private static byte[] metadata(short version) {
    return RequestFrames.payload(
        ApiKeys.METADATA,
        version,
        7,
        RequestFrames.CLIENT_ID,
        new MetadataRequest.Builder(List.of("orders", "payments"), true).build(version).data());
  }

  private static org.apache.kafka.common.message.ProduceRequestData produceBody() {
    return RequestFrames.realistic().stream()
        .filter(s -> s.key() == ApiKeys.PRODUCE && s.version() == 8)
        .findFirst()
        .map(s -> (org.apache.kafka.common.message.ProduceRequestData) s.body())
        .orElseThrow();
  }

  private static void assertRejected(byte[] payload, String reason) {
    RequestDecodeException e =
        assertThrows(
            RequestDecodeException.class, () -> RequestDecoder.decode(wrap(payload), SERVED));
    assertTrue(e.getMessage().contains(reason), e.getMessage() + " should say: " + reason);
  }

  private static void assertRejectedCheaply(byte[] payload, String reason) {
    long before = THREADS.getCurrentThreadAllocatedBytes();
    assertRejected(payload, reason);
    long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
    assertTrue(allocated < 1 << 20, "decode allocated " + allocated + " bytes");
  }

  private static void assertDecodesCheaply(byte[] payload) {
    long before = THREADS.getCurrentThreadAllocatedBytes();
    try {
      RequestDecoder.decode(wrap(payload), SERVED);
    } catch (RequestDecodeException e) {
      // either way
    }
    long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
    assertTrue(allocated < 1 << 20, "decode allocated " + allocated + " bytes");
  }

  private static ByteBuffer wrap(byte[] b) {
    return ByteBuffer.wrap(b);
  }

  /** {@code p} with {@code remove} bytes at {@code at} replaced by {@code insert}. */
  private static byte[] splice(byte[] p, int at, int remove, byte[] insert) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(p, 0, at);
    out.writeBytes(insert);
    out.write(p, at + remove, p.length - at - remove);
    return out.toByteArray();
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }
}
