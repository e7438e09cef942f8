package dev.meridian.config;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One region: a cluster of nodes that replicate among themselves and share one controller. Regions
 * are connected by mirror links.
 *
 * <p>YAML keys (all required):
 *
 * <ul>
 *   <li>{@code name}: the region name, matching {@code [a-z0-9][a-z0-9-]*}; unique in the file.
 *   <li>{@code nodes}: the region's nodes, at least one; see {@link NodeConfig}.
 * </ul>
 *
 * @param name the region name ({@code name})
 * @param nodes the nodes of the region ({@code nodes}); copied, {@code null} is taken as empty
 */
public record RegionConfig(String name, List<NodeConfig> nodes) {

  /** The pattern a region name must match. */
  public static final Pattern NAME_PATTERN = Pattern.compile("[a-z0-9][a-z0-9-]*");

  /** Copies the node list; {@code null} becomes an empty list. */
  public RegionConfig {
    nodes = nodes == null ? List.of() : List.copyOf(nodes);
  }

  /**
   * Finds a node of this region by id.
   *
   * @param nodeId the node id
   * @return the node, or empty if this region has no node with that id
   */
  public Optional<NodeConfig> node(int nodeId) {
    return nodes.stream().filter(n -> n.id() == nodeId).findFirst();
  }

  /**
   * The number of nodes that form a majority of the configured nodes: {@code nodes().size() / 2 +
   * 1}: 1 of 1, 2 of 2 or 3, 3 of 4 or 5. Two groups of nodes that each hold a majority always
   * share a node. Counts the nodes configured in the file, not the ones currently running.
   *
   * @return the majority size, at least 1
   */
  public int majority() {
    return nodes.size() / 2 + 1;
  }
}
