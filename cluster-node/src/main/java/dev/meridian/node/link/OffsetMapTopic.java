package dev.meridian.node.link;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compacted topic {@value #NAME} of a region: the offset maps of the active-active links into
 * it. One entry per batch a link appended ({@code link/topic/partition/targetOffset} → the runs of
 * source offsets it holds and how far the link had read), and one progress entry per partition
 * ({@code link/topic/partition/progress}, the latest kept). Entries are never deleted, so a source
 * offset still translates after retention removed its records on either side.
 */
final class OffsetMapTopic {
  private static final Logger LOG = LoggerFactory.getLogger(OffsetMapTopic.class);

  static final String NAME = "__meridian_offset_map";

  /** The topic's configs: compacted (progress entries keep only the latest). */
  static final Map<String, String> CONFIGS = Map.of("cleanup.policy", "compact");

  private OffsetMapTopic() {}

  static byte[] key(String link, TopicPartition tp, String suffix) {
    return (link + "/" + tp.topic() + "/" + tp.partition() + "/" + suffix)
        .getBytes(StandardCharsets.UTF_8);
  }

  static byte[] value(String link, TopicPartition tp, List<OffsetMap.Run> runs, long next) {
    JsonArray r = new JsonArray();
    runs.forEach(x -> r.add(new JsonArray().add(x.source()).add(x.target()).add(x.count())));
    return new JsonObject()
        .put("link", link)
        .put("topic", tp.topic())
        .put("partition", tp.partition())
        .put("runs", r)
        .put("next", next)
        .toBuffer()
        .getBytes();
  }

  /** Writes a region's map entries (asynchronously, acks=all, idempotent). */
  static final class Writer implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final String link;

    Writer(String link, String bootstrap) {
      this.link = link;
      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      p.put(ProducerConfig.CLIENT_ID_CONFIG, "meridian-link-" + link + "-offset-map");
      p.put(ProducerConfig.ACKS_CONFIG, "all");
      p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
      p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
      p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
      this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** The runs of one appended batch, which starts at target offset {@code first}. */
    void batch(TopicPartition tp, long first, List<OffsetMap.Run> runs, long next) {
      send(key(link, tp, String.format("%020d", first)), value(link, tp, runs, next));
    }

    /** How far the link has read source partition {@code tp}. */
    void progress(TopicPartition tp, long next) {
      send(key(link, tp, "progress"), value(link, tp, List.of(), next));
    }

    private void send(byte[] key, byte[] value) {
      producer.send(
          new ProducerRecord<>(NAME, 0, key, value),
          (m, e) -> {
            if (e != null) {
              LOG.warn("link {}: an offset map entry was not written: {}", link, e.toString());
            }
          });
    }

    @Override
    public void close() {
      producer.close(Duration.ofSeconds(5));
    }
  }

  /**
   * Reads a region's map topic from the start and follows it, on a thread of its own: the offset
   * maps of every link in it, by link and source partition.
   */
  static final class Reader implements AutoCloseable {
    private final Map<String, Map<TopicPartition, OffsetMap>> maps = new ConcurrentHashMap<>();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread thread;
    private volatile boolean closed;
    private volatile boolean loaded;
    private volatile String lastError;

    Reader(String name, String bootstrap, Map<String, String> properties) {
      Properties p = new Properties();
      p.putAll(properties);
      p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      p.put(ConsumerConfig.CLIENT_ID_CONFIG, name);
      p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
      p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false"); // the controller makes it
      this.consumer =
          new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
      this.thread = new Thread(this::run, name);
      this.thread.setDaemon(true);
      this.thread.start();
    }

    /** The map of a link's source partition, or an empty one (not written yet). */
    OffsetMap map(String link, TopicPartition tp) {
      return maps.computeIfAbsent(link, k -> new ConcurrentHashMap<>())
          .computeIfAbsent(tp, k -> new OffsetMap());
    }

    String lastError() {
      return lastError;
    }

    /**
     * Whether the reader has read everything the topic held when it started (before that, a map may
     * lack entries and a translation from it would be too early).
     */
    boolean loaded() {
      return loaded;
    }

    private void run() {
      List<TopicPartition> parts = new ArrayList<>();
      Map<TopicPartition, Long> initialEnds = Map.of();
      while (!closed) {
        try {
          if (parts.isEmpty()) {
            List<PartitionInfo> infos = consumer.partitionsFor(NAME, Duration.ofSeconds(5));
            if (infos == null || infos.isEmpty()) {
              pause();
              continue;
            }
            infos.forEach(i -> parts.add(new TopicPartition(NAME, i.partition())));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            initialEnds = consumer.endOffsets(parts, Duration.ofSeconds(5));
          }
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
            apply(r.value());
          }
          if (!loaded) {
            boolean all = true;
            for (Map.Entry<TopicPartition, Long> e : initialEnds.entrySet()) {
              all &= consumer.position(e.getKey(), Duration.ofSeconds(5)) >= e.getValue();
            }
            loaded = all;
          }
          lastError = null;
        } catch (WakeupException e) {
          break;
        } catch (RuntimeException e) {
          if (closed) {
            break;
          }
          lastError = e.toString();
          pause();
        }
      }
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
    }

    private void apply(byte[] value) {
      if (value == null) {
        return;
      }
      JsonObject v = new JsonObject(io.vertx.core.buffer.Buffer.buffer(value));
      OffsetMap m =
          map(
              v.getString("link"),
              new TopicPartition(v.getString("topic"), v.getInteger("partition")));
      for (Object o : v.getJsonArray("runs", new JsonArray())) {
        JsonArray r = (JsonArray) o;
        m.add(new OffsetMap.Run(r.getLong(0), r.getLong(1), r.getLong(2)));
      }
      m.processed(v.getLong("next", -1L));
    }

    private void pause() {
      synchronized (this) {
        try {
          wait(1_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          closed = true;
        }
      }
    }

    @Override
    public void close() {
      closed = true;
      consumer.wakeup();
      synchronized (this) {
        notifyAll();
      }
      try {
        thread.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
