package dev.meridian.node.link;

import dev.meridian.config.LinkConfig;
import dev.meridian.config.MeridianConfig;
import dev.meridian.config.RegionConfig;
import dev.meridian.node.metadata.MetadataImage;
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

  private final Map<String, RunningLink> runners = new java.util.concurrent.ConcurrentHashMap<>();
  private final MeridianConfig config;
  private final RegionConfig region;
  private final LinkHost host;
  private final java.util.concurrent.ExecutorService lifecycle =
      java.util.concurrent.Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "meridian-links");
            t.setDaemon(true);
            return t;
          });
  private volatile boolean started;
  private volatile MetadataImage routesImage;
  private volatile Routes routes;
  private volatile boolean closed;

  /**
   * Creates the service of the links into {@code region}; {@link #start()} starts them: those the
   * config file declares and those created at run time (region metadata).
   *
   * @param config the whole (validated) config: source regions are found there
   */
  public LinkService(MeridianConfig config, RegionConfig region, LinkHost host) {
    this.config = config;
    this.region = region;
    this.host = host;
  }

  /** The bootstrap servers of a link's source: a region's Kafka listeners, or as configured. */
  public static String bootstrapOf(MeridianConfig config, LinkConfig link) {
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

  /** Starts the links into this region (and follows the links created at run time). */
  public void start() {
    started = true;
    linksChanged(host.image());
  }

  /**
   * The links this node should run: the file's links into the region and the run-time links into it
   * (a run-time link never has the name of a file link).
   */
  private Map<String, LinkConfig> wanted(MetadataImage image) {
    Map<String, LinkConfig> out = new LinkedHashMap<>();
    config.linksInto(region.name()).forEach(l -> out.put(l.name(), l));
    image.links().values().stream()
        .filter(l -> region.name().equals(l.target()))
        .forEach(l -> out.putIfAbsent(l.name(), l));
    return out;
  }

  /** The image changed: links created, replaced or deleted at run time start or stop. */
  public void linksChanged(MetadataImage image) {
    if (!started || closed) {
      return;
    }
    lifecycle.execute(
        () -> {
          Map<String, LinkConfig> wanted = wanted(image);
          for (Map.Entry<String, RunningLink> e : new ArrayList<>(runners.entrySet())) {
            LinkConfig want = wanted.get(e.getKey());
            if (want == null || !want.equals(e.getValue().config())) {
              runners.remove(e.getKey());
              e.getValue().close();
              LOG.info("link {} stopped{}", e.getKey(), want == null ? "" : " (replaced)");
            }
          }
          for (LinkConfig l : wanted.values()) {
            if (!runners.containsKey(l.name()) && !closed) {
              RunningLink r =
                  l.activeActive()
                      ? new ActiveLinkRunner(
                          l, bootstrapOf(config, l), host, this::routes, () -> reverseOf(l))
                      : new LinkRunner(l, bootstrapOf(config, l), sourceNodes(config, l), host);
              r.pause(image.pausedLinks().contains(l.name())); // paused by an operator before
              runners.put(l.name(), r);
              r.start();
              LOG.info(
                  "link {} running: {} into region {}",
                  l.name(),
                  l.source().describe(),
                  l.target());
            }
          }
        });
  }

  /** The image changed which links an operator paused: the runners follow. */
  public void pausesChanged(MetadataImage image) {
    if (!started || closed) {
      return;
    }
    lifecycle.execute(
        () -> runners.forEach((name, r) -> r.pause(image.pausedLinks().contains(name))));
  }

  /** A partition's leadership changed on this node: the links reconcile at once. */
  public void leadershipChanged() {
    runners.values().forEach(RunningLink::poke);
  }

  /** The active-active link from {@code link}'s target back into its source, or null. */
  private LinkConfig reverseOf(LinkConfig link) {
    List<LinkConfig> all = new ArrayList<>(config.links());
    all.addAll(host.image().links().values());
    return all.stream()
        .filter(
            l ->
                l.activeActive()
                    && l.source().isRegion()
                    && l.source().region().equals(link.target())
                    && l.target().equals(link.source().region()))
        .findFirst()
        .orElse(null);
  }

  /**
   * The routes of the active-active links this node knows: the config file's (all regions') and
   * those created at run time into this region.
   */
  private Routes routes() {
    MetadataImage image = host.image();
    if (image != routesImage) {
      List<LinkConfig> all = new ArrayList<>(config.links());
      image.links().values().stream().filter(l -> !declaredInFile(l.name())).forEach(all::add);
      routes = new Routes(all);
      routesImage = image;
    }
    return routes;
  }

  /** The names of the links this node runs. */
  public List<String> names() {
    return runners.keySet().stream().sorted().toList();
  }

  /** The region this node is in (links created here go into it). */
  public String region() {
    return region.name();
  }

  /** Whether the config file declares link {@code name} (it cannot be changed at run time). */
  public boolean declaredInFile(String name) {
    return config.links().stream().anyMatch(l -> l.name().equals(name));
  }

  /**
   * Checks a link to create or replace at run time against the config file and the run-time links:
   * problems with paths relative to the link.
   */
  public List<dev.meridian.config.ConfigProblem> validate(LinkConfig link, MetadataImage image) {
    List<dev.meridian.config.ConfigProblem> out = new ArrayList<>();
    if (link.target() != null && !link.target().equals(region.name())) {
      out.add(
          new dev.meridian.config.ConfigProblem(
              "target",
              "a link runs in its target region: create it in region "
                  + link.target()
                  + ", not "
                  + region.name()));
    }
    List<LinkConfig> all = new ArrayList<>(config.links());
    image.links().values().stream()
        .filter(l -> !declaredInFile(l.name()) && !l.name().equals(link.name()))
        .forEach(all::add);
    out.addAll(config.withLinks(all).validateLink(link));
    return out;
  }

  /**
   * What a link would touch, without creating it: the source topics and groups it selects and the
   * topics of this region it could not mirror (same name, not its mirror). Asks the source;
   * completes on a thread of its own.
   */
  public java.util.concurrent.CompletableFuture<JsonObject> dryRun(
      LinkConfig link, MetadataImage image) {
    return java.util.concurrent.CompletableFuture.supplyAsync(
        () -> {
          try (SourceCluster source =
              new SourceCluster(
                  link.name() + "-dry-run",
                  bootstrapOf(config, link),
                  link.source().properties())) {
            SourceCluster.Snapshot s = source.describe(link.topics());
            JsonArray topics = new JsonArray();
            JsonArray conflicts = new JsonArray();
            s.topics()
                .values()
                .forEach(
                    t -> {
                      topics.add(
                          new JsonObject().put("name", t.name()).put("partitions", t.partitions()));
                      image
                          .topic(t.name())
                          .filter(existing -> !link.name().equals(existing.mirrorLink()))
                          .ifPresent(existing -> conflicts.add(t.name()));
                    });
            return new JsonObject()
                .put("dryRun", true)
                .put("link", dev.meridian.node.metadata.MetadataCodec.link(link))
                .put("topics", topics)
                .put("groups", new JsonArray(source.groups(link.groups())))
                .put("conflictingTopics", conflicts);
          } catch (Exception e) {
            throw new java.util.concurrent.CompletionException(e);
          }
        },
        lifecycle);
  }

  /** This node's status of a link, if it runs it. */
  public Optional<JsonObject> localStatus(String name) {
    return Optional.ofNullable(runners.get(name)).map(RunningLink::status);
  }

  /** A group's positions on a link this node runs (source, translated, target), if it runs it. */
  public Optional<java.util.concurrent.CompletableFuture<JsonObject>> offsets(
      String name, String group) {
    return Optional.ofNullable(runners.get(name)).map(r -> r.offsets(group));
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
    RunningLink r = runners.get(name);
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
    closed = true;
    lifecycle.shutdown();
    try {
      lifecycle.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    runners.values().forEach(RunningLink::close);
    runners.clear();
  }
}
