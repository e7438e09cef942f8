package dev.meridian.node.http;

import static dev.meridian.node.group.InMemoryGroupQuery.member;
import static dev.meridian.node.group.InMemoryGroupQuery.stable;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.meridian.node.group.GroupQuery.TopicPartitionRef;
import dev.meridian.node.group.InMemoryGroupQuery;
import dev.meridian.node.group.LagAgent;
import dev.meridian.node.group.LagEvaluator;
import dev.meridian.node.group.LagReporter;
import dev.meridian.node.group.LogEndOffsets;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /v1/groups} and {@code GET /v1/groups/{group}} on a real HTTP server, over an
 * in-memory coordinator, fake end offsets and a test clock.
 */
class GroupRoutesTest {

  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final InMemoryGroupQuery groups = new InMemoryGroupQuery();
  private final Map<TopicPartitionRef, Long> ends = new ConcurrentHashMap<>();
  private final LogEndOffsets endOffsets =
      (topic, p) -> ends.getOrDefault(new TopicPartitionRef(topic, p), LogEndOffsets.UNKNOWN);
  private final LagEvaluator evaluator = new LagEvaluator(3);
  private volatile long now = 1_700_000_000_000L;
  private final LagAgent agent = new LagAgent(groups, endOffsets, evaluator, () -> now, 10_000);

  private Vertx vertx;
  private HttpServer server;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    LagReporter reporter = new LagReporter(groups, endOffsets, evaluator, () -> now);
    server =
        vertx
            .createHttpServer()
            .requestHandler(
                ControlPlane.router(
                    vertx, () -> new Health("UP", 1, "east", 1, "-", 1, 0, 0), reporter))
            .listen(0, "127.0.0.1")
            .await();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private HttpResponse<String> send(String method, String path) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path))
            .timeout(Duration.ofSeconds(10))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build();
    return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return send("GET", path);
  }

  private static void assertJson(HttpResponse<String> response) {
    assertEquals(200, response.statusCode(), response.body());
    assertEquals("application/json", response.headers().firstValue("content-type").orElse(null));
    assertEquals("no-store", response.headers().firstValue("cache-control").orElse(null));
  }

  /** billing: slow on orders-0 (lag 100, 200, 300), caught up on orders-1; audit: caught up. */
  private void slowBillingAndCaughtUpAudit() {
    groups.put(stable("billing", member("c-1", "orders", 0), member("c-2", "orders", 1)));
    groups.put(stable("audit", member("a-1", "orders", 0, 1)));
    for (int i = 1; i <= 3; i++) {
      now += 60_000;
      ends.put(new TopicPartitionRef("orders", 0), 200L * i);
      ends.put(new TopicPartitionRef("orders", 1), 50L * i);
      groups.commit("billing", "orders", 0, 100L * i, now);
      groups.commit("billing", "orders", 1, 50L * i, now);
      groups.commit("audit", "orders", 0, 200L * i, now);
      groups.commit("audit", "orders", 1, 50L * i, now);
      agent.doWork(now);
    }
    now += 5_000;
  }

  @Test
  void noGroupsIsAnEmptyArray() throws Exception {
    HttpResponse<String> response = get("/v1/groups");
    assertJson(response);
    assertEquals("[]", response.body());
  }

  @Test
  void listShowsEachGroupWithTotalLagAndStatus() throws Exception {
    slowBillingAndCaughtUpAudit();
    HttpResponse<String> response = get("/v1/groups");
    assertJson(response);
    assertEquals(
        new JsonArray()
            .add(
                new JsonObject()
                    .put("groupId", "audit")
                    .put("state", "Stable")
                    .put("protocolType", "consumer")
                    .put("members", 1)
                    .put("totalLag", 0)
                    .put("status", "OK"))
            .add(
                new JsonObject()
                    .put("groupId", "billing")
                    .put("state", "Stable")
                    .put("protocolType", "consumer")
                    .put("members", 2)
                    .put("totalLag", 300)
                    .put("status", "WARNING")),
        new JsonArray(response.body()));
  }

  @Test
  void listCanBeFilteredByStatus() throws Exception {
    slowBillingAndCaughtUpAudit();
    JsonArray warning = new JsonArray(get("/v1/groups?status=WARNING").body());
    assertEquals(1, warning.size());
    assertEquals("billing", warning.getJsonObject(0).getString("groupId"));
    assertEquals(2, new JsonArray(get("/v1/groups?status=OK,WARNING").body()).size());
    assertEquals(2, new JsonArray(get("/v1/groups?status=OK&status=WARNING").body()).size());
    assertEquals("[]", get("/v1/groups?status=ERROR").body());
  }

  @Test
  void anUnknownStatusFilterIsABadRequest() throws Exception {
    HttpResponse<String> response = get("/v1/groups?status=STALLED");
    assertEquals(400, response.statusCode());
    assertEquals(Problems.CONTENT_TYPE, response.headers().firstValue("content-type").orElse(null));
    assertEquals(
        Problems.problem(
            400,
            "unknown group status 'STALLED' in 'status'; expected OK, WARNING or ERROR",
            "/v1/groups"),
        new JsonObject(response.body()));
  }

  @Test
  void detailShowsMembersAssignmentsAndPerPartitionLag() throws Exception {
    slowBillingAndCaughtUpAudit();
    long lastCommit = now - 5_000;
    HttpResponse<String> response = get("/v1/groups/billing");
    assertJson(response);
    JsonObject expected =
        new JsonObject()
            .put("groupId", "billing")
            .put("state", "Stable")
            .put("protocolType", "consumer")
            .put("protocol", "range")
            .put("generation", 1)
            .put("leaderId", "c-1")
            .put("status", "WARNING")
            .put("complete", 1.0)
            .put("totalLag", 300)
            .put(
                "members",
                new JsonArray()
                    .add(memberJson("c-1", "orders", 0))
                    .add(memberJson("c-2", "orders", 1)))
            .put(
                "partitions",
                new JsonArray()
                    .add(
                        new JsonObject()
                            .put("topic", "orders")
                            .put("partition", 0)
                            .put("memberId", "c-1")
                            .put("committedOffset", 300)
                            .put("commitTimestampMs", lastCommit)
                            .put("logEndOffset", 600)
                            .put("lag", 300)
                            .put("status", "WARNING")
                            .put("complete", 1.0))
                    .add(
                        new JsonObject()
                            .put("topic", "orders")
                            .put("partition", 1)
                            .put("memberId", "c-2")
                            .put("committedOffset", 150)
                            .put("commitTimestampMs", lastCommit)
                            .put("logEndOffset", 150)
                            .put("lag", 0)
                            .put("status", "OK")
                            .put("complete", 1.0)));
    assertEquals(expected, new JsonObject(response.body()));
  }

  private static JsonObject memberJson(String id, String topic, int partition) {
    return new JsonObject()
        .put("memberId", id)
        .putNull("groupInstanceId")
        .put("clientId", "client-" + id)
        .put("clientHost", "/127.0.0.1")
        .put(
            "assignment",
            new JsonArray().add(new JsonObject().put("topic", topic).put("partition", partition)));
  }

  @Test
  void unknownValuesAreNull() throws Exception {
    groups.put(stable("new", member("m", "orders", 0)));
    JsonObject p =
        new JsonObject(get("/v1/groups/new").body()).getJsonArray("partitions").getJsonObject(0);
    assertEquals(
        new JsonObject()
            .put("topic", "orders")
            .put("partition", 0)
            .put("memberId", "m")
            .putNull("committedOffset")
            .putNull("commitTimestampMs")
            .putNull("logEndOffset")
            .putNull("lag")
            .put("status", "OK")
            .put("complete", 0.0),
        p);
  }

  @Test
  void aStoppedConsumerMakesTheGroupError() throws Exception {
    slowBillingAndCaughtUpAudit();
    for (int i = 0; i < 60; i++) {
      now += 10_000; // the agent samples for 10 minutes; no commit, the window spans 2
      agent.doWork(now);
    }
    JsonObject billing = new JsonObject(get("/v1/groups/billing").body());
    assertEquals("ERROR", billing.getString("status"));
    assertEquals(
        "STOPPED", billing.getJsonArray("partitions").getJsonObject(0).getString("status"));
    assertEquals("OK", billing.getJsonArray("partitions").getJsonObject(1).getString("status"));
  }

  @Test
  void anUnknownGroupIsANotFoundProblem() throws Exception {
    HttpResponse<String> response = get("/v1/groups/nope");
    assertEquals(404, response.statusCode());
    assertEquals(Problems.CONTENT_TYPE, response.headers().firstValue("content-type").orElse(null));
    assertEquals(
        new JsonObject()
            .put("type", "https://meridian.dev/problems/group-not-found")
            .put("title", "Group not found")
            .put("status", 404)
            .put("detail", "no consumer group 'nope' on this node")
            .put("instance", "/v1/groups/nope"),
        new JsonObject(response.body()));
  }

  @Test
  void groupIdsAreDecodedFromThePath() throws Exception {
    groups.put(stable("team/a b"));
    HttpResponse<String> response = get("/v1/groups/team%2Fa%20b");
    assertJson(response);
    assertEquals("team/a b", new JsonObject(response.body()).getString("groupId"));
  }

  @Test
  void aBlankGroupIdIsABadRequest() throws Exception {
    HttpResponse<String> response = get("/v1/groups/%20");
    assertEquals(400, response.statusCode());
    assertEquals("group id must not be blank", new JsonObject(response.body()).getString("detail"));
  }

  @Test
  void onlyGetIsAllowed() throws Exception {
    assertEquals(405, send("DELETE", "/v1/groups/billing").statusCode());
    assertEquals(405, send("POST", "/v1/groups").statusCode());
  }
}
