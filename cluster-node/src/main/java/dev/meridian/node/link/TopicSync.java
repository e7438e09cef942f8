package dev.meridian.node.link;

import dev.meridian.config.LinkConfig;
import dev.meridian.node.controller.ControllerRequest;
import dev.meridian.node.controller.ItemResult;
import dev.meridian.node.controller.TopicConfigUpdate;
import dev.meridian.node.metadata.MetadataImage;
import dev.meridian.node.metadata.TopicImage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a link's mirror topics shaped like their source topics, run by the target region's
 * controller node: creates missing mirror topics with the source's partition count and followed
 * configs, adds the partitions the source added, and sets and removes followed configs as the
 * source changes them. A target topic of the same name that is not this link's mirror is left alone
 * (and reported).
 *
 * <p>For an active-active link the target topics are ordinary topics: a missing one is created
 * (ordinary, with the source's partition count and followed configs) and grows with the source, but
 * its configs are the target region's own after that — two regions that both follow each other
 * would otherwise undo each other's changes. A mirror topic of the same name is a conflict.
 */
final class TopicSync {
  private static final Logger LOG = LoggerFactory.getLogger(TopicSync.class);

  private final LinkConfig link;
  private final LinkHost host;
  private final Set<String> reportedConflicts = new HashSet<>();
  private final Set<String> reportedKeys = new HashSet<>();
  private volatile List<String> conflicts = List.of();

  TopicSync(LinkConfig link, LinkHost host) {
    this.link = link;
    this.host = host;
  }

  /** Target topics of the same name as a selected source topic that are not this link's. */
  List<String> conflicts() {
    return conflicts;
  }

  /**
   * Brings the mirror topics in line with {@code source} and its followed {@code configs}; blocking
   * (waits for the controller).
   */
  void sync(SourceCluster.Snapshot source, Map<String, Map<String, String>> configs)
      throws Exception {
    MetadataImage image = host.image();
    List<ControllerRequest.NewTopic> create = new ArrayList<>();
    List<ControllerRequest.NewPartitions> grow = new ArrayList<>();
    List<ControllerRequest.TopicConfigOps> alter = new ArrayList<>();
    List<String> conflicting = new ArrayList<>();
    for (SourceCluster.Topic t : source.topics().values()) {
      Map<String, String> wanted = followed(t.name(), configs.getOrDefault(t.name(), Map.of()));
      TopicImage target = image.topic(t.name()).orElse(null);
      if (target == null) {
        create.add(
            new ControllerRequest.NewTopic(
                t.name(),
                t.partitions(),
                (short) -1,
                List.of(),
                wanted,
                link.activeActive() ? null : link.name()));
        continue;
      }
      if (link.activeActive() ? target.isMirror() : !link.name().equals(target.mirrorLink())) {
        conflicting.add(t.name());
        if (reportedConflicts.add(t.name())) {
          LOG.warn(
              "link {}: topic {} exists in region {} and is {}; it is not copied",
              link.name(),
              t.name(),
              link.target(),
              link.activeActive()
                  ? "a mirror topic of link " + target.mirrorLink()
                  : "not a mirror of this link");
        }
        continue;
      }
      if (target.partitionCount() < t.partitions()) {
        grow.add(new ControllerRequest.NewPartitions(t.name(), t.partitions(), List.of()));
      }
      if (link.activeActive()) {
        continue;
      }
      List<TopicConfigUpdate.Op> ops = new ArrayList<>();
      for (String key : link.followConfigs()) {
        String have = target.configs().get(key);
        String want = wanted.get(key);
        if (want != null && !want.equals(have)) {
          ops.add(new TopicConfigUpdate.Op(key, TopicConfigUpdate.OpType.SET, want));
        } else if (want == null && have != null) {
          ops.add(new TopicConfigUpdate.Op(key, TopicConfigUpdate.OpType.DELETE, null));
        }
      }
      if (!ops.isEmpty()) {
        alter.add(new ControllerRequest.TopicConfigOps(t.name(), ops));
      }
    }
    conflicts = List.copyOf(conflicting);
    if (!create.isEmpty()) {
      report("create", host.submit(new ControllerRequest.CreateTopics(create, false, false)));
    }
    if (!grow.isEmpty()) {
      report("add partitions to", host.submit(new ControllerRequest.CreatePartitions(grow, false)));
    }
    if (!alter.isEmpty()) {
      report("reconfigure", host.submit(new ControllerRequest.AlterConfigs(alter, false)));
    }
  }

  /** The followed configs of a source topic that this region knows and accepts. */
  private Map<String, String> followed(String topic, Map<String, String> source) {
    Map<String, String> out = new TreeMap<>();
    for (Map.Entry<String, String> e : source.entrySet()) {
      String problem = host.topicConfigs().validate(e.getKey(), e.getValue());
      if (problem == null) {
        out.put(e.getKey(), e.getValue());
      } else if (reportedKeys.add(topic + "/" + e.getKey())) {
        LOG.warn(
            "link {}: topic {}: source config {}={} is not followed: {}",
            link.name(),
            topic,
            e.getKey(),
            e.getValue(),
            problem);
      }
    }
    return out;
  }

  private void report(String what, java.util.concurrent.CompletableFuture<List<ItemResult>> f)
      throws Exception {
    for (ItemResult r : f.get(30, TimeUnit.SECONDS)) {
      if (r.ok()) {
        LOG.info("link {}: {} topic {}: done", link.name(), what, r.name());
      } else {
        LOG.warn(
            "link {}: cannot {} topic {}: {} {}",
            link.name(),
            what,
            r.name(),
            r.error(),
            r.message());
      }
    }
  }
}
