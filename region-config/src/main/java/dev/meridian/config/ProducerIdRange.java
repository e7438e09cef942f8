package dev.meridian.config;

/**
 * The producer ids a region hands out: a range of its own, so that a region that takes over a
 * mirror's topics (a failover) never gives a new producer the id of one whose batches (and sequence
 * numbers) it mirrored from another region: the broker would refuse that producer's writes as out
 * of order, or drop them as duplicates. Range {@code slot} starts at {@code slot << 42} (4.4
 * trillion ids each), {@code slot} being 1 + 10 bits of the region name's hash; the whole space
 * stays below 2^53 (clients that keep ids as JavaScript numbers). Slot 0, ids below 2^42, is left
 * to what Apache Kafka clusters allocate (they count up from 0), so a link from a Kafka cluster
 * cannot collide either. Two regions of one file must not share a slot (the config is refused:
 * rename one).
 */
public final class ProducerIdRange {
  /** Bits of ids within one region's range. */
  public static final int RANGE_BITS = 32;

  private ProducerIdRange() {}

  /** The slot of region {@code name}: 1..2^20. */
  public static int slot(String name) {
    return 1 + (name.hashCode() & 0xFFFFF);
  }

  /** The first producer id of region {@code name}. */
  public static long first(String name) {
    return (long) slot(name) << RANGE_BITS;
  }

  /** One past the last producer id of region {@code name}. */
  public static long end(String name) {
    return first(name) + (1L << RANGE_BITS);
  }
}
