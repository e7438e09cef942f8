// Consume throughput without a consumer group: assign() every partition of a topic, seek to the
// beginning, read N records, print one line:
//   "RESULT records=N bytes=B seconds=S MBps=X recps=Y"
// Used for both Apache Kafka and Meridian by broker-vs-kafka.sh, so the two are read the same way
// (kafka-consumer-perf-test needs consumer groups). Run with the kafka-clients jars on the classpath:
//   java -cp "$CP" AssignConsumerPerf.java BOOTSTRAP TOPIC N
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

public class AssignConsumerPerf {
  public static void main(String[] args) {
    String bootstrap = args[0];
    String topic = args[1];
    long n = Long.parseLong(args[2]);
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("key.deserializer", ByteArrayDeserializer.class.getName());
    p.put("value.deserializer", ByteArrayDeserializer.class.getName());
    p.put("enable.auto.commit", "false");
    p.put("fetch.max.bytes", String.valueOf(50 * 1024 * 1024));
    p.put("max.partition.fetch.bytes", String.valueOf(1024 * 1024));
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts = new ArrayList<>();
      for (PartitionInfo info : consumer.partitionsFor(topic)) {
        parts.add(new TopicPartition(topic, info.partition()));
      }
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      long records = 0;
      long bytes = 0;
      long t0 = System.nanoTime();
      long deadline = t0 + Duration.ofMinutes(5).toNanos();
      while (records < n && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          records++;
          bytes += r.serializedValueSize() + Math.max(0, r.serializedKeySize());
        }
      }
      double s = (System.nanoTime() - t0) / 1e9;
      System.out.printf(
          "RESULT records=%d bytes=%d seconds=%.3f MBps=%.1f recps=%.0f%n",
          records, bytes, s, bytes / 1e6 / s, records / s);
      if (records < n) {
        System.exit(1);
      }
    }
  }
}
