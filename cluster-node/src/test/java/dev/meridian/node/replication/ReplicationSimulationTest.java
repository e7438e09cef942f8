package dev.meridian.node.replication;

import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Replication of one partition under a seeded simulation of crashes, restarts, network splits and
 * lossy delivery ({@link ReplicationSimulation} lists the invariants). jqwik reports the failing
 * seed; {@link #replay} runs one seed again.
 */
class ReplicationSimulationTest {

  @Property(tries = 60)
  void nothingAcknowledgedIsLostWithThreeNodes(@ForAll long seed) {
    ReplicationSimulation sim = new ReplicationSimulation(seed, 3, 0.05);
    sim.run(60_000);
    assertTrue(sim.acks() > 0, "the producer got acknowledgements");
  }

  @Property(tries = 30)
  void nothingAcknowledgedIsLostWithFiveNodesAndHeavyLoss(
      @ForAll long seed, @ForAll @IntRange(min = 0, max = 30) int lossPercent) {
    new ReplicationSimulation(seed, 5, lossPercent / 100.0).run(60_000);
  }

  /**
   * Seed 0 with 22 % loss and five nodes: the image that made node 1 leader after the last restarts
   * was published once and lost, so nothing was read back after the heal (the simulation, not the
   * broker, was wrong: brokers now catch up with the metadata as the real quorum makes them).
   */
  @Example
  void aLostImagePublicationIsCaughtUp() {
    new ReplicationSimulation(0, 5, 0.22).run(60_000);
  }

  /** Replays one seed (put a failing seed here to debug it). */
  @Example
  void replay() {
    ReplicationSimulation sim = new ReplicationSimulation(1L, 3, 0.05);
    sim.run(60_000);
    assertTrue(sim.acks() > 100, "records were acknowledged: " + sim.acks());
    assertTrue(sim.leaderEpochs() > 2, "leadership moved: " + sim.leaderEpochs());
  }
}
