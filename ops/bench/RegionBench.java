// Region benchmarks beside Apache Kafka (run by region-vs-kafka.sh with kafka-clients on the class
// path; a single-file program: java -cp <kafka-clients jars> ops/bench/RegionBench.java ...).
//
//   ready BOOTSTRAP NODES LAUNCH_EPOCH_MS
//       waits until the cluster is ready for work: all NODES brokers and a controller in
//       DescribeCluster, a topic with min(3, NODES) replicas created, and one acks=all record
//       acknowledged by each of its 3 partitions. Prints "ready_s=<seconds since launch>".
//   failover BOOTSTRAP ID:PID,ID:PID,...
//       finds the controller (Admin.describeMetadataQuorum's leader for Kafka, DescribeCluster's
//       controller where that is not supported), kills its process with SIGKILL and creates topics
//       through the others until one succeeds. Prints "controller=<id> failover_ms=<kill to the
//       first successful CreateTopics>".
//   leader BOOTSTRAP ID:PID,ID:PID,...
//       creates a 1-partition topic with 3 replicas and min.insync.replicas=2, produces to it with
//       an idempotent acks=all producer (one record every millisecond), kills the partition
//       leader's process with SIGKILL and waits for the first acknowledgement of a record sent
//       after the kill. Prints "leader=<id> leader_failover_ms=<kill to that acknowledgement>".
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.serialization.StringSerializer;

public class RegionBench {
  public static void main(String[] a) throws Exception {
    switch (a[0]) {
      case "ready" -> ready(a[1], Integer.parseInt(a[2]), Long.parseLong(a[3]));
      case "failover" -> failover(a[1], a[2]);
      case "leader" -> leaderFailover(a[1], a[2]);
      default -> throw new IllegalArgumentException(a[0]);
    }
  }

  static Admin admin(String bootstrap) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
    p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200);
    return Admin.create(p);
  }

  static boolean create(Admin admin, String name, int partitions, int rf) {
    try {
      admin.createTopics(List.of(new NewTopic(name, partitions, (short) rf))).all().get(3, TimeUnit.SECONDS);
      return true;
    } catch (ExecutionException e) {
      return e.getCause() instanceof TopicExistsException;
    } catch (Exception e) {
      return false;
    }
  }

  static void ready(String bootstrap, int nodes, long launchMs) throws Exception {
    long deadline = System.currentTimeMillis() + 180_000;
    int rf = Math.min(3, nodes);
    try (Admin admin = admin(bootstrap)) {
      while (true) {
        try {
          var c = admin.describeCluster();
          int n = c.nodes().get(2, TimeUnit.SECONDS).size();
          Node controller = c.controller().get(2, TimeUnit.SECONDS);
          if (n == nodes && controller != null && controller.id() >= 0) {
            break;
          }
        } catch (Exception e) {
          // not up yet
        }
        check(deadline, "brokers");
        Thread.sleep(20);
      }
      while (!create(admin, "ready-check", 3, rf)) {
        check(deadline, "topic creation");
        Thread.sleep(20);
      }
    }
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
    p.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 20);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      for (int partition = 0; partition < 3; partition++) {
        producer.send(new ProducerRecord<>("ready-check", partition, "k", "v")).get(120, TimeUnit.SECONDS);
      }
    }
    System.out.printf("ready_s=%.2f%n", (System.currentTimeMillis() - launchMs) / 1000.0);
  }

  static void check(long deadline, String what) {
    if (System.currentTimeMillis() > deadline) {
      System.out.println("TIMEOUT waiting for " + what);
      System.exit(2);
    }
  }

  static void failover(String bootstrap, String idPids) throws Exception {
    Map<Integer, Long> pids = new HashMap<>();
    for (String ip : idPids.split(",")) {
      String[] kv = ip.split(":");
      pids.put(Integer.parseInt(kv[0]), Long.parseLong(kv[1]));
    }
    try (Admin admin = admin(bootstrap)) {
      int controller;
      try {
        controller = admin.describeMetadataQuorum().quorumInfo().get(5, TimeUnit.SECONDS).leaderId();
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnsupportedVersionException)) {
          throw e;
        }
        controller = admin.describeCluster().controller().get(5, TimeUnit.SECONDS).id();
      }
      long pid = pids.get(controller);
      long t0 = System.nanoTime();
      ProcessHandle.of(pid).orElseThrow().destroyForcibly();
      long deadline = System.currentTimeMillis() + 120_000;
      int n = 0;
      while (!create(admin, "after-failover-" + n++, 1, 2)) {
        check(deadline, "a topic after the controller died");
        Thread.sleep(20);
      }
      System.out.printf(
          "controller=%d failover_ms=%d%n", controller, (System.nanoTime() - t0) / 1_000_000);
    }
  }

  static Map<Integer, Long> pids(String idPids) {
    Map<Integer, Long> pids = new HashMap<>();
    for (String ip : idPids.split(",")) {
      String[] kv = ip.split(":");
      pids.put(Integer.parseInt(kv[0]), Long.parseLong(kv[1]));
    }
    return pids;
  }

  static void leaderFailover(String bootstrap, String idPids) throws Exception {
    Map<Integer, Long> pids = pids(idPids);
    String topic = "leader-failover-" + System.currentTimeMillis();
    try (Admin admin = admin(bootstrap)) {
      admin
          .createTopics(
              List.of(new NewTopic(topic, 1, (short) 3).configs(Map.of("min.insync.replicas", "2"))))
          .all()
          .get(30, TimeUnit.SECONDS);
      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
      p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
      p.put(ProducerConfig.ACKS_CONFIG, "all");
      p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
      java.util.concurrent.atomic.AtomicLong killedAt = new java.util.concurrent.atomic.AtomicLong();
      java.util.concurrent.atomic.AtomicLong firstAck = new java.util.concurrent.atomic.AtomicLong();
      java.util.concurrent.atomic.AtomicLong acked = new java.util.concurrent.atomic.AtomicLong();
      try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
        long deadline = System.currentTimeMillis() + 120_000;
        int leader = -1;
        while (firstAck.get() == 0) {
          check(deadline, "an acknowledgement after the leader died");
          long sentAt = System.nanoTime();
          producer.send(
              new ProducerRecord<>(topic, 0, null, "v"),
              (m, e) -> {
                if (e == null) {
                  acked.incrementAndGet();
                  long k = killedAt.get();
                  if (k != 0 && sentAt > k) {
                    firstAck.compareAndSet(0, System.nanoTime());
                  }
                }
              });
          if (leader < 0 && acked.get() > 2000) {
            Node l =
                admin
                    .describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(5, TimeUnit.SECONDS)
                    .get(topic)
                    .partitions()
                    .get(0)
                    .leader();
            leader = l.id();
            killedAt.set(System.nanoTime());
            ProcessHandle.of(pids.get(leader)).orElseThrow().destroyForcibly();
          }
          Thread.sleep(1);
        }
        System.out.printf(
            "leader=%d leader_failover_ms=%d%n",
            leader, (firstAck.get() - killedAt.get()) / 1_000_000);
      }
    }
  }
}
