package dev.meridian.config;

import java.nio.file.Path;

/**
 * One broker node of a region.
 *
 * <p>YAML keys ({@code clusterPort} and {@code rack} are optional, the others required):
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
 *   <li>{@code clusterPort}: the port of the node's Hazelcast member, which carries membership and
 *       controller traffic inside the region; same range and meaning of {@code 0}, but {@code 0} is
 *       only allowed in a region of one node (the nodes of a region find each other by these
 *       ports). Default {@code kafkaPort + 10000} ({@link #defaultClusterPort(int)}), or {@code 0}
 *       when {@code kafkaPort} is {@code 0}; a default above 65535 is an error, to be fixed by
 *       setting {@code clusterPort}.
 *   <li>{@code dataDir}: the directory of the node's partition logs. A relative path is resolved by
 *       the node against its base data directory (the launcher's {@code --data-dir}); see {@link
 *       #dataPath(Path)}.
 *   <li>{@code rack}: the node's rack or availability zone, used to spread the replicas of a
 *       partition over racks ({@code broker.rack}). Default none ({@code null}); when present
 *       non-empty, no whitespace.
 * </ul>
 *
 * <p>The record does not validate on construction so that a configuration built in code can be
 * checked with {@link MeridianConfig#validate()} and report every problem at once. It always holds
 * the resolved {@code clusterPort}, never "absent".
 *
 * @param id the node id ({@code id})
 * @param host the host name or address ({@code host})
 * @param kafkaPort the Kafka protocol port, {@code 0} for ephemeral ({@code kafkaPort})
 * @param httpPort the REST control-plane port, {@code 0} for ephemeral ({@code httpPort})
 * @param dataDir the data directory, absolute or relative to the base data directory ({@code
 *     dataDir})
 * @param clusterPort the Hazelcast member port, {@code 0} for ephemeral ({@code clusterPort})
 * @param rack the rack or availability zone, {@code null} for none ({@code rack})
 */
public record NodeConfig(
    int id,
    String host,
    int kafkaPort,
    int httpPort,
    String dataDir,
    int clusterPort,
    String rack) {

  /** The highest TCP port number. */
  public static final int MAX_PORT = 65_535;

  /** The port value that asks the operating system for an ephemeral port. */
  public static final int EPHEMERAL_PORT = 0;

  /** What the default {@code clusterPort} adds to {@code kafkaPort}. */
  public static final int CLUSTER_PORT_OFFSET = 10_000;

  /**
   * A node without a rack, with the default {@code clusterPort} ({@link #defaultClusterPort(int)}).
   *
   * @param id the node id ({@code id})
   * @param host the host name or address ({@code host})
   * @param kafkaPort the Kafka protocol port, {@code 0} for ephemeral ({@code kafkaPort})
   * @param httpPort the REST control-plane port, {@code 0} for ephemeral ({@code httpPort})
   * @param dataDir the data directory ({@code dataDir})
   */
  public NodeConfig(int id, String host, int kafkaPort, int httpPort, String dataDir) {
    this(id, host, kafkaPort, httpPort, dataDir, defaultClusterPort(kafkaPort), null);
  }

  /**
   * The {@code clusterPort} of a node that does not set one: {@code kafkaPort + 10000}, or {@code
   * 0} (ephemeral) when {@code kafkaPort} is {@code 0}. The result is not checked; it is not a port
   * when {@code kafkaPort} is above 55535 (it saturates at {@link Integer#MAX_VALUE}).
   *
   * @param kafkaPort the node's {@code kafkaPort}
   * @return the default cluster port
   */
  public static int defaultClusterPort(int kafkaPort) {
    if (kafkaPort == EPHEMERAL_PORT) {
      return EPHEMERAL_PORT;
    }
    return (int) Math.min(Integer.MAX_VALUE, (long) kafkaPort + CLUSTER_PORT_OFFSET);
  }

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

  /**
   * Whether {@code port} is a valid value for {@code kafkaPort}, {@code httpPort} or {@code
   * clusterPort}.
   */
  static boolean isValidPort(int port) {
    return port >= EPHEMERAL_PORT && port <= MAX_PORT;
  }
}
