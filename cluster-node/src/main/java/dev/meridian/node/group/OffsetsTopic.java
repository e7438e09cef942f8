package dev.meridian.node.group;

import dev.meridian.node.cluster.TopicConfigs;
import dev.meridian.node.cluster.TopicManager;
import dev.meridian.node.cluster.TopicMetadata;
import dev.meridian.node.replication.Partition;
import dev.meridian.node.storage.FetchIsolation;
import dev.meridian.node.storage.LogAppendInfo;
import dev.meridian.node.storage.LogReadResult;
import dev.meridian.node.storage.PartitionLog;
import dev.meridian.node.storage.RecordTooLargeException;
import dev.meridian.node.storage.record.KafkaRecords;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The internal topic {@value #NAME}: a compacted topic whose partitions hold the committed offsets
 * and group metadata of the groups that hash to them ({@link GroupRecordCodec} has the record
 * format). Made at the node's first start with {@link #DEFAULT_PARTITIONS} partitions; the count
 * never changes afterwards, since it decides where every group lives. Clients cannot produce to it
 * or delete it.
 *
 * <p>Appends and {@link #replay} block (file I/O): call them from workers.
 */
public final class OffsetsTopic implements GroupLog {
  /** The topic's name, as in Kafka. */
  public static final String NAME = "__consumer_offsets";

  /** Partitions of a new offsets topic (Kafka's offsets.topic.num.partitions is 50). */
  public static final int DEFAULT_PARTITIONS = 10;

  /**
   * The overrides of the topic, like Kafka's: compacted, with 100 MiB segments (Kafka's
   * offsets.topic.segment.bytes) so that closed segments, the ones compaction cleans, appear.
   */
  public static final Map<String, String> CONFIGS =
      Map.of(TopicConfigs.CLEANUP_POLICY, "compact", TopicConfigs.SEGMENT_BYTES, "104857600");

  private static final Logger LOG = LoggerFactory.getLogger(OffsetsTopic.class);
  private static final int READ_BYTES = 1 << 20;

  private final TopicManager topics;
  private final int partitions;
  private final LongSupplier clock;

  private OffsetsTopic(TopicManager topics, int partitions, LongSupplier clock) {
    this.topics = topics;
    this.partitions = partitions;
    this.clock = clock;
  }

  /**
   * The offsets topic of {@code topics}, created (compacted, {@code partitionsIfNew} partitions)
   * when it does not exist yet; an existing topic keeps its partition count.
   */
  public static OffsetsTopic open(TopicManager topics, int partitionsIfNew, LongSupplier clock)
      throws IOException {
    TopicMetadata t = topics.topic(NAME).orElse(null);
    if (t == null) {
      try {
        t = topics.createInternal(NAME, partitionsIfNew, CONFIGS);
      } catch (TopicManager.TopicException e) {
        throw new IOException("cannot create " + NAME + ": " + e.getMessage(), e);
      }
      LOG.info("created {} with {} partitions", NAME, partitionsIfNew);
    }
    return new OffsetsTopic(topics, t.partitions(), clock);
  }

  @Override
  public int partitions() {
    return partitions;
  }

  private Partition partition(int index) {
    return topics
        .partition(NAME, index)
        .orElseThrow(
            () ->
                new AppendException(
                    Errors.UNKNOWN_TOPIC_OR_PARTITION,
                    NAME + "-" + index + " is not hosted",
                    null));
  }

  @Override
  public void append(int partition, List<GroupRecord> records) {
    List<KafkaRecords.KeyValue> kvs = new ArrayList<>(records.size());
    for (GroupRecord r : records) {
      kvs.add(new KafkaRecords.KeyValue(GroupRecordCodec.key(r), GroupRecordCodec.value(r)));
    }
    ByteBuffer batch = KafkaRecords.batch(kvs, clock.getAsLong());
    Partition p = partition(partition);
    LogAppendInfo info;
    try {
      info = p.appendAsLeader(batch, -1);
    } catch (RecordTooLargeException e) {
      throw new AppendException(Errors.MESSAGE_TOO_LARGE, e.getMessage(), e);
    } catch (RuntimeException e) {
      throw new AppendException(Errors.KAFKA_STORAGE_ERROR, e.getMessage(), e);
    }
    if (info.status() != LogAppendInfo.Status.APPENDED) {
      throw new AppendException(
          Errors.UNKNOWN_SERVER_ERROR, NAME + "-" + partition + ": " + info.status(), null);
    }
  }

  @Override
  public void replay(Consumer<GroupRecord> visitor) {
    for (int i = 0; i < partitions; i++) {
      replayPartition(partition(i).log(), visitor);
    }
  }

  private static void replayPartition(PartitionLog log, Consumer<GroupRecord> visitor) {
    String name = log.topic() + "-" + log.partition();
    long offset = log.logStartOffset();
    long end = log.logEndOffset();
    while (offset < end) {
      LogReadResult read = log.read(offset, READ_BYTES, FetchIsolation.LOG_END, true);
      if (!read.records().hasRemaining()) {
        break;
      }
      long from = offset;
      long next =
          KafkaRecords.forEachRecord(
              read.records(),
              (o, ts, key, value) -> {
                if (o < from || key == null) {
                  return;
                }
                GroupRecord r;
                try {
                  r = GroupRecordCodec.decode(key, value);
                } catch (GroupRecordCodec.CorruptGroupRecordException e) {
                  // one bad record must not keep the node down: its key's state is lost
                  LOG.error("{} offset {}: skipping a record: {}", name, o, e.getMessage());
                  return;
                }
                if (r != null) {
                  visitor.accept(r);
                }
              });
      if (next <= offset) {
        break;
      }
      offset = next;
    }
  }
}
