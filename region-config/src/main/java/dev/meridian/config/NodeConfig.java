package dev.meridian.config;

import java.nio.file.Path;

/**
 * One broker node of a region.
 *
 * <p>YAML keys (all required):
 *
 * <ul>
 *   <li>{@code id}: the node id, as Kafka clients see it ({@code node.id}); an integer {@code >=
 *       0}, unique across the whole file (all regions).
 *   <li>{@code host}: the host name or IP address the node binds and advertises; non-empty, no
 *       whitespace. Together with each port it must be unique in the file. Names are compared as
 *       written (case-insensitively); nothing is resolved.
 *   <li>{@code kafkaPort}: the Kafka protocol listener port, {@code 1..65535}, or {@code 0} for an
 *       ephemeral port chosen by the operating system (meant for tests; such a node cannot be found
 *       by its peers through this file).
 *   <li>{@code httpPort}: the REST control-plane port, same range and meaning of {@code 0}.
 *   <li>{@code dataDir}: the directory of the node's partition logs. A relative path is resolved by
 *       the node against its base data directory (the launcher's {@code --data-dir}); see {@link
 *       #dataPath(Path)}.
 * </ul>
 *
 * <p>The record does not validate on construction so that a configuration built in code can be
 * checked with {@link MeridianConfig#validate()} and report every problem at once.
 *
 * @param id the node id ({@code id})
 * @param host the host name or address ({@code host})
 * @param kafkaPort the Kafka protocol port, {@code 0} for ephemeral ({@code kafkaPort})
 * @param httpPort the REST control-plane port, {@code 0} for ephemeral ({@code httpPort})
 * @param dataDir the data directory, absolute or relative to the base data directory ({@code
 *     dataDir})
 */
public record NodeConfig(int id, String host, int kafkaPort, int httpPort, String dataDir) {

  /** The highest TCP port number. */
  public static final int MAX_PORT = 65_535;

  /** The port value that asks the operating system for an ephemeral port. */
  public static final int EPHEMERAL_PORT = 0;

  /**
   * Resolves {@link #dataDir()} against a base directory: a relative {@code dataDir} is taken
   * relative to {@code base}, an absolute one is returned as is.
   *
   * @param base the node's base data directory (usually the launcher's {@code --data-dir})
   * @return the node's data directory
   */
  public Path dataPath(Path base) {
    return base.resolve(dataDir);
  }

  /** Whether {@code port} is a valid value for {@code kafkaPort} or {@code httpPort}. */
  static boolean isValidPort(int port) {
    return port >= EPHEMERAL_PORT && port <= MAX_PORT;
  }
}
