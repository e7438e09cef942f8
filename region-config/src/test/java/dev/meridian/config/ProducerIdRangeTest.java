package dev.meridian.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Each region hands out producer ids of its own range; a file's regions never share one. */
class ProducerIdRangeTest {
  @Test
  void rangesAreDisjointAboveKafkasAndBelowJavaScriptsSafeIntegers() {
    long east = ProducerIdRange.first("east");
    long west = ProducerIdRange.first("west");
    assertTrue(east >= 1L << 32, "above what an Apache Kafka cluster counts up to");
    assertTrue(ProducerIdRange.end("east") <= west || ProducerIdRange.end("west") <= east);
    for (String name : List.of("east", "west", "zzzzzzzzzzzzzzzz")) {
      assertTrue(ProducerIdRange.end(name) <= 1L << 53, name);
    }
    assertEquals(ProducerIdRange.first("east"), ProducerIdRange.first("east"), "stable");
  }

  @Test
  void twoRegionsOfAFileSharingARangeAreRefused() {
    // "raaaaa" and "rbegeb" hash to the same 20 bits
    assertEquals(ProducerIdRange.slot("raaaaa"), ProducerIdRange.slot("rbegeb"));
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                ConfigLoader.parse(
                    """
                    regions:
                      - name: raaaaa
                        nodes: [{id: 1, host: 127.0.0.1, kafkaPort: 9092, httpPort: 0, dataDir: a}]
                      - name: rbegeb
                        nodes: [{id: 2, host: 127.0.0.1, kafkaPort: 9192, httpPort: 0, dataDir: b}]
                    """,
                    "t.yaml"));
    assertEquals(
        List.of(
            "regions[1].name: 'rbegeb' would hand out the same producer ids as region 'raaaaa' (a"
                + " failover between them could mistake one's producers for the other's); rename"
                + " one"),
        e.problems().stream().map(ConfigProblem::toString).toList());
  }
}
