package dev.meridian.conformance;

import dev.meridian.testsupport.FreePorts;
import dev.meridian.testsupport.Wait;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A single-node Apache Kafka 4.4 (KRaft, broker and controller in one process) in a child JVM on
 * free loopback ports, from the broker jars on the test class path: the foreign cluster a mirror
 * link reads from. Its log goes to {@code kafka.log} in its directory; {@link #close()} kills the
 * process by its PID.
 */
final class ApacheKafka implements AutoCloseable {
  private final Path dir;
  private final int port;
  private final Process process;

  private ApacheKafka(Path dir, int port, Process process) {
    this.dir = dir;
    this.port = port;
    this.process = process;
  }

  /**
   * Formats and starts a broker with data under {@code dir}; {@code extra} are more
   * server.properties; waits until its port accepts connections.
   */
  static ApacheKafka start(Path dir, Map<String, String> extra) throws Exception {
    Files.createDirectories(dir);
    int port = FreePorts.next();
    int controller = FreePorts.next();
    StringBuilder props = new StringBuilder();
    Map.ofEntries(
            Map.entry("process.roles", "broker,controller"),
            Map.entry("node.id", "1"),
            Map.entry("controller.quorum.voters", "1@127.0.0.1:" + controller),
            Map.entry(
                "listeners",
                "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller),
            Map.entry("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port),
            Map.entry("controller.listener.names", "CONTROLLER"),
            Map.entry("inter.broker.listener.name", "PLAINTEXT"),
            Map.entry("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT"),
            Map.entry("log.dirs", dir.resolve("data").toString()),
            Map.entry("offsets.topic.replication.factor", "1"),
            Map.entry("offsets.topic.num.partitions", "3"),
            Map.entry("transaction.state.log.replication.factor", "1"),
            Map.entry("transaction.state.log.min.isr", "1"),
            Map.entry("transaction.state.log.num.partitions", "3"),
            Map.entry("share.coordinator.state.topic.replication.factor", "1"),
            Map.entry("share.coordinator.state.topic.min.isr", "1"),
            Map.entry("group.initial.rebalance.delay.ms", "0"),
            Map.entry("auto.create.topics.enable", "false"))
        .forEach((k, v) -> props.append(k).append('=').append(v).append('\n'));
    extra.forEach((k, v) -> props.append(k).append('=').append(v).append('\n'));
    Path config = dir.resolve("server.properties");
    Files.writeString(config, props.toString(), StandardCharsets.UTF_8);
    Path log = dir.resolve("kafka.log");
    String clusterId = uuidBase64();
    Process format =
        java("kafka.tools.StorageTool", "format", "--cluster-id=" + clusterId, "--config=" + config)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
      format.destroyForcibly();
      throw new IllegalStateException(
          "formatting Kafka's storage failed:\n" + Files.readString(log, StandardCharsets.UTF_8));
    }
    Process kafka =
        java("kafka.Kafka", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    ApacheKafka k = new ApacheKafka(dir, port, kafka);
    try {
      Wait.await("Apache Kafka listening on " + port, Duration.ofSeconds(90))
          .failFast(
              () -> {
                if (!kafka.isAlive()) {
                  throw new AssertionError("Kafka exited:\n" + k.tail());
                }
              })
          .until(() -> accepts(port));
    } catch (RuntimeException | AssertionError e) {
      k.close();
      throw e;
    }
    return k;
  }

  private static String uuidBase64() {
    UUID u = UUID.randomUUID();
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16);
    b.putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
  }

  private static ProcessBuilder java(String mainClass, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    command.add("-XX:+UseSerialGC");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(List.of(args));
    return new ProcessBuilder(command);
  }

  private static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  String bootstrap() {
    return "127.0.0.1:" + port;
  }

  String tail() {
    try {
      String s = Files.readString(dir.resolve("kafka.log"), StandardCharsets.UTF_8);
      return s.length() > 8000 ? s.substring(s.length() - 8000) : s;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(20, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
