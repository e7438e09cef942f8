package dev.meridian.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.node.group.EmptyGroupQuery;
import dev.meridian.node.group.LagEvaluator;
import dev.meridian.node.group.LagReporter;
import dev.meridian.node.group.LogEndOffsets;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.HttpException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The control plane's routes and its problem bodies, served by a real HTTP server. */
class ControlPlaneTest {

  private static final Health HEALTH = new Health("UP", 1, "east", 9092, "pending", 8080, 42, 3);

  private static Vertx vertx;
  private static HttpServer server;
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    LagReporter noGroups =
        new LagReporter(
            EmptyGroupQuery.INSTANCE,
            (topic, partition) -> LogEndOffsets.UNKNOWN,
            new LagEvaluator(),
            () -> 0);
    Router router = ControlPlane.router(vertx, () -> HEALTH, noGroups);
    router
        .get("/test/boom")
        .handler(
            ctx -> {
              throw new IllegalStateException("secret internals");
            });
    router.get("/test/bad").handler(ctx -> ctx.fail(new HttpException(400, "offset must be >= 0")));
    router
        .get("/test/arg")
        .handler(
            ctx -> {
              throw new IllegalArgumentException("topic 'x' is not valid");
            });
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  private static HttpResponse<String> send(String method, String path) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path))
            .timeout(Duration.ofSeconds(10))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build();
    return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static void assertProblem(
      HttpResponse<String> response, int status, String title, String detail, String path) {
    assertEquals(status, response.statusCode(), response.body());
    assertEquals(Problems.CONTENT_TYPE, response.headers().firstValue("content-type").orElse(null));
    JsonObject expected =
        new JsonObject()
            .put("type", "about:blank")
            .put("title", title)
            .put("status", status)
            .put("detail", detail)
            .put("instance", path);
    assertEquals(expected, new JsonObject(response.body()));
  }

  @Test
  void healthIsJson() throws Exception {
    HttpResponse<String> response = send("GET", "/v1/health");
    assertEquals(200, response.statusCode());
    assertEquals("application/json", response.headers().firstValue("content-type").orElse(null));
    assertEquals(
        new JsonObject(
            "{\"status\":\"UP\",\"nodeId\":1,\"region\":\"east\",\"kafkaPort\":9092,"
                + "\"kafkaListener\":\"pending\",\"httpPort\":8080,\"uptimeMs\":42,"
                + "\"partitions\":3}"),
        new JsonObject(response.body()));
  }

  @Test
  void unknownRouteIsANotFoundProblem() throws Exception {
    assertProblem(
        send("GET", "/v1/nope"), 404, "Not Found", "no route for GET /v1/nope", "/v1/nope");
  }

  @Test
  void wrongMethodIsAMethodNotAllowedProblem() throws Exception {
    assertProblem(
        send("DELETE", "/v1/health"),
        405,
        "Method Not Allowed",
        "method not allowed for DELETE /v1/health",
        "/v1/health");
  }

  @Test
  void malformedPathIsABadRequestProblem() throws Exception {
    // java.net.http refuses to send such a URI: write the request by hand
    String response;
    try (Socket socket = new Socket("127.0.0.1", server.actualPort())) {
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write(
              "GET /v1/%zz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
    assertTrue(response.startsWith("HTTP/1.1 400 Bad Request"), response);
    assertTrue(response.contains("content-type: " + Problems.CONTENT_TYPE), response);
    assertEquals(
        Problems.problem(400, "malformed request path '/v1/%zz'", "/v1/%zz"),
        new JsonObject(response.substring(response.indexOf("\r\n\r\n") + 4)));
  }

  @Test
  void httpExceptionKeepsItsStatusAndPayload() throws Exception {
    assertProblem(send("GET", "/test/bad"), 400, "Bad Request", "offset must be >= 0", "/test/bad");
  }

  @Test
  void illegalArgumentIsABadRequest() throws Exception {
    assertProblem(
        send("GET", "/test/arg"), 400, "Bad Request", "topic 'x' is not valid", "/test/arg");
  }

  @Test
  void serverErrorsDoNotLeakTheException() throws Exception {
    HttpResponse<String> response = send("GET", "/test/boom");
    assertProblem(
        response,
        500,
        "Internal Server Error",
        "internal error while serving this request; see the node log",
        "/test/boom");
    assertFalse(response.body().contains("secret"));
  }
}
