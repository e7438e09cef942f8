package dev.meridian.node.http;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.net.URI;
import java.net.URISyntaxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Error responses of the control plane as RFC 7807 problem documents ({@code
 * application/problem+json}):
 *
 * <pre>{@code
 * {"type":"about:blank","title":"Not Found","status":404,
 *  "detail":"no route for GET /v1/nope","instance":"/v1/nope"}
 * }</pre>
 *
 * <p>{@code type} is {@code about:blank} for plain HTTP errors, whose {@code title} is then the
 * status phrase; errors with their own meaning get a type URI under {@link #TYPE_BASE}. Every error
 * path of a {@link Router} goes through {@link #install(Router)}, so no handler writes an error
 * body of its own.
 */
public final class Problems {

  /** The media type of a problem document. */
  public static final String CONTENT_TYPE = "application/problem+json";

  /** The problem type of plain HTTP errors. */
  public static final String ABOUT_BLANK = "about:blank";

  /** The prefix of Meridian's own problem types. */
  public static final String TYPE_BASE = "https://meridian.dev/problems/";

  private static final Logger LOG = LoggerFactory.getLogger(Problems.class);

  private Problems() {}

  /**
   * Builds a problem document.
   *
   * @param status the HTTP status code
   * @param type the problem type URI, {@link #ABOUT_BLANK} for a plain HTTP error
   * @param title a short summary of the problem type
   * @param detail what went wrong with this request
   * @param instance the request path the problem occurred at, or {@code null}
   */
  public static JsonObject problem(
      int status, String type, String title, String detail, String instance) {
    JsonObject body =
        new JsonObject()
            .put("type", type)
            .put("title", title)
            .put("status", status)
            .put("detail", detail);
    if (instance != null) {
      body.put("instance", instance);
    }
    return body;
  }

  /** Builds a plain HTTP problem document: type {@code about:blank}, the status phrase as title. */
  public static JsonObject problem(int status, String detail, String instance) {
    return problem(status, ABOUT_BLANK, reasonPhrase(status), detail, instance);
  }

  /**
   * Ends the response with a problem document, unless it was already started (then the connection
   * is closed: a half-written body must not look complete).
   */
  public static void send(RoutingContext ctx, JsonObject problem) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      return;
    }
    if (response.headWritten()) {
      ctx.request().connection().close();
      return;
    }
    response
        .setStatusCode(problem.getInteger("status"))
        .putHeader("content-type", CONTENT_TYPE)
        .end(problem.encode());
  }

  /** Ends the response with a plain HTTP problem document for {@code status}. */
  public static void send(RoutingContext ctx, int status, String detail) {
    send(ctx, problem(status, detail, ctx.request().path()));
  }

  /**
   * Routes every error of {@code router} to a problem response: failures of handlers (exceptions
   * and {@code ctx.fail(...)}), requests no route matches (404), and paths that exist for other
   * methods (405).
   */
  public static void install(Router router) {
    router.route().failureHandler(Problems::handleFailure);
    router.errorHandler(404, Problems::handleFailure);
    router.errorHandler(405, Problems::handleFailure);
    router.uncaughtErrorHandler(Problems::handleFailure);
  }

  /**
   * A failure handler: turns the failed context into a problem response. Client errors (4xx)
   * describe the request; server errors are logged with their stack trace and described only in
   * general terms.
   */
  public static void handleFailure(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    int status = ctx.statusCode();
    String detail = null;
    if (failure instanceof HttpException http) {
      status = http.getStatusCode();
      detail = http.getPayload();
    } else if (failure instanceof IllegalArgumentException) {
      status = 400;
      detail = failure.getMessage();
    } else if (failure == null && status == -1 && isMalformed(ctx.request().path())) {
      // the router failed to decode the path while matching routes and passes no cause
      status = 400;
      detail = "malformed request path '" + ctx.request().path() + "'";
    }
    if (status < 400 || status > 599) {
      status = 500;
    }
    if (status >= 500) {
      LOG.warn(
          "{} {} failed with {}", ctx.request().method(), ctx.request().path(), status, failure);
      detail = "internal error while serving this request; see the node log";
    } else if (detail == null || detail.isBlank()) {
      detail = defaultDetail(ctx, status);
    }
    send(ctx, status, detail);
  }

  private static String defaultDetail(RoutingContext ctx, int status) {
    String request = ctx.request().method() + " " + ctx.request().path();
    return switch (status) {
      case 404 -> "no route for " + request;
      case 405 -> "method not allowed for " + request;
      default -> reasonPhrase(status) + ": " + request;
    };
  }

  private static boolean isMalformed(String path) {
    try {
      new URI(path);
      return false;
    } catch (URISyntaxException e) {
      return true;
    }
  }

  private static String reasonPhrase(int status) {
    return HttpResponseStatus.valueOf(status).reasonPhrase();
  }
}
