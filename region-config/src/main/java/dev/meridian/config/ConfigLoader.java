package dev.meridian.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads a {@link MeridianConfig} from YAML and writes one back.
 *
 * <p>The YAML is parsed into a Jackson tree and walked by hand, so that every problem is collected
 * with its path before anything is thrown: unknown keys, wrong types, missing required keys, out of
 * range values, duplicates and so on (see {@link MeridianConfig#validate()}). A YAML syntax error
 * stops parsing and is reported with its line and column. Only one YAML document per file is
 * allowed; duplicate keys in a mapping are errors. A key without a value (or with {@code null} or
 * {@code ~}) is treated as absent. Only {@code true} and {@code false} are booleans: {@code yes},
 * {@code no}, {@code on} and {@code off} are strings, as in YAML 1.2. Strings must be YAML strings
 * ({@code kafkaPort: "9092"} is an error, and so is {@code name: 123}; quote it).
 *
 * <p>Example ({@code region-config/examples/local.yaml}):
 *
 * <pre>
 * regions:
 *   - name: east
 *     nodes:
 *       - id: 1
 *         host: 127.0.0.1
 *         kafkaPort: 9092
 *         httpPort: 8080
 *         clusterPort: 19092
 *         dataDir: east-1
 * topicDefaults:
 *   partitions: 1
 * </pre>
 *
 * <p>Thread-safe: all methods are static and share only immutable, thread-safe Jackson objects.
 */
public final class ConfigLoader {

  /** The path of a problem about the file itself (cannot be read, not UTF-8). */
  static final String FILE = "(file)";

  private static final YAMLMapper MAPPER =
      new YAMLMapper(
          YAMLFactory.builder()
              .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
              // only true/false are booleans: 'no', 'on', 'yes' stay strings (YAML 1.2)
              .enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS)
              // 'key:' without a value is null, i.e. absent (the builder leaves this off)
              .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
              .stringQuotingChecker(new RoundTripQuotingChecker())
              .build());

  private ConfigLoader() {}

  /**
   * Loads and validates a configuration file (UTF-8).
   *
   * @param file the YAML file
   * @return the configuration, valid
   * @throws ConfigException listing every problem, with {@code file} as the source name
   */
  public static MeridianConfig load(Path file) throws ConfigException {
    String sourceName = file.toString();
    String yaml;
    try {
      yaml = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException(sourceName, List.of(new ConfigProblem(FILE, "no such file")));
    } catch (CharacterCodingException e) {
      throw new ConfigException(sourceName, List.of(new ConfigProblem(FILE, "not valid UTF-8")));
    } catch (IOException e) {
      throw new ConfigException(
          sourceName, List.of(new ConfigProblem(FILE, "cannot be read: " + e)));
    }
    return parse(yaml, sourceName);
  }

  /**
   * Parses and validates a configuration.
   *
   * @param yaml the YAML text
   * @param sourceName where the text came from, used in the exception message
   * @return the configuration, valid
   * @throws ConfigException listing every problem
   */
  public static MeridianConfig parse(String yaml, String sourceName) throws ConfigException {
    JsonNode root = readTree(yaml, sourceName);
    ConfigTreeReader reader = new ConfigTreeReader();
    MeridianConfig config = reader.readConfig(root);
    List<ConfigProblem> problems = merge(reader.problems(), config.validate());
    if (!problems.isEmpty()) {
      throw new ConfigException(sourceName, problems);
    }
    return config;
  }

  /**
   * Reads one link (a mapping with the keys of a {@code links} item) from YAML or JSON text, e.g.
   * the body of {@code POST /v1/links}. Only the structure is checked here (unknown keys, types,
   * missing keys; paths relative to the link, e.g. {@code topics.include[0]}); {@link
   * MeridianConfig#validateLink} checks it against a configuration.
   *
   * @throws ConfigException listing every structural problem
   */
  public static LinkConfig parseLink(String text, String sourceName) throws ConfigException {
    JsonNode root = readTree(text, sourceName);
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw new ConfigException(
          sourceName, List.of(new ConfigProblem(ConfigPath.ROOT, "the document is empty")));
    }
    ConfigTreeReader reader = new ConfigTreeReader();
    LinkConfig link = reader.readLinkAt(root, "");
    if (!reader.problems().isEmpty()) {
      List<ConfigProblem> sorted = new ArrayList<>(reader.problems());
      sorted.sort((a, b) -> ConfigPath.DOCUMENT_ORDER.compare(a.path(), b.path()));
      throw new ConfigException(sourceName, sorted);
    }
    return link;
  }

  /** A link as one line of JSON with every setting (the form {@link #parseLink} reads). */
  public static String linkToJson(LinkConfig link) {
    ObjectNode out = JSON.createObjectNode();
    writeLink(out, link);
    try {
      return JSON.writeValueAsString(out);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a link as JSON", e);
    }
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  /**
   * Parses the YAML into a tree, or throws for a syntax error, an alias (Jackson's tree keeps an
   * alias as the anchor's name instead of the value) or a second document.
   */
  private static JsonNode readTree(String yaml, String sourceName) throws ConfigException {
    try (YAMLParser scan = MAPPER.getFactory().createParser(yaml);
        JsonParser parser = MAPPER.createParser(yaml)) {
      List<ConfigProblem> aliases = new ArrayList<>();
      while (scan.nextToken() != null) {
        if (scan.isCurrentAlias()) {
          JsonLocation at = scan.currentTokenLocation();
          aliases.add(
              new ConfigProblem(
                  "line " + at.getLineNr() + ", column " + at.getColumnNr(),
                  "alias *" + scan.getText() + " is not supported; write the value out"));
        }
      }
      if (!aliases.isEmpty()) {
        throw new ConfigException(sourceName, aliases);
      }
      JsonNode root = MAPPER.readTree(parser);
      JsonToken next = parser.nextToken();
      while (isEmptyDocument(next, parser)) { // e.g. after a trailing '---'
        next = parser.nextToken();
      }
      if (root != null && next != null) {
        JsonLocation at = parser.currentLocation();
        throw syntaxError(
            sourceName,
            at.getLineNr(),
            at.getColumnNr(),
            "a second YAML document; only one is allowed");
      }
      return root;
    } catch (JsonProcessingException e) {
      throw syntaxError(sourceName, e);
    } catch (IOException e) {
      throw new UncheckedIOException("reading from a string failed", e);
    }
  }

  /**
   * Writes a configuration as YAML, every setting included (a node without a rack as {@code rack:
   * null}). For a valid configuration {@code parse(toYaml(config), name)} equals {@code config}.
   *
   * @param config the configuration (need not be valid)
   * @return the YAML text
   */
  public static String toYaml(MeridianConfig config) {
    ObjectNode root = MAPPER.createObjectNode();
    ArrayNode regions = root.putArray(ConfigKeys.REGIONS);
    for (RegionConfig region : config.regions()) {
      ObjectNode r = regions.addObject();
      r.put(ConfigKeys.NAME, region.name());
      ArrayNode nodes = r.putArray(ConfigKeys.NODES);
      for (NodeConfig node : region.nodes()) {
        nodes
            .addObject()
            .put(ConfigKeys.ID, node.id())
            .put(ConfigKeys.HOST, node.host())
            .put(ConfigKeys.KAFKA_PORT, node.kafkaPort())
            .put(ConfigKeys.HTTP_PORT, node.httpPort())
            .put(ConfigKeys.CLUSTER_PORT, node.clusterPort())
            .put(ConfigKeys.DATA_DIR, node.dataDir())
            .put(ConfigKeys.RACK, node.rack());
      }
    }
    TopicDefaults d = config.topicDefaults();
    root.putObject(ConfigKeys.TOPIC_DEFAULTS)
        .put(ConfigKeys.PARTITIONS, d.partitions())
        .put(ConfigKeys.REPLICATION_FACTOR, d.replicationFactor())
        .put(ConfigKeys.RETENTION_MS, d.retentionMs())
        .put(ConfigKeys.RETENTION_BYTES, d.retentionBytes())
        .put(ConfigKeys.SEGMENT_BYTES, d.segmentBytes())
        .put(ConfigKeys.SEGMENT_MS, d.segmentMs())
        .put(ConfigKeys.CLEANUP_POLICY, d.cleanupPolicy())
        .put(ConfigKeys.MAX_MESSAGE_BYTES, d.maxMessageBytes())
        .put(ConfigKeys.MIN_INSYNC_REPLICAS, d.minInsyncReplicas())
        .put(ConfigKeys.AUTO_CREATE_TOPICS, d.autoCreateTopics())
        .put(ConfigKeys.FLUSH_MESSAGES, d.flushMessages())
        .put(ConfigKeys.FLUSH_MS, d.flushMs())
        .put(ConfigKeys.DELETE_RETENTION_MS, d.deleteRetentionMs());
    BrokerSettings b = config.broker();
    root.putObject(ConfigKeys.BROKER)
        .put(ConfigKeys.RETENTION_CHECK_INTERVAL_MS, b.retentionCheckIntervalMs())
        .put(ConfigKeys.GROUP_INITIAL_REBALANCE_DELAY_MS, b.groupInitialRebalanceDelayMs())
        .put(ConfigKeys.OFFSETS_RETENTION_MINUTES, b.offsetsRetentionMinutes())
        .put(ConfigKeys.OFFSETS_RETENTION_CHECK_INTERVAL_MS, b.offsetsRetentionCheckIntervalMs())
        .put(ConfigKeys.OFFSETS_TOPIC_PARTITIONS, b.offsetsTopicPartitions())
        .put(ConfigKeys.OFFSETS_TOPIC_REPLICATION_FACTOR, b.offsetsTopicReplicationFactor())
        .put(ConfigKeys.LAG_INTERVALS, b.lagIntervals())
        .put(ConfigKeys.LAG_SAMPLE_MS, b.lagSampleMs())
        .put(ConfigKeys.MEMBER_HEARTBEAT_SECONDS, b.memberHeartbeatSeconds())
        .put(ConfigKeys.MEMBER_FAILURE_SECONDS, b.memberFailureSeconds())
        .put(ConfigKeys.MEMBER_MERGE_DELAY_SECONDS, b.memberMergeDelaySeconds())
        .put(ConfigKeys.CONTROLLER_REQUEST_TIMEOUT_MS, b.controllerRequestTimeoutMs())
        .put(ConfigKeys.REPLICA_LAG_TIME_MAX_MS, b.replicaLagTimeMaxMs())
        .put(
            ConfigKeys.LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS,
            b.leaderImbalanceCheckIntervalSeconds())
        .put(
            ConfigKeys.REASSIGNMENT_THROTTLE_BYTES_PER_SECOND,
            b.reassignmentThrottleBytesPerSecond())
        .put(ConfigKeys.FAILOVER_DRAIN_TIMEOUT_MS, b.failoverDrainTimeoutMs())
        .put(ConfigKeys.FAILOVER_STATE_TIMEOUT_MS, b.failoverStateTimeoutMs())
        .put(ConfigKeys.GROUP_CONSUMER_SESSION_TIMEOUT_MS, b.groupConsumerSessionTimeoutMs())
        .put(ConfigKeys.GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS, b.groupConsumerHeartbeatIntervalMs());
    if (!config.links().isEmpty()) {
      ArrayNode links = root.putArray(ConfigKeys.LINKS);
      config.links().forEach(l -> writeLink(links.addObject(), l));
    }
    ControlPlaneTls tls = config.controlPlane().tls();
    if (!config.controlPlane().open() || config.controlPlane().allowHalt() || tls != null) {
      ObjectNode cp = root.putObject(ConfigKeys.CONTROL_PLANE);
      cp.put(ConfigKeys.ALLOW_HALT, config.controlPlane().allowHalt());
      if (tls != null) {
        cp.putObject(ConfigKeys.TLS)
            .put(ConfigKeys.KEY_STORE, tls.keyStore())
            .put(ConfigKeys.KEY_STORE_PASSWORD, tls.keyStorePassword())
            .put(ConfigKeys.TRUST_STORE, tls.trustStore())
            .put(ConfigKeys.TRUST_STORE_PASSWORD, tls.trustStorePassword());
      }
      ArrayNode tokens = cp.putArray(ConfigKeys.TOKENS);
      config
          .controlPlane()
          .tokens()
          .forEach(
              t ->
                  tokens
                      .addObject()
                      .put(ConfigKeys.NAME, t.name())
                      .put(ConfigKeys.TOKEN, t.token())
                      .put(ConfigKeys.ROLE, t.role()));
    }
    try {
      return MAPPER.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a config tree as YAML", e);
    }
  }

  private static void writeLink(ObjectNode out, LinkConfig link) {
    out.put(ConfigKeys.NAME, link.name());
    ObjectNode source = out.putObject(ConfigKeys.SOURCE);
    if (link.source() != null) {
      if (link.source().region() != null) {
        source.put(ConfigKeys.REGION_KEY, link.source().region());
      }
      if (link.source().bootstrap() != null) {
        source.put(ConfigKeys.BOOTSTRAP, link.source().bootstrap());
      }
      if (!link.source().properties().isEmpty()) {
        ObjectNode props = source.putObject(ConfigKeys.PROPERTIES);
        link.source().properties().forEach(props::put);
      }
    }
    out.put(ConfigKeys.TARGET, link.target());
    out.put(ConfigKeys.MODE, link.mode());
    writeFilter(out.putObject(ConfigKeys.TOPICS), link.topics());
    writeFilter(out.putObject(ConfigKeys.GROUPS), link.groups());
    out.put(ConfigKeys.COMPRESSION, link.compression());
    out.put(ConfigKeys.RATE_LIMIT_BYTES_PER_SECOND, link.rateLimitBytesPerSecond());
    ArrayNode follow = out.putArray(ConfigKeys.FOLLOW_CONFIGS);
    link.followConfigs().forEach(follow::add);
    out.put(ConfigKeys.START_POSITION, link.startPosition());
    out.put(ConfigKeys.OFFSET_SYNC_INTERVAL_MS, link.offsetSyncIntervalMs());
    if (link.reverseOf() != null) {
      out.put(ConfigKeys.REVERSE_OF, link.reverseOf());
    }
  }

  private static void writeFilter(ObjectNode out, NameFilter filter) {
    ArrayNode include = out.putArray(ConfigKeys.INCLUDE);
    filter.include().forEach(include::add);
    ArrayNode exclude = out.putArray(ConfigKeys.EXCLUDE);
    filter.exclude().forEach(exclude::add);
  }

  /**
   * Whether {@code token} is an empty document, which the YAML parser reports as a null or (with
   * boolean-like words read as strings) an empty string.
   */
  private static boolean isEmptyDocument(JsonToken token, JsonParser parser) throws IOException {
    return token == JsonToken.VALUE_NULL
        || (token == JsonToken.VALUE_STRING && parser.getText().isEmpty());
  }

  /** A YAML syntax error or duplicate key, reported at its line and column (1-based). */
  private static ConfigException syntaxError(String sourceName, JsonProcessingException e) {
    if (e.getCause() instanceof MarkedYAMLException yaml && yaml.getProblemMark() != null) {
      Mark at = yaml.getProblemMark();
      String reason = yaml.getProblem();
      Mark contextAt = yaml.getContextMark();
      if (yaml.getContext() != null && contextAt != null) {
        reason +=
            " ("
                + yaml.getContext()
                + " at line "
                + (contextAt.getLine() + 1)
                + ", column "
                + (contextAt.getColumn() + 1)
                + ")";
      }
      return syntaxError(sourceName, at.getLine() + 1, at.getColumn() + 1, reason);
    }
    String reason = e.getOriginalMessage();
    reason = reason == null ? "invalid YAML" : reason.lines().findFirst().orElse(reason);
    if (reason.startsWith("Duplicate field ")) {
      reason = "duplicate key " + reason.substring("Duplicate field ".length());
    }
    JsonLocation at = e.getLocation();
    return at == null
        ? new ConfigException(sourceName, List.of(new ConfigProblem(ConfigPath.ROOT, reason)))
        : syntaxError(sourceName, at.getLineNr(), at.getColumnNr(), reason);
  }

  private static ConfigException syntaxError(
      String sourceName, int line, int column, String reason) {
    String path = "line " + line + ", column " + column;
    return new ConfigException(sourceName, List.of(new ConfigProblem(path, reason)));
  }

  /**
   * The structural problems and the semantic ones not at or below a path that already has a
   * structural problem (those come from placeholders, or repeat the structural problem), in
   * document order.
   */
  private static List<ConfigProblem> merge(
      List<ConfigProblem> structural, List<ConfigProblem> semantic) {
    List<ConfigProblem> merged = new ArrayList<>(structural);
    for (ConfigProblem problem : semantic) {
      if (structural.stream().noneMatch(s -> ConfigPath.isWithin(problem.path(), s.path()))) {
        merged.add(problem);
      }
    }
    merged.sort(Comparator.comparing(ConfigProblem::path, ConfigPath.DOCUMENT_ORDER));
    return merged;
  }

  /**
   * Leaves a string unquoted only when it reads back as the same string: {@code 127.0.0.1} stays
   * plain, {@code 123}, {@code true} or {@code 0x1f} get quotes.
   */
  private static final class RoundTripQuotingChecker extends StringQuotingChecker.Default {

    private static final YAMLMapper PLAIN_READER = new YAMLMapper();

    @Override
    public boolean needToQuoteValue(String value) {
      return super.needToQuoteValue(value) || !readsBackUnchanged(value);
    }

    private static boolean readsBackUnchanged(String value) {
      try {
        JsonNode node = PLAIN_READER.readTree("v: " + value).get("v");
        return node != null && node.isTextual() && node.textValue().equals(value);
      } catch (JsonProcessingException e) {
        return false;
      }
    }
  }
}
