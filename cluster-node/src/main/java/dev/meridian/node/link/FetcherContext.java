package dev.meridian.node.link;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.ratelimiter.RateLimiter;
import java.net.InetSocketAddress;
import java.util.Optional;

/** What a {@link MirrorFetcher} needs from its link. */
interface FetcherContext {

  /** The link's name (for logs and client ids). */
  String linkName();

  /** Where source node {@code nodeId} listens, as last seen in the source's metadata. */
  Optional<InetSocketAddress> sourceAddress(int nodeId);

  /**
   * The source no longer has {@code p}'s leader on the node this fetcher reads (or does not know
   * the partition): the fetcher has dropped it; the link finds its new leader.
   */
  void sourceMoved(MirrorPartition p, String reason);

  /** {@code p} met a batch of source epoch {@code epoch} above its leader epoch; raise it. */
  void raiseEpoch(MirrorPartition p, int epoch);

  /** Whether new (empty) mirror partitions start at the source's log end. */
  boolean startsAtLatest();

  /** Whether the link is paused (fetchers idle). */
  boolean paused();

  /** Whether batches should cross the link LZ4-compressed. */
  boolean lz4();

  /** The circuit breaker of the source. */
  CircuitBreaker breaker();

  /** The link's byte rate limiter, or empty when unlimited. */
  Optional<RateLimiter> rateLimiter();

  /**
   * Keeps {@code target}'s records from {@code from} to its log end (which a truncation to {@code
   * from} would lose) in the region's quarantine topic; returns how many. Blocking.
   *
   * @throws Exception when they could not all be kept (the caller must not truncate then)
   */
  long quarantine(dev.meridian.node.replication.Partition target, long from, String reason)
      throws Exception;

  /** Counts bytes received from the source (on the wire) and the bytes they stand for. */
  void countWire(long wireBytes, long recordBytes);
}
