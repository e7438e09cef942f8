package dev.meridian.node.http;

import dev.meridian.node.NodeHalt;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/halt} with {@code {"downForMs": 30000, "reason": "drill 1234"}} (admin): this
 * node records that it stays down for {@code downForMs} (0 to one hour) and, once the 202 answer is
 * written, halts its JVM as a crash would ({@link NodeHalt}). 403 problem {@code halt-not-allowed}
 * unless the config has {@code controlPlane.allowHalt: true}; 400 for a bad body. Unlike other
 * changes it acts on the node that receives it, not on the region.
 */
final class HaltRoutes {
  /** The problem type of a halt the config does not allow. */
  static final String HALT_NOT_ALLOWED = Problems.TYPE_BASE + "halt-not-allowed";

  private static final Logger LOG = LoggerFactory.getLogger(HaltRoutes.class);

  private HaltRoutes() {}

  static void install(Router router, NodeHalt halt) {
    router.post("/v1/halt").handler(BodyHandler.create().setBodyLimit(4 * 1024));
    router.post("/v1/halt").handler(ctx -> halt(ctx, halt));
  }

  private static void halt(RoutingContext ctx, NodeHalt halt) {
    if (halt == null || !halt.allowed()) {
      LOG.warn(
          "control plane: refused POST /v1/halt from {}: not allowed",
          ctx.request().remoteAddress());
      Problems.send(
          ctx,
          Problems.problem(
              403,
              HALT_NOT_ALLOWED,
              "Halt not allowed",
              "this node may not be halted: the config does not set controlPlane.allowHalt: true",
              ctx.request().path()));
      return;
    }
    JsonObject body;
    try {
      body = ctx.body().length() == 0 ? new JsonObject() : ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      body = null;
    }
    Object down = body == null ? null : body.getValue("downForMs", 0);
    Object why = body == null ? null : body.getValue("reason", "halt requested over REST");
    if (!(down instanceof Number n)
        || n.longValue() < 0
        || n.longValue() > NodeHalt.MAX_DOWN_MS
        || !(why instanceof String reason)) {
      Problems.send(
          ctx,
          400,
          "the body must be {\"downForMs\": 0.."
              + NodeHalt.MAX_DOWN_MS
              + ", \"reason\": \"text\"} (both optional)");
      return;
    }
    long until = System.currentTimeMillis() + n.longValue();
    Vertx vertx = ctx.vertx();
    vertx
        .executeBlocking(
            () -> {
              halt.record(until, reason);
              return null;
            })
        .onComplete(
            done -> {
              if (done.failed()) {
                Problems.send(ctx, 500, "cannot record the halt: " + done.cause().getMessage());
                return;
              }
              ctx.response()
                  .putHeader("content-type", "application/json")
                  .setStatusCode(202)
                  .end(new JsonObject().put("untilMs", until).put("reason", reason).encode())
                  .onComplete(sent -> halt.halt(reason));
            });
  }
}
