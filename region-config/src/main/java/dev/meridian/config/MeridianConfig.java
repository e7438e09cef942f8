package dev.meridian.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The whole deployment topology: every region with its nodes, the topic defaults and the broker
 * settings. Immutable; loaded from YAML by {@link ConfigLoader} or built in code.
 *
 * <p>YAML keys at the top level:
 *
 * <ul>
 *   <li>{@code regions} (required): the regions, at least one; see {@link RegionConfig}.
 *   <li>{@code topicDefaults} (optional, default {@link TopicDefaults#DEFAULTS}): see {@link
 *       TopicDefaults}.
 *   <li>{@code broker} (optional, default {@link BrokerSettings#DEFAULTS}): see {@link
 *       BrokerSettings}.
 *   <li>{@code links} (optional, default none): the mirror links between regions; see {@link
 *       LinkConfig}.
 * </ul>
 *
 * <p>Constructing a config does not validate it; call {@link #validate()} (the loader always does).
 *
 * @param regions the regions ({@code regions}); copied, {@code null} is taken as empty
 * @param topicDefaults the topic defaults ({@code topicDefaults}); {@code null} is taken as {@link
 *     TopicDefaults#DEFAULTS}
 * @param broker the broker settings ({@code broker}); {@code null} is taken as {@link
 *     BrokerSettings#DEFAULTS}
 * @param links the mirror links ({@code links}); copied, {@code null} is taken as empty
 * @param controlPlane the REST control plane's settings ({@code controlPlane}); {@code null} is
 *     taken as {@link ControlPlaneSettings#DEFAULTS}
 */
public record MeridianConfig(
    List<RegionConfig> regions,
    TopicDefaults topicDefaults,
    BrokerSettings broker,
    List<LinkConfig> links,
    ControlPlaneSettings controlPlane) {

  /** Copies the lists and applies the defaults for {@code null} sections. */
  public MeridianConfig {
    regions = regions == null ? List.of() : List.copyOf(regions);
    topicDefaults = topicDefaults == null ? TopicDefaults.DEFAULTS : topicDefaults;
    broker = broker == null ? BrokerSettings.DEFAULTS : broker;
    links = links == null ? List.of() : List.copyOf(links);
    controlPlane = controlPlane == null ? ControlPlaneSettings.DEFAULTS : controlPlane;
  }

  /** A configuration whose control plane has no tokens. */
  public MeridianConfig(
      List<RegionConfig> regions,
      TopicDefaults topicDefaults,
      BrokerSettings broker,
      List<LinkConfig> links) {
    this(regions, topicDefaults, broker, links, null);
  }

  /**
   * A configuration without links.
   *
   * @param regions the regions ({@code regions}); copied, {@code null} is taken as empty
   * @param topicDefaults the topic defaults; {@code null} is taken as {@link
   *     TopicDefaults#DEFAULTS}
   * @param broker the broker settings; {@code null} is taken as {@link BrokerSettings#DEFAULTS}
   */
  public MeridianConfig(
      List<RegionConfig> regions, TopicDefaults topicDefaults, BrokerSettings broker) {
    this(regions, topicDefaults, broker, null);
  }

  /** The same configuration with {@code newLinks} instead of its links. */
  public MeridianConfig withLinks(List<LinkConfig> newLinks) {
    return new MeridianConfig(regions, topicDefaults, broker, newLinks, controlPlane);
  }

  /**
   * Checks {@code link} as an addition to (or, by name, a replacement of a link of) this
   * configuration: the problems that concern it, with paths relative to the link (e.g. {@code
   * topics.include[0]}), among them a cycle it would close.
   *
   * @return the problems, empty if the link fits
   */
  public List<ConfigProblem> validateLink(LinkConfig link) {
    List<LinkConfig> all = new java.util.ArrayList<>();
    for (LinkConfig l : links) {
      if (!Objects.equals(l.name(), link.name())) {
        all.add(l);
      }
    }
    all.add(link);
    String prefix = ConfigPath.index("links", all.size() - 1);
    List<ConfigProblem> out = new java.util.ArrayList<>();
    for (ConfigProblem p : withLinks(all).validate()) {
      if (ConfigPath.isWithin(p.path(), prefix)) {
        String rest = p.path().substring(prefix.length());
        String path = rest.startsWith(".") ? rest.substring(1) : rest;
        out.add(new ConfigProblem(path.isEmpty() ? ConfigPath.ROOT : path, p.reason()));
      } else if (p.path().startsWith("links[") && p.reason().contains(" form a cycle ")) {
        out.add(new ConfigProblem("topics", p.reason()));
      }
    }
    return out;
  }

  /** The links that write into region {@code region} (they run there). */
  public List<LinkConfig> linksInto(String region) {
    return links.stream().filter(l -> Objects.equals(l.target(), region)).toList();
  }

  /**
   * A configuration with the default broker settings ({@link BrokerSettings#DEFAULTS}).
   *
   * @param regions the regions ({@code regions}); copied, {@code null} is taken as empty
   * @param topicDefaults the topic defaults ({@code topicDefaults}); {@code null} is taken as
   *     {@link TopicDefaults#DEFAULTS}
   */
  public MeridianConfig(List<RegionConfig> regions, TopicDefaults topicDefaults) {
    this(regions, topicDefaults, null);
  }

  /**
   * Finds a node by id in any region.
   *
   * @param nodeId the node id
   * @return the node, or empty if no region has it
   */
  public Optional<NodeConfig> node(int nodeId) {
    return regions.stream().flatMap(r -> r.node(nodeId).stream()).findFirst();
  }

  /**
   * Finds a region by name.
   *
   * @param name the region name
   * @return the region, or empty if there is none of that name
   */
  public Optional<RegionConfig> region(String name) {
    return regions.stream().filter(r -> Objects.equals(r.name(), name)).findFirst();
  }

  /**
   * Returns the region a node belongs to.
   *
   * @param nodeId the node id
   * @return the region containing the node
   * @throws IllegalArgumentException if no region has a node with that id
   */
  public RegionConfig regionOf(int nodeId) {
    return regions.stream()
        .filter(r -> r.node(nodeId).isPresent())
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no node with id " + nodeId));
  }

  /** Every node of every region, in file order. */
  public List<NodeConfig> allNodes() {
    return regions.stream().flatMap(r -> r.nodes().stream()).toList();
  }

  /**
   * Checks the configuration as a whole and returns every problem found, each with the YAML path of
   * the offending value. Checks: at least one region; region names present, well-formed and unique;
   * at least one node per region; node ids {@code >= 0} and unique across all regions; hosts
   * present without whitespace; ports in range (including a derived {@code clusterPort}); no two
   * listeners (Kafka, HTTP or cluster port) on the same host and port; no ephemeral {@code
   * clusterPort} in a region of several nodes; data directories present and valid paths; racks,
   * when set, non-empty without whitespace; topic defaults in range and consistent with the regions
   * (replication factor -1 or not above the node count of any region, min in-sync replicas not
   * above the effective replication factor); broker settings in range (offsets topic replication
   * factor as for topics, {@code memberFailureSeconds} above {@code memberHeartbeatSeconds}); links
   * with unique valid names, a source region of the file (or bootstrap servers), a target region of
   * the file other than the source, valid regexes, known modes, compressions and start positions,
   * and no mirror links that would copy a topic around a cycle of regions.
   *
   * @return the problems, empty if the configuration is valid
   */
  public List<ConfigProblem> validate() {
    return ConfigValidator.validate(this);
  }
}
