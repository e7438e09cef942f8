package dev.meridian.node.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.node.TestBroker;
import dev.meridian.node.group.GroupQuery.TopicPartitionRef;
import dev.meridian.node.metadata.TopicImage;
import dev.meridian.node.storage.LogCleaner;
import dev.meridian.node.storage.PartitionLog;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code __consumer_offsets} on real partition logs of a one-node region: created compacted by the
 * controller, the coordinator's state reloaded from disk when the node restarts (its shards load as
 * it leads their partitions again), also after compaction has removed superseded records.
 */
class OffsetsTopicTest {
  @TempDir Path dir;

  @Test
  void offsetsSurviveReopeningAndCompaction() throws Exception {
    TopicPartitionRef t0 = new TopicPartitionRef("t", 0);
    TopicPartitionRef t1 = new TopicPartitionRef("t", 1);
    try (TestBroker node = TestBroker.start(dir, y -> y.broker("offsetsTopicPartitions", 5))) {
      node.createOffsetsTopic();
      TopicImage meta = node.topic(OffsetsTopic.NAME);
      assertEquals(5, meta.partitionCount());
      assertEquals("compact", meta.configs().get("cleanup.policy"));
      GroupCoordinator c = node.context().groups();
      for (int i = 0; i < 100; i++) {
        Map<TopicPartitionRef, Errors> r =
            c.commitOffsets("g", "", null, -1, Map.of(t0, new CommittedOffset(i, 0, "m" + i, -1)))
                .join();
        assertEquals(Errors.NONE, r.get(t0));
      }
      c.commitOffsets("g", "", null, -1, Map.of(t1, new CommittedOffset(7, -1, "", -1))).join();
      c.commitOffsets("gone", "", null, -1, Map.of(t0, new CommittedOffset(1, -1, "", -1))).join();
      assertEquals(Map.of("gone", Errors.NONE), c.deleteGroups(List.of("gone")).join());

      PartitionLog log = node.log(OffsetsTopic.NAME, c.partitionFor("g"));
      long before = log.size();
      log.roll();
      LogCleaner.Result cleaned = LogCleaner.maybeClean(log, true);
      assertTrue(cleaned.bytesAfter() < cleaned.bytesBefore(), "compaction removed old commits");
      assertTrue(log.size() < before);
    }

    try (TestBroker node = TestBroker.start(dir, y -> y.broker("offsetsTopicPartitions", 50))) {
      assertEquals(
          5,
          node.topic(OffsetsTopic.NAME).partitionCount(),
          "an existing offsets topic keeps its partitions");
      GroupCoordinator loaded = node.context().groups();
      org.awaitility.Awaitility.await("shard of g loaded")
          .atMost(java.time.Duration.ofSeconds(30))
          .until(() -> loaded.coordinatorError("g") == Errors.NONE);
      Map<TopicPartitionRef, CommittedOffset> offsets = loaded.committedOffsets("g");
      assertEquals(99, offsets.get(t0).offset());
      assertEquals("m99", offsets.get(t0).metadata());
      assertEquals(0, offsets.get(t0).leaderEpoch());
      assertEquals(7, offsets.get(t1).offset());
      assertTrue(loaded.group("gone").isEmpty(), "a deleted group stays deleted");
    }
  }
}
