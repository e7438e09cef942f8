package dev.meridian.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * kcat (librdkafka) against a real node: metadata listing, keyed produce with and without
 * compression or idempotence, consume from the beginning, compared line for line, and the balanced
 * consumer ({@code -G}) of a consumer group. Skipped when kcat is not installed ({@code .ci/run}
 * installs Debian's kcat 1.7.1 / librdkafka 2.0.2); {@code -Dmeridian.kcat=PATH} runs another
 * build.
 */
class KcatIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final String FORMAT = "%k=%s\\n";

  @TempDir static Path tmp;
  private static MeridianUnderTest meridian;
  private static String kcat;
  private static String kcatVersion;
  private static String skipReason;

  @BeforeAll
  static void start() throws Exception {
    String configured = System.getProperty("meridian.kcat");
    for (String candidate :
        configured != null ? List.of(configured) : List.of("kcat", "kafkacat")) {
      String version = ExternalProcess.probe(List.of(candidate, "-V"));
      if (version != null) {
        kcat = candidate;
        kcatVersion =
            version.lines().filter(l -> l.startsWith("Version")).findFirst().orElse(version);
        break;
      }
    }
    if (kcat == null) {
      skipReason =
          "kcat is not installed (tried "
              + (configured != null ? configured : "kcat, kafkacat")
              + "): skipping the kcat scenarios; install it with `apt-get install kcat`"
              + " (.ci/run does)";
      return;
    }
    System.out.println("KcatIT: " + kcat + " " + kcatVersion);
    meridian = new MeridianUnderTest(tmp).start();
  }

  /** Per test, not in {@link #start}: Surefire reports a class-level skip as zero tests. */
  @BeforeEach
  void requireKcat() {
    Assumptions.assumeTrue(skipReason == null, skipReason);
  }

  @AfterAll
  static void stop() {
    if (meridian != null) {
      meridian.close();
    }
  }

  private static ExternalProcess.Result kcat(String stdin, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(kcat, "-b", meridian.bootstrap()));
    cmd.addAll(List.of(args));
    ExternalProcess.Result r = ExternalProcess.run(cmd, stdin, TIMEOUT);
    if (!r.ok()) {
      fail(r.describe());
    }
    return r;
  }

  /** {@code kcat -C -e} from the beginning, one line per record in {@code format}. */
  private static List<String> consume(String topic, String format) throws Exception {
    return kcat(null, "-C", "-t", topic, "-o", "beginning", "-e", "-q", "-f", format)
        .stdout()
        .lines()
        .toList();
  }

  private static List<String> keyedLines(String prefix, int count) {
    return IntStream.range(0, count).mapToObj(i -> "k" + i + ":" + prefix + "-" + i).toList();
  }

  private static List<String> asConsumed(List<String> keyedLines) {
    return keyedLines.stream().map(l -> l.replaceFirst(":", "=")).toList();
  }

  /**
   * Equal lists, or a failure naming the sizes and the first difference with a little context
   * (these lists have up to 20,000 lines: printing both whole helps nobody).
   */
  private static void assertSameLines(List<String> expected, List<String> actual, String what) {
    if (expected.equals(actual)) {
      return;
    }
    int i = 0;
    while (i < expected.size() && i < actual.size() && expected.get(i).equals(actual.get(i))) {
      i++;
    }
    int from = Math.max(0, i - 2);
    fail(
        what
            + ": expected "
            + expected.size()
            + " lines, got "
            + actual.size()
            + "; first difference at line "
            + i
            + "\nexpected from line "
            + from
            + ": "
            + expected.subList(from, Math.min(expected.size(), i + 3))
            + "\nactual from line "
            + from
            + ":   "
            + actual.subList(from, Math.min(actual.size(), i + 3)));
  }

  private static String stdin(List<String> lines) {
    return String.join("\n", lines) + "\n";
  }

  @Test
  void listsBrokersAndTopics() throws Exception {
    JavaClients.createTopic(meridian.bootstrap(), "listed", 3);

    ExternalProcess.Result r = kcat(null, "-L");

    String out = r.stdout();
    String port = meridian.bootstrap().substring(meridian.bootstrap().lastIndexOf(':') + 1);
    assertTrue(out.contains(" 1 brokers:\n"), r.describe());
    assertTrue(out.contains("  broker 1 at 127.0.0.1:" + port + " (controller)\n"), r.describe());
    assertTrue(out.contains("  topic \"listed\" with 3 partitions:\n"), r.describe());
    for (int p = 0; p < 3; p++) {
      assertTrue(
          out.contains("    partition " + p + ", leader 1, replicas: 1, isrs: 1\n"), r.describe());
    }
  }

  @Test
  void producesKeyedLinesToAnAutoCreatedTopicAndReadsThemBack() throws Exception {
    List<String> lines = new ArrayList<>(keyedLines("plain", 500));
    lines.add("spaces:a value with spaces");
    lines.add("colon:the value keeps: its colons");
    lines.add("unicode:ü€😀");

    kcat(stdin(lines), "-P", "-t", "auto-created", "-K:");

    assertTrue(JavaClients.listTopics(meridian.bootstrap()).contains("auto-created"));
    assertSameLines(asConsumed(lines), consume("auto-created", FORMAT), "read back with kcat");
    List<String> javaRead =
        JavaClients.readAll(meridian.bootstrap(), "auto-created", lines.size(), TIMEOUT).stream()
            .map(rec -> rec.key() + "=" + rec.value())
            .toList();
    assertSameLines(asConsumed(lines), javaRead, "read back with kafka-clients");
  }

  @Test
  void producesToAPreCreatedTopicKeepingEachPartitionsOrder() throws Exception {
    JavaClients.createTopic(meridian.bootstrap(), "pre-created", 3);
    List<String> lines = keyedLines("pre", 3000);

    kcat(stdin(lines), "-P", "-t", "pre-created", "-K:");

    List<String> got = consume("pre-created", "%p %o %k=%s\\n");
    assertEquals(lines.size(), got.size(), "records read back");
    Map<Integer, List<String>> byPartition = new TreeMap<>();
    for (String line : got) {
      String[] f = line.split(" ", 3);
      List<String> records =
          byPartition.computeIfAbsent(Integer.parseInt(f[0]), p -> new ArrayList<>());
      assertEquals(records.size(), Long.parseLong(f[1]), "offsets are dense from 0: " + line);
      records.add(f[2]);
    }
    assertEquals(3, byPartition.size(), "keys spread over every partition");
    List<String> expected = asConsumed(lines);
    for (List<String> records : byPartition.values()) {
      Set<String> here = new HashSet<>(records);
      List<String> inInputOrder = expected.stream().filter(here::contains).toList();
      assertSameLines(inInputOrder, records, "a partition keeps the order of the input");
    }
  }

  /**
   * Many small pipelined batches per codec: the records come back exactly, in order (librdkafka
   * sends up to max.in.flight requests for a partition on one connection; the broker must append
   * them in the order they were sent).
   */
  @ParameterizedTest
  @ValueSource(strings = {"gzip", "lz4", "snappy", "zstd"})
  void compressedBatchesRoundTripInOrder(String codec) throws Exception {
    String topic = "compressed-" + codec;
    List<String> lines = keyedLines(codec, 20_000);

    kcat(
        stdin(lines),
        "-P",
        "-t",
        topic,
        "-K:",
        "-z",
        codec,
        "-X",
        "batch.num.messages=250",
        "-X",
        "linger.ms=0");

    assertSameLines(asConsumed(lines), consume(topic, FORMAT), codec + " read back with kcat");
  }

  @Test
  void idempotentProducerRoundTrip() throws Exception {
    List<String> lines = keyedLines("idempotent", 2000);

    kcat(
        stdin(lines),
        "-P",
        "-t",
        "idempotent",
        "-K:",
        "-X",
        "enable.idempotence=true",
        "-X",
        "compression.codec=lz4",
        "-X",
        "batch.num.messages=100");

    assertSameLines(asConsumed(lines), consume("idempotent", FORMAT), "read back with kcat");
    List<ConsumerRecord<String, String>> javaRead =
        JavaClients.readAll(meridian.bootstrap(), "idempotent", lines.size(), TIMEOUT);
    assertEquals(lines.size(), javaRead.size());
  }

  /**
   * {@code kcat -G}: librdkafka's balanced consumer joins a group (FindCoordinator, JoinGroup,
   * SyncGroup, Heartbeat, OffsetFetch, OffsetCommit, LeaveGroup), reads everything, commits on
   * exit; the next run of the group reads only what came after.
   */
  @Test
  void balancedConsumerGroupReadsEverythingThenResumesFromItsCommittedOffsets() throws Exception {
    String topic = "grouped";
    JavaClients.createTopic(meridian.bootstrap(), topic, 3);
    List<String> lines = keyedLines("first", 300);
    kcat(stdin(lines), "-P", "-t", topic, "-K:");

    List<String> first =
        kcat(
                null,
                "-G",
                "kcat-group",
                "-X",
                "auto.offset.reset=earliest",
                "-e",
                "-q",
                "-f",
                FORMAT,
                topic)
            .stdout()
            .lines()
            .sorted()
            .toList();
    assertSameLines(asConsumed(lines).stream().sorted().toList(), first, "first run of the group");

    List<String> more = keyedLines("second", 50);
    kcat(stdin(more), "-P", "-t", topic, "-K:");
    List<String> second =
        kcat(null, "-G", "kcat-group", "-e", "-q", "-f", FORMAT, topic)
            .stdout()
            .lines()
            .sorted()
            .toList();
    assertSameLines(
        asConsumed(more).stream().sorted().toList(), second, "the group resumes where it stopped");

    try (Admin admin = Admin.create(Clients.admin(meridian.bootstrap()))) {
      long committed =
          admin
              .listConsumerGroupOffsets("kcat-group")
              .partitionsToOffsetAndMetadata()
              .get()
              .values()
              .stream()
              .mapToLong(OffsetAndMetadata::offset)
              .sum();
      assertEquals(350, committed, "offsets committed by librdkafka, seen by kafka-clients");
    }
  }
}
