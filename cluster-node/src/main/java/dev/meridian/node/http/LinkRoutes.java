package dev.meridian.node.http;

import dev.meridian.config.ConfigException;
import dev.meridian.config.ConfigLoader;
import dev.meridian.config.ConfigProblem;
import dev.meridian.config.LinkConfig;
import dev.meridian.node.cluster.MetadataService;
import dev.meridian.node.controller.ControllerRequest;
import dev.meridian.node.controller.ItemResult;
import dev.meridian.node.link.LinkService;
import dev.meridian.node.metadata.MetadataCodec;
import dev.meridian.node.metadata.MetadataImage;
import dev.meridian.node.metadata.NodeRegistration;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The mirror link routes: {@code GET /v1/links}, {@code GET /v1/links/{name}} (state, per-partition
 * lag, throughput, last error; gathered from every live node of the region, each of which copies
 * the partitions it leads), {@code POST /v1/links/{name}/pause} and {@code /resume} (kept in the
 * region's metadata, so a paused link stays paused across restarts, and applied at once on every
 * live node of the region), {@code GET /v1/links/{name}/offsets?group=G} (a consumer group's
 * committed offsets in the source, translated for the target, and in the target). {@code
 * docs/rest-api.md} describes the bodies.
 */
final class LinkRoutes {

  /** The problem type for a link this region does not run. */
  static final String LINK_NOT_FOUND = Problems.TYPE_BASE + "link-not-found";

  /** The problem type for a link body with problems (listed in {@code problems}). */
  static final String LINK_INVALID = Problems.TYPE_BASE + "link-invalid";

  /** The problem type for a link that exists already, or is declared in the config file. */
  static final String LINK_CONFLICT = Problems.TYPE_BASE + "link-conflict";

  private static final long ASK_TIMEOUT_MS = 3_000;
  private static final int BODY_LIMIT = 64 * 1024;

  private LinkRoutes() {}

  static void install(Router router, LinkService links, MetadataService metadata) {
    router.get("/v1/links").handler(ctx -> list(ctx, links, metadata));
    router.get("/v1/links/:name").handler(ctx -> detail(ctx, links, metadata));
    router.get("/v1/links/:name/offsets").handler(ctx -> offsets(ctx, links));
    router.post("/v1/links").handler(BodyHandler.create().setBodyLimit(BODY_LIMIT));
    router.post("/v1/links").handler(ctx -> create(ctx, links, metadata, null));
    router.put("/v1/links/:name").handler(BodyHandler.create().setBodyLimit(BODY_LIMIT));
    router
        .put("/v1/links/:name")
        .handler(ctx -> create(ctx, links, metadata, ctx.pathParam("name")));
    router.delete("/v1/links/:name").handler(ctx -> delete(ctx, links, metadata));
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
        .onSuccess(
            m -> GroupRoutes.json(ctx, 200, new JsonArray(new ArrayList<>(m.values())).encode()))
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
                GroupRoutes.json(ctx, 200, s.encode());
              }
            })
        .onFailure(ctx::fail);
  }

  /** {@code GET /v1/links/{name}/offsets?group=G}: the group's source and translated positions. */
  private static void offsets(RoutingContext ctx, LinkService links) {
    String name = ctx.pathParam("name");
    String group = ctx.queryParams().get("group");
    if (group == null || group.isBlank()) {
      Problems.send(ctx, 400, "query parameter 'group' is required");
      return;
    }
    CompletableFuture<JsonObject> answer = links.offsets(name, group).orElse(null);
    if (answer == null) {
      notFound(ctx, name);
      return;
    }
    Future.fromCompletionStage(answer)
        .onSuccess(o -> GroupRoutes.json(ctx, 200, o.encode()))
        .onFailure(
            e ->
                Problems.send(
                    ctx,
                    503,
                    "the link's source did not answer: "
                        + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage())));
  }

  private static void pause(
      RoutingContext ctx, LinkService links, MetadataService metadata, boolean pause) {
    String name = ctx.pathParam("name");
    if (!links.names().contains(name)) {
      notFound(ctx, name);
      return;
    }
    Future.fromCompletionStage(metadata.submit(new ControllerRequest.PauseLink(name, pause)))
        .onFailure(
            e ->
                Problems.send(
                    ctx, 503, "the region's controller did not answer: " + e.getMessage()))
        .onSuccess(
            committed -> {
              // every node follows the image; asking each too makes it take effect before the
              // answer
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
              Future.fromCompletionStage(
                      CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)))
                  .compose(v -> gather(links, metadata))
                  .onSuccess(m -> GroupRoutes.json(ctx, 200, m.get(name).encode()))
                  .onFailure(ctx::fail);
            });
  }

  /**
   * {@code POST /v1/links} (create; {@code ?dryRun=true} only lists what it would touch) and {@code
   * PUT /v1/links/{name}} (replace a link created at run time). The body is the link as JSON with
   * the keys of a {@code links} item of the config file; {@code target} defaults to this region.
   */
  private static void create(
      RoutingContext ctx, LinkService links, MetadataService metadata, String replacing) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      body = null;
    }
    if (body == null) {
      Problems.send(ctx, 400, "the body must be a JSON object with the link's settings");
      return;
    }
    if (!body.containsKey("target")) {
      body.put("target", links.region());
    }
    if (replacing != null && !body.containsKey("name")) {
      body.put("name", replacing);
    }
    LinkConfig link;
    try {
      link = ConfigLoader.parseLink(body.encode(), ctx.request().path());
    } catch (ConfigException e) {
      invalid(ctx, e.problems());
      return;
    }
    MetadataImage image = metadata.image();
    if (replacing != null && !replacing.equals(link.name())) {
      invalid(
          ctx,
          List.of(
              new ConfigProblem(
                  "name",
                  "'" + link.name() + "' is not the link '" + replacing + "' of the path")));
      return;
    }
    if (links.declaredInFile(link.name())) {
      conflict(ctx, "link '" + link.name() + "' is declared in the config file; change it there");
      return;
    }
    boolean exists = image.links().containsKey(link.name());
    if (replacing == null && exists) {
      conflict(
          ctx, "link '" + link.name() + "' exists; PUT /v1/links/" + link.name() + " replaces it");
      return;
    }
    if (replacing != null && !exists) {
      notFound(ctx, replacing);
      return;
    }
    List<ConfigProblem> problems = links.validate(link, image);
    if (!problems.isEmpty()) {
      invalid(ctx, problems);
      return;
    }
    if ("true".equals(ctx.queryParam("dryRun").stream().findFirst().orElse(null))) {
      Future.fromCompletionStage(links.dryRun(link, image))
          .onSuccess(r -> GroupRoutes.json(ctx, 200, r.encode()))
          .onFailure(
              e ->
                  Problems.send(
                      ctx,
                      502,
                      "the source of link '"
                          + link.name()
                          + "' did not answer: "
                          + (e.getCause() != null ? e.getCause() : e)));
      return;
    }
    LinkConfig accepted = link;
    Future.fromCompletionStage(metadata.submit(new ControllerRequest.AlterLinks(link, null)))
        .onSuccess(
            results -> {
              ItemResult r = results.get(0);
              if (!r.ok()) {
                Problems.send(
                    ctx, 503, "the region's controller refused: " + r.error() + " " + r.message());
                return;
              }
              ctx.response().putHeader("location", "/v1/links/" + accepted.name());
              GroupRoutes.json(
                  ctx, replacing == null ? 201 : 200, MetadataCodec.link(accepted).encode());
            })
        .onFailure(
            e ->
                Problems.send(
                    ctx, 503, "the region's controller did not answer: " + e.getMessage()));
  }

  /** {@code DELETE /v1/links/{name}}: a link created at run time stops; its mirror topics stay. */
  private static void delete(RoutingContext ctx, LinkService links, MetadataService metadata) {
    String name = ctx.pathParam("name");
    if (links.declaredInFile(name)) {
      conflict(ctx, "link '" + name + "' is declared in the config file; remove it there");
      return;
    }
    if (!metadata.image().links().containsKey(name)) {
      notFound(ctx, name);
      return;
    }
    Future.fromCompletionStage(metadata.submit(new ControllerRequest.AlterLinks(null, name)))
        .onSuccess(
            results -> {
              ItemResult r = results.get(0);
              if (!r.ok()) {
                notFound(ctx, name);
              } else {
                ctx.response().setStatusCode(204).end();
              }
            })
        .onFailure(
            e ->
                Problems.send(
                    ctx, 503, "the region's controller did not answer: " + e.getMessage()));
  }

  private static void invalid(RoutingContext ctx, List<ConfigProblem> problems) {
    JsonArray list = new JsonArray();
    problems.forEach(
        p -> list.add(new JsonObject().put("path", p.path()).put("reason", p.reason())));
    String detail =
        problems.stream()
            .map(ConfigProblem::toString)
            .collect(java.util.stream.Collectors.joining("; "));
    Problems.send(
        ctx,
        Problems.problem(400, LINK_INVALID, "Invalid link", detail, ctx.request().path())
            .put("problems", list));
  }

  private static void conflict(RoutingContext ctx, String detail) {
    Problems.send(
        ctx, Problems.problem(409, LINK_CONFLICT, "Link conflict", detail, ctx.request().path()));
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
}
