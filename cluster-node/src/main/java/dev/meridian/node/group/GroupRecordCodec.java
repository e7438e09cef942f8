package dev.meridian.node.group;

import dev.meridian.node.group.GroupQuery.TopicPartitionRef;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The bytes of the records of {@code __consumer_offsets}. Meridian's own format (the topic is
 * internal; Kafka's tools do not read it). All integers are big-endian; a {@code string} is an
 * int16 byte length (-1 for null) and UTF-8 bytes; {@code bytes} is an int32 length and the bytes.
 *
 * <pre>
 * offset commit (one per group, topic, partition)
 *   key   int16 type = 1 | string group | string topic | int32 partition
 *   value int16 version = 0 | int64 offset | int32 leaderEpoch | string metadata
 *         | int64 commitTimestampMs
 *
 * group metadata (one per group)
 *   key   int16 type = 2 | string group
 *   value int16 version = 0 | string protocolType | int32 generation | string protocol
 *         | string leader | int64 stateTimestampMs | int32 memberCount
 *         | memberCount × ( string memberId | string groupInstanceId | string clientId
 *                         | string clientHost | int32 rebalanceTimeoutMs | int32 sessionTimeoutMs
 *                         | bytes subscription | bytes assignment )
 *
 * consumer-protocol group (KIP-848; one per group, the whole group)
 *   key   int16 type = 3 | string group
 *   value int16 version = 0 | int32 groupEpoch | int32 assignmentEpoch
 *         | int32 topicCount × ( string topic | int32 partitions )
 *         | int32 memberCount
 *         | memberCount × ( string memberId | string instanceId | string rackId | string clientId
 *                         | string clientHost | int32 n × string topic | string regex
 *                         | string assignor | int32 rebalanceTimeoutMs | int32 memberEpoch
 *                         | int32 previousMemberEpoch | string state
 *                         | partitions assigned | partitions pendingRevocation
 *                         | partitions target )
 *   partitions = int32 n × ( string topic | int32 partition )
 *
 * a null value (tombstone) deletes the key: an offset, or a whole group
 * </pre>
 *
 * <p>Readers skip keys of an unknown type and fail on a value version they do not know, so a future
 * version must bump the value version only together with a reader for it.
 */
public final class GroupRecordCodec {
  static final short OFFSET_KEY = 1;
  static final short GROUP_KEY = 2;
  static final short CONSUMER_GROUP_KEY = 3;
  static final short VALUE_VERSION = 0;

  private GroupRecordCodec() {}

  /** A record's bytes that do not decode. */
  public static final class CorruptGroupRecordException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CorruptGroupRecordException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  public static byte[] key(GroupRecord record) {
    Writer w = new Writer();
    if (record instanceof GroupRecord.OffsetCommit o) {
      w.int16(OFFSET_KEY).string(o.groupId()).string(o.partition().topic());
      w.int32(o.partition().partition());
    } else if (record instanceof GroupRecord.ConsumerGroupState) {
      w.int16(CONSUMER_GROUP_KEY).string(record.groupId());
    } else {
      w.int16(GROUP_KEY).string(record.groupId());
    }
    return w.bytes();
  }

  /** The value bytes, or null for a tombstone. */
  public static byte[] value(GroupRecord record) {
    if (record.isTombstone()) {
      return null;
    }
    Writer w = new Writer().int16(VALUE_VERSION);
    if (record instanceof GroupRecord.OffsetCommit o) {
      CommittedOffset c = o.value();
      w.int64(c.offset()).int32(c.leaderEpoch()).string(c.metadata()).int64(c.commitTimestampMs());
    } else if (record instanceof GroupRecord.ConsumerGroupState cg) {
      writeConsumerGroup(w, cg.value());
    } else {
      GroupRecord.GroupMetadataValue g = ((GroupRecord.GroupMetadata) record).value();
      w.string(g.protocolType()).int32(g.generation()).string(g.protocol()).string(g.leader());
      w.int64(g.stateTimestampMs()).int32(g.members().size());
      for (GroupRecord.MemberValue m : g.members()) {
        w.string(m.memberId()).string(m.groupInstanceId()).string(m.clientId());
        w.string(m.clientHost()).int32(m.rebalanceTimeoutMs()).int32(m.sessionTimeoutMs());
        w.bytes(m.subscription()).bytes(m.assignment());
      }
    }
    return w.bytes();
  }

  /**
   * Decodes a record; null for a key of a type this version does not know.
   *
   * @throws CorruptGroupRecordException when the bytes do not decode
   */
  public static GroupRecord decode(ByteBuffer key, ByteBuffer value) {
    try {
      ByteBuffer k = key.duplicate();
      short type = k.getShort();
      if (type == OFFSET_KEY) {
        String group = string(k);
        TopicPartitionRef tp = new TopicPartitionRef(string(k), k.getInt());
        if (value == null) {
          return new GroupRecord.OffsetCommit(group, tp, null);
        }
        ByteBuffer v = value.duplicate();
        checkVersion(v);
        return new GroupRecord.OffsetCommit(
            group, tp, new CommittedOffset(v.getLong(), v.getInt(), string(v), v.getLong()));
      }
      if (type == GROUP_KEY) {
        String group = string(k);
        if (value == null) {
          return new GroupRecord.GroupMetadata(group, null);
        }
        ByteBuffer v = value.duplicate();
        checkVersion(v);
        String protocolType = string(v);
        int generation = v.getInt();
        String protocol = string(v);
        String leader = string(v);
        long stateTimestamp = v.getLong();
        int count = v.getInt();
        if (count < 0 || count > v.remaining()) {
          throw new IllegalArgumentException("member count " + count);
        }
        List<GroupRecord.MemberValue> members = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          members.add(
              new GroupRecord.MemberValue(
                  string(v),
                  string(v),
                  string(v),
                  string(v),
                  v.getInt(),
                  v.getInt(),
                  bytes(v),
                  bytes(v)));
        }
        return new GroupRecord.GroupMetadata(
            group,
            new GroupRecord.GroupMetadataValue(
                protocolType, generation, protocol, leader, stateTimestamp, members));
      }
      if (type == CONSUMER_GROUP_KEY) {
        String group = string(k);
        if (value == null) {
          return new GroupRecord.ConsumerGroupState(group, null);
        }
        ByteBuffer v = value.duplicate();
        checkVersion(v);
        return new GroupRecord.ConsumerGroupState(group, readConsumerGroup(v));
      }
      return null;
    } catch (RuntimeException e) {
      throw new CorruptGroupRecordException("undecodable group record: " + e, e);
    }
  }

  private static void writeConsumerGroup(Writer w, GroupRecord.ConsumerGroupValue g) {
    w.int32(g.groupEpoch()).int32(g.assignmentEpoch()).int32(g.subscribedPartitions().size());
    new java.util.TreeMap<>(g.subscribedPartitions()).forEach((t, n) -> w.string(t).int32(n));
    w.int32(g.members().size());
    for (GroupRecord.ConsumerMemberValue m : g.members()) {
      w.string(m.memberId()).string(m.instanceId()).string(m.rackId()).string(m.clientId());
      w.string(m.clientHost()).int32(m.topicNames().size());
      m.topicNames().forEach(w::string);
      w.string(m.topicRegex()).string(m.assignor()).int32(m.rebalanceTimeoutMs());
      w.int32(m.memberEpoch()).int32(m.previousMemberEpoch()).string(m.state());
      partitions(w, m.assigned());
      partitions(w, m.pendingRevocation());
      partitions(w, m.target());
    }
  }

  private static void partitions(Writer w, List<TopicPartitionRef> partitions) {
    w.int32(partitions.size());
    partitions.forEach(tp -> w.string(tp.topic()).int32(tp.partition()));
  }

  private static GroupRecord.ConsumerGroupValue readConsumerGroup(ByteBuffer v) {
    int groupEpoch = v.getInt();
    int assignmentEpoch = v.getInt();
    int topics = count(v);
    java.util.Map<String, Integer> subscribed = new java.util.TreeMap<>();
    for (int i = 0; i < topics; i++) {
      subscribed.put(string(v), v.getInt());
    }
    int count = count(v);
    List<GroupRecord.ConsumerMemberValue> members = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      String memberId = string(v);
      String instanceId = string(v);
      String rackId = string(v);
      String clientId = string(v);
      String clientHost = string(v);
      int n = count(v);
      List<String> names = new ArrayList<>(n);
      for (int j = 0; j < n; j++) {
        names.add(string(v));
      }
      members.add(
          new GroupRecord.ConsumerMemberValue(
              memberId,
              instanceId,
              rackId,
              clientId,
              clientHost,
              names,
              string(v),
              string(v),
              v.getInt(),
              v.getInt(),
              v.getInt(),
              string(v),
              partitions(v),
              partitions(v),
              partitions(v)));
    }
    return new GroupRecord.ConsumerGroupValue(groupEpoch, assignmentEpoch, subscribed, members);
  }

  private static List<TopicPartitionRef> partitions(ByteBuffer v) {
    int n = count(v);
    List<TopicPartitionRef> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(new TopicPartitionRef(string(v), v.getInt()));
    }
    return out;
  }

  /** A count that cannot exceed the bytes left (each element takes at least one). */
  private static int count(ByteBuffer v) {
    int n = v.getInt();
    if (n < 0 || n > v.remaining()) {
      throw new IllegalArgumentException("count " + n);
    }
    return n;
  }

  private static void checkVersion(ByteBuffer v) {
    short version = v.getShort();
    if (version != VALUE_VERSION) {
      throw new IllegalArgumentException("unknown value version " + version);
    }
  }

  private static String string(ByteBuffer b) {
    short len = b.getShort();
    if (len < 0) {
      return null;
    }
    byte[] bytes = new byte[len];
    b.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static byte[] bytes(ByteBuffer b) {
    int len = b.getInt();
    if (len < 0 || len > b.remaining()) {
      throw new IllegalArgumentException("bytes length " + len);
    }
    byte[] out = new byte[len];
    b.get(out);
    return out;
  }

  /** A growable big-endian writer. */
  private static final class Writer {
    private ByteBuffer buf = ByteBuffer.allocate(64);

    private void ensure(int n) {
      if (buf.remaining() < n) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + n));
        buf.flip();
        bigger.put(buf);
        buf = bigger;
      }
    }

    Writer int16(short v) {
      ensure(2);
      buf.putShort(v);
      return this;
    }

    Writer int32(int v) {
      ensure(4);
      buf.putInt(v);
      return this;
    }

    Writer int64(long v) {
      ensure(8);
      buf.putLong(v);
      return this;
    }

    Writer string(String s) {
      if (s == null) {
        return int16((short) -1);
      }
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      if (b.length > Short.MAX_VALUE) {
        throw new IllegalArgumentException("string of " + b.length + " bytes is too long");
      }
      int16((short) b.length);
      ensure(b.length);
      buf.put(b);
      return this;
    }

    Writer bytes(byte[] b) {
      byte[] v = b == null ? new byte[0] : b;
      int32(v.length);
      ensure(v.length);
      buf.put(v);
      return this;
    }

    byte[] bytes() {
      byte[] out = new byte[buf.position()];
      buf.flip();
      buf.get(out);
      return out;
    }
  }
}
