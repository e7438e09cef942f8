package dev.meridian.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.arbitraries.StringArbitrary;

/** Random valid configurations survive {@code toYaml} then {@code parse} unchanged. */
class RoundTripPropertyTest {

  /** Strings that YAML would read as something else, or that need quoting, if written plainly. */
  private static final List<String> TRICKY =
      List.of(
          "true",
          "False",
          "null",
          "~",
          "123",
          "-1",
          "1.5",
          "0x1F",
          "0o17",
          "1e3",
          "yes",
          "no",
          "on",
          "off",
          "y",
          "n",
          ".inf",
          ".NaN",
          "1_000",
          "+5",
          "::1",
          "[::1]",
          "#x",
          "x#y",
          "&a",
          "*a",
          "!t",
          "%x",
          "@x",
          "`x",
          "'x'",
          "\"x\"",
          "{a}",
          "[a]",
          "a:b",
          "-",
          "--",
          "---",
          "...",
          "<<",
          "?",
          "=",
          "|",
          ">",
          "d\u00e9j\u00e0",
          "\u6771\u4eac",
          "C:\\data");

  private static final String CHARS =
      "abcdefghijklmnopqrstuvwxyzABCXYZ0123456789.-_:/[]{}~#@!%&*?|>'\",`=+\\\u00e9\u6771";

  @Property
  void writtenConfigReadsBackEqual(@ForAll("validConfigs") MeridianConfig config)
      throws ConfigException {
    assertEquals(List.of(), config.validate());

    String yaml = ConfigLoader.toYaml(config);

    assertEquals(config, ConfigLoader.parse(yaml, "generated"), yaml);
  }

  @Provide
  Arbitrary<MeridianConfig> validConfigs() {
    return Arbitraries.integers()
        .between(1, 4)
        .list()
        .ofMinSize(1)
        .ofMaxSize(3)
        .flatMap(
            sizes -> {
              int nodeCount = sizes.stream().mapToInt(Integer::intValue).sum();
              int smallest = sizes.stream().mapToInt(Integer::intValue).min().orElseThrow();
              return Combinators.combine(
                      regionNames()
                          .list()
                          .ofSize(sizes.size())
                          .uniqueElements(ProducerIdRange::slot),
                      Arbitraries.integers()
                          .greaterOrEqual(0)
                          .list()
                          .ofSize(nodeCount)
                          .uniqueElements(),
                      Arbitraries.integers()
                          .between(1, NodeConfig.MAX_PORT)
                          .list()
                          .ofSize(3 * nodeCount)
                          .uniqueElements(),
                      text().list().ofSize(nodeCount),
                      text().list().ofSize(nodeCount),
                      text().injectNull(0.4).list().ofSize(nodeCount),
                      Arbitraries.integers().between(0, 5).list().ofSize(nodeCount),
                      Combinators.combine(topicDefaults(smallest), brokerSettings(smallest))
                          .as(Tuple::of))
                  .as(
                      (names, ids, ports, hosts, dirs, racks, ephemeral, sections) -> {
                        List<RegionConfig> regions = new ArrayList<>();
                        int n = 0;
                        for (int r = 0; r < sizes.size(); r++) {
                          List<NodeConfig> nodes = new ArrayList<>();
                          for (int i = 0; i < sizes.get(r); i++, n++) {
                            // one port of some nodes is ephemeral; clusterPort only when alone
                            int[] p = {
                              ports.get(3 * n), ports.get(3 * n + 1), ports.get(3 * n + 2)
                            };
                            int zero = ephemeral.get(n);
                            if (zero < 2 || (zero == 2 && sizes.get(r) == 1)) {
                              p[zero] = NodeConfig.EPHEMERAL_PORT;
                            }
                            nodes.add(
                                new NodeConfig(
                                    ids.get(n),
                                    hosts.get(n),
                                    p[0],
                                    p[1],
                                    dirs.get(n),
                                    p[2],
                                    racks.get(n)));
                          }
                          regions.add(new RegionConfig(names.get(r), nodes));
                        }
                        return new MeridianConfig(regions, sections.get1(), sections.get2());
                      });
            });
  }

  private static Arbitrary<String> regionNames() {
    Arbitrary<Character> first = Arbitraries.chars().range('a', 'z').range('0', '9');
    StringArbitrary rest =
        Arbitraries.strings().withCharRange('a', 'z').withCharRange('0', '9').withChars('-');
    return Combinators.combine(first, rest.ofMaxLength(8)).as((c, s) -> c + s);
  }

  /** Non-empty strings without whitespace or control characters: valid hosts and data dirs. */
  private static Arbitrary<String> text() {
    return Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.of(TRICKY)),
        Tuple.of(2, Arbitraries.strings().withChars(CHARS).ofMinLength(1).ofMaxLength(12)));
  }

  /** -1 (min(3, region nodes)) or 1 up to the node count of the smallest region. */
  private static Arbitrary<Integer> replicationFactor(int smallest) {
    return Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.just((int) TopicDefaults.REGION_REPLICATION_FACTOR)),
        Tuple.of(3, Arbitraries.integers().between(1, smallest)));
  }

  private static Arbitrary<TopicDefaults> topicDefaults(int smallest) {
    Arbitrary<int[]> replication =
        replicationFactor(smallest)
            .flatMap(
                rf ->
                    Arbitraries.integers()
                        .between(1, TopicDefaults.effective(rf.shortValue(), smallest))
                        .map(isr -> new int[] {rf, isr}));
    Arbitrary<TopicDefaults> generated =
        Combinators.combine(
                Arbitraries.integers().between(1, 100_000),
                replication,
                Arbitraries.longs().greaterOrEqual(-1),
                Arbitraries.longs().greaterOrEqual(-1),
                Arbitraries.longs().greaterOrEqual(1),
                Arbitraries.longs().greaterOrEqual(1),
                Arbitraries.of(TopicDefaults.CLEANUP_POLICIES),
                Arbitraries.integers().greaterOrEqual(1))
            .flatAs(
                (partitions,
                    rfIsr,
                    retentionMs,
                    retentionBytes,
                    segmentBytes,
                    segmentMs,
                    policy,
                    maxMessageBytes) ->
                    Combinators.combine(
                            Arbitraries.of(true, false),
                            Arbitraries.longs().greaterOrEqual(1),
                            Arbitraries.longs().greaterOrEqual(0),
                            Arbitraries.longs().greaterOrEqual(0))
                        .as(
                            (autoCreate, flushMessages, flushMs, deleteRetentionMs) ->
                                new TopicDefaults(
                                    partitions,
                                    (short) rfIsr[0],
                                    retentionMs,
                                    retentionBytes,
                                    segmentBytes,
                                    segmentMs,
                                    policy,
                                    maxMessageBytes,
                                    rfIsr[1],
                                    autoCreate,
                                    flushMessages,
                                    flushMs,
                                    deleteRetentionMs)));
    return Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.just(TopicDefaults.DEFAULTS)), Tuple.of(4, generated));
  }

  private static Arbitrary<BrokerSettings> brokerSettings(int smallest) {
    Arbitrary<int[]> membership =
        Arbitraries.integers()
            .between(1, Integer.MAX_VALUE - 1)
            .flatMap(
                heartbeat ->
                    Arbitraries.integers()
                        .between(heartbeat + 1, Integer.MAX_VALUE)
                        .map(failure -> new int[] {heartbeat, failure}));
    Arbitrary<BrokerSettings> generated =
        Combinators.combine(
                Arbitraries.longs().greaterOrEqual(1),
                Arbitraries.integers().greaterOrEqual(0),
                Arbitraries.longs().greaterOrEqual(1),
                Arbitraries.longs().greaterOrEqual(1),
                Arbitraries.integers().between(1, BrokerSettings.MAX_OFFSETS_TOPIC_PARTITIONS),
                replicationFactor(smallest),
                Arbitraries.integers()
                    .between(BrokerSettings.MIN_LAG_INTERVALS, BrokerSettings.MAX_LAG_INTERVALS),
                Arbitraries.longs().greaterOrEqual(BrokerSettings.MIN_LAG_SAMPLE_MS))
            .flatAs(
                (retentionCheck,
                    rebalanceDelay,
                    offsetsRetention,
                    offsetsCheck,
                    offsetsPartitions,
                    offsetsReplication,
                    lagIntervals,
                    lagSample) ->
                    Combinators.combine(
                            membership,
                            Arbitraries.integers().greaterOrEqual(1),
                            Arbitraries.longs().greaterOrEqual(1),
                            Arbitraries.longs().greaterOrEqual(1),
                            Arbitraries.integers().greaterOrEqual(1),
                            Arbitraries.longs().greaterOrEqual(0))
                        .as(
                            (heartbeatFailure,
                                mergeDelay,
                                controllerTimeout,
                                replicaLag,
                                imbalanceCheck,
                                throttle) ->
                                new BrokerSettings(
                                    retentionCheck,
                                    rebalanceDelay,
                                    offsetsRetention,
                                    offsetsCheck,
                                    offsetsPartitions,
                                    offsetsReplication.shortValue(),
                                    lagIntervals,
                                    lagSample,
                                    heartbeatFailure[0],
                                    heartbeatFailure[1],
                                    mergeDelay,
                                    controllerTimeout,
                                    replicaLag,
                                    imbalanceCheck,
                                    throttle,
                                    // derived, within the allowed range: the combinator's arity
                                    1 + controllerTimeout % 600_000,
                                    1 + replicaLag % 600_000,
                                    1000 + (int) (replicaLag % 600_000),
                                    100
                                        + (int)
                                            (controllerTimeout % (900 + replicaLag % 600_000)))));
    return Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.just(BrokerSettings.DEFAULTS)), Tuple.of(4, generated));
  }
}
