package dev.meridian.node.link;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Which synced offsets a pass writes: clamped to the target's log, never backwards. */
class GroupOffsetSyncTest {
  private static final TopicPartition TP = new TopicPartition("orders", 0);
  private static final Map<TopicPartition, long[]> BOUNDS = Map.of(TP, new long[] {100, 500});

  private static OffsetAndMetadata committed(long offset) {
    return new OffsetAndMetadata(offset, Optional.of(7), "meta");
  }

  private static Map<TopicPartition, OffsetAndMetadata> write(
      long source, Map<TopicPartition, OffsetAndMetadata> target) {
    return GroupOffsetSync.toWrite(Map.of(TP, committed(source)), BOUNDS, target);
  }

  @Test
  void anOffsetInsideTheTargetLogIsCopiedUnchangedWithEpochAndMetadata() {
    assertEquals(Map.of(TP, committed(300)), write(300, Map.of()));
    assertEquals(Map.of(TP, committed(100)), write(100, Map.of()));
    assertEquals(Map.of(TP, committed(500)), write(500, Map.of()));
  }

  @Test
  void anOffsetPastTheTargetLogEndIsClampedToItWithoutTheSourceEpoch() {
    assertEquals(
        Map.of(TP, new OffsetAndMetadata(500, Optional.empty(), "meta")), write(900, Map.of()));
  }

  @Test
  void anOffsetBeforeTheTargetLogStartIsClampedToIt() {
    assertEquals(
        Map.of(TP, new OffsetAndMetadata(100, Optional.empty(), "meta")), write(20, Map.of()));
  }

  @Test
  void aTargetOffsetNeverMovesBackwards() {
    assertEquals(Map.of(), write(300, Map.of(TP, committed(400))));
    assertEquals(Map.of(), write(300, Map.of(TP, committed(300))));
    // clamped to the log end, which the group's target offset already reached
    assertEquals(Map.of(), write(900, Map.of(TP, committed(500))));
    assertEquals(Map.of(TP, committed(450)), write(450, Map.of(TP, committed(449))));
  }
}
