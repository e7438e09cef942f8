package dev.meridian.node.http;

import dev.meridian.node.failover.DrillService;
import dev.meridian.node.failover.FailoverService;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The drill routes: {@code POST /v1/drills} with {@code {"link":"e2w","scenario":"planned"|
 * "unplanned"|"region-loss", "records":2000, "ratePerSecond":500, "topic":"meridian-drill",
 * "failBack":false, "downForMs":20000}} (downForMs: how long region-loss keeps the source down)
 * (202 with the report so far and its {@code Location}; 400 for a bad body or scenario, 404 for an
 * unknown link, 409 while a drill or an operation of the link runs or when the link does not select
 * the topic), {@code GET /v1/drills} (every report, the newest first) and {@code GET
 * /v1/drills/{id}}; any node answers the reads.
 */
final class DrillRoutes {
  /** The problem type for a drill this region does not have. */
  static final String DRILL_NOT_FOUND = Problems.TYPE_BASE + "drill-not-found";

  private DrillRoutes() {}

  static void install(Router router, DrillService drills) {
    router.post("/v1/drills").handler(BodyHandler.create().setBodyLimit(16 * 1024));
    router.post("/v1/drills").handler(ctx -> start(ctx, drills));
    router
        .get("/v1/drills")
        .handler(ctx -> GroupRoutes.json(ctx, 200, new JsonArray(drills.drills()).encode()));
    router.get("/v1/drills/:id").handler(ctx -> detail(ctx, drills));
  }

  private static void start(RoutingContext ctx, DrillService drills) {
    JsonObject body;
    try {
      body = ctx.body().length() == 0 ? null : ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      body = null;
    }
    if (body == null || !(body.getValue("link") instanceof String link)) {
      Problems.send(
          ctx,
          400,
          "the body must be a JSON object: {\"link\":\"name\",\"scenario\":\"planned\"|\"unplanned\"}");
      return;
    }
    DrillService.Request request;
    try {
      request =
          new DrillService.Request(
              link,
              string(body, "scenario", "planned"),
              integer(body, "records", 2_000),
              integer(body, "ratePerSecond", 500),
              string(body, "topic", DrillService.Request.DEFAULT_TOPIC),
              bool(body, "failBack"),
              integer(body, "downForMs", (int) DrillService.Request.DEFAULT_DOWN_FOR_MS));
    } catch (IllegalArgumentException e) {
      Problems.send(ctx, 400, e.getMessage());
      return;
    }
    JsonObject first;
    try {
      first = drills.start(request);
    } catch (FailoverService.Refused e) {
      Problems.send(
          ctx,
          Problems.problem(
              e.status(),
              e.status() == 404 ? LinkRoutes.LINK_NOT_FOUND : Problems.ABOUT_BLANK,
              e.status() == 404 ? "Link not found" : "Drill not possible",
              e.getMessage(),
              ctx.request().path()));
      return;
    }
    ctx.response().putHeader("location", "/v1/drills/" + first.getString("id"));
    GroupRoutes.json(ctx, 202, first.encode());
  }

  private static String string(JsonObject body, String key, String fallback) {
    Object v = body.getValue(key, fallback);
    if (!(v instanceof String s) || s.isBlank()) {
      throw new IllegalArgumentException(key + ": must be a non-empty string, not " + v);
    }
    return s;
  }

  private static int integer(JsonObject body, String key, int fallback) {
    Object v = body.getValue(key, fallback);
    if (!(v instanceof Integer i)) {
      throw new IllegalArgumentException(key + ": must be an integer, not " + v);
    }
    return i;
  }

  private static boolean bool(JsonObject body, String key) {
    Object v = body.getValue(key, false);
    if (!(v instanceof Boolean b)) {
      throw new IllegalArgumentException(key + ": must be true or false, not " + v);
    }
    return b;
  }

  private static void detail(RoutingContext ctx, DrillService drills) {
    String id = ctx.pathParam("id");
    drills
        .drill(id)
        .ifPresentOrElse(
            d -> GroupRoutes.json(ctx, 200, d.encode()),
            () ->
                Problems.send(
                    ctx,
                    Problems.problem(
                        404,
                        DRILL_NOT_FOUND,
                        "Drill not found",
                        "region has no drill '" + id + "'",
                        ctx.request().path())));
  }
}
