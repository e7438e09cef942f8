package dev.meridian.node.group;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.meridian.config.BrokerSettings;
import org.junit.jupiter.api.Test;

class LagConfigTest {

  @Test
  void defaultsAreBurrowsAndTheRegionConfigsDefaults() {
    assertEquals(new LagConfig(10, 10_000), LagConfig.DEFAULT);
    assertEquals(LagConfig.DEFAULT.intervals(), BrokerSettings.DEFAULTS.lagIntervals());
    assertEquals(LagConfig.DEFAULT.sampleMs(), BrokerSettings.DEFAULTS.lagSampleMs());
  }
}
