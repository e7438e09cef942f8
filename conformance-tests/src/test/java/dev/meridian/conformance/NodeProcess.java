package dev.meridian.conformance;

import static org.awaitility.Awaitility.await;

import dev.meridian.node.MeridianNode;
import dev.meridian.node.NodeMain;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Meridian node as a child process ({@link NodeMain} in its own JVM), so that a scenario can kill
 * it with SIGKILL. It uses the one-node config of {@link MeridianUnderTest}: the first start binds
 * an ephemeral Kafka port, read from {@code node.json}; a restart binds that port again. The
 * child's output is appended to {@code node.log} in the base data directory.
 */
final class NodeProcess implements AutoCloseable {
  private static final Duration READY = Duration.ofSeconds(60);

  private final Path dataDir;
  private final Path log;
  private Process process;
  private int kafkaPort;

  NodeProcess(Path dataDir) {
    this.dataDir = dataDir;
    this.log = dataDir.resolve("node.log");
  }

  /** Starts (or restarts) the node process and waits until it is ready. */
  NodeProcess start() throws IOException {
    Files.createDirectories(dataDir);
    Path config = dataDir.resolve("node-" + kafkaPort + ".yaml");
    Files.writeString(
        config,
        MeridianUnderTest.configYaml(kafkaPort, "  partitions: 1\n"),
        StandardCharsets.UTF_8);
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    // the node settings of this test JVM (failsafe's systemPropertyVariables) apply to the child
    for (String key : System.getProperties().stringPropertyNames()) {
      if (key.startsWith("meridian.")) {
        command.add("-D" + key + "=" + System.getProperty(key));
      }
    }
    command.addAll(
        List.of(
            "-cp",
            classpath,
            NodeMain.class.getName(),
            "--config",
            config.toString(),
            "--node-id",
            String.valueOf(MeridianUnderTest.NODE_ID),
            "--data-dir",
            dataDir.toString()));
    process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    Path nodeFile = dataDir.resolve(MeridianUnderTest.NODE_DIR).resolve(MeridianNode.NODE_FILE);
    long pid = process.pid();
    // after a kill -9 the old node.json is still there: wait for the one naming this process
    await("node.json of pid " + pid)
        .atMost(READY)
        .pollInterval(Duration.ofMillis(50))
        .ignoreExceptions()
        .failFast(
            () -> {
              if (!process.isAlive()) {
                throw new AssertionError("node exited before it was ready:\n" + output());
              }
            })
        .until(() -> nodeInfo(nodeFile).getLong("pid") == pid);
    kafkaPort = nodeInfo(nodeFile).getInteger("kafkaPort");
    return this;
  }

  private static JsonObject nodeInfo(Path nodeFile) throws IOException {
    return new JsonObject(Files.readString(nodeFile, StandardCharsets.UTF_8));
  }

  String bootstrap() {
    return "127.0.0.1:" + kafkaPort;
  }

  /**
   * Kills the node with SIGKILL and waits for the process to be gone.
   *
   * @return the exit code (137 for SIGKILL)
   */
  int kill9() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("node process " + process.pid() + " survived SIGKILL");
    }
    return process.exitValue();
  }

  /** What the node processes printed so far. */
  String output() {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      try {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
