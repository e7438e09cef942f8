package dev.meridian.node.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.config.TopicDefaults;
import dev.meridian.node.storage.LogConfig;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

class TopicConfigsTest {
  private final TopicConfigs configs = new TopicConfigs(TopicDefaults.DEFAULTS);

  @Test
  void everyTopicConfigOfKafkaClientsIsKnownWithAValidDefault() throws Exception {
    for (var f : TopicConfig.class.getFields()) {
      if (f.getName().endsWith("_CONFIG")) {
        String key = (String) f.get(null);
        assertTrue(configs.isKnown(key), key);
        assertNull(configs.validate(key, configs.defaults().get(key)), key);
      }
    }
    assertTrue(configs.isKnown(TopicConfigs.LEADER_THROTTLED_REPLICAS));
    assertTrue(configs.isKnown(TopicConfigs.FOLLOWER_THROTTLED_REPLICAS));
    assertFalse(configs.isKnown("message.timestamp.difference.max.ms")); // removed in Kafka 4.0
    assertFalse(configs.isKnown("message.format.version"));
    assertNotNull(configs.validate("no.such.config", "1"));
  }

  @Test
  void kafkaDefaultsWhereTheRegionConfigHasNone() {
    Map<String, String> d = configs.defaults();
    assertEquals("producer", d.get("compression.type"));
    assertEquals("0.5", d.get("min.cleanable.dirty.ratio"));
    assertEquals("3600000", d.get("message.timestamp.after.max.ms"));
    assertEquals(Long.toString(Long.MAX_VALUE), d.get("message.timestamp.before.max.ms"));
    assertEquals("-2", d.get("local.retention.ms"));
    assertEquals("10485760", d.get("segment.index.bytes"));
    assertEquals("-1", d.get("compression.gzip.level"));
    assertEquals("9", d.get("compression.lz4.level"));
    assertEquals("3", d.get("compression.zstd.level"));
  }

  @Test
  void valuesAreCheckedByTypeAndRangeAsKafkaDoes() {
    Map<String, String> valid =
        Map.ofEntries(
            Map.entry("min.cleanable.dirty.ratio", "0.9"),
            Map.entry("min.cleanable.dirty.ratio ", "1"),
            Map.entry("compression.type", "zstd"),
            Map.entry("compression.gzip.level", "9"),
            Map.entry("compression.zstd.level", "-5"),
            Map.entry("preallocate", "TRUE"),
            Map.entry("cleanup.policy", ""),
            Map.entry("local.retention.bytes", "-2"),
            Map.entry("leader.replication.throttled.replicas", "0:1, 1:2"));
    for (var e : valid.entrySet()) {
      assertNull(configs.validate(e.getKey().trim(), e.getValue()), e.toString());
    }
    Set<String[]> invalid =
        Set.of(
            new String[] {"min.cleanable.dirty.ratio", "1.5", "no more than 1"},
            new String[] {"min.cleanable.dirty.ratio", "half", "DOUBLE"},
            new String[] {"compression.type", "brotli", "String must be one of"},
            new String[] {"compression.gzip.level", "0", "between 1 and 9 or equal to -1"},
            new String[] {"compression.lz4.level", "18", "no more than 17"},
            new String[] {"compression.zstd.level", "23", "no more than 22"},
            new String[] {"preallocate", "yes", "true or false"},
            new String[] {"cleanup.policy", "compact,forever", "forever"},
            new String[] {"segment.ms", "0", "at least 1"},
            new String[] {"local.retention.ms", "-3", "at least -2"},
            new String[] {"max.compaction.lag.ms", "0", "at least 1"},
            new String[] {"message.timestamp.type", "Now", "CreateTime"},
            new String[] {"remote.storage.enable", "true", "Tiered Storage"},
            new String[] {"follower.replication.throttled.replicas", "a:b", "partition:node"});
    for (String[] c : invalid) {
      String problem = configs.validate(c[0], c[1]);
      assertNotNull(problem, c[0] + "=" + c[1]);
      assertTrue(problem.contains(c[2]), problem);
      assertTrue(problem.contains(c[0]) || c[0].startsWith("remote"), problem);
    }
  }

  @Test
  void logConfigCarriesTheKeysThatApply() {
    LogConfig c =
        configs.logConfig(
            Map.of(
                "compression.type", "zstd",
                "compression.zstd.level", "7",
                "message.timestamp.before.max.ms", "1000",
                "min.compaction.lag.ms", "5000",
                "max.compaction.lag.ms", "60000",
                "min.cleanable.dirty.ratio", "0.25",
                "index.interval.bytes", "100",
                "file.delete.delay.ms", "5",
                "cleanup.policy", ""));
    assertEquals("zstd", c.compressionType());
    assertEquals(7, c.compressionLevel());
    assertEquals(1000, c.timestampBeforeMaxMs());
    assertEquals(3_600_000, c.timestampAfterMaxMs());
    assertEquals(5000, c.minCompactionLagMs());
    assertEquals(60000, c.maxCompactionLagMs());
    assertEquals(0.25, c.minCleanableDirtyRatio());
    assertEquals(100, c.indexIntervalBytes());
    assertEquals(5, c.fileDeleteDelayMs());
    assertFalse(c.compact());
    assertFalse(c.delete());
    LogConfig appendTime =
        configs.logConfig(
            Map.of("message.timestamp.type", "LogAppendTime", "compression.type", "lz4"));
    assertFalse(appendTime.checksTimestamps()); // ignored with LogAppendTime, as in Kafka
    assertEquals(9, appendTime.compressionLevel());
  }
}
