package dev.meridian.node.http;

import dev.meridian.config.ApiToken;
import dev.meridian.config.ControlPlaneSettings;
import dev.meridian.node.cluster.MetadataService;
import dev.meridian.node.controller.ControllerRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may change what through the control plane, and the audit trail of what was changed. Reads
 * need no token. A change ({@code POST}, {@code PUT}, {@code DELETE}, {@code PATCH}) needs {@code
 * Authorization: Bearer <token>} of a token of the config's {@code controlPlane.tokens} whose role
 * allows it: {@code admin} to create, replace or delete links, to create or delete topics and to
 * halt a node, {@code operator} for the rest (without tokens in the config every change is
 * accepted, as {@code anonymous}). A missing or unknown token gets 401, a weaker role 403, both
 * problem documents and a WARN line without the secret. Every change let through is appended, with
 * its answer's status, to the region's audit trail ({@code GET /v1/audit}, the newest first; any
 * node answers).
 */
final class ControlPlaneAuth {
  private static final Logger LOG = LoggerFactory.getLogger(ControlPlaneAuth.class);

  /** The problem type of a change without a valid token. */
  static final String UNAUTHORIZED = Problems.TYPE_BASE + "unauthorized";

  /** The problem type of a change the token's role does not allow. */
  static final String FORBIDDEN = Problems.TYPE_BASE + "forbidden";

  private ControlPlaneAuth() {}

  static void install(Router router, ControlPlaneSettings settings, MetadataService metadata) {
    router.route("/v1/*").handler(ctx -> check(ctx, settings, metadata));
    router.get("/v1/audit").handler(ctx -> list(ctx, metadata));
  }

  private static boolean isChange(HttpMethod m) {
    return m != HttpMethod.GET && m != HttpMethod.HEAD && m != HttpMethod.OPTIONS;
  }

  /** The role a change needs: admin to create, replace or delete a link or a topic, or to halt. */
  static String roleFor(HttpMethod m, String path) {
    boolean linkItself =
        (m == HttpMethod.POST && path.equals("/v1/links"))
            || ((m == HttpMethod.PUT || m == HttpMethod.DELETE)
                && path.startsWith("/v1/links/")
                && path.indexOf('/', "/v1/links/".length()) < 0);
    boolean topicItself =
        (m == HttpMethod.POST && path.equals("/v1/topics"))
            || (m == HttpMethod.DELETE
                && path.startsWith("/v1/topics/")
                && path.indexOf('/', "/v1/topics/".length()) < 0);
    boolean halt = m == HttpMethod.POST && path.equals("/v1/halt");
    return linkItself || topicItself || halt ? "admin" : "operator";
  }

  private static void check(
      RoutingContext ctx, ControlPlaneSettings settings, MetadataService metadata) {
    HttpMethod m = ctx.request().method();
    if (!isChange(m)) {
      ctx.next();
      return;
    }
    String path = ctx.normalizedPath();
    String principal = "anonymous";
    if (!settings.open()) {
      String h = ctx.request().getHeader("Authorization");
      String bearer =
          h != null && h.regionMatches(true, 0, "Bearer ", 0, 7) ? h.substring(7).trim() : null;
      Optional<ApiToken> token = settings.find(bearer);
      String address = String.valueOf(ctx.request().remoteAddress());
      if (token.isEmpty()) {
        LOG.warn(
            "control plane: refused {} {} from {}: {}",
            m,
            path,
            address,
            bearer == null ? "no bearer token" : "an unknown token");
        ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"meridian\"");
        Problems.send(
            ctx,
            Problems.problem(
                401,
                UNAUTHORIZED,
                "Unauthorized",
                "a change needs 'Authorization: Bearer <token>' with a token of the config's"
                    + " controlPlane.tokens",
                path));
        return;
      }
      String needed = roleFor(m, path);
      if (!token.get().allows(needed)) {
        LOG.warn(
            "control plane: refused {} {} from {} ({}): role {} is not {}",
            m,
            path,
            address,
            token.get().name(),
            token.get().role(),
            needed);
        Problems.send(
            ctx,
            Problems.problem(
                403,
                FORBIDDEN,
                "Forbidden",
                "token '"
                    + token.get().name()
                    + "' has role "
                    + token.get().role()
                    + "; "
                    + m
                    + " "
                    + path
                    + " needs "
                    + needed,
                path));
        return;
      }
      principal = token.get().name();
    }
    if (metadata != null) {
      String who = principal;
      long at = System.currentTimeMillis();
      ctx.addEndHandler(
          v -> {
            JsonObject entry =
                new JsonObject()
                    .put("atMs", at)
                    .put("principal", who)
                    .put("address", String.valueOf(ctx.request().remoteAddress()))
                    .put("node", metadata.nodeId())
                    .put("method", m.name())
                    .put("path", path)
                    .put("status", ctx.response().getStatusCode());
            metadata
                .submit(new ControllerRequest.PutAudit(entry.encode()))
                .exceptionally(
                    e -> {
                      LOG.warn(
                          "control plane: audit entry {} not recorded: {}", entry, e.toString());
                      return null;
                    });
          });
    }
    ctx.next();
  }

  private static void list(RoutingContext ctx, MetadataService metadata) {
    List<String> entries = new ArrayList<>(metadata.image().audit());
    Collections.reverse(entries);
    JsonArray out = new JsonArray();
    entries.forEach(e -> out.add(new JsonObject(e)));
    GroupRoutes.json(ctx, out.encode());
  }
}
