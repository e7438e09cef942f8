package dev.meridian.node.failover;

import dev.meridian.config.LinkConfig;
import dev.meridian.config.MeridianConfig;
import dev.meridian.config.NodeConfig;
import dev.meridian.config.RegionConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The source region's control plane, as a failover uses it: fences on writes to a link's source
 * topics ({@code POST /v1/fences}), and for the reverse link, its links ({@code GET /v1/links},
 * {@code POST /v1/links}, {@code POST /v1/links/{name}/resume}) and adoption of the fenced topics
 * as the reverse link's mirror topics ({@code POST /v1/adoptions}). Any node of the source region
 * answers (changes go to its controller). Only a Meridian region has one: the config file must give
 * its nodes fixed {@code httpPort}s. Blocking.
 */
final class SourceControlPlane {
  private static final Duration TIMEOUT = Duration.ofSeconds(8);

  private final MeridianConfig config;
  private HttpClient http; // made on first use: a node that never asks its source pays nothing

  private synchronized HttpClient http() {
    if (http == null) {
      http = dev.meridian.node.http.ControlPlaneClients.client(config.controlPlane());
    }
    return http;
  }

  SourceControlPlane(MeridianConfig config) {
    this.config = config;
  }

  /** An answer of the source's control plane. */
  record Answer(int status, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  /**
   * Why writes to {@code link}'s source cannot be fenced, or null when they can: a Kafka cluster
   * source has no fence, and a region whose nodes have ephemeral REST ports cannot be reached.
   */
  static String unfenceable(MeridianConfig config, LinkConfig link) {
    if (!link.source().isRegion()) {
      return "the source of link "
          + link.name()
          + " is a Kafka cluster ("
          + link.source().describe()
          + "), whose writes Meridian cannot fence: stop its producers and fail over unplanned";
    }
    RegionConfig region = config.region(link.source().region()).orElse(null);
    if (region == null) {
      return "the source region " + link.source().region() + " is not in the config";
    }
    if (region.nodes().stream().allMatch(n -> n.httpPort() == 0)) {
      return "the nodes of source region "
          + region.name()
          + " have no fixed httpPort in the config, so their control plane cannot be reached to"
          + " fence writes";
    }
    return null;
  }

  /**
   * Sets the fence of {@code topics} at the source to {@code by} ({@code null} lifts it); returns
   * once the source's controller committed it.
   *
   * @throws IOException when no node of the source answers, or it refuses a topic
   */
  void fence(LinkConfig link, List<String> topics, String by)
      throws IOException, InterruptedException {
    if (topics.isEmpty()) {
      return;
    }
    String body =
        new JsonObject()
            .put("topics", new JsonArray(new ArrayList<>(topics)))
            .put("by", by)
            .encode();
    Answer a = send(link, "POST", "/v1/fences", body);
    if (a.status() != 200) {
      throw new IOException(
          (by == null ? "lifting the fence" : "fencing")
              + " at the source failed: "
              + a.status()
              + " "
              + a.body());
    }
  }

  /**
   * Halts every node of {@code link}'s source region ({@code POST /v1/halt} to each), to stay down
   * for {@code downForMs}; returns the ids of the nodes that accepted. A node that refuses (its
   * config does not allow halts) ends it with the nodes halted so far named.
   *
   * @throws IOException when a node refuses or none answers
   */
  List<Integer> haltRegion(LinkConfig link, long downForMs, String reason)
      throws IOException, InterruptedException {
    RegionConfig region = config.region(link.source().region()).orElseThrow();
    String body = new JsonObject().put("downForMs", downForMs).put("reason", reason).encode();
    List<Integer> halted = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    for (NodeConfig n : region.nodes()) {
      if (n.httpPort() == 0) {
        throw new IOException(
            "node " + n.id() + " of region " + region.name() + " has no fixed httpPort to halt");
      }
      try {
        Answer a = sendTo(n, "POST", "/v1/halt", body);
        if (a.status() != 202) {
          throw new IOException(
              "node "
                  + n.id()
                  + " of region "
                  + region.name()
                  + " refused the halt ("
                  + a.status()
                  + " "
                  + a.body()
                  + "); halted before it: "
                  + halted);
        }
        halted.add(n.id());
      } catch (java.net.ConnectException e) {
        failures.add("node " + n.id() + ": " + e.getMessage()); // already down
      }
    }
    if (halted.isEmpty()) {
      throw new IOException("no node of region " + region.name() + " took the halt: " + failures);
    }
    return halted;
  }

  /** Whether some node of {@code link}'s source region answers its health check with 200. */
  boolean anyNodeUp(LinkConfig link) throws InterruptedException {
    RegionConfig region = config.region(link.source().region()).orElseThrow();
    for (NodeConfig n : region.nodes()) {
      try {
        if (n.httpPort() != 0 && sendTo(n, "GET", "/v1/health", null).status() == 200) {
          return true;
        }
      } catch (IOException e) {
        // down: the next
      }
    }
    return false;
  }

  /**
   * Sends a request to the first node of {@code link}'s source region that answers; a 4xx answer is
   * returned at once (another node would refuse too), 5xx and connection failures try the next.
   *
   * @throws IOException when no node answers with less than 500
   */
  Answer send(LinkConfig link, String method, String path, String body)
      throws IOException, InterruptedException {
    String why = unfenceable(config, link);
    if (why != null) {
      throw new IOException(why);
    }
    RegionConfig region = config.region(link.source().region()).orElseThrow();
    List<String> failures = new ArrayList<>();
    for (NodeConfig n : region.nodes()) {
      if (n.httpPort() == 0) {
        continue;
      }
      try {
        Answer a = sendTo(n, method, path, body);
        if (a.status() < 500) {
          return a;
        }
        failures.add("node " + n.id() + " answered " + a.status() + ": " + a.body());
      } catch (IOException e) {
        failures.add("node " + n.id() + ": " + e.getMessage());
      }
    }
    throw new IOException(method + " " + path + " at region " + region.name() + ": " + failures);
  }

  /** Sends a request to node {@code n}, with the file's client token. */
  private Answer sendTo(NodeConfig n, String method, String path, String body)
      throws IOException, InterruptedException {
    URI uri =
        dev.meridian.node.http.ControlPlaneClients.uri(
            config.controlPlane(), n.host(), n.httpPort(), path);
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("content-type", "application/json");
    config
        .controlPlane()
        .clientToken()
        .ifPresent(t -> b.header("Authorization", "Bearer " + t.token()));
    HttpResponse<String> r =
        http()
            .send(
                b.method(
                        method,
                        body == null
                            ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return new Answer(r.statusCode(), r.body());
  }
}
