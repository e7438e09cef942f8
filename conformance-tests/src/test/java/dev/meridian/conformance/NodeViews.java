package dev.meridian.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.meridian.testsupport.RunningNode;
import dev.meridian.testsupport.TestRegion;
import dev.meridian.testsupport.Wait;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * What one node's own metadata image says ({@code GET /v1/topics/{name}}, {@code GET /v1/cluster}
 * on that node), for tests that must not act before a particular node knows something: an Admin
 * answer comes from whichever node the client picked, and a node that has not yet published a
 * change answers from the image before it.
 */
final class NodeViews {
  private static final ObjectMapper JSON = new ObjectMapper();

  private NodeViews() {}

  /** Partition {@code partition} of {@code topic} as node {@code n} sees it, or null. */
  static JsonNode partition(RunningNode n, String topic, int partition) throws Exception {
    HttpResponse<String> r = Http.get(n.httpPort(), "/v1/topics/" + topic);
    if (r.statusCode() != 200) {
      return null;
    }
    return JSON.readTree(r.body()).path("partitions").get(partition);
  }

  /** Whether node {@code seenBy}'s image ({@code GET /v1/cluster}) holds {@code nodeId} alive. */
  static boolean isAlive(RunningNode seenBy, int nodeId) throws Exception {
    for (JsonNode n :
        JSON.readTree(Http.get(seenBy.httpPort(), "/v1/cluster").body()).path("nodes")) {
      if (n.path("id").asInt() == nodeId) {
        return n.path("alive").asBoolean();
      }
    }
    return false;
  }

  /** Waits until every running node of {@code region} sees every partition of {@code topic} led. */
  static void awaitLedEverywhere(TestRegion region, String topic, int partitions, Duration atMost) {
    for (RunningNode n : region.nodes().values()) {
      for (int p = 0; p < partitions; p++) {
        int index = p;
        Wait.until(
            "node " + n.nodeId() + " sees " + topic + "-" + p + " with a leader",
            atMost,
            () -> {
              JsonNode view = partition(n, topic, index);
              return view != null && view.path("leader").asInt(-1) >= 0;
            });
      }
    }
  }
}
