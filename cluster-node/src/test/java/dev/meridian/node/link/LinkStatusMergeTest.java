package dev.meridian.node.link;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The status merge of a link over the nodes of its target region. */
class LinkStatusMergeTest {

  private static JsonObject status(String state, long bytesPerSecond, String... partitions) {
    JsonArray parts = new JsonArray();
    for (String p : partitions) {
      String[] tp = p.split("-");
      parts.add(new JsonObject().put("topic", tp[0]).put("partition", Integer.parseInt(tp[1])));
    }
    return new JsonObject()
        .put("name", "e2w")
        .put("state", state)
        .put("reason", state.equals("RUNNING") ? null : "why " + state)
        .put("bytesPerSecond", bytesPerSecond)
        .put("recordsPerSecond", 1L)
        .put("wireBytes", 10L)
        .put("recordBytes", 30L)
        .put("partitions", parts);
  }

  @Test
  void theMergeHasEveryPartitionTheSumsAndTheWorstState() {
    JsonObject merged =
        LinkService.merge(
            List.of(
                status("RUNNING", 100, "orders-1", "orders-0"),
                status("DEGRADED", 50, "audit-0"),
                status("PAUSED", 0, "orders-2")));
    assertEquals("DEGRADED", merged.getString("state"));
    assertEquals("why DEGRADED", merged.getString("reason"));
    assertEquals(150L, merged.getLong("bytesPerSecond"));
    assertEquals(30L, merged.getLong("wireBytes"));
    assertEquals(90L, merged.getLong("recordBytes"));
    List<String> order =
        merged.getJsonArray("partitions").stream()
            .map(
                o ->
                    ((JsonObject) o).getString("topic")
                        + "-"
                        + ((JsonObject) o).getInteger("partition"))
            .toList();
    assertEquals(List.of("audit-0", "orders-0", "orders-1", "orders-2"), order);
  }
}
