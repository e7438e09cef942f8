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
    validator.checkBroker(config.broker(), config.regions());
    validator.problems.addAll(LinkValidator.validate(config));
    validator.checkControlPlane(config.controlPlane());
    return List.copyOf(validator.problems);
  }

  private void checkControlPlane(ControlPlaneSettings cp) {
    ControlPlaneTls tls = cp.tls();
    if (tls != null) {
      checkStore("controlPlane.tls.keyStore", tls.keyStore(), tls.keyStorePassword());
      if (tls.trustStore() != null) {
        checkStore(
            "controlPlane.tls.trustStore", tls.trustStore(), tls.effectiveTrustStorePassword());
      }
    }
    java.util.Set<String> names = new java.util.HashSet<>();
    java.util.Set<String> secrets = new java.util.HashSet<>();
    for (int i = 0; i < cp.tokens().size(); i++) {
      ApiToken t = cp.tokens().get(i);
      String path = ConfigPath.index("controlPlane.tokens", i);
      if (t.name() != null && !RegionConfig.NAME_PATTERN.matcher(t.name()).matches()) {
        problem(
            ConfigPath.key(path, "name"),
            ConfigPath.quote(t.name()) + " is not a valid name (lowercase letters, digits, '-')");
      } else if (t.name() != null && !names.add(t.name())) {
        problem(ConfigPath.key(path, "name"), ConfigPath.quote(t.name()) + " is used twice");
      }
      if (t.token() != null && t.token().length() < ApiToken.MIN_TOKEN_LENGTH) {
        problem(
            ConfigPath.key(path, "token"),
            "is " + t.token().length() + " characters; at least " + ApiToken.MIN_TOKEN_LENGTH);
      } else if (t.token() != null && !secrets.add(t.token())) {
        problem(ConfigPath.key(path, "token"), "is the same as another token's");
      }
      if (t.role() != null && !ApiToken.ROLES.contains(t.role())) {
        problem(
            ConfigPath.key(path, "role"),
            ConfigPath.quote(t.role()) + " is not one of " + ApiToken.ROLES);
      }
    }
  }

  /** A PKCS12 store must open with its password (nothing else is read from it here). */
  private void checkStore(String path, String file, String password) {
    if (file == null || password == null) {
      return; // reported as missing by the reader
    }
    java.nio.file.Path p = java.nio.file.Path.of(file);
    if (!java.nio.file.Files.isReadable(p)) {
      problem(path, "cannot read " + ConfigPath.quote(file));
      return;
    }
    try (java.io.InputStream in = java.nio.file.Files.newInputStream(p)) {
      java.security.KeyStore.getInstance("PKCS12").load(in, password.toCharArray());
    } catch (java.io.IOException | java.security.GeneralSecurityException e) {
      problem(
          path,
          ConfigPath.quote(file)
              + " is not a PKCS12 store this password opens ("
              + e.getMessage()
              + ")");
    }
  }

  private void problem(String path, String reason) {
    problems.add(new ConfigProblem(path, reason));
  }

  private void checkRegions(List<RegionConfig> regions) {
    if (regions.isEmpty()) {
      problem("regions", "must list at least one region");
    }
    java.util.Map<Integer, String> slots = new java.util.HashMap<>();
    for (int i = 0; i < regions.size(); i++) {
      String path = ConfigPath.index("regions", i);
      RegionConfig region = regions.get(i);
      checkRegionName(ConfigPath.key(path, "name"), region.name());
      if (region.name() != null) {
        String other = slots.putIfAbsent(ProducerIdRange.slot(region.name()), region.name());
        if (other != null && !other.equals(region.name())) {
          problem(
              ConfigPath.key(path, "name"),
              ConfigPath.quote(region.name())
                  + " would hand out the same producer ids as region "
                  + ConfigPath.quote(other)
                  + " (a failover between them could mistake one's producers for the other's);"
                  + " rename one");
        }
      }
      String nodesPath = ConfigPath.key(path, "nodes");
      if (region.nodes().isEmpty()) {
        problem(nodesPath, "a region needs at least one node");
      }
      for (int j = 0; j < region.nodes().size(); j++) {
        checkNode(ConfigPath.index(nodesPath, j), region.nodes().get(j), region.nodes().size());
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

  private void checkNode(String path, NodeConfig node, int regionSize) {
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
    checkClusterPort(path, node, hostValid ? node.host() : null, regionSize);
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
    if (node.rack() != null) {
      checkText(ConfigPath.key(path, "rack"), node.rack(), "rack");
    }
  }

  /**
   * Checks {@code clusterPort} like the other ports, except a default derived from a bad {@code
   * kafkaPort} (already reported there); a derived default that is out of range asks for an
   * explicit value, and an ephemeral one is refused in a region of several nodes.
   */
  private void checkClusterPort(String nodePath, NodeConfig node, String host, int regionSize) {
    int port = node.clusterPort();
    boolean derived = port == NodeConfig.defaultClusterPort(node.kafkaPort());
    if (derived && !NodeConfig.isValidPort(node.kafkaPort())) {
      return;
    }
    String path = ConfigPath.key(nodePath, "clusterPort");
    if (derived && !NodeConfig.isValidPort(port)) {
      problem(
          path,
          port
              + " (kafkaPort + "
              + NodeConfig.CLUSTER_PORT_OFFSET
              + ") is not a port; set clusterPort");
    } else if (port == NodeConfig.EPHEMERAL_PORT && regionSize > 1) {
      problem(
          path,
          "0 (ephemeral) cannot be used in a region of several nodes:"
              + " the nodes find each other by these ports");
    } else {
      checkPort(nodePath, "clusterPort", port, host);
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
    RegionConfig smallest = smallestRegion(regions);
    int rf = defaults.replicationFactor();
    checkReplicationFactor(path, "replicationFactor", rf, smallest);
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
    if (atLeast(path, "minInsyncReplicas", minIsr, 1, "")) {
      String isrPath = ConfigPath.key(path, "minInsyncReplicas");
      String failing = " (every acks=all produce would fail)";
      if (rf >= 1 && minIsr > rf) {
        problem(isrPath, minIsr + " is more than replicationFactor " + rf + failing);
      } else if (rf == TopicDefaults.REGION_REPLICATION_FACTOR && smallest != null) {
        int effective = defaults.effectiveReplicationFactor(smallest.nodes().size());
        if (minIsr > effective) {
          problem(
              isrPath,
              minIsr
                  + " is more than replicationFactor -1, which is "
                  + effective
                  + " in region"
                  + regionName(smallest)
                  + failing);
        }
      }
    }
    atLeast(path, "flushMessages", defaults.flushMessages(), 1, "");
    atLeast(path, "flushMs", defaults.flushMs(), 0, "");
    atLeast(path, "deleteRetentionMs", defaults.deleteRetentionMs(), 0, "");
  }

  private void checkBroker(BrokerSettings broker, List<RegionConfig> regions) {
    String path = "broker";
    atLeast(path, "retentionCheckIntervalMs", broker.retentionCheckIntervalMs(), 1, "");
    atLeast(path, "groupInitialRebalanceDelayMs", broker.groupInitialRebalanceDelayMs(), 0, "");
    atLeast(path, "offsetsRetentionMinutes", broker.offsetsRetentionMinutes(), 1, "");
    atLeast(
        path, "offsetsRetentionCheckIntervalMs", broker.offsetsRetentionCheckIntervalMs(), 1, "");
    between(
        path,
        "offsetsTopicPartitions",
        broker.offsetsTopicPartitions(),
        1,
        BrokerSettings.MAX_OFFSETS_TOPIC_PARTITIONS);
    checkReplicationFactor(
        path,
        "offsetsTopicReplicationFactor",
        broker.offsetsTopicReplicationFactor(),
        smallestRegion(regions));
    between(
        path,
        "lagIntervals",
        broker.lagIntervals(),
        BrokerSettings.MIN_LAG_INTERVALS,
        BrokerSettings.MAX_LAG_INTERVALS);
    atLeast(path, "lagSampleMs", broker.lagSampleMs(), BrokerSettings.MIN_LAG_SAMPLE_MS, "");
    int heartbeat = broker.memberHeartbeatSeconds();
    boolean heartbeatValid = atLeast(path, "memberHeartbeatSeconds", heartbeat, 1, "");
    int failure = broker.memberFailureSeconds();
    if (atLeast(path, "memberFailureSeconds", failure, 1, "")
        && heartbeatValid
        && failure <= heartbeat) {
      problem(
          ConfigPath.key(path, "memberFailureSeconds"),
          failure + " must be greater than memberHeartbeatSeconds (" + heartbeat + ")");
    }
    atLeast(path, "memberMergeDelaySeconds", broker.memberMergeDelaySeconds(), 1, "");
    atLeast(path, "controllerRequestTimeoutMs", broker.controllerRequestTimeoutMs(), 1, "");
    atLeast(path, "replicaLagTimeMaxMs", broker.replicaLagTimeMaxMs(), 1, "");
    atLeast(
        path,
        "leaderImbalanceCheckIntervalSeconds",
        broker.leaderImbalanceCheckIntervalSeconds(),
        1,
        "");
    atLeast(
        path,
        "reassignmentThrottleBytesPerSecond",
        broker.reassignmentThrottleBytesPerSecond(),
        0,
        " (0 for no limit)");
    atLeast(path, "failoverDrainTimeoutMs", broker.failoverDrainTimeoutMs(), 1, "");
    atLeast(path, "failoverStateTimeoutMs", broker.failoverStateTimeoutMs(), 1, "");
    int session = broker.groupConsumerSessionTimeoutMs();
    boolean sessionValid = atLeast(path, "groupConsumerSessionTimeoutMs", session, 1000, "");
    int interval = broker.groupConsumerHeartbeatIntervalMs();
    if (atLeast(path, "groupConsumerHeartbeatIntervalMs", interval, 100, "")
        && sessionValid
        && interval >= session) {
      problem(
          ConfigPath.key(path, "groupConsumerHeartbeatIntervalMs"),
          interval + " must be less than groupConsumerSessionTimeoutMs (" + session + ")");
    }
  }

  /** The region with the fewest nodes, ignoring empty ones; {@code null} if there is none. */
  private static RegionConfig smallestRegion(List<RegionConfig> regions) {
    RegionConfig smallest = null;
    for (RegionConfig region : regions) {
      if (!region.nodes().isEmpty()
          && (smallest == null || region.nodes().size() < smallest.nodes().size())) {
        smallest = region;
      }
    }
    return smallest;
  }

  /** {@code " 'name'"}, or {@code ""} when the region has no name. */
  private static String regionName(RegionConfig region) {
    return region.name() == null ? "" : " " + ConfigPath.quote(region.name());
  }

  /**
   * Checks a replication factor: -1 (derived from the region size), or 1 up to the node count of
   * the smallest region.
   */
  private void checkReplicationFactor(String parent, String key, int rf, RegionConfig smallest) {
    String path = ConfigPath.key(parent, key);
    if (rf == TopicDefaults.REGION_REPLICATION_FACTOR) {
      return;
    }
    if (rf < 1) {
      problem(path, rf + " must be -1 (min(3, nodes of the region)) or at least 1");
    } else if (smallest != null && rf > smallest.nodes().size()) {
      int size = smallest.nodes().size();
      problem(
          path,
          rf
              + " is more than the "
              + size
              + (size == 1 ? " node" : " nodes")
              + " of region"
              + regionName(smallest));
    }
  }

  private boolean between(String parent, String key, long value, long min, long max) {
    if (!atLeast(parent, key, value, min, "")) {
      return false;
    }
    if (value > max) {
      problem(ConfigPath.key(parent, key), value + " must be at most " + max);
      return false;
    }
    return true;
  }

  private boolean atLeast(String parent, String key, long value, long min, String note) {
    if (value < min) {
      problem(ConfigPath.key(parent, key), value + " must be at least " + min + note);
      return false;
    }
    return true;
  }
}
