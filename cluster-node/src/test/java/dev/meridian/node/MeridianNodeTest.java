package dev.meridian.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.config.ConfigLoader;
import dev.meridian.config.MeridianConfig;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node in this JVM: start, node.json, health, data directory lock, close. */
class MeridianNodeTest {

  @TempDir Path tmp;

  private MeridianConfig config(int nodes) throws Exception {
    return ConfigLoader.load(TestConfigs.writeEphemeral(tmp, nodes));
  }

  @Test
  void startWritesNodeFileServesHealthAndCloseRemovesIt() throws Exception {
    Path data = tmp.resolve("data");
    MeridianNode node = new MeridianNode(config(1), 1, data);
    try {
      node.start();
      assertEquals(data.resolve("east-1").toAbsolutePath(), node.dataDir());
      assertTrue(node.httpPort() > 0);

      JsonObject info = new JsonObject(Files.readString(node.dataDir().resolve("node.json")));
      assertEquals(ProcessHandle.current().pid(), info.getLong("pid"));
      assertEquals(node.httpPort(), info.getInteger("httpPort"));
      assertEquals("127.0.0.1", info.getString("host"));
      assertTrue(node.kafkaPort() > 0);
      assertEquals(node.kafkaPort(), info.getInteger("kafkaPort"));
      assertEquals("127.0.0.1:" + node.kafkaPort(), info.getString("kafkaListener"));

      // one node is a majority of its region: it registers itself at once
      org.awaitility.Awaitility.await("node active")
          .atMost(java.time.Duration.ofSeconds(30))
          .until(node::isActive);
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + node.httpPort() + "/v1/health"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode());
      JsonObject health = new JsonObject(response.body());
      assertEquals("UP", health.getString("status"));
      assertEquals(1, health.getInteger("nodeId"));
      assertEquals("east", health.getString("region"));
      assertEquals(node.httpPort(), health.getInteger("httpPort"));
      // a new region has no topics yet (the offsets topic comes with the first group)
      assertEquals(0, health.getInteger("partitions"));

    } finally {
      node.close();
    }
    assertFalse(Files.exists(node.dataDir().resolve("node.json")));
    node.close(); // idempotent
  }

  @Test
  void aFreshNodeServesNoGroups() throws Exception {
    try (MeridianNode node = new MeridianNode(config(1), 1, tmp.resolve("data"))) {
      node.start();
      HttpClient client = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + node.httpPort();

      HttpResponse<String> list =
          client.send(
              HttpRequest.newBuilder(URI.create(base + "/v1/groups")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, list.statusCode());
      assertEquals("application/json", list.headers().firstValue("content-type").orElse(null));
      assertEquals("[]", list.body());

      HttpResponse<String> detail =
          client.send(
              HttpRequest.newBuilder(URI.create(base + "/v1/groups/billing")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(404, detail.statusCode());
      assertEquals(
          "https://meridian.dev/problems/group-not-found",
          new JsonObject(detail.body()).getString("type"));
    }
  }

  @Test
  void secondNodeOnTheSameDataDirectoryFailsToStart() throws Exception {
    MeridianConfig config = config(1);
    Path data = tmp.resolve("data");
    try (MeridianNode first = new MeridianNode(config, 1, data);
        MeridianNode second = new MeridianNode(config, 1, data)) {
      first.start();
      NodeStartException e = assertThrows(NodeStartException.class, second::start);
      assertTrue(e.getMessage().contains("could not lock data directory"), e.getMessage());
      assertTrue(Files.exists(first.dataDir().resolve("node.json")), "first node unaffected");
    }
  }

  @Test
  void portInUseFailsWithTheAddressInTheMessage() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Path file =
          TestConfigs.write(
              tmp.resolve("taken.yaml"),
              """
              regions:
                - name: east
                  nodes:
                    - id: 1
                      host: 127.0.0.1
                      kafkaPort: 0
                      httpPort: %d
                      dataDir: east-1
              """
                  .formatted(taken.getLocalPort()));
      try (MeridianNode node = new MeridianNode(ConfigLoader.load(file), 1, tmp.resolve("d"))) {
        NodeStartException e = assertThrows(NodeStartException.class, node::start);
        assertTrue(
            e.getMessage().contains("listen for HTTP on 127.0.0.1:" + taken.getLocalPort()),
            e.getMessage());
        assertFalse(Files.exists(node.dataDir().resolve("node.json")));
      }
    }
  }

  @Test
  void unknownNodeIdIsRejected() throws Exception {
    MeridianConfig config = config(1);
    assertThrows(IllegalArgumentException.class, () -> new MeridianNode(config, 9, tmp));
  }
}
