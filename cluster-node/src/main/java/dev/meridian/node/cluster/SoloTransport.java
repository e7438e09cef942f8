package dev.meridian.node.cluster;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The transport of a region of exactly one node, in one process, without Hazelcast: the member list
 * is this node, there is no one to send to, and the epoch register is a counter. For unit tests of
 * handlers and coordinators; nodes always run {@link HazelcastRegion}.
 */
public final class SoloTransport implements RegionTransport {
  private final RegionMember self;
  private final AtomicLong register = new AtomicLong();

  public SoloTransport(RegionMember self) {
    this.self = self;
  }

  @Override
  public List<RegionMember> members() {
    return List.of(self);
  }

  @Override
  public void send(int nodeId, String kind, byte[] payload) {
    // a region of one node has nobody else to talk to
  }

  @Override
  public CompletionStage<Long> claimEpoch(long floor) {
    return CompletableFuture.completedFuture(register.updateAndGet(v -> Math.max(v, floor) + 1));
  }

  @Override
  public void close() {}
}
