package dev.meridian.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The unmodified Java client (kafka-clients 4.4.0) against a real node. */
class ClientRoundTripIT {
  @TempDir Path tmp;

  @Test
  void adminCreatesProducerWritesConsumerReadsBack() throws Exception {
    try (MeridianUnderTest meridian = new MeridianUnderTest(tmp).start()) {
      Properties a = new Properties();
      a.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, meridian.bootstrap());
      try (Admin admin = Admin.create(a)) {
        admin.createTopics(List.of(new NewTopic("orders", 3, (short) 1))).all().get();
        assertEquals(Set.of("orders"), admin.listTopics().names().get());
      }
      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, meridian.bootstrap());
      p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
      p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
      List<RecordMetadata> acked = new ArrayList<>();
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
        for (int i = 0; i < 1000; i++) {
          acked.add(producer.send(new ProducerRecord<>("orders", "k" + i, "v" + i)).get());
        }
      }
      Properties c = new Properties();
      c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, meridian.bootstrap());
      c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
      c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
      c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      List<TopicPartition> parts =
          List.of(
              new TopicPartition("orders", 0),
              new TopicPartition("orders", 1),
              new TopicPartition("orders", 2));
      List<ConsumerRecord<String, String>> got = new ArrayList<>();
      try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        long deadline = System.currentTimeMillis() + 30_000;
        while (got.size() < 1000 && System.currentTimeMillis() < deadline) {
          consumer.poll(Duration.ofMillis(500)).forEach(got::add);
        }
        Map<TopicPartition, Long> ends = consumer.endOffsets(parts);
        assertEquals(1000L, ends.values().stream().mapToLong(Long::longValue).sum());
      }
      assertEquals(1000, got.size());
      for (ConsumerRecord<String, String> r : got) {
        assertEquals("v" + r.key().substring(1), r.value());
      }
      assertTrue(acked.stream().allMatch(m -> m.offset() >= 0));
    }
  }
}
