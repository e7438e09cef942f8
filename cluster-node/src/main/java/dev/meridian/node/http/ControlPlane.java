package dev.meridian.node.http;

import dev.meridian.node.group.LagReporter;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.util.function.Supplier;

/**
 * The REST control plane of a node: its routes, all under {@code /v1}.
 *
 * <table>
 *   <caption>routes</caption>
 *   <tr><th>route</th><th>answer</th></tr>
 *   <tr><td>{@code GET /v1/health}</td><td>200, {@link Health} as JSON</td></tr>
 *   <tr><td>{@code GET /v1/groups}</td><td>200, the consumer groups with their total lag and
 *       status, as a JSON array; 400 for an unknown {@code status} filter</td></tr>
 *   <tr><td>{@code GET /v1/groups/{group}}</td><td>200, the group with its members and each
 *       partition's lag and status; 404 problem {@code group-not-found} for an unknown
 *       group</td></tr>
 *   <tr><td>anything else</td><td>4xx with a {@link Problems problem} body</td></tr>
 * </table>
 *
 * <p>Handlers run on the event loop and must not block; the suppliers and the {@link LagReporter}
 * they call read in-memory state only. {@code docs/rest-api.md} documents the routes.
 */
public final class ControlPlane {

  private ControlPlane() {}

  /**
   * Creates the router.
   *
   * @param vertx the Vert.x instance the server runs on
   * @param health computes the current health; called on the event loop
   * @param lag the consumer groups and their lag; called on the event loop
   */
  public static Router router(Vertx vertx, Supplier<Health> health, LagReporter lag) {
    Router router = Router.router(vertx);
    router
        .get("/v1/health")
        .handler(
            ctx ->
                ctx.response()
                    .putHeader("content-type", "application/json")
                    .putHeader("cache-control", "no-store")
                    .end(health.get().toJson().encode()));
    GroupRoutes.install(router, lag);
    Problems.install(router);
    return router;
  }
}
