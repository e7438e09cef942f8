package dev.meridian.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
