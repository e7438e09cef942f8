package dev.meridian.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.node.NodeHalt;
import dev.meridian.testsupport.Wait;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** POST /v1/halt on a real HTTP server, with a halter that counts instead of ending the JVM. */
class HaltRoutesTest {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir Path dir;
  private final AtomicInteger halts = new AtomicInteger();
  private Vertx vertx;
  private HttpServer server;

  private void serve(boolean allowed) {
    vertx = Vertx.vertx();
    Router router = Router.router(vertx);
    HaltRoutes.install(router, new NodeHalt(dir, allowed, halts::incrementAndGet));
    Problems.install(router);
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
  }

  @AfterEach
  void stop() {
    if (vertx != null) {
      vertx.close().await();
    }
  }

  private HttpResponse<String> post(String body) throws Exception {
    return CLIENT.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + "/v1/halt"))
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aHaltRecordsTheOutageAnswersAndThenHalts() throws Exception {
    serve(true);
    long before = System.currentTimeMillis();
    HttpResponse<String> r = post("{\"downForMs\": 30000, \"reason\": \"drill d1\"}");
    assertEquals(202, r.statusCode(), r.body());
    JsonObject answer = new JsonObject(r.body());
    assertTrue(answer.getLong("untilMs") >= before + 30_000, r.body());
    Wait.until("the node halted", Duration.ofSeconds(10), () -> halts.get() == 1);
    JsonObject recorded = new JsonObject(Files.readString(dir.resolve("halt.json")));
    assertEquals(answer.getLong("untilMs"), recorded.getLong("untilMs"));
    assertEquals("drill d1", recorded.getString("reason"));
  }

  @Test
  void aHaltTheConfigDoesNotAllowIsRefusedAndNothingHalts() throws Exception {
    serve(false);
    HttpResponse<String> r = post("{}");
    assertEquals(403, r.statusCode(), r.body());
    assertEquals(HaltRoutes.HALT_NOT_ALLOWED, new JsonObject(r.body()).getString("type"));
    assertFalse(Files.exists(dir.resolve("halt.json")));
    assertEquals(0, halts.get());
  }

  @Test
  void aBadBodyIsRefusedAndNothingHalts() throws Exception {
    serve(true);
    for (String body :
        new String[] {
          "[1]", "{\"downForMs\": -1}", "{\"downForMs\": 3600001}", "{\"reason\": 7}"
        }) {
      HttpResponse<String> r = post(body);
      assertEquals(400, r.statusCode(), body + " -> " + r.body());
    }
    assertFalse(Files.exists(dir.resolve("halt.json")));
    assertEquals(0, halts.get());
  }

  @Test
  void aRestartedNodeWaitsOutTheRestOfItsOutageThenForgetsIt() throws Exception {
    NodeHalt halt = new NodeHalt(dir, true, () -> {});
    long now = System.currentTimeMillis();
    halt.record(now + 300, "drill d2");
    long waited = NodeHalt.holdIfHalted(dir, System::currentTimeMillis);
    assertTrue(waited > 0 && waited <= 300, "waited " + waited + " ms");
    assertFalse(Files.exists(dir.resolve("halt.json")));
    assertEquals(0, NodeHalt.holdIfHalted(dir, System::currentTimeMillis), "nothing recorded");
    halt.record(now - 1_000, "an outage already over");
    assertEquals(0, NodeHalt.holdIfHalted(dir, System::currentTimeMillis));
    Files.writeString(dir.resolve("halt.json"), "not json");
    assertEquals(0, NodeHalt.holdIfHalted(dir, System::currentTimeMillis), "unreadable: start");
    assertFalse(Files.exists(dir.resolve("halt.json")));
  }
}
