package dev.meridian.node.group;

import dev.meridian.node.group.GroupQuery.TopicPartitionRef;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads the subscriptions and assignments of the "consumer" protocol type (the embedded protocol of
 * kafka-clients, librdkafka and kafkajs) through kafka-clients' {@code ConsumerProtocol}. The
 * broker never needs them to coordinate; only descriptions and OffsetDelete do. Bytes that do not
 * decode give null.
 */
final class ConsumerProtocolView {
  static final String PROTOCOL_TYPE = ConsumerProtocol.PROTOCOL_TYPE;

  private ConsumerProtocolView() {}

  /** The topics of a subscription, or null when it does not decode. */
  static Set<String> topics(byte[] subscription) {
    if (subscription == null || subscription.length == 0) {
      return null;
    }
    try {
      ConsumerPartitionAssignor.Subscription s =
          ConsumerProtocol.deserializeSubscription(ByteBuffer.wrap(subscription));
      return new HashSet<>(s.topics());
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** The partitions of an assignment; empty when there are none or it does not decode. */
  static List<TopicPartitionRef> assignment(byte[] assignment) {
    if (assignment == null || assignment.length == 0) {
      return List.of();
    }
    try {
      List<TopicPartitionRef> out = new ArrayList<>();
      for (TopicPartition tp :
          ConsumerProtocol.deserializeAssignment(ByteBuffer.wrap(assignment)).partitions()) {
        out.add(new TopicPartitionRef(tp.topic(), tp.partition()));
      }
      return out;
    } catch (RuntimeException e) {
      return List.of();
    }
  }
}
