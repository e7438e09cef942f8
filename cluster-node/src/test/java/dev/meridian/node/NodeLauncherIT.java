package dev.meridian.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.meridian.node.storage.LogConfig;
import dev.meridian.node.storage.LogManager;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nodes as real processes: {@link NodeMain} in a child JVM, and the {@code ops/meridian} launcher
 * ({@code up --detach}, {@code status}, {@code down}).
 */
class NodeLauncherIT {

  private static final Duration READY = Duration.ofSeconds(60);
  private static final Duration STOP = Duration.ofSeconds(30);
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir Path tmp;

  private final List<Process> processes = new ArrayList<>();
  private final List<ProcessHandle> detached = new ArrayList<>();

  @AfterEach
  void killLeftovers() throws InterruptedException {
    for (Process p : processes) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    detached.forEach(ProcessHandle::destroyForcibly);
  }

  @Test
  void nodeProcessServesHealthAndStopsCleanlyOnSigterm() throws Exception {
    Path config = TestConfigs.writeEphemeral(tmp, 1);
    Path data = tmp.resolve("data");
    Path log = tmp.resolve("node.log");
    Path logs = data.resolve("east-1").resolve(MeridianNode.LOGS_DIR);
    // a log left on disk that no topic of the region claims: set aside once the node is live
    Path stray = logs.resolve("stray-0");
    try (LogManager manager = LogManager.open(logs, LogConfig.DEFAULT)) {
      manager.getOrCreate("stray", 0, LogConfig.DEFAULT);
    }
    Path partition = logs.resolve("orders-0");
    Process node =
        start(
            new ProcessBuilder(
                    javaCommand(
                        "--config", config.toString(), "--node-id", "1", "--data-dir", data + ""))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile()));

    Path nodeFile = data.resolve("east-1").resolve(MeridianNode.NODE_FILE);
    JsonObject info = awaitNodeFile(nodeFile, node.pid(), node, log);
    int port = info.getInteger("httpPort");
    assertTrue(port > 0, info.encode());
    int kafkaPort = info.getInteger("kafkaPort");
    assertTrue(kafkaPort > 0, info.encode());
    assertEquals("127.0.0.1:" + kafkaPort, info.getString("kafkaListener"));

    String base = "http://127.0.0.1:" + port;
    await("health UP")
        .atMost(READY)
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .until(
            () -> "UP".equals(new JsonObject(get(base + "/v1/health").body()).getString("status")));
    JsonObject health = new JsonObject(get(base + "/v1/health").body());
    assertEquals(1, health.getInteger("nodeId"));
    assertEquals("east", health.getString("region"));
    assertEquals(port, health.getInteger("httpPort"));
    await("stray log set aside").atMost(READY).until(() -> !Files.exists(stray));
    try (Stream<Path> dirs = Files.list(logs)) {
      assertTrue(
          dirs.anyMatch(d -> d.getFileName().toString().matches("stray-0\\.\\d+-stray")),
          "kept as stray-0.<ms>-stray");
    }
    createTopic("127.0.0.1:" + kafkaPort, "orders");
    await("orders hosted")
        .atMost(READY)
        .ignoreExceptions()
        .until(() -> new JsonObject(get(base + "/v1/health").body()).getInteger("partitions") == 1);
    assertFalse(Files.exists(partition.resolve(".clean-shutdown")), "open partitions are dirty");

    HttpResponse<String> missing = get(base + "/v1/no-such-route");
    assertEquals(404, missing.statusCode());
    assertEquals(
        "application/problem+json", missing.headers().firstValue("content-type").orElse(""));
    JsonObject problem = new JsonObject(missing.body());
    assertEquals(404, problem.getInteger("status"));
    assertEquals("Not Found", problem.getString("title"));
    assertEquals("/v1/no-such-route", problem.getString("instance"));

    node.destroy(); // SIGTERM
    assertTrue(node.waitFor(STOP.toSeconds(), TimeUnit.SECONDS), "node did not stop in time");
    assertEquals(143, node.exitValue(), "exit code of a JVM stopped by SIGTERM");
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertTrue(
        output.contains(
            "Meridian node 1 (region east) ready: http=127.0.0.1:"
                + port
                + " kafka=127.0.0.1:"
                + kafkaPort),
        output);
    assertTrue(output.contains("Meridian node 1 (region east) stopped cleanly"), output);
    assertFalse(Files.exists(nodeFile), "node.json is removed on a clean stop");
    assertTrue(Files.exists(partition.resolve(".clean-shutdown")), "logs closed cleanly");
  }

  private static void createTopic(String bootstrap, String name) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin.createTopics(List.of(new NewTopic(name, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void badConfigExitsWithTwoAndNamesTheField() throws Exception {
    Path config =
        TestConfigs.write(
            tmp.resolve("bad.yaml"),
            "regions:\n  - name: east\n    nodes:\n      - id: 1\n        host: 127.0.0.1\n"
                + "        kafkaPort: 0\n        httpPort: -1\n        dataDir: e\n");
    Path log = tmp.resolve("bad.log");
    Process node =
        start(
            new ProcessBuilder(javaCommand("--config", config.toString(), "--node-id", "1"))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile()));
    assertTrue(node.waitFor(STOP.toSeconds(), TimeUnit.SECONDS));
    assertEquals(2, node.exitValue());
    String output = Files.readString(log);
    assertTrue(output.contains(config.toString()), output);
    assertTrue(output.contains("regions[0].nodes[0].httpPort"), output);
  }

  @Test
  void opsLauncherUpDetachStatusDown() throws Exception {
    Path root = Path.of("").toAbsolutePath().getParent();
    Path script = root.resolve("ops/meridian");
    assumeTrue(Files.isRegularFile(script), "ops/meridian not found from " + root);
    assumeTrue(hasNodeJar(root), "cluster-node jar not packaged yet (run through mvn verify)");
    assumeTrue(new File("/bin/bash").canExecute(), "bash is needed");

    Path config = TestConfigs.writeEphemeral(tmp, 2);
    Path data = tmp.resolve("ops-data");

    Result up = ops(root, "up", "--detach", "--config", config.toString(), "--data-dir", data + "");
    assertEquals(0, up.exitCode(), up.output());
    assertTrue(up.output().contains("node 1 (region east) ready"), up.output());
    assertTrue(up.output().contains("node 2 (region east) ready"), up.output());

    List<Long> pids = new ArrayList<>();
    for (int id = 1; id <= 2; id++) {
      pids.add(Long.parseLong(Files.readString(data.resolve("run/node-" + id + ".pid")).trim()));
    }
    pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(detached::add));

    Result status = ops(root, "status", "--data-dir", data.toString());
    assertEquals(0, status.exitCode(), status.output());
    assertTrue(status.output().contains("node 1: pid " + pids.get(0) + " alive"), status.output());
    assertTrue(status.output().contains("\"status\":\"UP\""), status.output());
    assertTrue(status.output().contains("node 2: pid " + pids.get(1) + " alive"), status.output());

    Result down = ops(root, "down", "--data-dir", data.toString());
    assertEquals(0, down.exitCode(), down.output());
    for (long pid : pids) {
      assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid);
    }
    try (Stream<Path> run = Files.list(data.resolve("run"))) {
      assertEquals(0, run.count(), "pid files removed");
    }
    assertTrue(
        Files.readString(data.resolve("logs/node-1.log")).contains("stopped cleanly"),
        "node 1 stopped by SIGTERM, not SIGKILL");

    Result after = ops(root, "status", "--data-dir", data.toString());
    assertEquals(3, after.exitCode(), after.output());
  }

  // ------------------------------------------------------------------------------ helpers

  private record Result(int exitCode, String output) {}

  private Result ops(Path root, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("/bin/bash", root.resolve("ops/meridian") + ""));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(tmp, "ops-", ".out");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(tmp.toFile())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile());
    builder.environment().put("MERIDIAN_NO_BUILD", "1");
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process process = start(builder);
    boolean done = process.waitFor(120, TimeUnit.SECONDS);
    String output = Files.readString(out);
    assertTrue(done, "ops/meridian " + String.join(" ", args) + " timed out:\n" + output);
    return new Result(process.exitValue(), output);
  }

  private Process start(ProcessBuilder builder) throws IOException {
    Process process = builder.start();
    processes.add(process);
    return process;
  }

  private static List<String> javaCommand(String... args) {
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx128m");
    command.add("-cp");
    command.add(classpath);
    command.add(NodeMain.class.getName());
    command.addAll(List.of(args));
    return command;
  }

  private static JsonObject awaitNodeFile(Path nodeFile, long pid, Process node, Path log) {
    await("node.json of pid " + pid)
        .atMost(READY)
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .failFast("node exited before it was ready; see " + log, () -> !node.isAlive())
        .until(() -> new JsonObject(Files.readString(nodeFile)).getLong("pid") == pid);
    try {
      return new JsonObject(Files.readString(nodeFile));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static HttpResponse<String> get(String uri) throws IOException, InterruptedException {
    return CLIENT.send(
        HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static boolean hasNodeJar(Path root) throws IOException {
    Path target = root.resolve("cluster-node/target");
    if (!Files.isDirectory(target.resolve("lib"))) {
      return false;
    }
    try (Stream<Path> files = Files.list(target)) {
      return files.anyMatch(
          p -> p.getFileName().toString().matches("cluster-node-[^/]*(?<!-tests)\\.jar"));
    }
  }
}
