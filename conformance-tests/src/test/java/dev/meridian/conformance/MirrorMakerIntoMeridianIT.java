package dev.meridian.conformance;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * MirrorMaker 2 of Apache Kafka 4.3.1 (dedicated mode, a child JVM) from a Kafka 4.4 broker into
 * Meridian: it creates its target topic through CreateTopics with the source's partition count (not
 * through auto-creation), copies every record, and keeps the topic configs in sync — a config set
 * and one deleted at the source follow — without an error in its log.
 */
class MirrorMakerIntoMeridianIT {
  @TempDir Path tmp;

  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void mirrorMakerCreatesItsTopicsWithTheSourcesPartitionsAndSyncsTheirConfigs() throws Exception {
    try (ApacheKafka kafka = ApacheKafka.start(tmp.resolve("kafka"), Map.of());
        MeridianUnderTest meridian = new MeridianUnderTest(tmp.resolve("meridian")).start();
        Admin source = Admin.create(Clients.admin(kafka.bootstrap()));
        Admin target = Admin.create(Clients.admin(meridian.bootstrap()))) {
      source
          .createTopics(
              List.of(
                  new NewTopic("orders", 4, (short) 1)
                      .configs(
                          Map.of(
                              "compression.type", "lz4",
                              "retention.ms", "3600000",
                              "min.compaction.lag.ms", "1000",
                              "cleanup.policy", "compact,delete",
                              "max.message.bytes", "2000000"))))
          .all()
          .get(30, TimeUnit.SECONDS);
      try (KafkaProducer<String, String> producer =
          new KafkaProducer<>(Clients.producer(kafka.bootstrap()))) {
        Clients.produceAll(
            producer,
            400,
            n -> new ProducerRecord<>("orders", "k" + n, "v" + n),
            (m, n) -> {},
            Duration.ofSeconds(60));
      }

      Path props = tmp.resolve("mm2.properties");
      Files.writeString(
          props,
          String.join(
              "\n",
              "clusters=a,b",
              "a.bootstrap.servers=" + kafka.bootstrap(),
              "b.bootstrap.servers=" + meridian.bootstrap(),
              "a->b.enabled=true",
              "b->a.enabled=false",
              "a->b.topics=orders",
              "replication.factor=1",
              "offset-syncs.topic.replication.factor=1",
              "checkpoints.topic.replication.factor=1",
              "heartbeats.topic.replication.factor=1",
              "config.storage.replication.factor=1",
              "offset.storage.replication.factor=1",
              "status.storage.replication.factor=1",
              "sync.topic.configs.enabled=true",
              "sync.topic.configs.interval.seconds=2",
              "refresh.topics.interval.seconds=2",
              ""),
          StandardCharsets.UTF_8);
      Process mm2 =
          KafkaTools.startWithClassPath(
              tmp, mirrorMakerClassPath(), KafkaTools.MIRROR_MAKER, props.toString());
      try {
        awaitWithLog(
            () ->
                await("MirrorMaker 2 copied the 400 records into a.orders")
                    .atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions()
                    .until(() -> endOffsets(target, "a.orders", 4) == 400));
        assertEquals(
            4,
            target
                .describeTopics(List.of("a.orders"))
                .allTopicNames()
                .get(30, TimeUnit.SECONDS)
                .get("a.orders")
                .partitions()
                .size(),
            "created by MirrorMaker with the source's partition count");
        ConfigResource mirrored = new ConfigResource(ConfigResource.Type.TOPIC, "a.orders");
        await("the source's topic configs are on the target")
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(500))
            .until(
                () -> {
                  Config c = configs(target, mirrored);
                  return "lz4".equals(c.get("compression.type").value())
                      && "3600000".equals(c.get("retention.ms").value())
                      && "1000".equals(c.get("min.compaction.lag.ms").value())
                      && "compact,delete".equals(c.get("cleanup.policy").value())
                      && "2000000".equals(c.get("max.message.bytes").value());
                });

        // a change at the source follows: one key set, one deleted (back to its default)
        ConfigResource orders = new ConfigResource(ConfigResource.Type.TOPIC, "orders");
        source
            .incrementalAlterConfigs(
                Map.of(
                    orders,
                    List.of(
                        new AlterConfigOp(
                            new ConfigEntry("retention.ms", "7200000"), AlterConfigOp.OpType.SET),
                        new AlterConfigOp(
                            new ConfigEntry("min.compaction.lag.ms", null),
                            AlterConfigOp.OpType.DELETE))))
            .all()
            .get(30, TimeUnit.SECONDS);
        await("the change follows")
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(500))
            .until(
                () -> {
                  Config c = configs(target, mirrored);
                  return "7200000".equals(c.get("retention.ms").value())
                      && "0".equals(c.get("min.compaction.lag.ms").value());
                });
      } finally {
        mm2.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
      List<String> errors = new ArrayList<>();
      for (String line :
          Files.readAllLines(tmp.resolve(KafkaTools.logFile(KafkaTools.MIRROR_MAKER)))) {
        if (line.contains("ERROR")) {
          errors.add(line);
        }
      }
      assertTrue(errors.isEmpty(), "MirrorMaker 2 logged errors:\n" + String.join("\n", errors));
    }
  }

  /**
   * MirrorMaker 2's own class path (Kafka 4.3.1, the newest connect-mirror the registry serves),
   * written by the test-mirrormaker module of the build, which comes before this one.
   */
  private static String mirrorMakerClassPath() throws Exception {
    Path file = Path.of("..", "test-mirrormaker", "target", "mm2.classpath");
    if (!Files.exists(file)) {
      throw new IllegalStateException(
          file.toAbsolutePath()
              + " is missing: build the test-mirrormaker module first (mvn verify from the root"
              + " does)");
    }
    return Files.readString(file, StandardCharsets.UTF_8).strip();
  }

  /** Runs {@code wait}; when it times out, fails with MirrorMaker's output. */
  private void awaitWithLog(Runnable wait) throws Exception {
    try {
      wait.run();
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(
          e.getMessage()
              + "\nMirrorMaker 2 output:\n"
              + Files.readString(tmp.resolve(KafkaTools.logFile(KafkaTools.MIRROR_MAKER))),
          e);
    }
  }

  /** The sum of the end offsets of the topic's first {@code partitions} partitions. */
  private static long endOffsets(Admin admin, String topic, int partitions) throws Exception {
    Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> want =
        new java.util.HashMap<>();
    for (org.apache.kafka.common.TopicPartition tp : Clients.partitions(topic, partitions)) {
      want.put(tp, org.apache.kafka.clients.admin.OffsetSpec.latest());
    }
    return admin.listOffsets(want).all().get(30, TimeUnit.SECONDS).values().stream()
        .mapToLong(o -> o.offset())
        .sum();
  }

  private static Config configs(Admin admin, ConfigResource r) throws Exception {
    return admin.describeConfigs(List.of(r)).all().get(30, TimeUnit.SECONDS).get(r);
  }
}
