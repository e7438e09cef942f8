package dev.meridian.node.http;

import dev.meridian.node.cluster.MetadataService;
import dev.meridian.node.controller.ControllerRequest;
import dev.meridian.node.controller.ItemResult;
import dev.meridian.node.metadata.MetadataImage;
import dev.meridian.node.metadata.NodeRegistration;
import dev.meridian.node.metadata.PartitionState;
import dev.meridian.node.metadata.TopicImage;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.internals.Topic;

/**
 * The region routes of the control plane, answered from this node's metadata image (every node
 * answers the same): {@code GET /v1/cluster}, {@code GET /v1/topics} and {@code GET
 * /v1/topics/{name}}, and {@code POST /v1/cluster/rebalance}. A topic's log offsets come from each
 * partition's leader, asked over the region's membership ({@value #PARTITION_OFFSETS}); a leader
 * that does not answer within a second leaves its partitions' offsets {@code null}. {@code
 * docs/rest-api.md} describes the bodies.
 */
public final class ClusterRoutes {
  /** The ask handler a leader answers its partitions' offsets with. */
  public static final String PARTITION_OFFSETS = "partition-offsets";

  /** The problem type of {@code GET /v1/topics/{name}} for a topic that does not exist. */
  static final String TOPIC_NOT_FOUND = Problems.TYPE_BASE + "topic-not-found";

  private static final long ASK_TIMEOUT_MS = 1000;

  private ClusterRoutes() {}

  static void install(Router router, MetadataService metadata, String region) {
    router.get("/v1/cluster").handler(ctx -> cluster(ctx, metadata, region));
    router.get("/v1/topics").handler(ctx -> topics(ctx, metadata));
    router.get("/v1/topics/:name").handler(ctx -> topic(ctx, metadata));
    router.post("/v1/cluster/rebalance").handler(ctx -> rebalance(ctx, metadata));
  }

  /**
   * {@code POST /v1/cluster/rebalance}: the controller reassigns replicas so every live node holds
   * an even share (after a node was added). 202 with the partitions whose reassignment started;
   * they complete as the new replicas catch up ({@code GET /v1/topics/{name}} shows {@code adding}
   * and {@code removing}). 503 when no controller decides in time.
   */
  private static void rebalance(RoutingContext ctx, MetadataService metadata) {
    metadata
        .submit(new ControllerRequest.Rebalance())
        .whenComplete(
            (results, error) ->
                ctx.vertx()
                    .runOnContext(
                        v -> {
                          if (error != null) {
                            Problems.send(
                                ctx,
                                503,
                                "the region's controller did not decide the rebalance: "
                                    + error.getMessage());
                            return;
                          }
                          JsonArray started = new JsonArray();
                          JsonArray failed = new JsonArray();
                          for (ItemResult r : results) {
                            if (r.ok()) {
                              started.add(r.name());
                            } else {
                              failed.add(
                                  new JsonObject()
                                      .put("partition", r.name())
                                      .put("error", r.error().name())
                                      .put("message", r.message()));
                            }
                          }
                          ctx.response()
                              .setStatusCode(202)
                              .putHeader("content-type", "application/json")
                              .end(
                                  new JsonObject()
                                      .put("reassigning", started)
                                      .put("refused", failed)
                                      .encode());
                        }));
  }

  private static void cluster(RoutingContext ctx, MetadataService metadata, String region) {
    MetadataImage image = metadata.image();
    JsonArray nodes = new JsonArray();
    for (NodeRegistration n : image.nodes().values()) {
      nodes.add(
          new JsonObject()
              .put("id", n.id())
              .put("host", n.host())
              .put("kafkaPort", n.kafkaPort())
              .put("httpPort", n.httpPort())
              .put("rack", n.rack())
              .put("alive", n.alive())
              .put("incarnation", n.incarnation()));
    }
    JsonObject body =
        new JsonObject()
            .put("region", region)
            .put("clusterId", image.clusterId())
            .put("nodeId", metadata.nodeId())
            .put("nodes", nodes)
            .put(
                "controller",
                new JsonObject()
                    .put("id", image.isAlive(image.controllerId()) ? image.controllerId() : null)
                    .put("epoch", image.controllerEpoch()))
            .put("metadataVersion", image.version());
    GroupRoutes.json(ctx, body.encode());
  }

  private static void topics(RoutingContext ctx, MetadataService metadata) {
    JsonArray body = new JsonArray();
    for (TopicImage t : metadata.image().topics().values()) {
      int rf = t.partitions().isEmpty() ? 0 : t.partitions().get(0).replicas().size();
      long offline = t.partitions().stream().filter(p -> !p.hasLeader()).count();
      body.add(
          new JsonObject()
              .put("name", t.name())
              .put("id", t.id().toString())
              .put("internal", Topic.isInternal(t.name()))
              .put("partitions", t.partitionCount())
              .put("replicationFactor", rf)
              .put("offlinePartitions", offline)
              .put("configs", configs(t.configs())));
    }
    GroupRoutes.json(ctx, body.encode());
  }

  /** 404 with the topic-not-found problem for {@code name}. */
  static void topicNotFound(RoutingContext ctx, String name) {
    Problems.send(
        ctx,
        Problems.problem(
            404,
            TOPIC_NOT_FOUND,
            "Topic not found",
            "no topic '" + name + "' in this region",
            ctx.request().path()));
  }

  private static void topic(RoutingContext ctx, MetadataService metadata) {
    String name = ctx.pathParam("name");
    TopicImage t = metadata.image().topic(name).orElse(null);
    if (t == null) {
      topicNotFound(ctx, name);
      return;
    }
    Map<Integer, Future<JsonObject>> asked = new HashMap<>();
    for (PartitionState p : t.partitions()) {
      if (p.hasLeader() && !asked.containsKey(p.leader())) {
        asked.put(
            p.leader(),
            Future.fromCompletionStage(
                    metadata.ask(
                        p.leader(),
                        PARTITION_OFFSETS,
                        new JsonObject().put("topic", name),
                        ASK_TIMEOUT_MS),
                    ctx.vertx().getOrCreateContext())
                .otherwiseEmpty());
      }
    }
    List<Future<JsonObject>> all = new ArrayList<>(asked.values());
    Future.join(all)
        .onComplete(
            done -> {
              Map<Integer, JsonObject> offsets = new TreeMap<>();
              asked.forEach(
                  (leader, f) -> {
                    JsonObject answer = f.succeeded() ? f.result() : null;
                    if (answer == null) {
                      return;
                    }
                    for (Object o : answer.getJsonArray("partitions", new JsonArray())) {
                      JsonObject p = (JsonObject) o;
                      offsets.put(p.getInteger("partition"), p);
                    }
                  });
              JsonArray partitions = new JsonArray();
              for (int i = 0; i < t.partitionCount(); i++) {
                PartitionState p = t.partitions().get(i);
                JsonObject o = offsets.get(i);
                partitions.add(
                    new JsonObject()
                        .put("partition", i)
                        .put("leader", p.hasLeader() ? p.leader() : null)
                        .put("leaderEpoch", p.leaderEpoch())
                        .put("partitionEpoch", p.partitionEpoch())
                        .put("replicas", new JsonArray(new ArrayList<>(p.replicas())))
                        .put("isr", new JsonArray(new ArrayList<>(p.isr())))
                        .put("adding", new JsonArray(new ArrayList<>(p.adding())))
                        .put("removing", new JsonArray(new ArrayList<>(p.removing())))
                        .put("logStartOffset", o == null ? null : o.getLong("logStartOffset"))
                        .put("logEndOffset", o == null ? null : o.getLong("logEndOffset"))
                        .put("highWatermark", o == null ? null : o.getLong("highWatermark")));
              }
              JsonObject body =
                  new JsonObject()
                      .put("name", t.name())
                      .put("id", t.id().toString())
                      .put("internal", Topic.isInternal(t.name()))
                      .put("configs", configs(t.configs()))
                      .put("partitions", partitions);
              GroupRoutes.json(ctx, body.encode());
            });
  }

  private static JsonObject configs(Map<String, String> configs) {
    JsonObject o = new JsonObject();
    new TreeSet<>(configs.keySet()).forEach(k -> o.put(k, configs.get(k)));
    return o;
  }
}
