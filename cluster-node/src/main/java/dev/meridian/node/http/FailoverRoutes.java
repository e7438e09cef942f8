package dev.meridian.node.http;

import dev.meridian.failover.FailoverOperation;
import dev.meridian.node.cluster.MetadataService;
import dev.meridian.node.controller.ControllerRequest;
import dev.meridian.node.controller.ItemResult;
import dev.meridian.node.failover.FailoverService;
import dev.meridian.node.metadata.OperationCodec;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.List;

/**
 * The failover routes.
 *
 * <ul>
 *   <li>{@code POST /v1/links/{name}/failover} with {@code {"type":"planned"|"unplanned"}}: starts
 *       a failover of a mirror link into this region; 202 with the operation and its {@code
 *       Location}; 404 for an unknown link, 409 while another operation of the link runs or when a
 *       planned failover's source cannot be fenced, 400 for a bad body.
 *   <li>{@code POST /v1/links/{name}/failback}: after a failover without a reverse link, when the
 *       old source returned: fences it, starts the reverse link there (what it held beyond the
 *       promoted point goes to its quarantine topics first) and waits until that link caught up;
 *       202 with the operation; 404 for an unknown link, 409 when there is nothing to fail back.
 *   <li>{@code GET /v1/operations} (newest first) and {@code GET /v1/operations/{id}}: the
 *       operations recorded in the region's metadata, with their state, history, fenced ends,
 *       promoted positions, RPO and RTO ({@link OperationCodec}); any node answers.
 *   <li>{@code POST /v1/fences} with {@code {"topics":[...],"by":"..."}} ({@code "by": null} lifts
 *       it): the source side of a planned failover; produces to fenced topics get the retriable
 *       NOT_LEADER_OR_FOLLOWER naming {@code by}. 200 with each topic's fence; 404 when a topic
 *       does not exist (nothing is fenced then).
 *   <li>{@code POST /v1/adoptions} with {@code {"link":"...","topics":[...]}}: the old source's
 *       side of a reverse link; the fenced topics become mirror topics of that link (created before
 *       or after). 200 with each topic's link; 404 when a topic does not exist, 409 when one is
 *       writable or another link's mirror (nothing is adopted then).
 * </ul>
 */
final class FailoverRoutes {
  /** The problem type for an operation this region does not have. */
  static final String OPERATION_NOT_FOUND = Problems.TYPE_BASE + "operation-not-found";

  /** The problem type for a failover that cannot start now. */
  static final String FAILOVER_CONFLICT = Problems.TYPE_BASE + "failover-conflict";

  private static final int BODY_LIMIT = 64 * 1024;

  private FailoverRoutes() {}

  static void install(Router router, FailoverService failovers, MetadataService metadata) {
    router.post("/v1/links/:name/failover").handler(BodyHandler.create().setBodyLimit(BODY_LIMIT));
    router.post("/v1/links/:name/failover").handler(ctx -> failover(ctx, failovers));
    router.post("/v1/links/:name/failback").handler(ctx -> failback(ctx, failovers));
    router.get("/v1/operations").handler(ctx -> list(ctx, failovers));
    router.get("/v1/operations/:id").handler(ctx -> detail(ctx, failovers));
    router.post("/v1/fences").handler(BodyHandler.create().setBodyLimit(BODY_LIMIT));
    router.post("/v1/fences").handler(ctx -> fence(ctx, metadata));
    router.post("/v1/adoptions").handler(BodyHandler.create().setBodyLimit(BODY_LIMIT));
    router.post("/v1/adoptions").handler(ctx -> adopt(ctx, metadata));
  }

  private static JsonObject body(RoutingContext ctx) {
    try {
      return ctx.body().length() == 0 ? new JsonObject() : ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static void failover(RoutingContext ctx, FailoverService failovers) {
    JsonObject body = body(ctx);
    if (body == null) {
      Problems.send(
          ctx, 400, "the body must be a JSON object: {\"type\":\"planned\"|\"unplanned\"}");
      return;
    }
    Object type = body.getValue("type");
    FailoverOperation.Type t;
    if ("planned".equals(type)) {
      t = FailoverOperation.Type.PLANNED;
    } else if ("unplanned".equals(type)) {
      t = FailoverOperation.Type.UNPLANNED;
    } else {
      Problems.send(
          ctx,
          400,
          "type: must be \"planned\" or \"unplanned\", not " + (type == null ? "missing" : type));
      return;
    }
    Object reverse = body.getValue("reverse", false);
    if (!(reverse instanceof Boolean)) {
      Problems.send(ctx, 400, "reverse: must be true or false, not " + reverse);
      return;
    }
    Future<FailoverOperation> started;
    try {
      started =
          Future.fromCompletionStage(failovers.start(ctx.pathParam("name"), t, (Boolean) reverse));
    } catch (FailoverService.Refused e) {
      refused(ctx, e);
      return;
    }
    answer(ctx, started);
  }

  private static void failback(RoutingContext ctx, FailoverService failovers) {
    Future<FailoverOperation> started;
    try {
      started = Future.fromCompletionStage(failovers.failback(ctx.pathParam("name")));
    } catch (FailoverService.Refused e) {
      refused(ctx, e);
      return;
    }
    answer(ctx, started);
  }

  private static void answer(RoutingContext ctx, Future<FailoverOperation> started) {
    started
        .onSuccess(
            op -> {
              ctx.response().putHeader("location", "/v1/operations/" + op.id());
              GroupRoutes.json(ctx, 202, OperationCodec.toJson(op).encode());
            })
        .onFailure(
            e -> {
              Throwable c =
                  e instanceof java.util.concurrent.CompletionException ? e.getCause() : e;
              if (c instanceof FailoverService.Refused r) {
                refused(ctx, r);
              } else {
                Problems.send(
                    ctx, 503, "the region's controller did not answer: " + c.getMessage());
              }
            });
  }

  private static void refused(RoutingContext ctx, FailoverService.Refused e) {
    String title =
        switch (e.status()) {
          case 404 -> "Link not found";
          case 409 -> "Failover not possible now";
          default -> "Bad failover request";
        };
    String type =
        switch (e.status()) {
          case 404 -> LinkRoutes.LINK_NOT_FOUND;
          case 409 -> FAILOVER_CONFLICT;
          default -> Problems.ABOUT_BLANK;
        };
    Problems.send(
        ctx, Problems.problem(e.status(), type, title, e.getMessage(), ctx.request().path()));
  }

  private static void list(RoutingContext ctx, FailoverService failovers) {
    JsonArray out = new JsonArray();
    failovers.operations().forEach(o -> out.add(OperationCodec.toJson(o)));
    GroupRoutes.json(ctx, 200, out.encode());
  }

  private static void detail(RoutingContext ctx, FailoverService failovers) {
    String id = ctx.pathParam("id");
    failovers
        .operation(id)
        .ifPresentOrElse(
            o -> GroupRoutes.json(ctx, 200, OperationCodec.toJson(o).encode()),
            () ->
                Problems.send(
                    ctx,
                    Problems.problem(
                        404,
                        OPERATION_NOT_FOUND,
                        "Operation not found",
                        "region has no operation '" + id + "'",
                        ctx.request().path())));
  }

  private static void fence(RoutingContext ctx, MetadataService metadata) {
    JsonObject body = body(ctx);
    JsonArray topics = body == null ? null : body.getJsonArray("topics");
    if (topics == null || topics.isEmpty() || !topics.stream().allMatch(String.class::isInstance)) {
      Problems.send(
          ctx, 400, "the body must be {\"topics\":[\"name\", ...],\"by\":\"who fences\"|null}");
      return;
    }
    Object by = body.getValue("by");
    if (by != null && !(by instanceof String s && !s.isBlank())) {
      Problems.send(ctx, 400, "by: must be a non-empty string, or null to lift the fence");
      return;
    }
    List<String> names = new ArrayList<>();
    topics.forEach(o -> names.add((String) o));
    String fencedBy = (String) by;
    List<String> unknown = names.stream().filter(n -> metadata.image().topic(n).isEmpty()).toList();
    if (!unknown.isEmpty()) {
      Problems.send(
          ctx,
          Problems.problem(
              404,
              ClusterRoutes.TOPIC_NOT_FOUND,
              "Topic not found",
              "no topic " + String.join(", ", unknown) + " (nothing was fenced)",
              ctx.request().path()));
      return;
    }
    Future.fromCompletionStage(metadata.submit(new ControllerRequest.FenceTopics(names, fencedBy)))
        .onFailure(
            e ->
                Problems.send(
                    ctx, 503, "the region's controller did not answer: " + e.getMessage()))
        .onSuccess(
            results -> {
              List<String> failed =
                  results.stream().filter(r -> !r.ok()).map(ItemResult::name).toList();
              if (!failed.isEmpty()) { // deleted meanwhile
                Problems.send(ctx, 409, "topics changed meanwhile: " + failed);
                return;
              }
              JsonArray out = new JsonArray();
              names.forEach(
                  n -> out.add(new JsonObject().put("name", n).put("fencedBy", fencedBy)));
              GroupRoutes.json(ctx, 200, new JsonObject().put("topics", out).encode());
            });
  }

  private static void adopt(RoutingContext ctx, MetadataService metadata) {
    JsonObject body = body(ctx);
    JsonArray topics = body == null ? null : body.getJsonArray("topics");
    Object link = body == null ? null : body.getValue("link");
    if (topics == null
        || topics.isEmpty()
        || !topics.stream().allMatch(String.class::isInstance)
        || !(link instanceof String l)
        || !dev.meridian.config.LinkConfig.NAME_PATTERN.matcher(l).matches()) {
      Problems.send(
          ctx, 400, "the body must be {\"link\":\"link name\",\"topics\":[\"name\", ...]}");
      return;
    }
    List<String> names = new ArrayList<>();
    topics.forEach(o -> names.add((String) o));
    List<String> unknown = names.stream().filter(n -> metadata.image().topic(n).isEmpty()).toList();
    List<String> refused = new ArrayList<>();
    for (String n : names) {
      metadata
          .image()
          .topic(n)
          .filter(t -> !link.equals(t.mirrorLink()) && (t.isMirror() || !t.isFenced()))
          .ifPresent(
              t ->
                  refused.add(
                      n
                          + (t.isMirror()
                              ? " is a mirror topic of link " + t.mirrorLink()
                              : " is writable: fence it first (POST /v1/fences)")));
    }
    if (!unknown.isEmpty()) {
      Problems.send(
          ctx,
          Problems.problem(
              404,
              ClusterRoutes.TOPIC_NOT_FOUND,
              "Topic not found",
              "no topic " + String.join(", ", unknown) + " (nothing was adopted)",
              ctx.request().path()));
      return;
    }
    if (!refused.isEmpty()) {
      Problems.send(ctx, 409, String.join("; ", refused) + " (nothing was adopted)");
      return;
    }
    Future.fromCompletionStage(
            metadata.submit(new ControllerRequest.AdoptTopics((String) link, names)))
        .onFailure(
            e ->
                Problems.send(
                    ctx, 503, "the region's controller did not answer: " + e.getMessage()))
        .onSuccess(
            results -> {
              List<String> failed =
                  results.stream().filter(r -> !r.ok()).map(ItemResult::message).toList();
              if (!failed.isEmpty()) { // changed meanwhile
                Problems.send(ctx, 409, "topics changed meanwhile: " + failed);
                return;
              }
              JsonArray out = new JsonArray();
              names.forEach(n -> out.add(new JsonObject().put("name", n).put("mirrorLink", link)));
              GroupRoutes.json(ctx, 200, new JsonObject().put("topics", out).encode());
            });
  }
}
