package dev.meridian.node.http;

import dev.meridian.node.cluster.MetadataService;
import dev.meridian.node.controller.ControllerRequest;
import dev.meridian.node.controller.ItemResult;
import dev.meridian.node.controller.TopicConfigUpdate;
import dev.meridian.node.metadata.TopicImage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.Errors;

/**
 * Topic changes through the control plane, decided by the region's controller as Kafka's
 * CreateTopics, DeleteTopics and IncrementalAlterConfigs are:
 *
 * <ul>
 *   <li>{@code POST /v1/topics} with {@code {"name":"orders","partitions":6,
 *       "replicationFactor":3,"configs":{"retention.ms":"86400000"}}} (partitions and replication
 *       factor default to the region's topic defaults): 201 with the topic; 409 when it exists; 400
 *       for a bad name, count or config (the controller's reason).
 *   <li>{@code DELETE /v1/topics/{name}}: 204; 404 when there is none; 409 for a mirror topic (its
 *       link owns it).
 *   <li>{@code PATCH /v1/topics/{name}/configs} with {@code {"set":{"retention.ms":"1000"},
 *       "delete":["cleanup.policy"]}}: 200 with the topic's configs after; 400 for a bad key or
 *       value; 404, 409 as for delete.
 * </ul>
 */
final class TopicRoutes {
  private static final int BODY_LIMIT = 64 * 1024;

  private TopicRoutes() {}

  static void install(Router router, MetadataService metadata) {
    router.post("/v1/topics").handler(BodyHandler.create().setBodyLimit(BODY_LIMIT));
    router.post("/v1/topics").handler(ctx -> create(ctx, metadata));
    router.delete("/v1/topics/:name").handler(ctx -> delete(ctx, metadata));
    router.patch("/v1/topics/:name/configs").handler(BodyHandler.create().setBodyLimit(BODY_LIMIT));
    router.patch("/v1/topics/:name/configs").handler(ctx -> configs(ctx, metadata));
  }

  private static JsonObject body(RoutingContext ctx) {
    try {
      return ctx.body().length() == 0 ? null : ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static void create(RoutingContext ctx, MetadataService metadata) {
    JsonObject body = body(ctx);
    Object name = body == null ? null : body.getValue("name");
    Object partitions = body == null ? null : body.getValue("partitions", -1);
    Object rf = body == null ? null : body.getValue("replicationFactor", -1);
    Object configs = body == null ? null : body.getValue("configs", new JsonObject());
    if (!(name instanceof String n)
        || !(partitions instanceof Integer p)
        || !(rf instanceof Integer r)
        || !(configs instanceof JsonObject c)
        || !c.getMap().values().stream().allMatch(String.class::isInstance)) {
      Problems.send(
          ctx,
          400,
          "the body must be {\"name\":\"topic\",\"partitions\":N,\"replicationFactor\":N,"
              + "\"configs\":{\"key\":\"value\"}} (all but name optional; config values are"
              + " strings)");
      return;
    }
    Map<String, String> cfg = new TreeMap<>();
    c.forEach(e -> cfg.put(e.getKey(), (String) e.getValue()));
    decide(
        ctx,
        metadata.submit(
            new ControllerRequest.CreateTopics(
                List.of(new ControllerRequest.NewTopic(n, p, r.shortValue(), List.of(), cfg, null)),
                false,
                false)),
        result -> {
          ctx.response().putHeader("location", "/v1/topics/" + n);
          GroupRoutes.json(
              ctx,
              201,
              new JsonObject()
                  .put("name", n)
                  .put("partitions", result.partitions())
                  .put("replicationFactor", result.replicationFactor())
                  .put("configs", new JsonObject(new TreeMap<>(result.configs())))
                  .encode());
        });
  }

  /** The topic of the path, or null after answering 404 or (a mirror topic) 409. */
  private static TopicImage changeable(RoutingContext ctx, MetadataService metadata) {
    String name = ctx.pathParam("name");
    TopicImage t = metadata.image().topic(name).orElse(null);
    if (t == null) {
      ClusterRoutes.topicNotFound(ctx, name);
      return null;
    }
    if (t.isMirror()) {
      Problems.send(
          ctx,
          409,
          "topic "
              + name
              + " is a read-only mirror topic written by link '"
              + t.mirrorLink()
              + "': change it at the source, or fail the link over");
      return null;
    }
    return t;
  }

  private static void delete(RoutingContext ctx, MetadataService metadata) {
    TopicImage t = changeable(ctx, metadata);
    if (t == null) {
      return;
    }
    decide(
        ctx,
        metadata.submit(
            new ControllerRequest.DeleteTopics(
                List.of(t.name()), Arrays.asList((org.apache.kafka.common.Uuid) null))),
        result -> ctx.response().setStatusCode(204).end());
  }

  private static void configs(RoutingContext ctx, MetadataService metadata) {
    JsonObject body = body(ctx);
    Object set = body == null ? null : body.getValue("set", new JsonObject());
    Object del = body == null ? null : body.getValue("delete", new JsonArray());
    if (!(set instanceof JsonObject s)
        || !s.getMap().values().stream().allMatch(String.class::isInstance)
        || !(del instanceof JsonArray d)
        || !d.stream().allMatch(String.class::isInstance)
        || (s.isEmpty() && d.isEmpty())) {
      Problems.send(
          ctx,
          400,
          "the body must be {\"set\":{\"key\":\"value\"},\"delete\":[\"key\"]} with at least one"
              + " key");
      return;
    }
    TopicImage t = changeable(ctx, metadata);
    if (t == null) {
      return;
    }
    List<TopicConfigUpdate.Op> ops = new ArrayList<>();
    s.forEach(
        e ->
            ops.add(
                new TopicConfigUpdate.Op(
                    e.getKey(), TopicConfigUpdate.OpType.SET, (String) e.getValue())));
    d.forEach(
        k -> ops.add(new TopicConfigUpdate.Op((String) k, TopicConfigUpdate.OpType.DELETE, null)));
    decide(
        ctx,
        metadata.submit(
            new ControllerRequest.AlterConfigs(
                List.of(new ControllerRequest.TopicConfigOps(t.name(), ops)), false)),
        result ->
            GroupRoutes.json(
                ctx,
                200,
                new JsonObject()
                    .put("name", t.name())
                    .put(
                        "configs",
                        new JsonObject(
                            new TreeMap<>(
                                metadata
                                    .image()
                                    .topic(t.name())
                                    .map(TopicImage::configs)
                                    .orElse(Map.of()))))
                    .encode()));
  }

  /** Answers the controller's decision on one item: {@code ok} for success, else a problem. */
  private static void decide(
      RoutingContext ctx,
      CompletableFuture<List<ItemResult>> decision,
      java.util.function.Consumer<ItemResult> ok) {
    decision.whenComplete(
        (results, error) ->
            ctx.vertx()
                .runOnContext(
                    v -> {
                      if (error != null) {
                        Problems.send(
                            ctx,
                            503,
                            "the region's controller did not answer: " + error.getMessage());
                        return;
                      }
                      ItemResult r = results.get(0);
                      if (r.ok()) {
                        ok.accept(r);
                        return;
                      }
                      int status =
                          r.error() == Errors.TOPIC_ALREADY_EXISTS
                              ? 409
                              : r.error() == Errors.UNKNOWN_TOPIC_OR_PARTITION
                                  ? 404
                                  : r.error() == Errors.REQUEST_TIMED_OUT
                                          || r.error() == Errors.NOT_CONTROLLER
                                      ? 503
                                      : 400;
                      Problems.send(
                          ctx,
                          status,
                          r.error().name() + (r.message() == null ? "" : ": " + r.message()));
                    }));
  }
}
