package dev.meridian.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.node.group.GroupConfig;
import dev.meridian.node.storage.LogManager;
import org.junit.jupiter.api.Test;

class KafkaBrokerTest {

  @Test
  void retentionCheckDefaultsToFiveMinutes() {
    assertEquals(LogManager.DEFAULT_RETENTION_CHECK_MS, KafkaBroker.retentionCheckMs(null));
    assertEquals(300_000, LogManager.DEFAULT_RETENTION_CHECK_MS);
  }

  @Test
  void retentionCheckIsTakenFromThePropertyValue() {
    assertEquals(250, KafkaBroker.retentionCheckMs("250"));
    assertEquals(1000, KafkaBroker.retentionCheckMs(" 1000 "));
  }

  @Test
  void badRetentionCheckValuesNameTheProperty() {
    for (String bad : new String[] {"0", "-5", "soon", ""}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> KafkaBroker.retentionCheckMs(bad));
      assertTrue(e.getMessage().contains("meridian.log.retention.check.ms"), e.getMessage());
      assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
    }
  }

  @Test
  void groupSettingsDefaultToKafkasAndComeFromTheProperties() {
    assertEquals(GroupConfig.DEFAULTS, KafkaBroker.groupConfig(null, null, null));
    assertEquals(3000, GroupConfig.DEFAULTS.initialRebalanceDelayMs());
    assertEquals(7L * 24 * 3600 * 1000, GroupConfig.DEFAULTS.offsetsRetentionMs());
    GroupConfig c = KafkaBroker.groupConfig("0", "60", "5000");
    assertEquals(0, c.initialRebalanceDelayMs());
    assertEquals(3_600_000, c.offsetsRetentionMs());
    assertEquals(5000, c.offsetsRetentionCheckMs());
  }

  @Test
  void badGroupSettingsNameTheProperty() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> KafkaBroker.groupConfig("-1", null, null));
    assertTrue(
        e.getMessage().contains("meridian.group.initial.rebalance.delay.ms"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class, () -> KafkaBroker.groupConfig(null, "0", null));
    assertTrue(e.getMessage().contains("meridian.offsets.retention.minutes"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class, () -> KafkaBroker.groupConfig(null, null, "x"));
    assertTrue(e.getMessage().contains("meridian.offsets.retention.check.ms"), e.getMessage());
  }
}
