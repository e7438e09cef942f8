package dev.meridian.node.link;

import dev.meridian.node.controller.ControllerRequest;
import dev.meridian.node.controller.ItemResult;
import dev.meridian.node.metadata.TopicImage;
import dev.meridian.node.replication.Partition;
import dev.meridian.node.storage.FetchIsolation;
import dev.meridian.node.storage.LogReadResult;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the records a mirror partition is about to lose: before a mirror truncates its log where
 * its source's copy diverges (the old source of a failback, whose records beyond the promoted point
 * were never mirrored; or a source that truncated after an unclean election), the records past that
 * point are produced into {@code <topic>.quarantine.<region>} (same partition index, each with its
 * key, value, timestamp and headers, plus provenance headers: topic, partition, offset, leader
 * epoch, link, reason). Only when every one is acknowledged does the truncation go on. A node dying
 * between the copy and the truncation copies them again: the provenance headers make such repeats
 * recognisable. Blocking: runs on the fetcher's thread.
 */
public final class Quarantine implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Quarantine.class);
  private static final int READ_BYTES = 1 << 20;
  private static final long TIMEOUT_S = 60;

  /** Header names of a quarantined record's provenance. */
  public static final String TOPIC = "meridian.quarantine.topic";

  public static final String PARTITION = "meridian.quarantine.partition";
  public static final String OFFSET = "meridian.quarantine.offset";
  public static final String EPOCH = "meridian.quarantine.leader-epoch";
  public static final String LINK = "meridian.quarantine.link";
  public static final String REASON = "meridian.quarantine.reason";

  private final String link;
  private final String region;
  private final LinkHost host;
  private KafkaProducer<byte[], byte[]> producer;

  Quarantine(String link, String region, LinkHost host) {
    this.link = link;
    this.region = region;
    this.host = host;
  }

  /** The quarantine topic of {@code topic} in {@code region}. */
  public static String topicOf(String topic, String region) {
    return topic + ".quarantine." + region;
  }

  /**
   * Copies {@code target}'s records from {@code from} to its log end into the quarantine topic;
   * returns how many. Throws (and the caller does not truncate) when any copy is not acknowledged.
   */
  synchronized long keep(Partition target, long from, String reason) throws Exception {
    long end = target.logEndOffset();
    if (from >= end) {
      return 0;
    }
    String name = topicOf(target.topic(), region);
    ensureTopic(name, target.topic(), target.index() + 1);
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    long offset = from;
    while (offset < end) {
      LogReadResult r = target.read(offset, READ_BYTES, FetchIsolation.LOG_END);
      long before = offset;
      for (RecordBatch b : MemoryRecords.readableRecords(r.records()).batches()) {
        if (b.lastOffset() < offset) {
          continue;
        }
        if (!b.isControlBatch()) {
          for (Record rec : b) {
            if (rec.offset() >= offset && rec.offset() < end) {
              sent.add(producer().send(copy(name, target, b, rec, reason)));
            }
          }
        }
        offset = b.lastOffset() + 1;
      }
      if (offset == before) {
        break; // nothing more to read
      }
    }
    producer().flush();
    for (Future<RecordMetadata> f : sent) {
      f.get(TIMEOUT_S, TimeUnit.SECONDS);
    }
    LOG.warn(
        "link {}: {}: {} record(s) at offsets {}..{} kept in {} before truncating ({})",
        link,
        target,
        sent.size(),
        from,
        end - 1,
        name,
        reason);
    return sent.size();
  }

  private ProducerRecord<byte[], byte[]> copy(
      String name, Partition target, RecordBatch b, Record rec, String reason) {
    List<Header> headers = new ArrayList<>(List.of(rec.headers()));
    headers.add(header(TOPIC, target.topic()));
    headers.add(header(PARTITION, Integer.toString(target.index())));
    headers.add(header(OFFSET, Long.toString(rec.offset())));
    headers.add(header(EPOCH, Integer.toString(b.partitionLeaderEpoch())));
    headers.add(header(LINK, link));
    headers.add(header(REASON, reason));
    return new ProducerRecord<>(
        name, target.index(), rec.timestamp(), bytes(rec.key()), bytes(rec.value()), headers);
  }

  private static Header header(String key, String value) {
    return new RecordHeader(key, value.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] bytes(ByteBuffer b) {
    if (b == null) {
      return null;
    }
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  /**
   * Creates the quarantine topic, or adds partitions, so that it has at least {@code partitions}.
   */
  private void ensureTopic(String name, String of, int partitions) throws Exception {
    TopicImage source = host.image().topic(of).orElse(null);
    int want = Math.max(partitions, source == null ? 1 : source.partitionCount());
    TopicImage have = host.image().topic(name).orElse(null);
    List<ItemResult> r;
    if (have == null) {
      r =
          host.submit(
                  new ControllerRequest.CreateTopics(
                      List.of(
                          new ControllerRequest.NewTopic(
                              name, want, (short) -1, List.of(), Map.of(), null)),
                      false,
                      false))
              .get(TIMEOUT_S, TimeUnit.SECONDS);
    } else if (have.partitionCount() < want) {
      r =
          host.submit(
                  new ControllerRequest.CreatePartitions(
                      List.of(new ControllerRequest.NewPartitions(name, want, List.of())), false))
              .get(TIMEOUT_S, TimeUnit.SECONDS);
    } else {
      return;
    }
    ItemResult item = r.get(0);
    if (!item.ok() && item.error() != Errors.TOPIC_ALREADY_EXISTS) {
      throw new IllegalStateException(
          "cannot make quarantine topic " + name + ": " + item.error() + " " + item.message());
    }
  }

  private KafkaProducer<byte[], byte[]> producer() {
    if (producer == null) {
      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, host.localBootstrap());
      p.put(ProducerConfig.CLIENT_ID_CONFIG, "meridian-quarantine-" + link);
      p.put(ProducerConfig.ACKS_CONFIG, "all");
      p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
      p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
      p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
      p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
      producer = new KafkaProducer<>(p);
    }
    return producer;
  }

  @Override
  public synchronized void close() {
    if (producer != null) {
      producer.close(java.time.Duration.ofSeconds(5));
      producer = null;
    }
  }
}
