package dev.meridian.conformance;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.GroupSubscribedToTopicException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * kafka-clients Admin on consumer groups: list, describe, list/alter/delete offsets, delete groups
 * — against an active group, then the same group once empty. Also: a transactional producer fails
 * at once with a clear error (FindCoordinator for a transaction key).
 */
class GroupAdminIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String TOPIC = "admin-t";
  private static final String GROUP = "g-admin";

  @TempDir Path tmp;
  private MeridianUnderTest meridian;
  private Admin admin;
  private final Map<String, Integer> read = new ConcurrentHashMap<>();

  @BeforeEach
  void start() throws Exception {
    meridian = new MeridianUnderTest(tmp).start();
    admin = Admin.create(Clients.admin(meridian.bootstrap()));
    Clients.createTopic(meridian.bootstrap(), TOPIC, 3, Map.of());
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(Clients.producer(meridian.bootstrap()))) {
      Clients.produceAll(
          producer,
          300,
          n -> new ProducerRecord<>(TOPIC, n % 3, "k" + n, "v" + n),
          (m, n) -> {},
          WAIT);
    }
  }

  @AfterEach
  void stop() {
    admin.close();
    meridian.close();
  }

  private static <T> T get(KafkaFuture<T> f) throws Exception {
    return f.get(30, TimeUnit.SECONDS);
  }

  private static Throwable failure(KafkaFuture<?> f) {
    ExecutionException e =
        assertThrows(ExecutionException.class, () -> f.get(30, TimeUnit.SECONDS));
    return e.getCause();
  }

  private GroupConsumer member(String name) {
    return new GroupConsumer(
            name,
            Clients.consumer(
                meridian.bootstrap(), "earliest", ConsumerConfig.GROUP_ID_CONFIG, GROUP),
            TOPIC,
            (c, r) -> read.merge(r.partition() + ":" + r.offset(), 1, Integer::sum))
        .start();
  }

  private Map<Integer, Long> offsets() throws Exception {
    Map<Integer, Long> out = new TreeMap<>();
    get(admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata())
        .forEach((tp, o) -> out.put(tp.partition(), o.offset()));
    return out;
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void adminListsDescribesAltersAndDeletesGroupsAndOffsets() throws Exception {
    GroupConsumer active = member("active");
    await("all read").atMost(WAIT).until(() -> read.size() == 300);
    await("offsets committed")
        .atMost(WAIT)
        .until(() -> offsets().equals(Map.of(0, 100L, 1, 100L, 2, 100L)));

    // listing
    assertLegacyListing();
    Collection<GroupListing> listed =
        get(admin.listGroups(ListGroupsOptions.forConsumerGroups()).all());
    GroupListing gl =
        listed.stream().filter(g -> g.groupId().equals(GROUP)).findFirst().orElseThrow();
    assertEquals(GroupType.CLASSIC, gl.type().orElseThrow());
    assertEquals("consumer", gl.protocol());
    assertEquals(
        Set.of(),
        get(
                admin
                    .listGroups(
                        ListGroupsOptions.forConsumerGroups()
                            .inGroupStates(Set.of(GroupState.EMPTY)))
                    .all())
            .stream()
            .map(GroupListing::groupId)
            .collect(Collectors.toSet()),
        "the state filter");

    // describing
    ConsumerGroupDescription d =
        get(admin.describeConsumerGroups(List.of(GROUP)).describedGroups().get(GROUP));
    assertEquals(GroupState.STABLE, d.groupState());
    assertEquals("range", d.partitionAssignor());
    assertEquals(1, d.coordinator().id());
    assertEquals(1, d.members().size());
    MemberDescription m = d.members().iterator().next();
    assertEquals("active", m.clientId());
    assertEquals("/127.0.0.1", m.host());
    assertEquals(Set.copyOf(Clients.partitions(TOPIC, 3)), m.assignment().topicPartitions());

    // an active group keeps its offsets and itself
    TopicPartition p0 = new TopicPartition(TOPIC, 0);
    TopicPartition p1 = new TopicPartition(TOPIC, 1);
    TopicPartition p2 = new TopicPartition(TOPIC, 2);
    assertInstanceOf(
        UnknownMemberIdException.class,
        failure(
            admin.alterConsumerGroupOffsets(GROUP, Map.of(p0, new OffsetAndMetadata(10))).all()));
    assertInstanceOf(
        GroupNotEmptyException.class, failure(admin.deleteConsumerGroups(List.of(GROUP)).all()));
    assertInstanceOf(
        GroupSubscribedToTopicException.class,
        failure(admin.deleteConsumerGroupOffsets(GROUP, Set.of(p0)).all()));

    // once empty, offsets can be changed: a new member resumes there
    active.stop(true);
    await("empty")
        .atMost(WAIT)
        .until(
            () ->
                get(admin.describeConsumerGroups(List.of(GROUP)).all()).get(GROUP).groupState()
                    == GroupState.EMPTY);
    get(
        admin
            .alterConsumerGroupOffsets(
                GROUP, Map.of(p0, new OffsetAndMetadata(10), p1, new OffsetAndMetadata(20, "note")))
            .all());
    assertEquals(Map.of(0, 10L, 1, 20L, 2, 100L), offsets());
    assertEquals(
        "note",
        get(admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata())
            .get(p1)
            .metadata());
    read.clear();
    GroupConsumer again = member("again");
    await("re-read from the altered offsets").atMost(WAIT).until(() -> read.size() == 170);
    assertTrue(read.values().stream().allMatch(n -> n == 1), "each record once");
    assertTrue(read.containsKey("0:10") && !read.containsKey("0:9"), "from offset 10 on p0");
    again.stop(true);
    await("empty again")
        .atMost(WAIT)
        .until(
            () ->
                get(admin.describeConsumerGroups(List.of(GROUP)).all()).get(GROUP).groupState()
                    == GroupState.EMPTY);

    get(admin.deleteConsumerGroupOffsets(GROUP, Set.of(p2)).all());
    assertFalse(offsets().containsKey(2), "offset of partition 2 deleted");
    get(admin.deleteConsumerGroups(List.of(GROUP)).all());
    assertEquals(
        GroupState.DEAD,
        get(admin.describeConsumerGroups(List.of(GROUP)).all()).get(GROUP).groupState());
    assertTrue(offsets().isEmpty());
    assertFalse(
        get(admin.listGroups(ListGroupsOptions.forConsumerGroups()).all()).stream()
            .anyMatch(g -> g.groupId().equals(GROUP)));
    assertInstanceOf(
        GroupIdNotFoundException.class,
        failure(admin.deleteConsumerGroups(List.of("never-existed")).all()));
  }

  /** {@code listConsumerGroups}, deprecated for removal in 4.x but still what many tools call. */
  @SuppressWarnings("removal")
  private void assertLegacyListing() throws Exception {
    Collection<org.apache.kafka.clients.admin.ConsumerGroupListing> legacy =
        get(admin.listConsumerGroups().all());
    org.apache.kafka.clients.admin.ConsumerGroupListing l =
        legacy.stream().filter(g -> g.groupId().equals(GROUP)).findFirst().orElseThrow();
    assertEquals(GroupState.STABLE, l.groupState().orElseThrow());
    assertFalse(l.isSimpleConsumerGroup());
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aTransactionalProducerFailsAtOnceWithAClearError() {
    java.util.Properties p = Clients.producer(meridian.bootstrap());
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-1");
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "20000");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      long t0 = System.nanoTime();
      RuntimeException e = assertThrows(RuntimeException.class, producer::initTransactions);
      assertInstanceOf(TransactionalIdAuthorizationException.class, rootOrSelf(e), e.toString());
      assertTrue(
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) < 10_000,
          "fails fast, does not wait for max.block.ms");
    }
  }

  private static Throwable rootOrSelf(Throwable t) {
    Throwable c = t;
    while (!(c instanceof TransactionalIdAuthorizationException) && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }
}
