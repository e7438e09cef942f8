package dev.meridian.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.meridian.config.BrokerSettings;
import dev.meridian.node.group.GroupConfig;
import org.junit.jupiter.api.Test;

class KafkaBrokerTest {

  @Test
  void groupSettingsComeFromTheBrokerSectionWithKafkasDefaults() {
    assertEquals(GroupConfig.DEFAULTS, KafkaBroker.groupConfig(BrokerSettings.DEFAULTS));
    assertEquals(3000, GroupConfig.DEFAULTS.initialRebalanceDelayMs());
    assertEquals(7L * 24 * 3600 * 1000, GroupConfig.DEFAULTS.offsetsRetentionMs());
    BrokerSettings d = BrokerSettings.DEFAULTS;
    BrokerSettings s =
        new BrokerSettings(
            d.retentionCheckIntervalMs(),
            0,
            60,
            5000,
            d.offsetsTopicPartitions(),
            d.offsetsTopicReplicationFactor(),
            d.lagIntervals(),
            d.lagSampleMs(),
            d.memberHeartbeatSeconds(),
            d.memberFailureSeconds(),
            d.memberMergeDelaySeconds(),
            d.controllerRequestTimeoutMs());
    GroupConfig c = KafkaBroker.groupConfig(s);
    assertEquals(0, c.initialRebalanceDelayMs());
    assertEquals(3_600_000, c.offsetsRetentionMs());
    assertEquals(5000, c.offsetsRetentionCheckMs());
  }
}
