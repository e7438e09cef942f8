package dev.meridian.node.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.meridian.node.api.BrokerApis;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.ResponseHeader;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input over real sockets to a real node: each bad frame is answered where the protocol allows
 * (ApiVersions) or closes only its own connection, promptly; real clients on other connections keep
 * producing and consuming through thousands of garbage connections.
 */
class ProtocolBadInputIT {
  private static final Duration DEADLINE = Duration.ofSeconds(10);
  private static final int MAX_REQUEST_BYTES = ProtocolConfig.DEFAULT.maxRequestBytes();
  private static final int BURST_CONNECTIONS = Integer.getInteger("burst.connections", 3000);

  @TempDir static Path dir;
  private static TestNode node;

  @BeforeAll
  static void startNode() throws Exception {
    // no auto-creation: mutated Metadata/Produce frames must not litter the node with topics
    node = TestNode.start(dir, y -> y.topicDefault("autoCreateTopics", false));
    node.createTopics("live");
  }

  @AfterAll
  static void stopNode() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void negativeSizeClosesTheConnection() throws IOException {
    for (int size : new int[] {-1, -4, Integer.MIN_VALUE}) {
      assertClosedAfter(ByteBuffer.allocate(4).putInt(size).array(), "size " + size);
    }
  }

  @Test
  void sizeOverTheLimitIsRejectedFromThePrefixAlone() throws IOException {
    // only the 4-byte prefix is sent: a server that buffered the announced frame would wait
    for (int size : new int[] {MAX_REQUEST_BYTES + 1, Integer.MAX_VALUE}) {
      assertClosedAfter(ByteBuffer.allocate(4).putInt(size).array(), "size " + size);
    }
  }

  @Test
  void sizeAtTheLimitIsAccepted() throws IOException {
    try (RawKafkaSocket s = new RawKafkaSocket(node.kafkaPort())) {
      s.sendInt(MAX_REQUEST_BYTES);
      assertEquals(RawKafkaSocket.Reaction.SILENT, s.await(Duration.ofMillis(500)));
    }
  }

  @Test
  void zeroSizeOrAFrameShorterThanTheHeaderClosesTheConnection() throws IOException {
    assertClosedAfter(new byte[4], "size 0");
    assertClosedAfter(RequestFrames.frame(new byte[] {0, 18, 0}), "3-byte frame");
  }

  @Test
  void unknownOrUnservedApiClosesTheConnection() throws IOException {
    byte[] unknown = ByteBuffer.allocate(20).putShort((short) 999).putShort((short) 0).array();
    assertClosedAfter(RequestFrames.frame(unknown), "API key 999");
    assertClosedAfter(
        RequestFrames.frame(
            ApiKeys.SASL_HANDSHAKE,
            (short) 1,
            1,
            new SaslHandshakeRequestData().setMechanism("PLAIN")),
        "SaslHandshake");
  }

  @Test
  void unsupportedProduceVersionClosesTheConnection() throws IOException {
    ProduceRequestData body = produce("live", (short) 1);
    assertClosedAfter(RequestFrames.frame(ApiKeys.PRODUCE, (short) 13, 1, body), "Produce v13");
    for (short v : new short[] {2, 99, -1}) {
      byte[] p = RequestFrames.payload(ApiKeys.PRODUCE, (short) 9, 1, "raw", body);
      ByteBuffer.wrap(p).putShort(2, v);
      assertClosedAfter(RequestFrames.frame(p), "Produce v" + v);
    }
  }

  @Test
  void apiVersionsAboveOursIsAnsweredWithOurTableAtV0() throws IOException {
    ByteBuffer v99 = ByteBuffer.allocate(40);
    v99.putShort(ApiKeys.API_VERSIONS.id).putShort((short) 99).putInt(4242);
    v99.putShort((short) 3).put("raw".getBytes()).put((byte) 0); // client id, no tagged fields
    new Random(1).ints(v99.remaining()).forEach(i -> v99.put((byte) i)); // a body from the future
    try (RawKafkaSocket s = new RawKafkaSocket(node.kafkaPort())) {
      s.send(RequestFrames.frame(v99.array()));
      ByteBuffer r = s.readResponse(DEADLINE);
      assertEquals(4242, ResponseHeader.parse(r, (short) 0).correlationId());
      ApiVersionsResponseData data =
          ApiVersionsResponse.parse(new ByteBufferAccessor(r), (short) 0).data();
      assertEquals(Errors.UNSUPPORTED_VERSION.code(), data.errorCode());
      assertEquals(4, data.apiKeys().find(ApiKeys.API_VERSIONS.id).maxVersion());
      assertEquals(3, data.apiKeys().find(ApiKeys.PRODUCE.id).minVersion());
      assertEquals(12, data.apiKeys().find(ApiKeys.PRODUCE.id).maxVersion());
      assertEquals(BrokerApis.registry(null).versions(), data.apiKeys());

      // the connection stays usable: the client retries at our maximum
      s.send(
          RequestFrames.frame(
              ApiKeys.API_VERSIONS,
              (short) 4,
              4243,
              new ApiVersionsRequest.Builder().build((short) 4).data()));
      ByteBuffer ok = s.readResponse(DEADLINE);
      assertEquals(4243, ResponseHeader.parse(ok, (short) 0).correlationId());
      assertEquals(
          Errors.NONE.code(),
          ApiVersionsResponse.parse(new ByteBufferAccessor(ok), (short) 4).data().errorCode());
    }
  }

  @Test
  void undecodableBodiesCloseTheConnection() throws IOException {
    byte[] metadata =
        RequestFrames.payload(
            ApiKeys.METADATA,
            (short) 12,
            1,
            "raw",
            new MetadataRequestData()
                .setTopics(
                    List.of(new MetadataRequestData.MetadataRequestTopic().setName("live"))));
    assertClosedAfter(
        RequestFrames.frame(Arrays.copyOf(metadata, metadata.length - 1)), "truncated Metadata");
    byte[] garbage = new byte[64];
    Arrays.fill(garbage, (byte) 0xff);
    ByteBuffer.wrap(garbage).putShort((short) 0).putShort((short) 9).putInt(1).putShort((short) -1);
    assertClosedAfter(RequestFrames.frame(garbage), "Produce v9 of 0xff bytes");
    byte[] header = Arrays.copyOf(metadata, 12);
    ByteBuffer.wrap(header).putShort(8, (short) 1000);
    assertClosedAfter(RequestFrames.frame(header), "client id longer than the frame");
  }

  @Test
  void requestsBeforeABadFrameAreAnsweredInOrderThenTheConnectionCloses() throws IOException {
    ByteBuffer wire = ByteBuffer.allocate(64 * 1024);
    for (int corr = 1; corr <= 10; corr++) {
      wire.put(apiVersionsV3(corr));
    }
    wire.putInt(-1);
    try (RawKafkaSocket s = new RawKafkaSocket(node.kafkaPort())) {
      s.send(Arrays.copyOf(wire.array(), wire.position()));
      for (int corr = 1; corr <= 10; corr++) {
        assertEquals(corr, s.readResponse(DEADLINE).getInt(0));
      }
      assertEquals(RawKafkaSocket.Reaction.CLOSED, s.await(DEADLINE));
    }
  }

  /** A malformed record set is a per-partition CORRUPT_MESSAGE, not a failed request. */
  @Test
  void recordSetWithAHugeBatchLengthIsAnsweredCorruptMessage() throws IOException {
    ProduceRequestData body = produce("live", (short) 1);
    ByteBuffer records =
        ((org.apache.kafka.common.record.internal.MemoryRecords)
                body.topicData().iterator().next().partitionData().get(0).records())
            .buffer();
    records.putInt(8, Integer.MAX_VALUE - 4); // batchLength: base offset + length overflow int
    try (RawKafkaSocket s = new RawKafkaSocket(node.kafkaPort())) {
      s.send(RequestFrames.frame(ApiKeys.PRODUCE, (short) 9, 77, body));
      ByteBuffer r = s.readResponse(DEADLINE);
      assertEquals(
          77,
          ResponseHeader.parse(r, ApiKeys.PRODUCE.responseHeaderVersion((short) 9))
              .correlationId());
      ProduceResponseData data =
          ((ProduceResponse)
                  ProduceResponse.parseResponse(
                      ApiKeys.PRODUCE, new ByteBufferAccessor(r), (short) 9))
              .data();
      assertEquals(
          Errors.CORRUPT_MESSAGE.code(),
          data.responses().iterator().next().partitionResponses().get(0).errorCode());
    }
  }

  @Test
  void realClientsKeepBeingServedDuringAndAfterAGarbageBurst() throws Exception {
    AtomicBoolean stopProducing = new AtomicBoolean();
    AtomicBoolean stopConsuming = new AtomicBoolean();
    AtomicReference<Throwable> clientFailure = new AtomicReference<>();
    List<Long> ackNanos = Collections.synchronizedList(new ArrayList<>());
    List<Long> consumeNanos = Collections.synchronizedList(new ArrayList<>());
    List<String> consumed = Collections.synchronizedList(new ArrayList<>());
    Thread producer =
        new Thread(() -> produceUntil(stopProducing, ackNanos, clientFailure), "live-producer");
    Thread consumer =
        new Thread(
            () -> consumeUntil(stopConsuming, consumed, consumeNanos, clientFailure),
            "live-consumer");
    producer.start();
    consumer.start();
    try {
      awaitCondition(() -> ackNanos.size() >= 20 && consumed.size() >= 1, "clients warmed up");

      long seed = Long.getLong("burst.seed", new Random().nextLong());
      System.out.printf(
          "garbage burst: %d connections, seed %d (replay: -Dburst.seed=%d)%n",
          BURST_CONNECTIONS, seed, seed);
      long burstStart = System.nanoTime();
      List<String> failures = garbageBurst(seed);
      long burstEnd = System.nanoTime();
      double burstSeconds = (burstEnd - burstStart) / 1e9;
      System.out.printf(
          "garbage burst: %d connections in %.1f s (%.0f/s)%n",
          BURST_CONNECTIONS, burstSeconds, BURST_CONNECTIONS / burstSeconds);
      assertTrue(failures.isEmpty(), failures.size() + " failures, first: " + head(failures));
      assertTrue(burstSeconds < 180, "burst took " + burstSeconds + " s");

      int ackedAtEnd = ackNanos.size();
      awaitCondition(() -> ackNanos.size() >= ackedAtEnd + 50, "producing after the burst");
      stopProducing.set(true);
      producer.join(60_000);
      assertNull(clientFailure.get(), () -> "client failed: " + clientFailure.get());
      int total = ackNanos.size();
      awaitCondition(() -> consumed.size() >= total, "consumer caught up");
      stopConsuming.set(true);
      consumer.join(60_000);
      assertNull(clientFailure.get(), () -> "client failed: " + clientFailure.get());

      List<String> expected = new ArrayList<>();
      for (int i = 0; i < total; i++) {
        expected.add("v" + i);
      }
      assertEquals(expected, consumed, "every acknowledged record, once, in order");
      long acksDuring = countBetween(ackNanos, burstStart, burstEnd);
      long consumedDuring = countBetween(consumeNanos, burstStart, burstEnd);
      long gapMs = maxGapMs(ackNanos, burstStart, burstEnd);
      System.out.printf(
          "live clients: %d acked (%d during the burst, longest gap %d ms), %d consumed (%d during)%n",
          total, acksDuring, gapMs, consumed.size(), consumedDuring);
      assertTrue(acksDuring >= 10, "acks during the burst: " + acksDuring);
      assertTrue(consumedDuring >= 1, "records consumed during the burst: " + consumedDuring);
      assertTrue(gapMs < 10_000, "the producer stalled for " + gapMs + " ms during the burst");
    } finally {
      stopProducing.set(true);
      stopConsuming.set(true);
      producer.join(60_000);
      consumer.join(60_000);
    }
  }

  /** What the burst expects a connection to do after its bytes. */
  private enum Expect {
    CLOSE,
    ANSWER,
    /** Produce with acks=0: no response; a close is allowed too (the request failed). */
    NO_ANSWER_OR_CLOSE
  }

  /** One garbage connection: bytes to send, valid responses before the verdict, the verdict. */
  private record Garbage(String what, byte[] wire, int answersFirst, Expect expect, int corr) {}

  private static List<String> garbageBurst(long seed) throws Exception {
    ApiRegistry served = BrokerApis.registry(null);
    List<RequestFrames.Sample> corpus = new ArrayList<>();
    for (RequestFrames.Sample s : RequestFrames.realistic()) {
      if (s.key() != ApiKeys.CREATE_TOPICS) {
        corpus.add(s);
      }
    }
    FrameMutator mutator = new FrameMutator(corpus, served);
    Random r = new Random(seed);
    List<Garbage> cases = new ArrayList<>();
    while (cases.size() < BURST_CONNECTIONS) {
      Garbage g = garbage(r, mutator, served);
      if (g != null) {
        cases.add(g);
      }
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (Garbage g : cases) {
        results.add(pool.submit(() -> run(g)));
      }
      List<String> failures = new ArrayList<>();
      for (Future<String> f : results) {
        String failure = f.get(5, TimeUnit.MINUTES);
        if (failure != null) {
          failures.add(failure);
        }
      }
      return failures;
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * A random garbage connection, or null for one the burst must not send (it would create a topic).
   */
  private static Garbage garbage(Random r, FrameMutator mutator, ApiRegistry served) {
    int dice = r.nextInt(20);
    if (dice == 0) {
      int size = -1 - r.nextInt(Integer.MAX_VALUE);
      return new Garbage("size " + size, withTail(size, r), 0, Expect.CLOSE, 0);
    }
    if (dice == 1) {
      int size = MAX_REQUEST_BYTES + 1 + r.nextInt(Integer.MAX_VALUE - MAX_REQUEST_BYTES);
      return new Garbage("size " + size, withTail(size, r), 0, Expect.CLOSE, 0);
    }
    if (dice == 2) {
      return new Garbage("size 0", withTail(0, r), 0, Expect.CLOSE, 0);
    }
    FrameMutator.Case c = mutator.next(r);
    Expect expect;
    int corr = 0;
    try {
      DecodedRequest d = RequestDecoder.decode(ByteBuffer.wrap(c.payload()), served);
      corr = d.correlationId();
      if (d instanceof DecodedRequest.Parsed p) {
        if (p.header().apiKey() == ApiKeys.CREATE_TOPICS) {
          return null;
        }
        expect =
            p.request() instanceof org.apache.kafka.common.requests.ProduceRequest pr
                    && pr.acks() == 0
                ? Expect.NO_ANSWER_OR_CLOSE
                : Expect.ANSWER;
      } else {
        expect = Expect.ANSWER;
      }
    } catch (RequestDecodeException e) {
      expect = Expect.CLOSE;
    }
    String what = c.kind() + " of " + c.origin() + ": " + FrameMutator.hex(c.payload(), 64);
    if (expect == Expect.CLOSE && dice == 3) {
      // valid requests pipelined ahead of the bad frame are still answered, in order
      int before = 1 + r.nextInt(10);
      ByteBuffer wire = ByteBuffer.allocate(before * 128 + 4 + c.payload().length);
      for (int i = 1; i <= before; i++) {
        wire.put(apiVersionsV3(i));
      }
      wire.put(RequestFrames.frame(c.payload()));
      return new Garbage(
          before + " valid then " + what,
          Arrays.copyOf(wire.array(), wire.position()),
          before,
          Expect.CLOSE,
          0);
    }
    return new Garbage(what, RequestFrames.frame(c.payload()), 0, expect, corr);
  }

  private static String run(Garbage g) {
    try (RawKafkaSocket s = new RawKafkaSocket(node.kafkaPort())) {
      try {
        s.send(g.wire());
      } catch (IOException e) {
        // the server may close before it has read all of a bad connection's bytes
        return g.expect() == Expect.ANSWER || g.answersFirst() > 0
            ? g.what() + ": write failed: " + e
            : null;
      }
      for (int i = 1; i <= g.answersFirst(); i++) {
        ByteBuffer[] response = new ByteBuffer[1];
        RawKafkaSocket.Reaction reaction = s.await(DEADLINE, response);
        if (reaction != RawKafkaSocket.Reaction.ANSWERED || response[0].getInt(0) != i) {
          return g.what() + ": expected the answer to valid request " + i + ", got " + reaction;
        }
      }
      ByteBuffer[] response = new ByteBuffer[1];
      Duration wait = g.expect() == Expect.NO_ANSWER_OR_CLOSE ? Duration.ofMillis(300) : DEADLINE;
      RawKafkaSocket.Reaction reaction = s.await(wait, response);
      boolean ok =
          switch (g.expect()) {
            case CLOSE -> reaction == RawKafkaSocket.Reaction.CLOSED;
            case ANSWER ->
                reaction == RawKafkaSocket.Reaction.ANSWERED && response[0].getInt(0) == g.corr();
            case NO_ANSWER_OR_CLOSE -> reaction != RawKafkaSocket.Reaction.ANSWERED;
          };
      return ok ? null : g.what() + ": expected " + g.expect() + ", got " + reaction;
    } catch (IOException e) {
      return g.what() + ": " + e;
    }
  }

  private static void produceUntil(
      AtomicBoolean stop, List<Long> ackNanos, AtomicReference<Throwable> failure) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, node.bootstrap());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      for (int i = 0; !stop.get(); i++) {
        producer.send(new ProducerRecord<>("live", "k" + i, "v" + i)).get(30, TimeUnit.SECONDS);
        ackNanos.add(System.nanoTime());
      }
    } catch (Throwable t) {
      failure.compareAndSet(null, t);
    }
  }

  private static void consumeUntil(
      AtomicBoolean stop,
      List<String> consumed,
      List<Long> consumeNanos,
      AtomicReference<Throwable> failure) {
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, node.bootstrap());
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    TopicPartition tp = new TopicPartition("live", 0);
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      while (!stop.get()) {
        for (ConsumerRecord<String, String> rec : consumer.poll(Duration.ofMillis(100))) {
          consumed.add(rec.value());
          consumeNanos.add(System.nanoTime());
        }
      }
    } catch (Throwable t) {
      failure.compareAndSet(null, t);
    }
  }

  private static ProduceRequestData produce(String topic, short acks) {
    ProduceRequestData.TopicProduceDataCollection topics =
        new ProduceRequestData.TopicProduceDataCollection();
    topics.add(
        new ProduceRequestData.TopicProduceData()
            .setName(topic)
            .setPartitionData(
                List.of(
                    new ProduceRequestData.PartitionProduceData()
                        .setIndex(0)
                        .setRecords(RequestFrames.records()))));
    return new ProduceRequestData().setAcks(acks).setTimeoutMs(30_000).setTopicData(topics);
  }

  private static byte[] apiVersionsV3(int corr) {
    return RequestFrames.frame(
        ApiKeys.API_VERSIONS,
        (short) 3,
        corr,
        new ApiVersionsRequestData()
            .setClientSoftwareName("raw-test")
            .setClientSoftwareVersion("1.0"));
  }

  private static byte[] withTail(int size, Random r) {
    return ByteBuffer.allocate(4 + 32).putInt(size).put(FrameMutator.randomBytes(r, 32)).array();
  }

  private static void assertClosedAfter(byte[] wire, String what) throws IOException {
    try (RawKafkaSocket s = new RawKafkaSocket(node.kafkaPort())) {
      s.send(wire);
      assertEquals(RawKafkaSocket.Reaction.CLOSED, s.await(DEADLINE), what);
    }
  }

  private interface Condition {
    boolean holds();
  }

  private static void awaitCondition(Condition c, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!c.holds()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      Thread.sleep(20);
    }
  }

  private static long countBetween(List<Long> nanos, long from, long to) {
    synchronized (nanos) {
      return nanos.stream().filter(t -> t >= from && t <= to).count();
    }
  }

  /** The longest stretch of [from, to] without an ack, in ms. */
  private static long maxGapMs(List<Long> nanos, long from, long to) {
    long last = from;
    long gap = 0;
    synchronized (nanos) {
      for (long t : nanos) {
        if (t >= from && t <= to) {
          gap = Math.max(gap, t - last);
          last = t;
        }
      }
    }
    return TimeUnit.NANOSECONDS.toMillis(Math.max(gap, to - last));
  }

  private static String head(List<String> failures) {
    return failures.isEmpty()
        ? ""
        : String.join("\n", failures.subList(0, Math.min(10, failures.size())));
  }
}
