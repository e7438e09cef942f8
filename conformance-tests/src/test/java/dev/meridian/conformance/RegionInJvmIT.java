package dev.meridian.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.testsupport.RegionYaml;
import dev.meridian.testsupport.TestRegion;
import dev.meridian.testsupport.Wait;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Node;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A region of three nodes in the test JVM, on ephemeral Kafka and HTTP ports (the nodes find each
 * other by their cluster ports and learn each other's bound ports from the membership): one
 * controller, every node's metadata the same, and a clean stop of the controller handing the office
 * to another node at once.
 */
class RegionInJvmIT {
  @TempDir Path tmp;

  @Test
  void threeNodesInOneJvmFormARegionAndACleanStopMovesTheController() throws Exception {
    RegionYaml yaml = RegionYaml.of("east", 3);
    for (RegionYaml.Node n : yaml.nodes()) {
      yaml.kafkaPort(n.id(), 0);
    }
    try (TestRegion region = new TestRegion(yaml, tmp, InJvmNode.launcher()).start()) {
      int controller;
      try (Admin admin = Admin.create(Clients.admin(region.bootstrap()))) {
        // every node is UP in its own image; the one answering may apply the last registration
        // a moment later
        List<Node> nodes =
            Wait.forValue(
                "three nodes in the answering node's image",
                Duration.ofSeconds(10),
                () -> {
                  List<Node> seen =
                      List.copyOf(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS));
                  return seen.size() == 3 ? seen : null;
                });
        assertEquals(3, nodes.size());
        for (Node n : nodes) {
          assertEquals(
              region.node(n.id()).kafkaPort(), n.port(), "bound ports, not the config's 0");
        }
        controller = admin.describeCluster().controller().get(30, TimeUnit.SECONDS).id();
      }
      long versions =
          region.nodes().values().stream()
              .map(n -> ((InJvmNode) n).node().metadata().image().clusterId())
              .distinct()
              .count();
      assertEquals(1, versions, "one cluster id on every node");

      long t0 = System.nanoTime();
      region.node(controller).close();
      int survivor = controller == 1 ? 2 : 1;
      try (Admin admin = Admin.create(Clients.admin(region.node(survivor).bootstrap()))) {
        Wait.until(
            "another controller",
            Duration.ofSeconds(10),
            () -> {
              Node c = admin.describeCluster().controller().get(5, TimeUnit.SECONDS);
              return c != null && c.id() >= 0 && c.id() != controller;
            });
        assertNotEquals(controller, admin.describeCluster().controller().get().id());
      }
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      System.out.println(
          "RegionInJvmIT: clean stop of controller " + controller + " to a new one: " + ms + " ms");
      assertTrue(ms < 10_000, ms + " ms");
    }
  }
}
