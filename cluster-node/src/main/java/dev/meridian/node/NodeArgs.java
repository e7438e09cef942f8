package dev.meridian.node;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * The command line of {@link NodeMain}.
 *
 * <pre>
 * --config FILE --node-id N [--data-dir DIR]    run one node
 * --config FILE --list-nodes [--data-dir DIR]   print the nodes of FILE, one per line
 * --help
 * </pre>
 *
 * <p>Options also take the {@code --name=value} form.
 *
 * @param config the region config file
 * @param nodeId the node to run; empty with {@code --list-nodes} or {@code --help}
 * @param dataDir the base data directory; a node's own directory is resolved against it
 * @param listNodes {@code --list-nodes}
 * @param help {@code --help}
 */
public record NodeArgs(
    Path config, OptionalInt nodeId, Path dataDir, boolean listNodes, boolean help) {

  /** The base data directory when {@code --data-dir} is not given. */
  public static final Path DEFAULT_DATA_DIR = Path.of("data");

  /** The usage text. */
  public static final String USAGE =
      """
      usage: meridian-node --config FILE --node-id N [--data-dir DIR]
             meridian-node --config FILE --list-nodes [--data-dir DIR]
        --config FILE    region config (YAML), e.g. region-config/examples/local.yaml
        --node-id N      id of the node of FILE to run
        --data-dir DIR   base data directory (default ./data); the node's directory is
                         its config dataDir resolved against it
        --list-nodes     print each node of FILE as: id, region, host, kafkaPort, httpPort,
                         data directory (tab-separated), then exit
        --help           print this text""";

  /** A command line that cannot be run; the message says why. */
  public static final class UsageException extends Exception {
    UsageException(String message) {
      super(message);
    }
  }

  /** Parses a command line. */
  public static NodeArgs parse(String[] args) throws UsageException {
    Path config = null;
    Integer nodeId = null;
    Path dataDir = null;
    boolean listNodes = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String name = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      switch (name) {
        case "--help", "-h" -> {
          return new NodeArgs(null, OptionalInt.empty(), DEFAULT_DATA_DIR, false, true);
        }
        case "--list-nodes" -> listNodes = true;
        case "--config", "--node-id", "--data-dir" -> {
          if (value == null) {
            if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
              throw new UsageException(name + " needs a value");
            }
            value = args[++i];
          }
          switch (name) {
            case "--config" -> config = path(name, value);
            case "--data-dir" -> dataDir = path(name, value);
            default -> nodeId = nodeId(value);
          }
        }
        default -> throw new UsageException("unknown argument '" + arg + "'");
      }
    }
    if (config == null) {
      throw new UsageException("--config is required");
    }
    if (nodeId == null && !listNodes) {
      throw new UsageException("--node-id is required (or --list-nodes)");
    }
    if (nodeId != null && listNodes) {
      throw new UsageException("--node-id and --list-nodes exclude each other");
    }
    return new NodeArgs(
        config,
        nodeId == null ? OptionalInt.empty() : OptionalInt.of(nodeId),
        dataDir == null ? DEFAULT_DATA_DIR : dataDir,
        listNodes,
        false);
  }

  private static Path path(String option, String value) throws UsageException {
    if (value.isBlank()) {
      throw new UsageException(option + " needs a non-empty value");
    }
    try {
      return Path.of(value);
    } catch (InvalidPathException e) {
      throw new UsageException(option + " '" + value + "': " + e.getMessage());
    }
  }

  private static int nodeId(String value) throws UsageException {
    try {
      int id = Integer.parseInt(value.trim());
      if (id < 0) {
        throw new UsageException("--node-id '" + value + "' must be >= 0");
      }
      return id;
    } catch (NumberFormatException e) {
      throw new UsageException("--node-id '" + value + "' is not an integer");
    }
  }
}
