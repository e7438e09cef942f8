package dev.meridian.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** The checks of the {@code links} section behind {@link MeridianConfig#validate()}. */
final class LinkValidator {

  private final List<ConfigProblem> problems = new ArrayList<>();
  private final Set<String> regions;
  private final List<RegionConfig> regionConfigs;

  private LinkValidator(List<RegionConfig> regions) {
    this.regionConfigs = regions;
    this.regions =
        regions.stream().map(RegionConfig::name).filter(n -> n != null).collect(Collectors.toSet());
  }

  static List<ConfigProblem> validate(MeridianConfig config) {
    LinkValidator v = new LinkValidator(config.regions());
    Map<String, String> names = new HashMap<>();
    List<LinkConfig> links = config.links();
    for (int i = 0; i < links.size(); i++) {
      v.checkLink(ConfigPath.index("links", i), links.get(i), names);
    }
    if (v.problems.isEmpty()) {
      v.checkCycles(links);
    }
    return List.copyOf(v.problems);
  }

  private void problem(String path, String reason) {
    problems.add(new ConfigProblem(path, reason));
  }

  private void checkLink(String path, LinkConfig link, Map<String, String> names) {
    String namePath = ConfigPath.key(path, ConfigKeys.NAME);
    if (link.name() == null) {
      problem(namePath, "missing");
    } else if (!LinkConfig.NAME_PATTERN.matcher(link.name()).matches()) {
      problem(
          namePath,
          ConfigPath.quote(link.name())
              + " is not a valid link name (lowercase letters, digits and '-', not starting with"
              + " '-')");
    } else {
      String first = names.putIfAbsent(link.name(), namePath);
      if (first != null) {
        problem(
            namePath,
            "duplicate link name " + ConfigPath.quote(link.name()) + " (also at " + first + ")");
      }
    }
    checkSource(ConfigPath.key(path, ConfigKeys.SOURCE), link);
    String targetPath = ConfigPath.key(path, ConfigKeys.TARGET);
    if (link.target() == null) {
      problem(targetPath, "missing");
    } else if (!regions.contains(link.target())) {
      problem(targetPath, "unknown region " + ConfigPath.quote(link.target()));
    } else if (link.source() != null && link.target().equals(link.source().region())) {
      problem(targetPath, "a link cannot copy region " + link.target() + " into itself");
    }
    if (!LinkConfig.MODES.contains(link.mode())) {
      problem(
          ConfigPath.key(path, ConfigKeys.MODE),
          ConfigPath.quote(link.mode()) + " is not one of " + LinkConfig.MODES);
    } else if (link.activeActive() && link.source() != null && !link.source().isRegion()) {
      problem(
          ConfigPath.key(path, ConfigKeys.MODE),
          "an active-active link needs a source region of this file (provenance headers name"
              + " regions); a Kafka cluster can only be mirrored");
    }
    checkFilter(ConfigPath.key(path, ConfigKeys.TOPICS), link.topics());
    checkFilter(ConfigPath.key(path, ConfigKeys.GROUPS), link.groups());
    if (!LinkConfig.COMPRESSIONS.contains(link.compression())) {
      problem(
          ConfigPath.key(path, ConfigKeys.COMPRESSION),
          ConfigPath.quote(link.compression()) + " is not one of " + LinkConfig.COMPRESSIONS);
    }
    if (link.rateLimitBytesPerSecond() < 0) {
      problem(
          ConfigPath.key(path, ConfigKeys.RATE_LIMIT_BYTES_PER_SECOND),
          link.rateLimitBytesPerSecond() + " is negative (0 means unlimited)");
    } else if (link.rateLimitBytesPerSecond() > 0 && link.rateLimitBytesPerSecond() < 65_536) {
      problem(
          ConfigPath.key(path, ConfigKeys.RATE_LIMIT_BYTES_PER_SECOND),
          link.rateLimitBytesPerSecond() + " is below the smallest limit, 65536 bytes per second");
    }
    List<String> follow = link.followConfigs();
    for (int i = 0; i < follow.size(); i++) {
      String key = follow.get(i);
      if (key == null || !key.matches("[a-z0-9.]+")) {
        problem(
            ConfigPath.index(ConfigPath.key(path, ConfigKeys.FOLLOW_CONFIGS), i),
            ConfigPath.quote(String.valueOf(key)) + " is not a topic config key");
      }
    }
    if (!LinkConfig.START_POSITIONS.contains(link.startPosition())) {
      problem(
          ConfigPath.key(path, ConfigKeys.START_POSITION),
          ConfigPath.quote(link.startPosition()) + " is not one of " + LinkConfig.START_POSITIONS);
    }
    if (link.offsetSyncIntervalMs() < 100 || link.offsetSyncIntervalMs() > 3_600_000) {
      problem(
          ConfigPath.key(path, ConfigKeys.OFFSET_SYNC_INTERVAL_MS),
          link.offsetSyncIntervalMs() + " is out of range (100..3600000)");
    }
    if (link.reverseOf() != null
        && (!LinkConfig.NAME_PATTERN.matcher(link.reverseOf()).matches()
            || link.reverseOf().equals(link.name()))) {
      problem(
          ConfigPath.key(path, ConfigKeys.REVERSE_OF),
          ConfigPath.quote(link.reverseOf())
              + " is not another link's name (lowercase letters, digits and '-')");
    }
  }

  private void checkSource(String path, LinkConfig link) {
    LinkSource s = link.source();
    if (s == null) {
      problem(path, "missing");
      return;
    }
    if ((s.region() == null) == (s.bootstrap() == null)) {
      problem(path, "needs exactly one of 'region' and 'bootstrap'");
      return;
    }
    if (s.region() != null) {
      if (!regions.contains(s.region())) {
        problem(
            ConfigPath.key(path, ConfigKeys.REGION_KEY),
            "unknown region " + ConfigPath.quote(s.region()));
      } else if (regionConfigs.stream()
          .filter(r -> s.region().equals(r.name()))
          .flatMap(r -> r.nodes().stream())
          .anyMatch(n -> n.kafkaPort() == NodeConfig.EPHEMERAL_PORT)) {
        problem(
            ConfigPath.key(path, ConfigKeys.REGION_KEY),
            "region "
                + s.region()
                + " has nodes on ephemeral Kafka ports (0); a link reaches its source region at"
                + " the configured ports");
      }
      if (!s.properties().isEmpty()) {
        problem(
            ConfigPath.key(path, ConfigKeys.PROPERTIES),
            "client properties apply to a 'bootstrap' source only");
      }
      return;
    }
    String bootstrapPath = ConfigPath.key(path, ConfigKeys.BOOTSTRAP);
    for (String server : s.bootstrap().split(",", -1)) {
      String hostPort = server.trim();
      int colon = hostPort.lastIndexOf(':');
      boolean ok = colon > 0;
      if (ok) {
        try {
          ok = NodeConfig.isValidPort(Integer.parseInt(hostPort.substring(colon + 1)));
        } catch (NumberFormatException e) {
          ok = false;
        }
      }
      if (!ok) {
        problem(bootstrapPath, ConfigPath.quote(hostPort) + " is not host:port");
        return;
      }
    }
  }

  private void checkFilter(String path, NameFilter filter) {
    check(ConfigPath.key(path, ConfigKeys.INCLUDE), filter.include());
    check(ConfigPath.key(path, ConfigKeys.EXCLUDE), filter.exclude());
    if (filter.include().isEmpty()) {
      problem(ConfigPath.key(path, ConfigKeys.INCLUDE), "must list at least one regex");
    }
  }

  private void check(String path, List<String> regexes) {
    for (int i = 0; i < regexes.size(); i++) {
      String reason = NameFilter.regexProblem(regexes.get(i));
      if (reason != null) {
        problem(ConfigPath.index(path, i), reason);
      }
    }
  }

  /**
   * Rejects a mirror link on a cycle of regions whose topic filters may share a topic: that topic
   * would be copied back into the region it came from (where it is not a mirror). Cycles of
   * active-active links alone are how active/active works: provenance headers stop the loop.
   */
  private void checkCycles(List<LinkConfig> links) {
    for (int i = 0; i < links.size(); i++) {
      LinkConfig first = links.get(i);
      if (!first.source().isRegion() || first.activeActive()) {
        continue;
      }
      List<Integer> path = new ArrayList<>(List.of(i));
      List<Integer> cycle = findCycle(links, path, first.topics());
      if (cycle != null) {
        String names =
            cycle.stream().map(k -> links.get(k).name()).collect(Collectors.joining(" -> "));
        problem(
            ConfigPath.key(ConfigPath.index("links", i), ConfigKeys.TOPICS),
            "mirror links "
                + names
                + " form a cycle of regions whose topic filters may select the same topic; a"
                + " mirror topic would be copied back into its source region");
        return;
      }
    }
  }

  /** Depth-first: extends {@code path} by links from its last target; returns a closing path. */
  private static List<Integer> findCycle(
      List<LinkConfig> links, List<Integer> path, NameFilter common) {
    LinkConfig last = links.get(path.get(path.size() - 1));
    String start = links.get(path.get(0)).source().region();
    for (int j = 0; j < links.size(); j++) {
      LinkConfig next = links.get(j);
      if (!next.source().isRegion()
          || next.pairedWith(last)
          || !next.source().region().equals(last.target())
          || !NameFilter.mayOverlap(common, next.topics())) {
        continue;
      }
      if (path.contains(j)) {
        continue;
      }
      List<Integer> longer = new ArrayList<>(path);
      longer.add(j);
      if (next.target().equals(start)) {
        return longer;
      }
      if (longer.size() <= links.size()) {
        List<Integer> found = findCycle(links, longer, common);
        if (found != null) {
          return found;
        }
      }
    }
    return null;
  }
}
