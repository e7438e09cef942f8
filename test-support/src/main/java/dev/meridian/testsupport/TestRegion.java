package dev.meridian.testsupport;

import dev.meridian.config.MeridianConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;

/**
 * A region of nodes for a test, built from a {@link RegionYaml}: its config file is written to the
 * test's directory, and every node is started there (child processes with {@link
 * ChildNode#launcher()}, or nodes in the test JVM with a launcher of the test module). Nodes of a
 * region must start together: a node becomes UP only once a majority of the region runs.
 */
public final class TestRegion implements AutoCloseable {
  private final RegionYaml yaml;
  private final MeridianConfig config;
  private final Path configFile;
  private final Path dataDir;
  private final NodeLauncher launcher;
  private final Map<Integer, RunningNode> nodes = new TreeMap<>();

  /**
   * @param dir the test's directory: {@code region.yaml} and the nodes' data go there
   */
  public TestRegion(RegionYaml yaml, Path dir, NodeLauncher launcher) {
    this.yaml = yaml;
    this.config = yaml.config();
    this.configFile = yaml.write(dir.resolve("region.yaml"));
    this.dataDir = dir.resolve("data");
    this.launcher = launcher;
  }

  /** A region of child processes. */
  public static TestRegion ofProcesses(RegionYaml yaml, Path dir) {
    return new TestRegion(yaml, dir, ChildNode.launcher());
  }

  /** Starts the given nodes (all when none given) at once and waits until each is UP. */
  public TestRegion start(int... ids) {
    List<Integer> which = new ArrayList<>();
    if (ids.length == 0) {
      yaml.nodes().forEach(n -> which.add(n.id()));
    } else {
      for (int id : ids) {
        which.add(id);
      }
    }
    List<CompletableFuture<RunningNode>> starting = new ArrayList<>();
    for (int id : which) {
      starting.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return launcher.start(config, configFile, id, dataDir);
                } catch (Exception e) {
                  throw new CompletionException(e);
                }
              }));
    }
    for (CompletableFuture<RunningNode> f : starting) {
      RunningNode n = f.join();
      nodes.put(n.nodeId(), n);
    }
    awaitUp(which, Duration.ofSeconds(60));
    return this;
  }

  /** Waits until the given nodes are UP. */
  public void awaitUp(List<Integer> ids, Duration atMost) {
    Wait.until(
        "nodes " + ids + " UP",
        atMost,
        () -> ids.stream().allMatch(id -> nodes.containsKey(id) && nodes.get(id).isUp()));
  }

  /** A started node. */
  public RunningNode node(int id) {
    RunningNode n = nodes.get(id);
    if (n == null) {
      throw new IllegalArgumentException("node " + id + " was not started");
    }
    return n;
  }

  /** A started node that is a child process. */
  public ChildNode child(int id) {
    return (ChildNode) node(id);
  }

  /** The started nodes by id. */
  public Map<Integer, RunningNode> nodes() {
    return Map.copyOf(nodes);
  }

  /** The Kafka listeners of every started node, comma-separated. */
  public String bootstrap() {
    return nodes.values().stream().map(RunningNode::bootstrap).collect(Collectors.joining(","));
  }

  /** The region's config. */
  public MeridianConfig config() {
    return config;
  }

  /** The YAML it was built from. */
  public RegionYaml yaml() {
    return yaml;
  }

  /** The base data directory of the nodes. */
  public Path dataDir() {
    return dataDir;
  }

  /** Stops every node (gracefully where possible). */
  @Override
  public void close() {
    List<CompletableFuture<Void>> stopping = new ArrayList<>();
    for (RunningNode n : nodes.values()) {
      stopping.add(CompletableFuture.runAsync(n::close));
    }
    stopping.forEach(CompletableFuture::join);
    nodes.clear();
  }
}
