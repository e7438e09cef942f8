package dev.meridian.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.node.metadata.TopicImage;
import dev.meridian.node.storage.LogConfig;
import dev.meridian.node.storage.LogManager;
import dev.meridian.node.storage.PartitionLog;
import dev.meridian.testsupport.Wait;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node's data from before region clusters is carried into the region's metadata, once. */
class LegacyMetadataImportTest {
  @TempDir Path dir;

  @Test
  void topicsIdsConfigsDataAndProducerIdsOfAnOldNodeAreKept() throws Exception {
    Path logs = dir.resolve("east-1").resolve(MeridianNode.LOGS_DIR);
    Path meta = Files.createDirectories(logs.resolve("__meta"));
    Uuid id = Uuid.randomUuid();
    Files.writeString(
        meta.resolve("topics.json"),
        "{\"version\":3,\"topics\":[{\"name\":\"legacy\",\"id\":\""
            + id
            + "\",\"partitions\":2,\"configs\":{\"retention.ms\":\"86400000\"}}]}");
    Files.writeString(meta.resolve("producer-id-block"), "3000");
    Files.writeString(meta.resolve("cluster.id"), "old-cluster-id\n");
    try (LogManager m = LogManager.open(logs, LogConfig.DEFAULT)) {
      PartitionLog log = m.getOrCreate("legacy", 1, LogConfig.DEFAULT);
      SimpleRecord[] records = new SimpleRecord[5];
      for (int i = 0; i < records.length; i++) {
        records[i] = new SimpleRecord(("v" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      log.appendAsLeader(MemoryRecords.withRecords(Compression.NONE, records).buffer(), 0);
    }

    try (TestBroker node = TestBroker.start(dir)) {
      TopicImage t = node.topic("legacy");
      assertEquals(id, t.id(), "the topic keeps its id");
      assertEquals(2, t.partitionCount());
      assertEquals("86400000", t.configs().get("retention.ms"));
      assertEquals("old-cluster-id", node.context().image().clusterId());
      Wait.until("legacy-1 led", () -> node.partition("legacy", 1).isLeader());
      assertEquals(5, node.partition("legacy", 1).logEndOffset(), "its data is still there");
      assertTrue(
          node.context().producerIds().nextId() >= 3000, "producer ids continue above the old");
      assertTrue(Files.isDirectory(logs.resolve("__meta.imported")));
    }
    try (TestBroker again = TestBroker.start(dir)) {
      assertEquals(id, again.topic("legacy").id(), "imported once, then from the metadata log");
    }
  }
}
