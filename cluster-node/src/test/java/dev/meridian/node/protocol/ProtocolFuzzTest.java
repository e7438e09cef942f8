package dev.meridian.node.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.sun.management.ThreadMXBean;
import dev.meridian.node.api.BrokerApis;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes {@link RequestDecoder}: random payloads and mutations of real frames of every API the
 * client library knows, against the broker's own version table and against a table serving
 * everything (so every generated parser is reached). The only exception allowed out is {@link
 * RequestDecodeException}, a decode allocates in proportion to its input, and what it does accept
 * is consistent with the registry.
 *
 * <p>Seeded: the seed is printed, and {@code -Dfuzz.seed=<seed>} replays a run ({@code
 * -Dfuzz.cases=<n>} changes its length). A failure names the case's own seed too.
 */
class ProtocolFuzzTest {
  private static final long SEED = Long.getLong("fuzz.seed", new Random().nextLong());
  private static final int CASES = Integer.getInteger("fuzz.cases", 250_000);

  /** Bytes a decode may allocate: a fixed allowance plus a multiple of the frame size. */
  private static final long ALLOC_FIXED = 1 << 20;

  private static final long ALLOC_PER_BYTE = 256;

  private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

  @Test
  void decoderThrowsOnlyItsOwnExceptionOnRandomAndMutatedFrames() {
    ApiRegistry served = BrokerApis.registry(null);
    ApiRegistry everything = StubHandler.everything();
    List<RequestFrames.Sample> corpus = new ArrayList<>(RequestFrames.realistic());
    corpus.addAll(RequestFrames.defaults());
    FrameMutator mutator = new FrameMutator(corpus, served);
    System.out.printf(
        "ProtocolFuzzTest: seed=%d cases=%d corpus=%d real frames (replay: -Dfuzz.seed=%d)%n",
        SEED, CASES, corpus.size(), SEED);

    Map<FrameMutator.Kind, int[]> byKind = new EnumMap<>(FrameMutator.Kind.class);
    Map<String, Integer> outcomes = new TreeMap<>();
    Random seeds = new Random(SEED);
    long t0 = System.nanoTime();
    for (int i = 0; i < CASES; i++) {
      long caseSeed = seeds.nextLong();
      Random r = new Random(caseSeed);
      ApiRegistry registry = r.nextBoolean() ? served : everything;
      FrameMutator.Case c = mutator.next(r);
      String outcome =
          runCase(i, caseSeed, registry == served ? "served" : "everything", c, registry);
      outcomes.merge(outcome, 1, Integer::sum);
      int[] counts = byKind.computeIfAbsent(c.kind(), k -> new int[2]);
      counts[0]++;
      if (!outcome.equals("rejected")) {
        counts[1]++;
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf(
        "ProtocolFuzzTest: %d cases in %.1f s (%.0f cases/s); outcomes %s%n",
        CASES, seconds, CASES / seconds, outcomes);
    byKind.forEach((k, v) -> System.out.printf("  %-18s %7d cases, %6d accepted%n", k, v[0], v[1]));
    // the mutations must not all die at the first check: many reach and pass the body parsers
    assertTrue(outcomes.getOrDefault("parsed", 0) > CASES / 50, outcomes.toString());
    assertTrue(outcomes.getOrDefault("unsupported-api-versions", 0) > 0, outcomes.toString());
  }

  /**
   * The corpus is valid: each realistic frame at a served version decodes and re-encodes to the
   * same bytes; the default requests of all APIs at least do not escape the decoder (some request
   * classes refuse their own defaults, e.g. DescribeAcls with an UNKNOWN filter).
   */
  @Test
  void unmutatedFramesDecode() throws RequestDecodeException {
    ApiRegistry served = BrokerApis.registry(null);
    int decoded = 0;
    for (RequestFrames.Sample s : RequestFrames.realistic()) {
      if (!served.supports(s.key(), s.version())) {
        continue;
      }
      DecodedRequest d = RequestDecoder.decode(ByteBuffer.wrap(s.payload()), served);
      DecodedRequest.Parsed p = assertInstanceOf(DecodedRequest.Parsed.class, d, s.toString());
      assertEquals(s.correlationId(), p.correlationId());
      assertArrayEquals(
          s.payload(),
          RequestFrames.payload(
              s.key(), s.version(), s.correlationId(), RequestFrames.CLIENT_ID, p.request().data()),
          s.toString());
      decoded++;
    }
    assertTrue(decoded >= 50, "realistic frames at served versions: " + decoded);
    ApiRegistry everything = StubHandler.everything();
    int parsed = 0;
    List<RequestFrames.Sample> defaults = RequestFrames.defaults();
    for (RequestFrames.Sample s : defaults) {
      try {
        RequestDecoder.decode(ByteBuffer.wrap(s.payload()), everything);
        parsed++;
      } catch (RequestDecodeException e) {
        // a request class's own validation: fine, it is the decoder's exception
      }
    }
    assertTrue(parsed > defaults.size() * 9 / 10, parsed + " of " + defaults.size());
  }

  private static String runCase(
      int index, long caseSeed, String registryName, FrameMutator.Case c, ApiRegistry registry) {
    long before = THREADS.getCurrentThreadAllocatedBytes();
    String outcome;
    try {
      DecodedRequest d = RequestDecoder.decode(ByteBuffer.wrap(c.payload()), registry);
      outcome = check(d, c.payload(), registry);
    } catch (RequestDecodeException e) {
      assertFalse(e.getMessage() == null || e.getMessage().isBlank(), "a reason is required");
      outcome = "rejected";
    } catch (Throwable t) {
      fail(describe(index, caseSeed, registryName, c) + " threw " + t, t);
      return "failed";
    }
    long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
    long limit = ALLOC_FIXED + ALLOC_PER_BYTE * c.payload().length;
    if (allocated > limit) {
      fail(describe(index, caseSeed, registryName, c) + " allocated " + allocated + " bytes");
    }
    return outcome;
  }

  private static String check(DecodedRequest d, byte[] payload, ApiRegistry registry) {
    short keyId = ByteBuffer.wrap(payload).getShort(0);
    short version = ByteBuffer.wrap(payload).getShort(2);
    ApiKeys key = ApiKeys.forId(keyId);
    if (d instanceof DecodedRequest.Parsed p) {
      assertTrue(p.header().apiKey() == key && p.header().apiVersion() == version);
      assertTrue(registry.supports(key, version), key + " v" + version + " is not served");
      assertTrue(p.request().apiKey() == key);
      return "parsed";
    }
    DecodedRequest.UnsupportedApiVersions u = (DecodedRequest.UnsupportedApiVersions) d;
    assertTrue(key == ApiKeys.API_VERSIONS && !registry.supports(key, version));
    assertTrue(u.version() == version);
    assertTrue(u.correlationId() == ByteBuffer.wrap(payload).getInt(4));
    return "unsupported-api-versions";
  }

  private static String describe(
      int index, long caseSeed, String registryName, FrameMutator.Case c) {
    return String.format(
        "case %d (run seed %d, case seed %d, registry %s, %s of %s): payload %s",
        index,
        SEED,
        caseSeed,
        registryName,
        c.kind(),
        c.origin(),
        FrameMutator.hex(c.payload(), 256));
  }
}
