package dev.meridian.node.link;

import dev.meridian.config.NameFilter;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;

/**
 * A link's view of its source cluster (a Meridian region or any Kafka cluster) through
 * kafka-clients' Admin: the selected topics with their partition leaders, their topic configs that
 * differ from the source's defaults, and committed group offsets. Blocking; called from the link's
 * own thread.
 */
public final class SourceCluster implements AutoCloseable {
  static final long TIMEOUT_MS = 10_000;

  /** A source topic: the leader node of each partition (-1: none). */
  public record Topic(String name, List<Integer> leaders) {
    int partitions() {
      return leaders.size();
    }
  }

  /** What {@link #describe} found. */
  public record Snapshot(Map<String, Topic> topics, Map<Integer, InetSocketAddress> nodes) {}

  private final Admin admin;

  public SourceCluster(String linkName, String bootstrap, Map<String, String> properties) {
    Properties p = new Properties();
    p.putAll(properties);
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, "meridian-link-" + linkName);
    p.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "8000");
    p.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
    p.putIfAbsent(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "2000");
    this.admin = Admin.create(p);
  }

  /** The topics {@code filter} selects (never internal ones) with their leaders. */
  public Snapshot describe(NameFilter filter) throws Exception {
    Collection<String> names =
        get(admin.listTopics(new ListTopicsOptions().listInternal(false)).names());
    List<String> selected =
        names.stream().filter(n -> !n.startsWith("__") && filter.matches(n)).sorted().toList();
    Map<String, Topic> topics = new TreeMap<>();
    Map<Integer, InetSocketAddress> nodes = new HashMap<>();
    for (Node n : get(admin.describeCluster().nodes())) {
      nodes.put(n.id(), InetSocketAddress.createUnresolved(n.host(), n.port()));
    }
    if (!selected.isEmpty()) {
      for (TopicDescription d : get(admin.describeTopics(selected).allTopicNames()).values()) {
        List<Integer> leaders =
            d.partitions().stream()
                .sorted((a, b) -> Integer.compare(a.partition(), b.partition()))
                .map(SourceCluster::leaderOf)
                .toList();
        for (TopicPartitionInfo info : d.partitions()) {
          Node l = info.leader();
          if (l != null && !l.isEmpty()) {
            nodes.putIfAbsent(l.id(), InetSocketAddress.createUnresolved(l.host(), l.port()));
          }
        }
        topics.put(d.name(), new Topic(d.name(), leaders));
      }
    }
    return new Snapshot(topics, nodes);
  }

  private static int leaderOf(TopicPartitionInfo info) {
    Node l = info.leader();
    return l == null || l.isEmpty() ? -1 : l.id();
  }

  /**
   * The configs of {@code topics} set on the topic (not defaults), limited to {@code keys}.
   *
   * @return by topic, the key-value pairs
   */
  Map<String, Map<String, String>> configs(Collection<String> topics, Collection<String> keys)
      throws Exception {
    if (topics.isEmpty()) {
      return Map.of();
    }
    List<ConfigResource> resources =
        topics.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
    Map<ConfigResource, Config> all = get(admin.describeConfigs(resources).all());
    Map<String, Map<String, String>> out = new TreeMap<>();
    for (Map.Entry<ConfigResource, Config> e : all.entrySet()) {
      Map<String, String> set = new TreeMap<>();
      for (ConfigEntry c : e.getValue().entries()) {
        if (keys.contains(c.name())
            && c.value() != null
            && c.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG) {
          set.put(c.name(), c.value());
        }
      }
      out.put(e.getKey().name(), set);
    }
    return out;
  }

  /** The consumer groups {@code filter} selects. */
  public List<String> groups(NameFilter filter) throws Exception {
    return get(admin.listGroups().all()).stream()
        .filter(g -> g.protocol().isEmpty() || g.protocol().equals("consumer"))
        .map(GroupListing::groupId)
        .filter(filter::matches)
        .sorted()
        .collect(Collectors.toList());
  }

  /** A group's committed offsets. */
  public Map<TopicPartition, OffsetAndMetadata> committed(String group) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> m =
        get(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata());
    Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
    m.forEach(
        (tp, o) -> {
          if (o != null) {
            out.put(tp, o);
          }
        });
    return out;
  }

  public static <T> T get(org.apache.kafka.common.KafkaFuture<T> f) throws Exception {
    try {
      return f.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception c ? c : e;
    } catch (TimeoutException e) {
      throw new TimeoutException("the source did not answer within " + TIMEOUT_MS + " ms");
    }
  }

  @Override
  public void close() {
    admin.close(java.time.Duration.ofSeconds(2));
  }
}
