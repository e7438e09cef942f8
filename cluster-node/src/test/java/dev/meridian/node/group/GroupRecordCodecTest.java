package dev.meridian.node.group;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.meridian.node.group.GroupQuery.TopicPartitionRef;
import java.nio.ByteBuffer;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/** The record format of {@code __consumer_offsets}: round trips, tombstones, bad bytes. */
class GroupRecordCodecTest {

  private static GroupRecord roundTrip(GroupRecord r) {
    byte[] value = GroupRecordCodec.value(r);
    return GroupRecordCodec.decode(
        ByteBuffer.wrap(GroupRecordCodec.key(r)), value == null ? null : ByteBuffer.wrap(value));
  }

  /** Strings as they arrive from the wire: decoded UTF-8, so no unpaired surrogates. */
  @Property(tries = 200)
  void offsetCommitsRoundTrip(
      @ForAll @StringLength(max = 300) @CharRange(from = ' ', to = '\uD7FF') String group,
      @ForAll @StringLength(min = 1, max = 249) @CharRange(from = ' ', to = '\uD7FF') String topic,
      @ForAll int partition,
      @ForAll long offset,
      @ForAll int epoch,
      @ForAll @StringLength(max = 4096) @CharRange(from = ' ', to = '\uD7FF') String metadata,
      @ForAll long timestamp) {
    GroupRecord r =
        new GroupRecord.OffsetCommit(
            group,
            new TopicPartitionRef(topic, partition),
            new CommittedOffset(offset, epoch, metadata, timestamp));
    assertEquals(r, roundTrip(r));
  }

  @Test
  void groupMetadataRoundTrips() {
    GroupRecord.MemberValue m =
        new GroupRecord.MemberValue(
            "m-1",
            "instance",
            "client",
            "/10.0.0.1",
            300_000,
            45_000,
            new byte[] {1, 2},
            new byte[] {3});
    GroupRecord.MemberValue dynamic =
        new GroupRecord.MemberValue("m-2", null, "c", "/h", 1, 2, new byte[0], new byte[0]);
    GroupRecord.GroupMetadata r =
        new GroupRecord.GroupMetadata(
            "g",
            new GroupRecord.GroupMetadataValue(
                "consumer", 7, "range", "m-1", 123L, List.of(m, dynamic)));
    GroupRecord.GroupMetadata back = (GroupRecord.GroupMetadata) roundTrip(r);
    assertEquals("g", back.groupId());
    GroupRecord.GroupMetadataValue v = back.value();
    assertEquals("consumer", v.protocolType());
    assertEquals(7, v.generation());
    assertEquals("range", v.protocol());
    assertEquals("m-1", v.leader());
    assertEquals(123L, v.stateTimestampMs());
    assertEquals(2, v.members().size());
    assertEquals("instance", v.members().get(0).groupInstanceId());
    assertArrayEquals(new byte[] {1, 2}, v.members().get(0).subscription());
    assertArrayEquals(new byte[] {3}, v.members().get(0).assignment());
    assertNull(v.members().get(1).groupInstanceId());
    GroupRecord.GroupMetadata empty =
        new GroupRecord.GroupMetadata(
            "g", new GroupRecord.GroupMetadataValue(null, 1, null, null, 0, List.of()));
    assertEquals(empty, roundTrip(empty));
  }

  @Test
  void tombstonesHaveNoValue() {
    GroupRecord offset = new GroupRecord.OffsetCommit("g", new TopicPartitionRef("t", 0), null);
    GroupRecord group = new GroupRecord.GroupMetadata("g", null);
    assertNull(GroupRecordCodec.value(offset));
    assertEquals(offset, roundTrip(offset));
    assertEquals(group, roundTrip(group));
  }

  @Test
  void unknownKeyTypesAreSkippedAndBadBytesFailWithTheirOwnException() {
    assertNull(GroupRecordCodec.decode(ByteBuffer.wrap(new byte[] {0, 9, 0, 0}), null));
    byte[] key = GroupRecordCodec.key(new GroupRecord.GroupMetadata("g", null));
    assertThrows(
        GroupRecordCodec.CorruptGroupRecordException.class,
        () -> GroupRecordCodec.decode(ByteBuffer.wrap(key), ByteBuffer.wrap(new byte[] {0, 0, 1})));
    assertThrows(
        GroupRecordCodec.CorruptGroupRecordException.class,
        () -> GroupRecordCodec.decode(ByteBuffer.wrap(key), ByteBuffer.wrap(new byte[] {0, 5})));
    assertThrows(
        GroupRecordCodec.CorruptGroupRecordException.class,
        () -> GroupRecordCodec.decode(ByteBuffer.wrap(new byte[] {0, 1, 0, 9}), null));
  }
}
