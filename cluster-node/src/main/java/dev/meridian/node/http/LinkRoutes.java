package dev.meridian.node.http;

import dev.meridian.node.cluster.MetadataService;
import dev.meridian.node.link.LinkService;
import dev.meridian.node.metadata.NodeRegistration;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The mirror link routes: {@code GET /v1/links}, {@code GET /v1/links/{name}} (state, per-partition
 * lag, throughput, last error; gathered from every live node of the region, each of which copies
 * the partitions it leads), {@code POST /v1/links/{name}/pause} and {@code /resume} (on every live
 * node of the region). {@code docs/rest-api.md} describes the bodies.
 */
final class LinkRoutes {

  /** The problem type for a link this region does not run. */
  static final String LINK_NOT_FOUND = Problems.TYPE_BASE + "link-not-found";

  private static final long ASK_TIMEOUT_MS = 3_000;

  private LinkRoutes() {}

  static void install(Router router, LinkService links, MetadataService metadata) {
    router.get("/v1/links").handler(ctx -> list(ctx, links, metadata));
    router.get("/v1/links/:name").handler(ctx -> detail(ctx, links, metadata));
    router.post("/v1/links/:name/pause").handler(ctx -> pause(ctx, links, metadata, true));
    router.post("/v1/links/:name/resume").handler(ctx -> pause(ctx, links, metadata, false));
  }

  private static List<Integer> liveNodes(MetadataService metadata) {
    List<Integer> out = new ArrayList<>();
    for (NodeRegistration n : metadata.image().nodes().values()) {
      if (n.alive()) {
        out.add(n.id());
      }
    }
    if (!out.contains(metadata.nodeId())) {
      out.add(metadata.nodeId());
    }
    return out;
  }

  /** Every node's share of every link, merged by link name. */
  private static Future<Map<String, JsonObject>> gather(
      LinkService links, MetadataService metadata) {
    List<CompletableFuture<JsonObject>> answers = new ArrayList<>();
    for (int node : liveNodes(metadata)) {
      answers.add(
          metadata
              .ask(node, LinkService.STATUS_ASK, new JsonObject(), ASK_TIMEOUT_MS)
              .exceptionally(e -> null));
    }
    CompletableFuture<Map<String, JsonObject>> all =
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
            .thenApply(
                v -> {
                  Map<String, List<JsonObject>> byName = new LinkedHashMap<>();
                  links.names().forEach(n -> byName.put(n, new ArrayList<>()));
                  for (CompletableFuture<JsonObject> a : answers) {
                    JsonObject answer = a.join();
                    if (answer == null) {
                      continue;
                    }
                    for (Object o : answer.getJsonArray("links", new JsonArray())) {
                      JsonObject s = (JsonObject) o;
                      byName.computeIfAbsent(s.getString("name"), k -> new ArrayList<>()).add(s);
                    }
                  }
                  Map<String, JsonObject> merged = new LinkedHashMap<>();
                  byName.forEach(
                      (name, list) -> {
                        if (!list.isEmpty()) {
                          merged.put(name, LinkService.merge(list));
                        }
                      });
                  return merged;
                });
    return Future.fromCompletionStage(all);
  }

  private static void list(RoutingContext ctx, LinkService links, MetadataService metadata) {
    gather(links, metadata)
        .onSuccess(m -> json(ctx, 200, new JsonArray(new ArrayList<>(m.values())).encode()))
        .onFailure(ctx::fail);
  }

  private static void detail(RoutingContext ctx, LinkService links, MetadataService metadata) {
    String name = ctx.pathParam("name");
    if (!links.names().contains(name)) {
      notFound(ctx, name);
      return;
    }
    gather(links, metadata)
        .onSuccess(
            m -> {
              JsonObject s = m.get(name);
              if (s == null) {
                notFound(ctx, name);
              } else {
                json(ctx, 200, s.encode());
              }
            })
        .onFailure(ctx::fail);
  }

  private static void pause(
      RoutingContext ctx, LinkService links, MetadataService metadata, boolean pause) {
    String name = ctx.pathParam("name");
    if (!links.names().contains(name)) {
      notFound(ctx, name);
      return;
    }
    List<CompletableFuture<JsonObject>> answers = new ArrayList<>();
    for (int node : liveNodes(metadata)) {
      answers.add(
          metadata
              .ask(
                  node,
                  LinkService.PAUSE_ASK,
                  new JsonObject().put("name", name).put("pause", pause),
                  ASK_TIMEOUT_MS)
              .exceptionally(e -> null));
    }
    Future.fromCompletionStage(CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)))
        .compose(v -> gather(links, metadata))
        .onSuccess(m -> json(ctx, 200, m.get(name).encode()))
        .onFailure(ctx::fail);
  }

  private static void notFound(RoutingContext ctx, String name) {
    Problems.send(
        ctx,
        Problems.problem(
            404,
            LINK_NOT_FOUND,
            "Link not found",
            "region has no link '" + name + "' into it",
            ctx.request().path()));
  }

  private static void json(RoutingContext ctx, int status, String body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("content-type", "application/json")
        .putHeader("cache-control", "no-store")
        .end(body);
  }
}
