package dev.meridian.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.meridian.node.group.EmptyGroupQuery;
import dev.meridian.node.group.LagEvaluator;
import dev.meridian.node.group.LagReporter;
import dev.meridian.node.group.LogEndOffsets;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** {@code /v1/openapi.yaml} describes exactly the routes the control plane serves. */
class OpenApiTest {
  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch");

  /** "METHOD /path/{param}" of every route with a path and methods. */
  private static Set<String> routes(Router router) {
    Set<String> out = new TreeSet<>();
    for (Route r : router.getRoutes()) {
      if (r.getPath() == null || r.methods() == null || r.methods().isEmpty()) {
        continue; // failure handlers, body handlers without a method
      }
      String path = r.getPath().replaceAll(":([A-Za-z]+)", "{$1}");
      for (HttpMethod m : r.methods()) {
        out.add(m.name() + " " + path);
      }
    }
    return out;
  }

  private static Set<String> documented(JsonNode doc) {
    Set<String> out = new TreeSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields();
        paths.hasNext(); ) {
      Map.Entry<String, JsonNode> p = paths.next();
      for (Iterator<String> ops = p.getValue().fieldNames(); ops.hasNext(); ) {
        String op = ops.next();
        if (METHODS.contains(op)) {
          out.add(op.toUpperCase(Locale.ROOT) + " " + p.getKey());
        }
      }
    }
    return out;
  }

  @Test
  void theDocumentListsEveryRouteAndNothingElse() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Router router = Router.router(vertx);
      LagReporter noGroups =
          new LagReporter(
              EmptyGroupQuery.INSTANCE,
              (topic, partition) -> LogEndOffsets.UNKNOWN,
              new LagEvaluator(),
              () -> 0);
      ControlPlane.install(
          router,
          dev.meridian.config.ControlPlaneSettings.DEFAULTS,
          () -> null,
          noGroups,
          null,
          "east",
          null,
          null,
          null,
          true);
      JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(ControlPlane.openApi());
      assertTrue(doc.get("openapi").asText().startsWith("3."), "an OpenAPI 3 document");
      assertEquals(routes(router), documented(doc));

      // every operation answers something, and every error answer is a problem body (but the
      // health check's 503, which is the health document saying STARTING, as load balancers read)
      for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields();
          paths.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = paths.next();
        String path = entry.getKey();
        for (Iterator<Map.Entry<String, JsonNode>> ops = entry.getValue().fields();
            ops.hasNext(); ) {
          Map.Entry<String, JsonNode> op = ops.next();
          JsonNode responses = op.getValue().get("responses");
          assertTrue(responses != null && responses.size() > 0, op.getKey() + " " + path);
          responses
              .fields()
              .forEachRemaining(
                  r -> {
                    boolean health = path.equals("/v1/health") && r.getKey().equals("503");
                    if (!health && (r.getKey().startsWith("4") || r.getKey().startsWith("5"))) {
                      assertEquals(
                          "#/components/responses/Problem",
                          r.getValue().path("$ref").asText(),
                          op.getKey() + " " + path + " " + r.getKey());
                    }
                  });
        }
      }

      // served by a real server
      HttpServer server =
          vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
      HttpResponse<String> served =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://127.0.0.1:" + server.actualPort() + "/v1/openapi.yaml"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(200, served.statusCode());
      assertEquals("application/yaml", served.headers().firstValue("content-type").orElse(""));
      assertEquals(ControlPlane.openApi(), served.body());
    } finally {
      vertx.close().await();
    }
  }
}
