package dev.meridian.node.http;

import dev.meridian.node.group.GroupQuery.GroupDetail;
import dev.meridian.node.group.GroupQuery.Member;
import dev.meridian.node.group.GroupQuery.TopicPartitionRef;
import dev.meridian.node.group.LagReporter;
import dev.meridian.node.group.LagReporter.GroupLag;
import dev.meridian.node.group.LagReporter.GroupListing;
import dev.meridian.node.group.LagReporter.PartitionLag;
import dev.meridian.node.group.LagStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The consumer group routes of the control plane, {@code GET /v1/groups} and {@code GET
 * /v1/groups/{group}}, as JSON; {@code docs/rest-api.md} describes the bodies. Unknown or absent
 * values are JSON {@code null}.
 */
final class GroupRoutes {

  /** The problem type of {@code GET /v1/groups/{group}} for a group that does not exist. */
  static final String GROUP_NOT_FOUND = Problems.TYPE_BASE + "group-not-found";

  /** The statuses a group can have, the values of the {@code status} filter. */
  private static final Set<LagStatus> GROUP_STATUSES =
      EnumSet.of(LagStatus.OK, LagStatus.WARNING, LagStatus.ERROR);

  private GroupRoutes() {}

  static void install(Router router, LagReporter lag) {
    router.get("/v1/groups").handler(ctx -> list(ctx, lag));
    router.get("/v1/groups/:group").handler(ctx -> detail(ctx, lag));
  }

  private static void list(RoutingContext ctx, LagReporter lag) {
    Set<LagStatus> wanted = statusFilter(ctx.queryParam("status"));
    JsonArray body = new JsonArray();
    for (GroupListing g : lag.list()) {
      if (wanted.isEmpty() || wanted.contains(g.status())) {
        body.add(
            new JsonObject()
                .put("groupId", g.groupId())
                .put("state", g.state())
                .put("protocolType", g.protocolType())
                .put("members", g.members())
                .put("totalLag", g.totalLag())
                .put("status", g.status().name()));
      }
    }
    json(ctx, body.encode());
  }

  /** The {@code status} query values, each a group status; several values or commas for "any". */
  private static Set<LagStatus> statusFilter(List<String> values) {
    Set<LagStatus> wanted = EnumSet.noneOf(LagStatus.class);
    for (String value : values) {
      for (String name : value.split(",", -1)) {
        Optional<LagStatus> status =
            GROUP_STATUSES.stream().filter(s -> s.name().equals(name.trim())).findFirst();
        if (status.isEmpty()) {
          throw new HttpException(
              400,
              "unknown group status '" + name + "' in 'status'; expected OK, WARNING or ERROR");
        }
        wanted.add(status.get());
      }
    }
    return wanted;
  }

  private static void detail(RoutingContext ctx, LagReporter lag) {
    String groupId = ctx.pathParam("group");
    if (groupId == null || groupId.isBlank()) {
      throw new HttpException(400, "group id must not be blank");
    }
    Optional<GroupLag> group = lag.group(groupId);
    if (group.isEmpty()) {
      Problems.send(
          ctx,
          Problems.problem(
              404,
              GROUP_NOT_FOUND,
              "Group not found",
              "no consumer group '" + groupId + "' on this node",
              ctx.request().path()));
      return;
    }
    json(ctx, toJson(group.get()).encode());
  }

  static JsonObject toJson(GroupLag lag) {
    GroupDetail d = lag.group();
    JsonArray members = new JsonArray();
    for (Member m : d.members() == null ? List.<Member>of() : d.members()) {
      JsonArray assignment = new JsonArray();
      for (TopicPartitionRef tp :
          m.assignment() == null ? List.<TopicPartitionRef>of() : m.assignment()) {
        assignment.add(new JsonObject().put("topic", tp.topic()).put("partition", tp.partition()));
      }
      members.add(
          new JsonObject()
              .put("memberId", m.memberId())
              .put("groupInstanceId", m.groupInstanceId())
              .put("clientId", m.clientId())
              .put("clientHost", m.clientHost())
              .put("assignment", assignment));
    }
    JsonArray partitions = new JsonArray();
    for (PartitionLag p : lag.partitions()) {
      partitions.add(
          new JsonObject()
              .put("topic", p.topic())
              .put("partition", p.partition())
              .put("memberId", p.memberId())
              .put("committedOffset", known(p.committedOffset()))
              .put("commitTimestampMs", known(p.commitTimestampMs()))
              .put("logEndOffset", known(p.logEndOffset()))
              .put("lag", known(p.lag()))
              .put("status", p.status().name())
              .put("complete", p.complete()));
    }
    return new JsonObject()
        .put("groupId", d.groupId())
        .put("state", d.state())
        .put("protocolType", d.protocolType())
        .put("protocol", d.protocol())
        .put("generation", d.generation())
        .put("leaderId", d.leaderId())
        .put("status", lag.status().name())
        .put("complete", lag.complete())
        .put("totalLag", lag.totalLag())
        .put("members", members)
        .put("partitions", partitions);
  }

  private static Long known(long value) {
    return value < 0 ? null : value;
  }

  static void json(RoutingContext ctx, String body) {
    json(ctx, 200, body);
  }

  /** Answers {@code body} as uncached JSON with {@code status} (the control plane's replies). */
  static void json(RoutingContext ctx, int status, String body) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("content-type", "application/json")
        .putHeader("cache-control", "no-store")
        .end(body);
  }
}
