package dev.meridian.node;

import dev.meridian.config.ConfigException;
import dev.meridian.config.ConfigLoader;
import dev.meridian.config.MeridianConfig;
import dev.meridian.config.NodeConfig;
import dev.meridian.config.RegionConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * Runs one Meridian node in this JVM: {@code --config FILE --node-id N [--data-dir DIR]} (see
 * {@link NodeArgs#USAGE}). A SIGTERM (or Ctrl-C) stops the node cleanly.
 *
 * <table>
 *   <caption>exit codes</caption>
 *   <tr><td>0</td><td>stopped normally, or {@code --help} / {@code --list-nodes}</td></tr>
 *   <tr><td>1</td><td>the node failed to start (port in use, data directory locked, ...)</td></tr>
 *   <tr><td>2</td><td>bad command line or config; stderr names the file, field and reason</td></tr>
 *   <tr><td>143</td><td>stopped by SIGTERM (the JVM's code; the shutdown was clean)</td></tr>
 * </table>
 */
public final class NodeMain {

  /** Normal exit. */
  public static final int EXIT_OK = 0;

  /** The node failed to start. */
  public static final int EXIT_FAILED = 1;

  /** Bad command line or config. */
  public static final int EXIT_USAGE = 2;

  private static final String PROGRAM = "meridian-node";

  private NodeMain() {}

  /** Entry point; exits with {@link #run}'s code. */
  public static void main(String[] args) {
    int code = run(args, System.out, System.err);
    if (code != EXIT_OK) {
      System.exit(code);
    }
  }

  /**
   * Runs the command line and returns the exit code; never calls {@link System#exit}. Errors go to
   * {@code err}; {@code --help} and {@code --list-nodes} print to {@code out}. Running a node
   * blocks until it is closed (by the shutdown hook this registers).
   */
  static int run(String[] args, PrintStream out, PrintStream err) {
    NodeArgs parsed;
    try {
      parsed = NodeArgs.parse(args);
    } catch (NodeArgs.UsageException e) {
      err.println(PROGRAM + ": " + e.getMessage());
      err.println(NodeArgs.USAGE);
      return EXIT_USAGE;
    }
    if (parsed.help()) {
      out.println(NodeArgs.USAGE);
      return EXIT_OK;
    }

    MeridianConfig config;
    try {
      config = ConfigLoader.load(parsed.config());
    } catch (ConfigException e) {
      err.println(PROGRAM + ": invalid config " + e.getMessage());
      return EXIT_USAGE;
    }
    if (parsed.listNodes()) {
      listNodes(config, parsed.dataDir(), out);
      return EXIT_OK;
    }

    int nodeId = parsed.nodeId().orElseThrow();
    if (config.node(nodeId).isEmpty()) {
      err.println(
          PROGRAM
              + ": "
              + parsed.config()
              + ": --node-id "
              + nodeId
              + ": no such node; the file has nodes "
              + config.allNodes().stream()
                  .map(n -> String.valueOf(n.id()))
                  .collect(Collectors.joining(", ")));
      return EXIT_USAGE;
    }
    MeridianNode node;
    try {
      node = new MeridianNode(config, nodeId, parsed.dataDir());
    } catch (IllegalArgumentException e) {
      err.println(PROGRAM + ": " + parsed.config() + ": topicDefaults: " + e.getMessage());
      return EXIT_USAGE;
    }
    return runNode(node, err);
  }

  private static int runNode(MeridianNode node, PrintStream err) {
    try {
      NodeHalt.holdIfHalted(node.dataDir(), System::currentTimeMillis);
    } catch (java.io.IOException e) {
      err.println(PROGRAM + ": " + node.dataDir() + ": " + e.getMessage());
      return EXIT_FAILED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return EXIT_FAILED;
    }
    Thread hook = new Thread(node::close, "meridian-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      node.start();
    } catch (NodeStartException e) {
      err.println(PROGRAM + ": " + e.getMessage());
      removeHook(hook);
      return EXIT_FAILED;
    }
    try {
      node.awaitClosed();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      node.close();
    }
    return EXIT_OK;
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down; the hook runs close() again, which is a no-op
    }
  }

  private static void listNodes(MeridianConfig config, Path dataDir, PrintStream out) {
    for (RegionConfig region : config.regions()) {
      for (NodeConfig n : region.nodes()) {
        out.println(
            String.join(
                "\t",
                String.valueOf(n.id()),
                region.name(),
                n.host(),
                String.valueOf(n.kafkaPort()),
                String.valueOf(n.httpPort()),
                n.dataPath(dataDir).toAbsolutePath().normalize().toString(),
                config.controlPlane().scheme()));
      }
    }
  }
}
