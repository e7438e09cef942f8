package dev.meridian.testsupport;

import dev.meridian.config.ConfigException;
import dev.meridian.config.ConfigLoader;
import dev.meridian.config.MeridianConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the YAML of a one-region config for tests: nodes {@code 1..n} on 127.0.0.1 with data
 * directories {@code <region>-<id>}, free cluster ports (peers find each other by those), HTTP on
 * ephemeral ports, and Kafka on ephemeral ports for one node or on fixed free ports for several (so
 * that a restarted node comes back where clients knew it). Topic defaults and broker settings are
 * added key by key.
 *
 * <pre>
 * Path config = RegionYaml.of("east", 3)
 *     .topicDefault("partitions", 6)
 *     .broker("groupInitialRebalanceDelayMs", 0)
 *     .write(dir.resolve("region.yaml"));
 * </pre>
 */
public final class RegionYaml {
  /** One node's settings. */
  public record Node(
      int id, int kafkaPort, int httpPort, int clusterPort, String dataDir, String rack) {}

  private final String region;
  private final List<Node> nodes = new ArrayList<>();
  private final Map<String, Object> topicDefaults = new LinkedHashMap<>();
  private final Map<String, Object> broker = new LinkedHashMap<>();
  private final List<RegionYaml> peers = new ArrayList<>();
  private final List<String> links = new ArrayList<>();
  private final Map<Integer, Integer> peerKafkaPorts = new LinkedHashMap<>();
  private final List<String> tokens = new ArrayList<>();
  private boolean allowHalt;
  private String tls;

  private RegionYaml(String region) {
    this.region = region;
  }

  /** A region of {@code count} nodes; see the class comment for the ports. */
  public static RegionYaml of(String region, int count) {
    return of(region, count, 1);
  }

  /**
   * A region of {@code count} nodes with ids from {@code firstId} (node ids are unique across all
   * regions of a file).
   */
  public static RegionYaml of(String region, int count, int firstId) {
    RegionYaml y = new RegionYaml(region);
    for (int id = firstId; id < firstId + count; id++) {
      int kafka = count == 1 ? 0 : FreePorts.next();
      int cluster = count == 1 ? 0 : FreePorts.next();
      y.nodes.add(new Node(id, kafka, 0, cluster, region + "-" + id, null));
    }
    return y;
  }

  /** Gives every node a fixed free Kafka port (restarts of a one-node region, kcat). */
  public RegionYaml fixedKafkaPorts() {
    for (int i = 0; i < nodes.size(); i++) {
      Node n = nodes.get(i);
      if (n.kafkaPort() == 0) {
        nodes.set(
            i,
            new Node(
                n.id(), FreePorts.next(), n.httpPort(), n.clusterPort(), n.dataDir(), n.rack()));
      }
    }
    return this;
  }

  /**
   * Gives every node a fixed free REST port (another region's failover reaches this region's
   * control plane through the config file to fence writes).
   */
  public RegionYaml fixedHttpPorts() {
    for (int i = 0; i < nodes.size(); i++) {
      Node n = nodes.get(i);
      if (n.httpPort() == 0) {
        nodes.set(
            i,
            new Node(
                n.id(), n.kafkaPort(), FreePorts.next(), n.clusterPort(), n.dataDir(), n.rack()));
      }
    }
    return this;
  }

  /** Sets node {@code id}'s Kafka port. */
  public RegionYaml kafkaPort(int id, int port) {
    Node n = node(id);
    nodes.set(
        nodes.indexOf(n),
        new Node(n.id(), port, n.httpPort(), n.clusterPort(), n.dataDir(), n.rack()));
    return this;
  }

  /** Puts node {@code id} in {@code rack}. */
  public RegionYaml rack(int id, String rack) {
    Node n = node(id);
    nodes.set(
        nodes.indexOf(n),
        new Node(n.id(), n.kafkaPort(), n.httpPort(), n.clusterPort(), n.dataDir(), rack));
    return this;
  }

  /** A key of the {@code topicDefaults} section. */
  public RegionYaml topicDefault(String key, Object value) {
    topicDefaults.put(key, value);
    return this;
  }

  /** A key of the {@code broker} section. */
  public RegionYaml broker(String key, Object value) {
    broker.put(key, value);
    return this;
  }

  /** A bearer token of the control plane ({@code controlPlane.tokens}). */
  public RegionYaml token(String name, String token, String role) {
    tokens.add("    - {name: " + name + ", token: \"" + token + "\", role: " + role + "}\n");
    return this;
  }

  /** HTTPS for the control plane from a PKCS12 key store ({@code controlPlane.tls}). */
  public RegionYaml controlPlaneTls(String keyStore, String password) {
    tls = "  tls: {keyStore: \"" + keyStore + "\", keyStorePassword: \"" + password + "\"}\n";
    return this;
  }

  /** Lets a region-loss drill halt this file's nodes ({@code controlPlane.allowHalt: true}). */
  public RegionYaml allowHalt() {
    allowHalt = true;
    return this;
  }

  /** Node {@code id}'s settings. */
  public Node node(int id) {
    return nodes.stream()
        .filter(n -> n.id() == id)
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no node " + id));
  }

  /** The nodes. */
  public List<Node> nodes() {
    return List.copyOf(nodes);
  }

  /** The region's name. */
  public String region() {
    return region;
  }

  /**
   * Adds {@code other}'s region to this file (its nodes are not started with this region; its topic
   * defaults and broker settings are not written). Links between the regions then name it.
   */
  public RegionYaml alongside(RegionYaml other) {
    peers.add(other);
    return this;
  }

  /**
   * This file says node {@code id} of a peer region listens on {@code port} (a TCP proxy in front
   * of it: this region's nodes reach it there).
   */
  public RegionYaml peerKafkaPort(int id, int port) {
    peerKafkaPorts.put(id, port);
    return this;
  }

  /**
   * A mirror link from region {@code source} into region {@code target}; {@code settings} are more
   * link keys as YAML flow entries, e.g. {@code "rateLimitBytesPerSecond: 1000000"}.
   */
  public RegionYaml link(String name, String source, String target, String... settings) {
    StringBuilder l =
        new StringBuilder("  - {name: ")
            .append(name)
            .append(", source: {region: ")
            .append(source)
            .append("}, target: ")
            .append(target);
    for (String s : settings) {
      l.append(", ").append(s);
    }
    links.add(l.append("}\n").toString());
    return this;
  }

  /**
   * A mirror link from the Kafka cluster at {@code bootstrap} into region {@code target}; {@code
   * settings} as for {@link #link}.
   */
  public RegionYaml linkFromKafka(
      String name, String bootstrap, String target, String... settings) {
    StringBuilder l =
        new StringBuilder("  - {name: ")
            .append(name)
            .append(", source: {bootstrap: \"")
            .append(bootstrap)
            .append("\"}, target: ")
            .append(target);
    for (String s : settings) {
      l.append(", ").append(s);
    }
    links.add(l.append("}\n").toString());
    return this;
  }

  /** The YAML text. */
  public String toYaml() {
    StringBuilder y = new StringBuilder("regions:\n");
    regionBlock(y, Map.of());
    for (RegionYaml peer : peers) {
      peer.regionBlock(y, peerKafkaPorts);
    }
    section(y, "topicDefaults", topicDefaults);
    section(y, "broker", broker);
    if (!links.isEmpty()) {
      y.append("links:\n");
      links.forEach(y::append);
    }
    if (!tokens.isEmpty() || allowHalt || tls != null) {
      y.append("controlPlane:\n");
      if (allowHalt) {
        y.append("  allowHalt: true\n");
      }
      if (tls != null) {
        y.append(tls);
      }
      if (!tokens.isEmpty()) {
        y.append("  tokens:\n");
        tokens.forEach(y::append);
      }
    }
    return y.toString();
  }

  private void regionBlock(StringBuilder y, Map<Integer, Integer> kafkaPorts) {
    y.append("  - name: ").append(region).append("\n");
    y.append("    nodes:\n");
    for (Node n : nodes) {
      y.append("      - id: ").append(n.id()).append('\n');
      y.append("        host: 127.0.0.1\n");
      y.append("        kafkaPort: ")
          .append(kafkaPorts.getOrDefault(n.id(), n.kafkaPort()))
          .append('\n');
      y.append("        httpPort: ").append(n.httpPort()).append('\n');
      y.append("        clusterPort: ").append(n.clusterPort()).append('\n');
      y.append("        dataDir: ").append(n.dataDir()).append('\n');
      if (n.rack() != null) {
        y.append("        rack: ").append(n.rack()).append('\n');
      }
    }
  }

  private static void section(StringBuilder y, String name, Map<String, Object> values) {
    if (values.isEmpty()) {
      return;
    }
    y.append(name).append(":\n");
    values.forEach((k, v) -> y.append("  ").append(k).append(": ").append(v).append('\n'));
  }

  /** The parsed (and validated) config. */
  public MeridianConfig config() {
    try {
      return ConfigLoader.parse(toYaml(), "RegionYaml(" + region + ")");
    } catch (ConfigException e) {
      throw new IllegalStateException("a test built an invalid config: " + e.getMessage(), e);
    }
  }

  /** Writes the YAML to {@code file} (creating directories) and returns the file. */
  public Path write(Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, toYaml(), StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
