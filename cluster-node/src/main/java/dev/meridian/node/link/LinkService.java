package dev.meridian.node.link;

import dev.meridian.config.LinkConfig;
import dev.meridian.config.MeridianConfig;
import dev.meridian.config.RegionConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mirror links a node runs: every link of the config whose target is the node's region. The
 * status of a link on one node covers the partitions that node copies; {@link #merge} combines the
 * answers of all nodes of the region.
 */
public final class LinkService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LinkService.class);

  /** The region ask that returns a node's share of every link's status ({@code {links: [...]}}). */
  public static final String STATUS_ASK = "linkStatus";

  /** The region ask that pauses or resumes a link on a node ({@code {name, pause}}). */
  public static final String PAUSE_ASK = "linkPause";

  private final Map<String, LinkRunner> runners = new LinkedHashMap<>();

  /**
   * Creates the runners of the links into {@code region}; {@link #start()} starts them.
   *
   * @param config the whole (validated) config: source regions are found there
   */
  public LinkService(MeridianConfig config, RegionConfig region, LinkHost host) {
    for (LinkConfig link : config.linksInto(region.name())) {
      runners.put(
          link.name(),
          new LinkRunner(link, bootstrapOf(config, link), sourceNodes(config, link), host));
    }
  }

  /** The bootstrap servers of a link's source: a region's Kafka listeners, or as configured. */
  static String bootstrapOf(MeridianConfig config, LinkConfig link) {
    if (link.source().isRegion()) {
      RegionConfig source =
          config
              .region(link.source().region())
              .orElseThrow(() -> new IllegalArgumentException("no region " + link.source()));
      return source.nodes().stream()
          .map(n -> n.host() + ":" + n.kafkaPort())
          .collect(Collectors.joining(","));
    }
    return link.source().bootstrap();
  }

  /** Where the nodes of a link's source region are, by id (empty for a Kafka cluster source). */
  static Map<Integer, InetSocketAddress> sourceNodes(MeridianConfig config, LinkConfig link) {
    Map<Integer, InetSocketAddress> out = new LinkedHashMap<>();
    if (link.source().isRegion()) {
      config
          .region(link.source().region())
          .ifPresent(
              r ->
                  r.nodes()
                      .forEach(
                          n ->
                              out.put(
                                  n.id(),
                                  InetSocketAddress.createUnresolved(n.host(), n.kafkaPort()))));
    }
    return out;
  }

  public void start() {
    runners.values().forEach(LinkRunner::start);
    if (!runners.isEmpty()) {
      LOG.info("running links {}", runners.keySet());
    }
  }

  /** A partition's leadership changed on this node: the links reconcile at once. */
  public void leadershipChanged() {
    runners.values().forEach(LinkRunner::poke);
  }

  /** The names of the links this node runs. */
  public List<String> names() {
    return List.copyOf(runners.keySet());
  }

  /** This node's status of a link, if it runs it. */
  public Optional<JsonObject> localStatus(String name) {
    return Optional.ofNullable(runners.get(name)).map(LinkRunner::status);
  }

  /** This node's status of every link it runs. */
  public JsonArray localStatus() {
    JsonArray out = new JsonArray();
    runners.values().forEach(r -> out.add(r.status()));
    return out;
  }

  /**
   * Pauses or resumes a link on this node.
   *
   * @return false when this node does not run the link
   */
  public boolean pause(String name, boolean pause) {
    LinkRunner r = runners.get(name);
    if (r == null) {
      return false;
    }
    r.pause(pause);
    return true;
  }

  /**
   * Combines the statuses of one link from several nodes: the partitions of all, the counters
   * summed, the worst state (FAILED over DEGRADED over PAUSED over RUNNING) with its reason.
   */
  public static JsonObject merge(List<JsonObject> perNode) {
    JsonObject first = perNode.get(0);
    JsonObject out = first.copy();
    JsonArray parts = new JsonArray();
    List<JsonObject> sorted = new ArrayList<>();
    long bytesPerSecond = 0;
    long recordsPerSecond = 0;
    long wire = 0;
    long records = 0;
    JsonObject worst = first;
    for (JsonObject s : perNode) {
      s.getJsonArray("partitions").forEach(p -> sorted.add((JsonObject) p));
      bytesPerSecond += s.getLong("bytesPerSecond", 0L);
      recordsPerSecond += s.getLong("recordsPerSecond", 0L);
      wire += s.getLong("wireBytes", 0L);
      records += s.getLong("recordBytes", 0L);
      if (rank(s.getString("state")) > rank(worst.getString("state"))) {
        worst = s;
      }
      JsonObject groups = s.getJsonObject("groupSync");
      if (groups != null && groups.getValue("lastSyncMs") != null) {
        out.put("groupSync", groups);
      }
    }
    sorted.sort(
        (a, b) -> {
          int c = a.getString("topic").compareTo(b.getString("topic"));
          return c != 0 ? c : Integer.compare(a.getInteger("partition"), b.getInteger("partition"));
        });
    sorted.forEach(parts::add);
    return out.put("state", worst.getString("state"))
        .put("reason", worst.getString("reason"))
        .put("bytesPerSecond", bytesPerSecond)
        .put("recordsPerSecond", recordsPerSecond)
        .put("wireBytes", wire)
        .put("recordBytes", records)
        .put("partitions", parts);
  }

  private static int rank(String state) {
    return switch (state == null ? "" : state) {
      case "FAILED" -> 3;
      case "DEGRADED" -> 2;
      case "PAUSED" -> 1;
      default -> 0;
    };
  }

  @Override
  public void close() {
    runners.values().forEach(LinkRunner::close);
  }
}
