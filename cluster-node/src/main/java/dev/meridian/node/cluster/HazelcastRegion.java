package dev.meridian.node.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.ExecutorConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.SplitBrainProtectionConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.core.IExecutorService;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import dev.meridian.config.BrokerSettings;
import dev.meridian.config.NodeConfig;
import dev.meridian.config.RegionConfig;
import java.io.Serial;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's embedded Hazelcast member: the region's membership, one-way messages between nodes and
 * the controller epoch register.
 *
 * <ul>
 *   <li>Cluster name = region name; TCP-IP join from the cluster ports of the region's nodes in the
 *       config; multicast and auto-detection off; bound to the node's host only.
 *   <li>Failure detection from the broker settings: heartbeat every {@code memberHeartbeatSeconds},
 *       a silent member is removed after {@code memberFailureSeconds}; a killed process is seen at
 *       once through its closed connections. The two sides of a healed split look for each other
 *       every {@code memberMergeDelaySeconds}.
 *   <li>Member attributes carry the node id, its incarnation and its bound Kafka and HTTP ports.
 *   <li>Messages are tasks run on the target member ({@code IExecutorService.executeOnMember}),
 *       which hand the payload to the node's {@link RegionTransport.Receiver} and return at once.
 *   <li>The epoch register is an entry of an {@code IMap} with split-brain protection (a majority
 *       of the region's configured nodes), advanced atomically by an entry processor.
 * </ul>
 *
 * <p>Starting blocks (joining takes about a second): call it from a worker thread, never an event
 * loop. Thread-safe.
 */
public final class HazelcastRegion implements RegionTransport {
  private static final Logger LOG = LoggerFactory.getLogger(HazelcastRegion.class);
  private static final String RECEIVER = "meridian.receiver";
  private static final String NODE_ID = "meridian.nodeId";
  private static final String INCARNATION = "meridian.incarnation";
  private static final String KAFKA_PORT = "meridian.kafkaPort";
  private static final String HTTP_PORT = "meridian.httpPort";
  private static final String EXECUTOR = "meridian-messages";
  private static final String EPOCH_MAP = "meridian-controller-epoch";
  private static final String EPOCH_KEY = "epoch";
  private static final String MAJORITY = "meridian-majority";

  private final HazelcastInstance hz;
  private final IExecutorService executor;
  private final IMap<String, Long> epochs;

  private HazelcastRegion(HazelcastInstance hz) {
    this.hz = hz;
    this.executor = hz.getExecutorService(EXECUTOR);
    this.epochs = hz.getMap(EPOCH_MAP);
  }

  /**
   * Starts the member and joins the region (blocking).
   *
   * @param kafkaPort the bound Kafka port (the config may say 0)
   * @param httpPort the bound HTTP port
   */
  public static HazelcastRegion start(
      RegionConfig region,
      NodeConfig node,
      BrokerSettings settings,
      long incarnation,
      int kafkaPort,
      int httpPort,
      Receiver receiver) {
    Config c = new Config();
    c.setClusterName(region.name());
    c.setInstanceName("meridian-" + region.name() + "-" + node.id() + "-" + incarnation);
    c.setProperty("hazelcast.logging.type", "slf4j");
    c.setProperty("hazelcast.phone.home.enabled", "false");
    c.setProperty("hazelcast.shutdownhook.enabled", "false");
    c.setProperty("hazelcast.wait.seconds.before.join", "0");
    c.setProperty("hazelcast.socket.bind.any", "false");
    c.setProperty(
        "hazelcast.heartbeat.interval.seconds", String.valueOf(settings.memberHeartbeatSeconds()));
    c.setProperty(
        "hazelcast.max.no.heartbeat.seconds", String.valueOf(settings.memberFailureSeconds()));
    c.setProperty(
        "hazelcast.merge.first.run.delay.seconds",
        String.valueOf(settings.memberMergeDelaySeconds()));
    c.setProperty(
        "hazelcast.merge.next.run.delay.seconds",
        String.valueOf(settings.memberMergeDelaySeconds()));
    // a small member: one map entry and a few messages a second. The I/O and operation threads
    // keep Hazelcast's defaults: with one of each, a member's mastership claim after the master
    // was paused (SIGSTOP) was never answered, and the region split into single members.
    c.setProperty("hazelcast.partition.count", "7");
    c.setProperty("hazelcast.event.thread.count", "1");
    c.setProperty("hazelcast.client.engine.thread.count", "1");
    c.setProperty("hazelcast.operation.call.timeout.millis", "5000");
    c.setProperty("hazelcast.graceful.shutdown.max.wait", "10");
    c.getJetConfig().setEnabled(false);
    c.getMetricsConfig().setEnabled(false);
    c.getSqlConfig().setStatementTimeoutMillis(0);

    NetworkConfig network = c.getNetworkConfig();
    network.setPort(node.clusterPort()).setPortAutoIncrement(false);
    network.getInterfaces().setEnabled(true).addInterface(node.host());
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    List<String> members = new ArrayList<>();
    for (NodeConfig n : region.nodes()) {
      members.add(n.host() + ":" + n.clusterPort());
    }
    join.getTcpIpConfig().setEnabled(true).setMembers(members).setConnectionTimeoutSeconds(1);

    c.getMemberAttributeConfig()
        .setAttribute(NODE_ID, String.valueOf(node.id()))
        .setAttribute(INCARNATION, String.valueOf(incarnation))
        .setAttribute(KAFKA_PORT, String.valueOf(kafkaPort))
        .setAttribute(HTTP_PORT, String.valueOf(httpPort));
    c.addExecutorConfig(new ExecutorConfig(EXECUTOR).setPoolSize(2).setStatisticsEnabled(false));
    MapConfig map = new MapConfig(EPOCH_MAP).setBackupCount(Math.min(2, region.nodes().size() - 1));
    int majority = region.majority();
    if (majority >= 2) {
      c.addSplitBrainProtectionConfig(new SplitBrainProtectionConfig(MAJORITY, true, majority));
      map.setSplitBrainProtectionName(MAJORITY);
    }
    c.addMapConfig(map);
    ConcurrentMap<String, Object> context = new ConcurrentHashMap<>();
    context.put(RECEIVER, receiver);
    c.setUserContext(context);

    long t0 = System.nanoTime();
    HazelcastInstance hz = Hazelcast.newHazelcastInstance(c);
    HazelcastRegion r = new HazelcastRegion(hz);
    hz.getCluster()
        .addMembershipListener(
            new MembershipListener() {
              @Override
              public void memberAdded(MembershipEvent e) {
                receiver.membersChanged(r.members());
              }

              @Override
              public void memberRemoved(MembershipEvent e) {
                receiver.membersChanged(r.members());
              }
            });
    LOG.info(
        "node {} joined region {} in {} ms: members {}",
        node.id(),
        region.name(),
        (System.nanoTime() - t0) / 1_000_000,
        r.members().stream().map(RegionMember::nodeId).toList());
    receiver.membersChanged(r.members());
    return r;
  }

  @Override
  public List<RegionMember> members() {
    List<RegionMember> out = new ArrayList<>();
    for (Member m : hz.getCluster().getMembers()) {
      RegionMember rm = toRegionMember(m);
      if (rm != null) {
        out.add(rm);
      }
    }
    return out;
  }

  private static RegionMember toRegionMember(Member m) {
    try {
      return new RegionMember(
          Integer.parseInt(m.getAttribute(NODE_ID)),
          Long.parseLong(m.getAttribute(INCARNATION)),
          Integer.parseInt(m.getAttribute(KAFKA_PORT)),
          Integer.parseInt(m.getAttribute(HTTP_PORT)));
    } catch (RuntimeException e) {
      LOG.warn("ignoring member {} without Meridian attributes", m);
      return null;
    }
  }

  @Override
  public void send(int nodeId, String kind, byte[] payload) {
    Member target = null;
    for (Member m : hz.getCluster().getMembers()) {
      if (String.valueOf(nodeId).equals(m.getAttribute(NODE_ID))) {
        target = m;
        break;
      }
    }
    if (target == null) {
      return;
    }
    int from = Integer.parseInt(hz.getCluster().getLocalMember().getAttribute(NODE_ID));
    try {
      executor.executeOnMember(new Envelope(from, kind, payload), target);
    } catch (RuntimeException e) {
      LOG.debug("message {} to node {} not sent: {}", kind, nodeId, e.toString());
    }
  }

  @Override
  public CompletionStage<Long> claimEpoch(long floor) {
    return epochs.submitToKey(EPOCH_KEY, new ClaimEpoch(floor));
  }

  @Override
  public void close() {
    try {
      hz.shutdown();
    } catch (RuntimeException e) {
      LOG.warn("Hazelcast shutdown failed; terminating", e);
      hz.getLifecycleService().terminate();
    }
  }

  /** A message: runs on the target member and hands the payload to its receiver. */
  static final class Envelope implements Runnable, Serializable, HazelcastInstanceAware {
    @Serial private static final long serialVersionUID = 1L;
    private final int from;
    private final String kind;
    private final byte[] payload;
    private transient HazelcastInstance local;

    Envelope(int from, String kind, byte[] payload) {
      this.from = from;
      this.kind = kind;
      this.payload = payload;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance instance) {
      this.local = instance;
    }

    @Override
    public void run() {
      Object receiver = local == null ? null : local.getUserContext().get(RECEIVER);
      if (receiver instanceof Receiver r) {
        r.receive(from, kind, payload);
      }
    }
  }

  /** Sets the register to {@code max(value, floor) + 1} and answers the new value. */
  static final class ClaimEpoch implements EntryProcessor<String, Long, Long>, Serializable {
    @Serial private static final long serialVersionUID = 1L;
    private final long floor;

    ClaimEpoch(long floor) {
      this.floor = floor;
    }

    @Override
    public Long process(Map.Entry<String, Long> entry) {
      long current = entry.getValue() == null ? 0 : entry.getValue();
      long next = Math.max(current, floor) + 1;
      entry.setValue(next);
      return next;
    }
  }
}
