package dev.meridian.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.config.TopicDefaults;
import dev.meridian.node.storage.LogConfig;
import org.junit.jupiter.api.Test;

class NodeLogConfigsTest {

  @Test
  void kafkaDefaultsGiveTheStorageDefaults() {
    assertEquals(LogConfig.DEFAULT, NodeLogConfigs.from(TopicDefaults.DEFAULTS));
  }

  @Test
  void everyLogFieldIsCarriedOver() {
    TopicDefaults d =
        new TopicDefaults(
            3, (short) 2, 1000, 2000, 4096, 5000, "compact,delete", 777, 1, false, 10, 20, 30);
    LogConfig c = NodeLogConfigs.from(d);
    assertEquals(4096, c.segmentBytes());
    assertEquals(5000, c.segmentMs());
    assertEquals(1000, c.retentionMs());
    assertEquals(2000, c.retentionBytes());
    assertTrue(c.compact());
    assertTrue(c.delete());
    assertEquals(777, c.maxMessageBytes());
    assertEquals(10, c.flushMessages());
    assertEquals(20, c.flushMs());
    assertEquals(30, c.deleteRetentionMs());
    assertEquals(LogConfig.DEFAULT.indexIntervalBytes(), c.indexIntervalBytes());
    assertEquals(LogConfig.DEFAULT.fileDeleteDelayMs(), c.fileDeleteDelayMs());
  }

  @Test
  void compactOnlyTurnsDeleteOff() {
    TopicDefaults d =
        new TopicDefaults(1, (short) 1, -1, -1, 1 << 20, 1000, "compact", 1000, 1, true, 1, 0, 0);
    LogConfig c = NodeLogConfigs.from(d);
    assertTrue(c.compact());
    assertEquals(false, c.delete());
  }

  @Test
  void valuesTheStorageRejectsNameTheKafkaKey() {
    TopicDefaults d =
        new TopicDefaults(1, (short) 1, -1, -1, 10, 1000, "delete", 1000, 1, true, 1, 0, 0);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> NodeLogConfigs.from(d));
    assertTrue(e.getMessage().contains("segment.bytes"), e.getMessage());
  }
}
