package dev.meridian.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The semantic checks behind {@link MeridianConfig#validate()}. */
final class ConfigValidator {

  private final List<ConfigProblem> problems = new ArrayList<>();
  private final Map<String, String> regionNames = new HashMap<>();
  private final Map<Integer, String> nodeIds = new HashMap<>();
  private final Map<String, String> listeners = new HashMap<>();

  private ConfigValidator() {}

  static List<ConfigProblem> validate(MeridianConfig config) {
    ConfigValidator validator = new ConfigValidator();
    validator.checkRegions(config.regions());
    validator.checkTopicDefaults(config.topicDefaults(), config.regions());
    return List.copyOf(validator.problems);
  }

  private void problem(String path, String reason) {
    problems.add(new ConfigProblem(path, reason));
  }

  private void checkRegions(List<RegionConfig> regions) {
    if (regions.isEmpty()) {
      problem("regions", "must list at least one region");
    }
    for (int i = 0; i < regions.size(); i++) {
      String path = ConfigPath.index("regions", i);
      RegionConfig region = regions.get(i);
      checkRegionName(ConfigPath.key(path, "name"), region.name());
      String nodesPath = ConfigPath.key(path, "nodes");
      if (region.nodes().isEmpty()) {
        problem(nodesPath, "a region needs at least one node");
      }
      for (int j = 0; j < region.nodes().size(); j++) {
        checkNode(ConfigPath.index(nodesPath, j), region.nodes().get(j));
      }
    }
  }

  private void checkRegionName(String path, String name) {
    if (name == null) {
      problem(path, "missing");
    } else if (!RegionConfig.NAME_PATTERN.matcher(name).matches()) {
      problem(
          path,
          ConfigPath.quote(name)
              + " is not a valid region name (lowercase letters, digits and '-',"
              + " not starting with '-')");
    } else {
      String first = regionNames.putIfAbsent(name, path);
      if (first != null) {
        problem(
            path, "duplicate region name " + ConfigPath.quote(name) + " (also at " + first + ")");
      }
    }
  }

  private void checkNode(String path, NodeConfig node) {
    String idPath = ConfigPath.key(path, "id");
    if (node.id() < 0) {
      problem(idPath, node.id() + " is not a valid node id (must be >= 0)");
    } else {
      String first = nodeIds.putIfAbsent(node.id(), idPath);
      if (first != null) {
        problem(idPath, "duplicate node id " + node.id() + " (also at " + first + ")");
      }
    }
    boolean hostValid = checkText(ConfigPath.key(path, "host"), node.host(), "host");
    checkPort(path, "kafkaPort", node.kafkaPort(), hostValid ? node.host() : null);
    checkPort(path, "httpPort", node.httpPort(), hostValid ? node.host() : null);
    String dataDirPath = ConfigPath.key(path, "dataDir");
    if (checkText(dataDirPath, node.dataDir(), "path")) {
      try {
        Path.of(node.dataDir());
      } catch (InvalidPathException e) {
        problem(
            dataDirPath,
            ConfigPath.quote(node.dataDir()) + " is not a valid path: " + e.getReason());
      }
    }
  }

  /** Checks a required string without whitespace or control characters; true if it is valid. */
  private boolean checkText(String path, String value, String what) {
    if (value == null) {
      problem(path, "missing");
      return false;
    }
    if (value.isEmpty()) {
      problem(path, "must not be empty");
      return false;
    }
    boolean badChar =
        value.codePoints().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c));
    if (badChar) {
      problem(
          path,
          ConfigPath.quote(value)
              + " is not a valid "
              + what
              + " (contains whitespace or control characters)");
      return false;
    }
    return true;
  }

  private void checkPort(String nodePath, String key, int port, String host) {
    String path = ConfigPath.key(nodePath, key);
    if (!NodeConfig.isValidPort(port)) {
      problem(path, port + " is not a port");
    } else if (port != NodeConfig.EPHEMERAL_PORT && host != null) {
      String listener = host + ":" + port;
      String first = listeners.putIfAbsent(listener.toLowerCase(Locale.ROOT), path);
      if (first != null) {
        problem(path, listener + " is already used by " + first);
      }
    }
  }

  private void checkTopicDefaults(TopicDefaults defaults, List<RegionConfig> regions) {
    String path = "topicDefaults";
    atLeast(path, "partitions", defaults.partitions(), 1, "");
    String rfPath = ConfigPath.key(path, "replicationFactor");
    int rf = defaults.replicationFactor();
    if (atLeast(path, "replicationFactor", rf, 1, "")) {
      RegionConfig smallest = null;
      for (RegionConfig region : regions) {
        if (!region.nodes().isEmpty()
            && (smallest == null || region.nodes().size() < smallest.nodes().size())) {
          smallest = region;
        }
      }
      if (smallest != null && rf > smallest.nodes().size()) {
        int size = smallest.nodes().size();
        String region = smallest.name() == null ? "" : " " + ConfigPath.quote(smallest.name());
        problem(
            rfPath,
            rf
                + " is more than the "
                + size
                + (size == 1 ? " node" : " nodes")
                + " of region"
                + region);
      }
    }
    atLeast(path, "retentionMs", defaults.retentionMs(), -1, " (-1 means unlimited)");
    atLeast(path, "retentionBytes", defaults.retentionBytes(), -1, " (-1 means unlimited)");
    atLeast(path, "segmentBytes", defaults.segmentBytes(), 1, "");
    atLeast(path, "segmentMs", defaults.segmentMs(), 1, "");
    String policyPath = ConfigPath.key(path, "cleanupPolicy");
    if (defaults.cleanupPolicy() == null) {
      problem(policyPath, "missing");
    } else if (!TopicDefaults.CLEANUP_POLICIES.contains(defaults.cleanupPolicy())) {
      problem(
          policyPath,
          ConfigPath.quote(defaults.cleanupPolicy())
              + " is not a cleanup policy (delete, compact or compact,delete)");
    }
    atLeast(path, "maxMessageBytes", defaults.maxMessageBytes(), 1, "");
    int minIsr = defaults.minInsyncReplicas();
    if (atLeast(path, "minInsyncReplicas", minIsr, 1, "") && rf >= 1 && minIsr > rf) {
      problem(
          ConfigPath.key(path, "minInsyncReplicas"),
          minIsr
              + " is more than replicationFactor "
              + rf
              + " (every acks=all produce would fail)");
    }
    atLeast(path, "flushMessages", defaults.flushMessages(), 1, "");
    atLeast(path, "flushMs", defaults.flushMs(), 0, "");
    atLeast(path, "deleteRetentionMs", defaults.deleteRetentionMs(), 0, "");
  }

  private boolean atLeast(String parent, String key, long value, long min, String note) {
    if (value < min) {
      problem(ConfigPath.key(parent, key), value + " must be at least " + min + note);
      return false;
    }
    return true;
  }
}
