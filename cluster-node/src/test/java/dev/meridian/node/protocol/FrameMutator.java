package dev.meridian.node.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * Bad request payloads for fuzzing: purely random bytes, and mutations of real frames ({@link
 * RequestFrames}). Every choice comes from the {@link Random} passed in, so a case is replayed from
 * its seed.
 */
final class FrameMutator {

  /** How a payload was made. */
  enum Kind {
    /** Random bytes of random length. */
    RANDOM,
    /** Random bytes behind a served API key and version, so they reach the body parser. */
    RANDOM_BODY,
    /** 1 to 8 bits flipped. */
    BIT_FLIP,
    /** 1 to 4 bytes set to boundary values (0, 0x7f, 0x80, 0xff, ...). */
    BYTE_SET,
    /** Cut short at a random point. */
    TRUNCATE,
    /** Random bytes appended. */
    EXTEND,
    /** A range removed from the middle. */
    DELETE,
    /** A range repeated. */
    DUPLICATE,
    /** An int16 or int32 at a random offset set to a boundary or huge length. */
    LENGTH_INT,
    /** A huge unsigned varint (compact length or tag) written over or inserted at random. */
    LENGTH_VARINT,
    /** The API key and/or version in the header replaced at random. */
    HEADER_KEY_VERSION,
    /** Header of one real frame, body of another (key/version mismatch). */
    SPLICE,
    /** Several of the above in sequence. */
    STACKED
  }

  /** A generated payload and how it was made. */
  record Case(Kind kind, String origin, byte[] payload) {}

  private static final int[] BOUNDARY_INTS = {
    0,
    1,
    -1,
    -2,
    0x7f,
    0x80,
    0xff,
    0x7fff,
    0x8000,
    0xffff,
    1_000_000,
    1_000_001,
    100 * 1024 * 1024,
    0x7ffffffe,
    Integer.MAX_VALUE,
    Integer.MIN_VALUE
  };
  private static final short[] BOUNDARY_SHORTS = {
    0, 1, -1, -2, 0x7f, 0x80, 0xff, 0x7ffe, Short.MAX_VALUE, Short.MIN_VALUE
  };
  private static final byte[] BOUNDARY_BYTES = {0, 1, -1, 0x7f, (byte) 0x80, (byte) 0xfe};

  private final List<RequestFrames.Sample> corpus;
  private final short[][] servedKeyVersions;

  /**
   * @param corpus real frames to mutate
   * @param served the registry whose (key, version) pairs {@link Kind#RANDOM_BODY} uses
   */
  FrameMutator(List<RequestFrames.Sample> corpus, ApiRegistry served) {
    this.corpus = List.copyOf(corpus);
    this.servedKeyVersions =
        served.handlers().stream()
            .flatMap(
                h -> {
                  ApiKeys key = h.apiKey();
                  return IntStream.rangeClosed(key.oldestVersion(), h.maxVersion())
                      .mapToObj(v -> new short[] {key.id, (short) v});
                })
            .toArray(short[][]::new);
  }

  Case next(Random r) {
    Kind kind = Kind.values()[r.nextInt(Kind.values().length)];
    return make(kind, r);
  }

  Case make(Kind kind, Random r) {
    switch (kind) {
      case RANDOM:
        return new Case(kind, "-", randomBytes(r, r.nextInt(r.nextBoolean() ? 16 : 600)));
      case RANDOM_BODY:
        {
          short[] kv = servedKeyVersions[r.nextInt(servedKeyVersions.length)];
          byte[] p = randomBytes(r, 10 + r.nextInt(300));
          ByteBuffer.wrap(p).putShort(kv[0]).putShort(kv[1]);
          if (r.nextBoolean()) {
            // a well-formed client id, so the body parser is reached more often
            p[8] = 0;
            p[9] = (byte) r.nextInt(Math.min(8, p.length - 10) + 1);
          }
          return new Case(kind, ApiKeys.forId(kv[0]) + " v" + kv[1], p);
        }
      default:
        RequestFrames.Sample s = corpus.get(r.nextInt(corpus.size()));
        byte[] p = s.payload().clone();
        return new Case(kind, s.toString(), mutate(kind, p, r));
    }
  }

  private byte[] mutate(Kind kind, byte[] p, Random r) {
    switch (kind) {
      case BIT_FLIP:
        {
          int n = 1 + r.nextInt(8);
          for (int i = 0; i < n && p.length > 0; i++) {
            int bit = r.nextInt(p.length * 8);
            p[bit / 8] ^= (byte) (1 << (bit % 8));
          }
          return p;
        }
      case BYTE_SET:
        {
          int n = 1 + r.nextInt(4);
          for (int i = 0; i < n && p.length > 0; i++) {
            p[r.nextInt(p.length)] = BOUNDARY_BYTES[r.nextInt(BOUNDARY_BYTES.length)];
          }
          return p;
        }
      case TRUNCATE:
        return Arrays.copyOf(p, p.length == 0 ? 0 : r.nextInt(p.length));
      case EXTEND:
        {
          byte[] tail = randomBytes(r, 1 + r.nextInt(64));
          byte[] out = Arrays.copyOf(p, p.length + tail.length);
          System.arraycopy(tail, 0, out, p.length, tail.length);
          return out;
        }
      case DELETE:
        {
          if (p.length < 2) {
            return p;
          }
          int from = r.nextInt(p.length - 1);
          int len = 1 + r.nextInt(Math.min(32, p.length - from));
          byte[] out = new byte[p.length - len];
          System.arraycopy(p, 0, out, 0, from);
          System.arraycopy(p, from + len, out, from, p.length - from - len);
          return out;
        }
      case DUPLICATE:
        {
          if (p.length < 1) {
            return p;
          }
          int from = r.nextInt(p.length);
          int len = 1 + r.nextInt(Math.min(32, p.length - from));
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          out.write(p, 0, from + len);
          out.write(p, from, p.length - from);
          return out.toByteArray();
        }
      case LENGTH_INT:
        {
          ByteBuffer b = ByteBuffer.wrap(p);
          if (r.nextBoolean() && p.length >= 12) {
            b.putInt(8 + r.nextInt(p.length - 11), BOUNDARY_INTS[r.nextInt(BOUNDARY_INTS.length)]);
          } else if (p.length >= 10) {
            b.putShort(
                8 + r.nextInt(p.length - 9), BOUNDARY_SHORTS[r.nextInt(BOUNDARY_SHORTS.length)]);
          }
          return p;
        }
      case LENGTH_VARINT:
        {
          int value = BOUNDARY_INTS[r.nextInt(BOUNDARY_INTS.length)];
          byte[] varint = unsignedVarint(r.nextBoolean() ? value : value + 1);
          int at = p.length <= 8 ? p.length : 8 + r.nextInt(p.length - 8);
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          out.write(p, 0, at);
          out.write(varint, 0, varint.length);
          int skip = r.nextBoolean() ? Math.min(p.length - at, 1 + r.nextInt(5)) : 0;
          out.write(p, at + skip, p.length - at - skip);
          return out.toByteArray();
        }
      case HEADER_KEY_VERSION:
        {
          if (p.length < 4) {
            return p;
          }
          ByteBuffer b = ByteBuffer.wrap(p);
          int choice = r.nextInt(3);
          if (choice != 1) {
            b.putShort(
                0,
                r.nextBoolean()
                    ? ApiKeys.values()[r.nextInt(ApiKeys.values().length)].id
                    : (short) r.nextInt(1 << 16));
          }
          if (choice != 0) {
            b.putShort(2, r.nextBoolean() ? (short) r.nextInt(20) : (short) r.nextInt(1 << 16));
          }
          return p;
        }
      case SPLICE:
        {
          byte[] other = corpus.get(r.nextInt(corpus.size())).payload();
          int cut = Math.min(p.length, 8 + r.nextInt(24));
          int from = Math.min(other.length, 8 + r.nextInt(24));
          byte[] out = Arrays.copyOf(p, cut + other.length - from);
          System.arraycopy(other, from, out, cut, other.length - from);
          return out;
        }
      case STACKED:
        {
          int n = 2 + r.nextInt(3);
          for (int i = 0; i < n; i++) {
            Kind k =
                Kind.values()[
                    Kind.BIT_FLIP.ordinal()
                        + r.nextInt(Kind.SPLICE.ordinal() - Kind.BIT_FLIP.ordinal() + 1)];
            p = mutate(k, p, r);
          }
          return p;
        }
      default:
        throw new IllegalArgumentException(kind.toString());
    }
  }

  static byte[] randomBytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  static byte[] unsignedVarint(int value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int v = value;
    while ((v & 0xffffff80) != 0) {
      out.write((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out.write(v);
    return out.toByteArray();
  }

  static String hex(byte[] b, int max) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(b.length, max); i++) {
      sb.append(String.format("%02x", b[i]));
    }
    return b.length > max ? sb + "...(" + b.length + " bytes)" : sb.toString();
  }
}
