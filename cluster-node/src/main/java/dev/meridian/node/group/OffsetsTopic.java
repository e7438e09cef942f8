package dev.meridian.node.group;

import dev.meridian.node.metadata.MetadataImage;
import dev.meridian.node.metadata.TopicConfigs;
import dev.meridian.node.replication.Partition;
import dev.meridian.node.replication.ReplicaManager;
import dev.meridian.node.storage.FetchIsolation;
import dev.meridian.node.storage.LogAppendInfo;
import dev.meridian.node.storage.LogReadResult;
import dev.meridian.node.storage.RecordTooLargeException;
import dev.meridian.node.storage.record.KafkaRecords;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The internal topic {@value #NAME}: a compacted topic whose partitions hold the committed offsets
 * and group metadata of the groups that hash to them ({@link GroupRecordCodec} has the record
 * format). The region's controller creates it when a group first needs a coordinator, with {@code
 * broker.offsetsTopicPartitions} partitions replicated like any topic; the count never changes
 * afterwards, since it decides where every group lives. Clients cannot produce to it or delete it.
 *
 * <p>The coordinator of a partition's groups is the partition's leader: appends and {@link #replay}
 * go through the hosted {@link Partition} as leader, and fail with NOT_LEADER_OR_FOLLOWER
 * elsewhere. Both block (file I/O): call them from workers.
 */
public final class OffsetsTopic implements GroupLog {
  /** The topic's name, as in Kafka. */
  public static final String NAME = "__consumer_offsets";

  /**
   * The overrides of the topic, like Kafka's: compacted, with 100 MiB segments (Kafka's
   * offsets.topic.segment.bytes) so that closed segments, the ones compaction cleans, appear.
   */
  public static final Map<String, String> CONFIGS =
      Map.of(TopicConfigs.CLEANUP_POLICY, "compact", TopicConfigs.SEGMENT_BYTES, "104857600");

  private static final Logger LOG = LoggerFactory.getLogger(OffsetsTopic.class);
  private static final int READ_BYTES = 1 << 20;

  private final ReplicaManager replicas;
  private final Supplier<MetadataImage> image;
  private final LongSupplier clock;

  /**
   * @param replicas the node's hosted partitions
   * @param image the node's current metadata image (for the partition count)
   */
  public OffsetsTopic(ReplicaManager replicas, Supplier<MetadataImage> image, LongSupplier clock) {
    this.replicas = replicas;
    this.image = image;
    this.clock = clock;
  }

  @Override
  public int partitions() {
    return image.get().topic(NAME).map(t -> t.partitionCount()).orElse(0);
  }

  private Partition partition(int index) {
    return replicas
        .partition(NAME, index)
        .orElseThrow(
            () ->
                new AppendException(
                    Errors.NOT_LEADER_OR_FOLLOWER,
                    NAME + "-" + index + " is not hosted here",
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
    } catch (Partition.NotLeaderException e) {
      throw new AppendException(e.error(), e.getMessage(), e);
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
  public void replay(int partition, Consumer<GroupRecord> visitor) {
    Partition p = partition(partition);
    String name = p.toString();
    long offset = p.logStartOffset();
    long end = p.logEndOffset();
    while (offset < end) {
      LogReadResult read = p.read(offset, READ_BYTES, FetchIsolation.LOG_END);
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
