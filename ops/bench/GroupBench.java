// Consumer-group benchmarks, run the same way against Apache Kafka and Meridian by
// group-vs-kafka.sh. Run with the kafka-clients jars on the classpath:
//
//   java -cp "$CP" GroupBench.java consume BOOTSTRAP TOPIC N GROUP
//   java -cp "$CP" GroupBench.java rebalance BOOTSTRAP TOPIC GROUP [TRIALS=3] [RATE=1000]
//
// consume: 3 KafkaConsumer threads in one group (classic protocol, the client's default
// assignors, auto commit on, auto.offset.reset=earliest) subscribe to TOPIC and read until they
// have together read N distinct records (offsets counted once per partition, so records read
// again after a rebalance are not counted twice; they are reported as "duplicates"). Prints
//   RESULT consume records=N bytes=B seconds=S MBps=X recps=Y first_record_s=F
//          from_first_MBps=X2 duplicates=D per_consumer=a/b/c
// seconds: from the first subscribe() to the record that completes N (group formation
// included); first_record_s: from the first subscribe() to the first record polled;
// from_first_MBps: B over the time from the first record to the last.
//
// rebalance: a background producer writes RATE records/s of 100 B (acks=1), round-robin over
// all partitions of TOPIC. Per trial K, with a fresh group GROUP-tK: 3 consumers subscribe
// (auto.offset.reset=latest); once every partition is assigned and has delivered a record to
// its owner, and the assignment has not changed for 1 s plus (K-0.5)/TRIALS x 3 s (so that the
// joins fall evenly over the members' 3 s heartbeat cycle, at the same points on every broker),
// a 4th consumer subscribes. Measured from that subscribe() until every partition has
// delivered at least one record to its owner under the new assignment (all 4 members assigned
// after the join, assignments disjoint and covering every partition): "every partition is
// consumed again". Also per trial: revoked_s (the 3 old members have all learned of the
// rebalance: onPartitionsRevoked), assigned_s (all 4 members have their new assignment) and
// form_s (the group of 3 flowing, from their subscribe()). Prints one "TRIAL" line per trial and
//   RESULT rebalance seconds=MEDIAN trials=s1,s2,s3 revoked_s=MEDIAN assigned_s=MEDIAN ...
//
// Hard limits: consume gives up after 5 min; each rebalance trial after 60 s to form the group
// and 60 s for the join; the process exits 1 when a limit was hit or N was not reached.
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

public class GroupBench {
  static final int CONSUMERS = 3;
  /**
   * The group protocol, from the environment variable GROUP_PROTOCOL: "classic" (the default) or
   * "consumer" (KIP-848: the coordinator assigns, members reconcile incrementally).
   */
  static final String PROTOCOL =
      System.getenv().getOrDefault("GROUP_PROTOCOL", "classic").toLowerCase(Locale.ROOT);

  static final boolean INCREMENTAL = PROTOCOL.equals("consumer");

  /**
   * How often the old members heartbeat: the client's default heartbeat.interval.ms (classic),
   * the broker's default group.consumer.heartbeat.interval.ms (consumer, Kafka and Meridian).
   */
  static final long HEARTBEAT_INTERVAL_MS = INCREMENTAL ? 5000 : 3000;

  public static void main(String[] args) throws Exception {
    Locale.setDefault(Locale.ROOT);
    if (args.length >= 5 && args[0].equals("consume")) {
      System.exit(consume(args[1], args[2], Long.parseLong(args[3]), args[4]));
    } else if (args.length >= 4 && args[0].equals("rebalance")) {
      int trials = args.length > 4 ? Integer.parseInt(args[4]) : 3;
      int rate = args.length > 5 ? Integer.parseInt(args[5]) : 1000;
      System.exit(rebalance(args[1], args[2], args[3], trials, rate));
    } else {
      System.err.println(
          "usage: GroupBench consume BOOTSTRAP TOPIC N GROUP\n"
              + "       GroupBench rebalance BOOTSTRAP TOPIC GROUP [TRIALS=3] [RATE=1000]");
      System.exit(2);
    }
  }

  static Properties consumerProps(String bootstrap, String group, String clientId, String reset) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("group.id", group);
    p.put("client.id", clientId);
    p.put("group.protocol", PROTOCOL);
    p.put("auto.offset.reset", reset);
    p.put("key.deserializer", ByteArrayDeserializer.class.getName());
    p.put("value.deserializer", ByteArrayDeserializer.class.getName());
    // as AssignConsumerPerf (these are also the client's defaults)
    p.put("fetch.max.bytes", String.valueOf(50 * 1024 * 1024));
    p.put("max.partition.fetch.bytes", String.valueOf(1024 * 1024));
    return p;
  }

  static int partitionCount(String bootstrap, String topic) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("key.deserializer", ByteArrayDeserializer.class.getName());
    p.put("value.deserializer", ByteArrayDeserializer.class.getName());
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      return c.partitionsFor(topic, Duration.ofSeconds(30)).size();
    }
  }

  static double secs(long ns) {
    return ns / 1e9;
  }

  // ---- consume ---------------------------------------------------------------------------------

  static int consume(String bootstrap, String topic, long n, String group) throws Exception {
    int parts = partitionCount(bootstrap, topic);
    AtomicLongArray next = new AtomicLongArray(parts); // next offset not yet counted, per partition
    LongAdder unique = new LongAdder();
    LongAdder uniqueBytes = new LongAdder();
    LongAdder delivered = new LongAdder();
    long[] perConsumer = new long[CONSUMERS];
    AtomicLong firstRecordNs = new AtomicLong();
    AtomicLong lastNs = new AtomicLong();
    AtomicLong t0 = new AtomicLong(Long.MAX_VALUE);
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    List<KafkaConsumer<byte[], byte[]>> consumers = new ArrayList<>();
    for (int i = 0; i < CONSUMERS; i++) {
      consumers.add(new KafkaConsumer<>(consumerProps(bootstrap, group, group + "-" + i, "earliest")));
    }
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < CONSUMERS; i++) {
      int id = i;
      KafkaConsumer<byte[], byte[]> c = consumers.get(i);
      Thread t =
          new Thread(
              () -> {
                try {
                  start.await();
                  t0.accumulateAndGet(System.nanoTime(), Math::min);
                  c.subscribe(List.of(topic));
                  long mine = 0;
                  while (lastNs.get() == 0 && System.nanoTime() < deadline) {
                    ConsumerRecords<byte[], byte[]> recs = c.poll(Duration.ofMillis(100));
                    if (recs.isEmpty()) {
                      continue;
                    }
                    long now = System.nanoTime();
                    firstRecordNs.compareAndSet(0, now);
                    for (TopicPartition tp : recs.partitions()) {
                      List<ConsumerRecord<byte[], byte[]>> list = recs.records(tp);
                      long last = list.get(list.size() - 1).offset();
                      long from = next.getAndAccumulate(tp.partition(), last + 1, Math::max);
                      long u = 0;
                      long b = 0;
                      for (ConsumerRecord<byte[], byte[]> r : list) {
                        if (r.offset() >= from) {
                          u++;
                          b += r.serializedValueSize() + Math.max(0, r.serializedKeySize());
                        }
                      }
                      unique.add(u);
                      uniqueBytes.add(b);
                      delivered.add(list.size());
                      mine += list.size();
                    }
                    perConsumer[id] = mine;
                    if (unique.sum() >= n) {
                      lastNs.compareAndSet(0, now);
                    }
                  }
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                } finally {
                  c.close(Duration.ofSeconds(5));
                }
              },
              "consumer-" + i);
      threads.add(t);
      t.start();
    }
    start.countDown();
    for (Thread t : threads) {
      t.join();
    }
    long end = lastNs.get() != 0 ? lastNs.get() : System.nanoTime();
    long records = unique.sum();
    long bytes = uniqueBytes.sum();
    double s = secs(end - t0.get());
    double first = firstRecordNs.get() == 0 ? Double.NaN : secs(firstRecordNs.get() - t0.get());
    double fromFirst = firstRecordNs.get() == 0 ? Double.NaN : secs(end - firstRecordNs.get());
    System.out.printf(
        "RESULT consume records=%d bytes=%d seconds=%.3f MBps=%.1f recps=%.0f first_record_s=%.3f"
            + " from_first_MBps=%.1f duplicates=%d per_consumer=%d/%d/%d%n",
        records,
        bytes,
        s,
        bytes / 1e6 / s,
        records / s,
        first,
        bytes / 1e6 / fromFirst,
        delivered.sum() - records,
        perConsumer[0],
        perConsumer[1],
        perConsumer[2]);
    return records >= n ? 0 : 1;
  }

  // ---- rebalance -------------------------------------------------------------------------------

  /** One group member: its consumer, thread and what the measurement needs of it. */
  static final class Member implements ConsumerRebalanceListener {
    final int id;
    final Object lock;
    final KafkaConsumer<byte[], byte[]> consumer;
    final long[] firstAfterAssign; // per partition: first delivery since the last assignment
    Set<Integer> assignment = Set.of();
    long assignedAtNs;
    long watchFromNs; // set just before the 4th member subscribes
    long revokedAtNs; // first revocation since watchFromNs
    final long[] partAssignedAt; // per partition: when this member was last given it (incremental)
    int generation = -1;
    volatile boolean stop;
    Thread thread;

    Member(int id, Object lock, KafkaConsumer<byte[], byte[]> consumer, int parts) {
      this.id = id;
      this.lock = lock;
      this.consumer = consumer;
      this.firstAfterAssign = new long[parts];
      this.partAssignedAt = new long[parts];
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      long now = System.nanoTime();
      synchronized (lock) {
        if (watchFromNs != 0 && revokedAtNs < watchFromNs) {
          revokedAtNs = now;
        }
        if (INCREMENTAL) {
          Set<Integer> left = new HashSet<>(assignment);
          partitions.forEach(tp -> left.remove(tp.partition()));
          assignment = left;
        }
      }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      long now = System.nanoTime();
      Set<Integer> set = new HashSet<>();
      for (TopicPartition tp : partitions) {
        set.add(tp.partition());
      }
      int gen;
      try {
        gen = consumer.groupMetadata().generationId();
      } catch (RuntimeException e) {
        gen = -1;
      }
      synchronized (lock) {
        if (INCREMENTAL) {
          // the callback names only the partitions added; the rest stay, and keep flowing
          if (set.isEmpty()) {
            return;
          }
          Set<Integer> all = new HashSet<>(assignment);
          all.addAll(set);
          assignment = all;
          for (int p : set) {
            partAssignedAt[p] = now;
            firstAfterAssign[p] = 0;
          }
        } else {
          assignment = set;
          Arrays.fill(firstAfterAssign, 0);
        }
        assignedAtNs = now;
        generation = gen;
      }
    }

    void start(String topic, AtomicLong subscribeNs) {
      thread =
          new Thread(
              () -> {
                try {
                  if (subscribeNs != null) {
                    subscribeNs.set(System.nanoTime());
                  }
                  consumer.subscribe(List.of(topic), this);
                  while (!stop) {
                    ConsumerRecords<byte[], byte[]> recs = consumer.poll(Duration.ofMillis(50));
                    if (recs.isEmpty()) {
                      continue;
                    }
                    long now = System.nanoTime();
                    synchronized (lock) {
                      for (TopicPartition tp : recs.partitions()) {
                        int p = tp.partition();
                        if (assignment.contains(p) && firstAfterAssign[p] == 0) {
                          firstAfterAssign[p] = now;
                        }
                      }
                    }
                  }
                } catch (RuntimeException e) {
                  System.err.println("member " + id + ": " + e);
                } finally {
                  consumer.close(Duration.ofSeconds(5));
                }
              },
              "member-" + id);
      thread.start();
    }
  }

  /**
   * When every partition is owned by exactly one member, every member was assigned after {@code
   * sinceNs} and every partition delivered to its owner since: the latest of those first
   * deliveries; otherwise 0. Call with the lock held.
   */
  static long allFlowingSince(List<Member> members, int parts, long sinceNs) {
    Member[] owner = new Member[parts];
    for (Member m : members) {
      if (m.assignedAtNs == 0 || m.assignedAtNs <= sinceNs) {
        return 0;
      }
      for (int p : m.assignment) {
        if (owner[p] != null) {
          return 0; // two members claim p: the assignments are from different generations
        }
        owner[p] = m;
      }
    }
    long latest = 0;
    for (int p = 0; p < parts; p++) {
      if (owner[p] == null || owner[p].firstAfterAssign[p] == 0) {
        return 0;
      }
      latest = Math.max(latest, owner[p].firstAfterAssign[p]);
    }
    return latest;
  }

  /**
   * Incremental protocols: when every partition is owned by exactly one member, the 4th member
   * has partitions, and every partition given to a member since {@code sinceNs} has delivered to
   * it since: the latest of those first deliveries; otherwise 0 (partitions that did not move
   * never stopped flowing). Call with the lock held.
   */
  static long movedFlowingSince(List<Member> members, Member fourth, int parts, long sinceNs) {
    if (fourth.assignment.isEmpty()) {
      return 0;
    }
    Member[] owner = new Member[parts];
    for (Member m : members) {
      for (int p : m.assignment) {
        if (owner[p] != null) {
          return 0;
        }
        owner[p] = m;
      }
    }
    long latest = 0;
    for (int p = 0; p < parts; p++) {
      if (owner[p] == null) {
        return 0;
      }
      if (owner[p].partAssignedAt[p] > sinceNs) {
        if (owner[p].firstAfterAssign[p] == 0) {
          return 0;
        }
        latest = Math.max(latest, owner[p].firstAfterAssign[p]);
      }
    }
    return latest;
  }

  static double median(List<Double> xs) {
    double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    if (a.length == 0) {
      return Double.NaN;
    }
    return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
  }

  static int rebalance(String bootstrap, String topic, String group, int trials, int rate)
      throws Exception {
    int parts = partitionCount(bootstrap, topic);
    AtomicLong sent = new AtomicLong();
    Thread producer = startProducer(bootstrap, topic, parts, rate, sent);
    List<Double> total = new ArrayList<>();
    List<Double> revoked = new ArrayList<>();
    List<Double> assigned = new ArrayList<>();
    boolean failed = false;
    try {
      for (int k = 1; k <= trials; k++) {
        // the old members learn of a rebalance from their next heartbeat (every
        // heartbeat.interval.ms, 3 s by default): spread the joins evenly over that period, at the
        // middles of TRIALS equal slices (3 trials: 0.5, 1.5, 2.5 s), so that the median is the
        // expected value for a join at a random moment
        long phaseMs = (2L * k - 1) * HEARTBEAT_INTERVAL_MS / (2L * trials);
        double[] r = trial(bootstrap, topic, group + "-t" + k, parts, phaseMs);
        System.out.printf(
            "TRIAL %d group=%s seconds=%.3f revoked_s=%.3f assigned_s=%.3f form_s=%.3f"
                + " extra_wait_ms=%d generation=%d%n",
            k, group + "-t" + k, r[0], r[1], r[2], r[3], phaseMs, (int) r[4]);
        if (Double.isNaN(r[0])) {
          failed = true;
          continue;
        }
        total.add(r[0]);
        revoked.add(r[1]);
        assigned.add(r[2]);
      }
    } finally {
      producer.interrupt();
      producer.join(10_000);
    }
    StringBuilder each = new StringBuilder();
    for (double d : total) {
      each.append(each.length() == 0 ? "" : ",").append(String.format("%.3f", d));
    }
    System.out.printf(
        "RESULT rebalance seconds=%.3f trials=%s revoked_s=%.3f assigned_s=%.3f partitions=%d"
            + " rate=%d produced=%d%n",
        median(total), each, median(revoked), median(assigned), parts, rate, sent.get());
    return failed || total.isEmpty() ? 1 : 0;
  }

  /**
   * One join measurement with a fresh group. Returns {seconds, revoked_s, assigned_s,
   * form_s (3 members flowing, from their first subscribe), generation}; seconds NaN on timeout.
   */
  static double[] trial(String bootstrap, String topic, String group, int parts, long extraWaitMs)
      throws InterruptedException {
    Object lock = new Object();
    List<Member> members = new ArrayList<>();
    for (int i = 0; i < CONSUMERS + 1; i++) {
      members.add(
          new Member(
              i,
              lock,
              new KafkaConsumer<>(consumerProps(bootstrap, group, group + "-" + i, "latest")),
              parts));
    }
    List<Member> first = members.subList(0, CONSUMERS);
    double[] out = {Double.NaN, Double.NaN, Double.NaN, Double.NaN, -1};
    try {
      long formStart = System.nanoTime();
      for (Member m : first) {
        m.start(topic, null);
      }
      // wait until the 3 are flowing and their assignment has been unchanged for 1 s
      long deadline = formStart + Duration.ofSeconds(60).toNanos();
      long stableSince = 0;
      long seenAssign = 0;
      while (true) {
        if (System.nanoTime() > deadline) {
          System.err.println(group + ": the 3 members did not settle within 60 s");
          return out;
        }
        long flowing;
        long lastAssign = 0;
        synchronized (lock) {
          flowing = allFlowingSince(first, parts, 0);
          for (Member m : first) {
            lastAssign = Math.max(lastAssign, m.assignedAtNs);
          }
        }
        long now = System.nanoTime();
        if (flowing == 0 || lastAssign != seenAssign) {
          stableSince = 0;
          seenAssign = lastAssign;
        } else if (stableSince == 0) {
          stableSince = now;
          out[3] = secs(flowing - formStart);
        } else if (now - stableSince >= Duration.ofMillis(1000 + extraWaitMs).toNanos()) {
          break;
        }
        Thread.sleep(10);
      }
      // the 4th member joins
      synchronized (lock) {
        long now = System.nanoTime();
        for (Member m : first) {
          m.watchFromNs = now;
        }
      }
      AtomicLong joinNs = new AtomicLong();
      Member fourth = members.get(CONSUMERS);
      fourth.start(topic, joinNs);
      deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (true) {
        Thread.sleep(5);
        long join = joinNs.get();
        if (join == 0) {
          continue;
        }
        synchronized (lock) {
          long done =
              INCREMENTAL
                  ? movedFlowingSince(members, fourth, parts, join)
                  : allFlowingSince(members, parts, join);
          if (done != 0) {
            long revokedAt = 0;
            for (Member m : first) {
              revokedAt = Math.max(revokedAt, m.revokedAtNs);
            }
            long assignedAt = 0;
            for (Member m : members) {
              assignedAt = Math.max(assignedAt, m.assignedAtNs);
            }
            out[0] = secs(done - join);
            out[1] = revokedAt > join ? secs(revokedAt - join) : Double.NaN;
            out[2] = secs(assignedAt - join);
            out[4] = fourth.generation;
            return out;
          }
        }
        if (System.nanoTime() > deadline) {
          System.err.println(group + ": partitions not consumed again within 60 s of the join");
          return out;
        }
      }
    } finally {
      for (Member m : members) {
        m.stop = true;
      }
      for (Member m : members) {
        if (m.thread != null) {
          m.thread.join(15_000);
        } else {
          m.consumer.close(Duration.ofSeconds(5));
        }
      }
    }
  }

  /** Sends {@code rate} records/s of 100 B, partition by partition in turn, until interrupted. */
  static Thread startProducer(String bootstrap, String topic, int parts, int rate, AtomicLong sent) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("acks", "1");
    p.put("key.serializer", ByteArraySerializer.class.getName());
    p.put("value.serializer", ByteArraySerializer.class.getName());
    KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p);
    byte[] value = new byte[100];
    Arrays.fill(value, (byte) 'x');
    Thread t =
        new Thread(
            () -> {
              long t0 = System.nanoTime();
              long n = 0;
              try {
                while (!Thread.currentThread().isInterrupted()) {
                  long due = (System.nanoTime() - t0) * rate / 1_000_000_000L;
                  while (n < due) {
                    producer.send(new ProducerRecord<>(topic, (int) (n % parts), null, value));
                    n++;
                  }
                  sent.set(n);
                  Thread.sleep(2);
                }
              } catch (InterruptedException e) {
                // stop
              } finally {
                producer.close(Duration.ofSeconds(5));
              }
            },
            "producer");
    t.start();
    return t;
  }
}
