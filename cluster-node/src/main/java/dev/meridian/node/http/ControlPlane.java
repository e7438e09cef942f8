package dev.meridian.node.http;

import dev.meridian.node.cluster.MetadataService;
import dev.meridian.node.group.LagReporter;
import dev.meridian.node.link.LinkService;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.util.function.Supplier;

/**
 * The REST control plane of a node: its routes, all under {@code /v1}.
 *
 * <table>
 *   <caption>routes</caption>
 *   <tr><th>route</th><th>answer</th></tr>
 *   <tr><td>{@code GET /v1/health}</td><td>200 with {@link Health} as JSON while the node is a
 *       live member of its region (status {@code UP}); 503 with the same body before
 *       (status {@code STARTING})</td></tr>
 *   <tr><td>{@code GET /v1/cluster}</td><td>200, the region: cluster id, nodes, controller and
 *       its epoch, metadata version ({@link ClusterRoutes})</td></tr>
 *   <tr><td>{@code GET /v1/topics}</td><td>200, every topic with its partition count and
 *       replication factor</td></tr>
 *   <tr><td>{@code GET /v1/topics/{name}}</td><td>200, the topic's partitions with leader,
 *       replicas, ISR, epochs and log offsets; 404 problem {@code topic-not-found}</td></tr>
 *   <tr><td>{@code GET /v1/groups}</td><td>200, the consumer groups with their total lag and
 *       status, as a JSON array; 400 for an unknown {@code status} filter</td></tr>
 *   <tr><td>{@code GET /v1/groups/{group}}</td><td>200, the group with its members and each
 *       partition's lag and status; 404 problem {@code group-not-found} for an unknown
 *       group</td></tr>
 *   <tr><td>{@code GET /v1/links}, {@code GET /v1/links/{name}}, {@code POST
 *       /v1/links/{name}/pause|resume}</td><td>the mirror links into the region
 *       ({@link LinkRoutes})</td></tr>
 *   <tr><td>{@code POST /v1/links/{name}/failover}, {@code GET /v1/operations[/{id}]}, {@code
 *       POST /v1/fences}</td><td>failovers ({@link FailoverRoutes})</td></tr>
 *   <tr><td>{@code POST /v1/halt}</td><td>halts this node for a region-loss drill
 *       ({@link HaltRoutes})</td></tr>
 *   <tr><td>{@code GET /v1/openapi.yaml}</td><td>the OpenAPI 3 document of every route</td></tr>
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
    return router(
        vertx,
        health,
        lag,
        null,
        null,
        null,
        null,
        dev.meridian.config.ControlPlaneSettings.DEFAULTS,
        null);
  }

  /**
   * Creates the router of a node: the region routes ({@link ClusterRoutes}), link routes ({@link
   * LinkRoutes}) and failover routes ({@link FailoverRoutes}) for the services given (a {@code
   * null} one has none), changes authorized by the bearer tokens of {@code settings} ({@link
   * ControlPlaneAuth}), and {@code POST /v1/halt} answered by {@code halt} ({@link HaltRoutes}).
   *
   * @param metadata the node's view of its region, or {@code null} for no region routes
   * @param region the region's name
   * @param links the links into the node's region, or {@code null} for no link routes
   * @param failovers the failover operations of the region, or {@code null} for none
   * @param halt how this node halts, or {@code null} for no halt route
   */
  public static Router router(
      Vertx vertx,
      Supplier<Health> health,
      LagReporter lag,
      MetadataService metadata,
      String region,
      LinkService links,
      dev.meridian.node.failover.FailoverService failovers,
      dev.meridian.config.ControlPlaneSettings settings,
      dev.meridian.node.NodeHalt halt) {
    Router router = Router.router(vertx);
    install(router, settings, health, lag, metadata, region, links, failovers, halt, false);
    return router;
  }

  /** The OpenAPI document of these routes, served at {@code GET /v1/openapi.yaml}. */
  static final String OPENAPI_RESOURCE = "/openapi.yaml";

  private static volatile String openApi;

  static String openApi() {
    String doc = openApi;
    if (doc == null) {
      try (java.io.InputStream in = ControlPlane.class.getResourceAsStream(OPENAPI_RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException("no " + OPENAPI_RESOURCE + " on the class path");
        }
        doc = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      openApi = doc;
    }
    return doc;
  }

  /**
   * Installs the routes on {@code router}; {@code everyRoute} installs the region, link and
   * failover routes even without their services (the OpenAPI test lists them; handlers are not
   * called).
   */
  static void install(
      Router router,
      dev.meridian.config.ControlPlaneSettings settings,
      Supplier<Health> health,
      LagReporter lag,
      MetadataService metadata,
      String region,
      LinkService links,
      dev.meridian.node.failover.FailoverService failovers,
      dev.meridian.node.NodeHalt halt,
      boolean everyRoute) {
    ControlPlaneAuth.install(router, settings, metadata);
    router
        .get("/v1/health")
        .handler(
            ctx -> {
              Health h = health.get();
              ctx.response()
                  .setStatusCode("UP".equals(h.status()) ? 200 : 503)
                  .putHeader("content-type", "application/json")
                  .putHeader("cache-control", "no-store")
                  .end(h.toJson().encode());
            });
    router
        .get("/v1/openapi.yaml")
        .handler(
            ctx -> ctx.response().putHeader("content-type", "application/yaml").end(openApi()));
    GroupRoutes.install(router, lag);
    if (halt != null || everyRoute) {
      HaltRoutes.install(router, halt);
    }
    if (metadata != null || everyRoute) {
      ClusterRoutes.install(router, metadata, region);
      TopicRoutes.install(router, metadata);
      if (links != null || everyRoute) {
        LinkRoutes.install(router, links, metadata);
      }
      if (failovers != null || everyRoute) {
        FailoverRoutes.install(router, failovers, metadata);
        DrillRoutes.install(router, failovers == null ? null : failovers.drills());
      }
    }
    Problems.install(router);
  }
}
