package dev.meridian.node.metadata;

import dev.meridian.failover.FailoverOperation;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON form of a {@link FailoverOperation}, as kept in the metadata log and snapshots and
 * answered by {@code GET /v1/operations/{id}}:
 *
 * <pre>
 * {"id":"...","link":"e2w","type":"PLANNED","reverse":false,"state":"DRAINING","startedMs":1,
 *  "stateSinceMs":2,"fencedEnds":{"orders-0":120},"promoted":{"orders-0":{"offset":120,"epoch":3}},
 *  "sourceBehind":{},"rpoMs":0,"rpoRecords":0,"rtoMs":-1,"reason":null,
 *  "history":[{"state":"FENCING","atMs":1,"note":null}, ...]}
 * </pre>
 *
 * {@code rpoRecords}, {@code quarantinedRecords} and {@code rtoMs} are derived (written for
 * readers, ignored when read).
 */
public final class OperationCodec {
  private OperationCodec() {}

  /** The JSON form of an operation. */
  public static JsonObject toJson(FailoverOperation op) {
    JsonObject promoted = new JsonObject();
    op.promoted()
        .forEach(
            (tp, p) ->
                promoted.put(
                    tp, new JsonObject().put("offset", p.offset()).put("epoch", p.epoch())));
    JsonArray history = new JsonArray();
    op.history()
        .forEach(
            t ->
                history.add(
                    new JsonObject()
                        .put("state", t.state().name())
                        .put("atMs", t.atMs())
                        .put("note", t.note())));
    return new JsonObject()
        .put("id", op.id())
        .put("link", op.link())
        .put("type", op.type().name())
        .put("reverse", op.reverse())
        .put("state", op.state().name())
        .put("startedMs", op.startedMs())
        .put("stateSinceMs", op.stateSinceMs())
        .put("fencedEnds", longs(op.fencedEnds()))
        .put("promoted", promoted)
        .put("sourceBehind", longs(op.sourceBehind()))
        .put("rpoMs", op.rpoMs())
        .put("rpoRecords", op.rpoRecords())
        .put("rtoMs", op.rtoMs())
        .put("quarantined", longs(op.quarantined()))
        .put("quarantinedRecords", op.quarantinedRecords())
        .put("reason", op.reason())
        .put("history", history);
  }

  /**
   * The operation of a JSON form.
   *
   * @throws IllegalArgumentException when it is malformed
   */
  public static FailoverOperation fromJson(JsonObject j) {
    try {
      Map<String, FailoverOperation.Position> promoted = new TreeMap<>();
      JsonObject p = j.getJsonObject("promoted", new JsonObject());
      for (String tp : p.fieldNames()) {
        JsonObject at = p.getJsonObject(tp);
        promoted.put(
            tp, new FailoverOperation.Position(at.getLong("offset"), at.getInteger("epoch")));
      }
      List<FailoverOperation.Transition> history = new ArrayList<>();
      for (Object o : j.getJsonArray("history")) {
        JsonObject t = (JsonObject) o;
        history.add(
            new FailoverOperation.Transition(
                FailoverOperation.State.valueOf(t.getString("state")),
                t.getLong("atMs"),
                t.getString("note")));
      }
      return new FailoverOperation(
          j.getString("id"),
          j.getString("link"),
          FailoverOperation.Type.valueOf(j.getString("type")),
          j.getBoolean("reverse", false),
          FailoverOperation.State.valueOf(j.getString("state")),
          j.getLong("startedMs"),
          j.getLong("stateSinceMs"),
          longsFromJson(j.getJsonObject("fencedEnds")),
          promoted,
          longsFromJson(j.getJsonObject("sourceBehind")),
          j.getLong("rpoMs", 0L),
          longsFromJson(j.getJsonObject("quarantined")),
          j.getString("reason"),
          history);
    } catch (ClassCastException | NullPointerException e) {
      throw new IllegalArgumentException("malformed failover operation " + j.encode(), e);
    }
  }

  private static JsonObject longs(Map<String, Long> m) {
    JsonObject o = new JsonObject();
    new TreeMap<>(m).forEach(o::put);
    return o;
  }

  private static Map<String, Long> longsFromJson(JsonObject o) {
    Map<String, Long> m = new TreeMap<>();
    if (o != null) {
      for (String k : o.fieldNames()) {
        m.put(k, o.getLong(k));
      }
    }
    return m;
  }
}
