package dev.meridian.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.concurrent.TimeUnit;

/**
 * A Meridian node in a child JVM ({@code dev.meridian.node.NodeMain}, started by class name with
 * the test's class path), so that a test can kill it for real: SIGKILL, SIGSTOP and SIGCONT,
 * SIGTERM. Output is appended to {@code node-<id>.log} in the base data directory. Ports are read
 * from the node's {@code node.json} once it has joined its region.
 */
public final class ChildNode implements RunningNode {
  /** The main class of a node process. */
  public static final String MAIN_CLASS = "dev.meridian.node.NodeMain";

  private static final Duration START = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Path configFile;
  private final int nodeId;
  private final Path dataDir;
  private final Path nodeDir;
  private final Path log;
  private Process process;
  private int kafkaPort = -1;
  private int httpPort = -1;

  /**
   * @param nodeDir the node's own data directory (where it writes {@code node.json})
   */
  public ChildNode(Path configFile, int nodeId, Path dataDir, Path nodeDir) {
    this.configFile = configFile;
    this.nodeId = nodeId;
    this.dataDir = dataDir;
    this.nodeDir = nodeDir;
    this.log = dataDir.resolve("node-" + nodeId + ".log");
  }

  /** A launcher of child nodes for {@link TestRegion}. */
  public static NodeLauncher launcher() {
    return (config, configFile, nodeId, dataDir) -> {
      String dir = config.node(nodeId).orElseThrow().dataDir();
      return new ChildNode(configFile, nodeId, dataDir, dataDir.resolve(dir)).start();
    };
  }

  /** Starts (or restarts) the process and waits until it has joined its region. */
  public ChildNode start() {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("node " + nodeId + " is running");
    }
    try {
      Files.createDirectories(dataDir);
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("-Xmx256m");
      command.add("-XX:+UseSerialGC");
      command.add("-XX:TieredStopAtLevel=1");
      command.add("--add-opens=java.base/java.lang=ALL-UNNAMED");
      command.add("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED");
      command.add("-cp");
      command.add(System.getProperty("java.class.path"));
      command.add(MAIN_CLASS);
      command.addAll(
          List.of(
              "--config",
              configFile.toString(),
              "--node-id",
              String.valueOf(nodeId),
              "--data-dir",
              dataDir.toString()));
      process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start node " + nodeId, e);
    }
    long pid = process.pid();
    Path nodeFile = nodeDir.resolve("node.json");
    // after a kill -9 the old node.json is still there: wait for the one naming this process
    Wait.await("node " + nodeId + " joined (node.json of pid " + pid + ")", START)
        .failFast(
            () -> {
              if (!process.isAlive()) {
                throw new AssertionError(
                    "node " + nodeId + " exited before it was ready:\n" + tail());
              }
            })
        .until(() -> read(nodeFile).path("pid").asLong() == pid);
    JsonNode info;
    try {
      info = read(nodeFile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    kafkaPort = info.path("kafkaPort").asInt();
    httpPort = info.path("httpPort").asInt();
    return this;
  }

  private static JsonNode read(Path file) throws IOException {
    return JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
  }

  @Override
  public int nodeId() {
    return nodeId;
  }

  @Override
  public int kafkaPort() {
    return kafkaPort;
  }

  @Override
  public int httpPort() {
    return httpPort;
  }

  /** The process id. */
  public long pid() {
    return process.pid();
  }

  /** Whether the process runs. */
  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  @Override
  public boolean isUp() {
    if (!isAlive()) {
      return false;
    }
    try {
      return health(HTTP, "http") == 200;
    } catch (IOException e) {
      try {
        // a node whose control plane is HTTPS drops plain HTTP: ask it over TLS (trusting any
        // certificate: this only asks whether the node is up)
        return health(InsecureHttps.CLIENT, "https") == 200;
      } catch (IOException again) {
        return false;
      } catch (InterruptedException again) {
        Thread.currentThread().interrupt();
        return false;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private int health(java.net.http.HttpClient client, String scheme)
      throws IOException, InterruptedException {
    return client
        .send(
            HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + httpPort + "/v1/health"))
                .timeout(Duration.ofSeconds(2))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  /** Waits until the node is UP. */
  public ChildNode awaitUp(Duration atMost) {
    Wait.until("node " + nodeId + " UP", atMost, this::isUp);
    return this;
  }

  /** SIGKILL; waits until the process is gone and returns its exit code (137). */
  public int kill9() {
    process.destroyForcibly();
    return waitFor(Duration.ofSeconds(30));
  }

  /** SIGTERM (a clean stop); waits until the process is gone and returns its exit code. */
  public int terminate() {
    process.destroy();
    return waitFor(Duration.ofSeconds(60));
  }

  /** SIGSTOP: the process hangs, its sockets stay open. */
  public void pause() {
    signal("STOP");
  }

  /** SIGCONT: the paused process runs on. */
  public void resume() {
    signal("CONT");
  }

  private void signal(String name) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(pid())).start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + name + " " + pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private int waitFor(Duration atMost) {
    try {
      if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("node " + nodeId + " (pid " + pid() + ") did not stop");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return process.exitValue();
  }

  /** The node's log so far. */
  public String output() {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  /** The last lines of the node's log. */
  public String tail() {
    String out = output();
    return out.length() <= 8000 ? out : out.substring(out.length() - 8000);
  }

  /**
   * Stops the process if it still runs: SIGCONT (in case it was paused), SIGTERM, and SIGKILL if it
   * has not stopped within 20 s.
   */
  @Override
  public void close() {
    if (!isAlive()) {
      return;
    }
    try {
      resume();
    } catch (RuntimeException e) {
      // it may have died meanwhile
    }
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
