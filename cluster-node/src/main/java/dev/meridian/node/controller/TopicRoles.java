package dev.meridian.node.controller;

import dev.meridian.node.controller.ClusterController.Decision;
import dev.meridian.node.metadata.MetadataImage;
import dev.meridian.node.metadata.MetadataRecord;
import dev.meridian.node.metadata.PartitionState;
import dev.meridian.node.metadata.TopicImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's decisions on what a topic is to the region's links: promotion of a link's mirror
 * topics to writable topics ({@link ControllerRequest.PromoteMirrorTopics}), fences on writes
 * ({@link ControllerRequest.FenceTopics}), and adoption of fenced topics as a link's mirror topics
 * ({@link ControllerRequest.AdoptTopics}, the old source's side of a reverse link). Promotion and
 * adoption raise the partitions' leader epochs, so whatever wrote them before is fenced.
 */
final class TopicRoles {
  private static final Logger LOG = LoggerFactory.getLogger(TopicRoles.class);

  private TopicRoles() {}

  /**
   * Every mirror topic of the link becomes writable; its partitions' leader epochs rise by one
   * (their leaders stay). Idempotent: a second promotion finds nothing to promote.
   */
  static Decision promote(MetadataImage image, ControllerRequest.PromoteMirrorTopics p) {
    List<MetadataRecord> records = new ArrayList<>();
    List<ItemResult> results = new ArrayList<>();
    for (TopicImage t : image.topics().values()) {
      if (!p.link().equals(t.mirrorLink())) {
        continue;
      }
      records.add(new MetadataRecord.TopicRole(t.id(), null, t.fencedBy()));
      bumpEpochs(t, records);
      results.add(ok(t));
    }
    if (!records.isEmpty()) {
      LOG.warn(
          "link {}: {} mirror topic(s) promoted to writable topics (failover)",
          p.link(),
          results.size());
    }
    return new Decision(records, results);
  }

  /** Fences (or unfences) writes to topics; unknown topics fail alone. */
  static Decision fence(MetadataImage image, ControllerRequest.FenceTopics f) {
    List<MetadataRecord> records = new ArrayList<>();
    List<ItemResult> results = new ArrayList<>();
    for (String name : f.topics()) {
      TopicImage t = image.topic(name).orElse(null);
      if (t == null) {
        results.add(unknown(name));
        continue;
      }
      if (!Objects.equals(t.fencedBy(), f.by())) {
        records.add(new MetadataRecord.TopicRole(t.id(), t.mirrorLink(), f.by()));
      }
      results.add(ok(t));
    }
    return new Decision(records, results);
  }

  /**
   * Each topic becomes a mirror topic of the link, its fence lifted (a mirror topic refuses
   * produces by itself) and its leader epochs raised. Only a fenced topic may: a writable one may
   * have producers whose records the link would truncate. Idempotent: the link's mirror topics
   * already are. Each topic is decided alone.
   */
  static Decision adopt(MetadataImage image, ControllerRequest.AdoptTopics a) {
    List<MetadataRecord> records = new ArrayList<>();
    List<ItemResult> results = new ArrayList<>();
    for (String name : a.topics()) {
      TopicImage t = image.topic(name).orElse(null);
      if (t == null) {
        results.add(unknown(name));
      } else if (a.link().equals(t.mirrorLink())) {
        results.add(ok(t));
      } else if (t.mirrorLink() != null) {
        results.add(
            ItemResult.failed(
                name,
                t.id(),
                Errors.INVALID_REQUEST,
                "topic " + name + " is a mirror topic of link " + t.mirrorLink()));
      } else if (t.fencedBy() == null) {
        results.add(
            ItemResult.failed(
                name,
                t.id(),
                Errors.INVALID_REQUEST,
                "topic "
                    + name
                    + " is writable: fence it first (POST /v1/fences), so that no record a"
                    + " producer was told is written is lost when the mirror takes over"));
      } else {
        records.add(new MetadataRecord.TopicRole(t.id(), a.link(), null));
        bumpEpochs(t, records);
        results.add(ok(t));
        LOG.warn(
            "topic {} (fenced by {}) becomes a mirror topic of link {}",
            name,
            t.fencedBy(),
            a.link());
      }
    }
    return new Decision(records, results);
  }

  private static void bumpEpochs(TopicImage t, List<MetadataRecord> records) {
    for (int i = 0; i < t.partitionCount(); i++) {
      PartitionState s = t.partitions().get(i);
      records.add(
          new MetadataRecord.Partition(
              t.id(),
              i,
              new PartitionState(
                  s.replicas(),
                  s.isr(),
                  s.leader(),
                  s.leaderEpoch() + 1,
                  s.partitionEpoch() + 1,
                  s.adding(),
                  s.removing())));
    }
  }

  private static ItemResult unknown(String name) {
    return ItemResult.failed(
        name, Uuid.ZERO_UUID, Errors.UNKNOWN_TOPIC_OR_PARTITION, "no topic " + name);
  }

  private static ItemResult ok(TopicImage t) {
    return ItemResult.topic(
        t.name(),
        t.id(),
        t.partitionCount(),
        (short) (t.partitionCount() == 0 ? 0 : t.partitions().get(0).replicas().size()),
        t.configs());
  }
}
