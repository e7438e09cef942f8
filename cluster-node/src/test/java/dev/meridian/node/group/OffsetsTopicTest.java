package dev.meridian.node.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.config.TopicDefaults;
import dev.meridian.node.NodeLogConfigs;
import dev.meridian.node.cluster.TopicConfigs;
import dev.meridian.node.cluster.TopicManager;
import dev.meridian.node.cluster.TopicMetadata;
import dev.meridian.node.cluster.TopicStore;
import dev.meridian.node.group.GroupQuery.TopicPartitionRef;
import dev.meridian.node.replication.ReplicaManager;
import dev.meridian.node.storage.LogCleaner;
import dev.meridian.node.storage.LogManager;
import dev.meridian.node.storage.PartitionLog;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code __consumer_offsets} on real partition logs: created compacted at the first open, the
 * coordinator's state reloaded from disk after the logs are closed and reopened, also after
 * compaction has removed the superseded records.
 */
class OffsetsTopicTest {
  @TempDir Path dir;

  private LogManager logs;
  private TopicManager topics;

  private void open() throws Exception {
    logs = LogManager.open(dir, NodeLogConfigs.from(TopicDefaults.DEFAULTS));
    topics =
        new TopicManager(
            TopicStore.open(dir),
            new ReplicaManager(logs),
            new TopicConfigs(TopicDefaults.DEFAULTS),
            1);
    topics.openAll();
  }

  private GroupCoordinator coordinator(OffsetsTopic log) {
    return new GroupCoordinator(
        GroupConfig.DEFAULTS, log, Runnable::run, System::currentTimeMillis);
  }

  @Test
  void offsetsSurviveReopeningAndCompaction() throws Exception {
    open();
    OffsetsTopic topic = OffsetsTopic.open(topics, 5, System::currentTimeMillis);
    TopicMetadata meta = topics.topic(OffsetsTopic.NAME).orElseThrow();
    assertEquals(5, meta.partitions());
    assertEquals("compact", meta.configs().get("cleanup.policy"));
    GroupCoordinator c = coordinator(topic);
    TopicPartitionRef t0 = new TopicPartitionRef("t", 0);
    TopicPartitionRef t1 = new TopicPartitionRef("t", 1);
    for (int i = 0; i < 100; i++) {
      Map<TopicPartitionRef, Errors> r =
          c.commitOffsets("g", "", null, -1, Map.of(t0, new CommittedOffset(i, 0, "m" + i, -1)))
              .join();
      assertEquals(Errors.NONE, r.get(t0));
    }
    c.commitOffsets("g", "", null, -1, Map.of(t1, new CommittedOffset(7, -1, "", -1))).join();
    c.commitOffsets("gone", "", null, -1, Map.of(t0, new CommittedOffset(1, -1, "", -1))).join();
    assertEquals(Map.of("gone", Errors.NONE), c.deleteGroups(List.of("gone")).join());

    PartitionLog log =
        topics.partition(OffsetsTopic.NAME, topic.partitionFor("g")).orElseThrow().log();
    long before = log.size();
    log.roll();
    LogCleaner.Result cleaned = LogCleaner.maybeClean(log, true);
    assertTrue(cleaned.bytesAfter() < cleaned.bytesBefore(), "compaction removed old commits");
    assertTrue(log.size() < before);
    logs.close();

    open();
    OffsetsTopic reopened = OffsetsTopic.open(topics, 50, System::currentTimeMillis);
    assertEquals(5, reopened.partitions(), "an existing offsets topic keeps its partitions");
    GroupCoordinator loaded = coordinator(reopened);
    loaded.load();
    Map<TopicPartitionRef, CommittedOffset> offsets = loaded.committedOffsets("g");
    assertEquals(99, offsets.get(t0).offset());
    assertEquals("m99", offsets.get(t0).metadata());
    assertEquals(0, offsets.get(t0).leaderEpoch());
    assertEquals(7, offsets.get(t1).offset());
    assertTrue(loaded.group("gone").isEmpty(), "a deleted group stays deleted");
    logs.close();
  }
}
