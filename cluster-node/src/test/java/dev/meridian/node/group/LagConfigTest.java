package dev.meridian.node.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LagConfigTest {

  @Test
  void defaultsAreBurrows() {
    assertEquals(new LagConfig(10, 10_000), LagConfig.fromProperties(k -> null));
    assertEquals(LagConfig.DEFAULT, LagConfig.fromProperties(k -> null));
  }

  @Test
  void valuesAreTakenFromTheProperties() {
    Map<String, String> props =
        Map.of("meridian.lag.intervals", " 20 ", "meridian.lag.sample.ms", "250");
    assertEquals(new LagConfig(20, 250), LagConfig.fromProperties(props::get));
  }

  @Test
  void everyBadValueIsReportedWithItsProperty() {
    Map<String, String> props =
        Map.of("meridian.lag.intervals", "1", "meridian.lag.sample.ms", "soon");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> LagConfig.fromProperties(props::get));
    assertTrue(e.getMessage().contains("meridian.lag.intervals must be"), e.getMessage());
    assertTrue(e.getMessage().contains("was '1'"), e.getMessage());
    assertTrue(e.getMessage().contains("meridian.lag.sample.ms must be"), e.getMessage());
    assertTrue(e.getMessage().contains("was 'soon'"), e.getMessage());
  }

  @Test
  void boundsAreChecked() {
    for (String bad : new String[] {"0", "1001", "-3", ""}) {
      assertThrows(
          IllegalArgumentException.class,
          () -> LagConfig.fromProperties(k -> k.equals(LagConfig.INTERVALS_PROPERTY) ? bad : null));
    }
    for (String bad : new String[] {"99", "0", "-1"}) {
      assertThrows(
          IllegalArgumentException.class,
          () -> LagConfig.fromProperties(k -> k.equals(LagConfig.SAMPLE_MS_PROPERTY) ? bad : null));
    }
    assertEquals(
        1000,
        LagConfig.fromProperties(k -> k.equals(LagConfig.INTERVALS_PROPERTY) ? "1000" : null)
            .intervals());
  }
}
