import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * Waits until a mirrored topic holds EXPECTED records, polling its end offsets every 50 ms (finer
 * than AnchorTools wait-offsets, which polls every second): prints "t_first_s=.. t_all_s=..
 * records=.." with times from T0_EPOCH_MS. Exit 2 at the timeout.
 *
 * <p>Usage: java -cp KAFKA_JARS MirrorWait.java BOOTSTRAP TOPIC EXPECTED TIMEOUT_S T0_EPOCH_MS
 */
public class MirrorWait {
  public static void main(String[] a) throws Exception {
    String bootstrap = a[0];
    String topic = a[1];
    long expected = Long.parseLong(a[2]);
    long timeoutMs = Long.parseLong(a[3]) * 1000;
    long t0 = Long.parseLong(a[4]);
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    double first = -1;
    try (Admin admin = Admin.create(p)) {
      while (true) {
        long n = 0;
        try {
          var d = admin.describeTopics(List.of(topic)).allTopicNames().get(5, TimeUnit.SECONDS);
          Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
          d.get(topic).partitions().forEach(i -> latest.put(new TopicPartition(topic, i.partition()), OffsetSpec.latest()));
          for (var r : admin.listOffsets(latest).all().get(5, TimeUnit.SECONDS).values()) {
            n += r.offset();
          }
        } catch (Exception e) {
          // not there yet
        }
        double t = (System.currentTimeMillis() - t0) / 1000.0;
        if (n > 0 && first < 0) {
          first = t;
        }
        if (n >= expected) {
          System.out.printf("t_first_s=%.2f t_all_s=%.2f records=%d%n", first, t, n);
          return;
        }
        if (System.currentTimeMillis() - t0 > timeoutMs) {
          System.out.printf("TIMEOUT t_first_s=%.2f records=%d%n", first, n);
          System.exit(2);
        }
        Thread.sleep(50);
      }
    }
  }
}
