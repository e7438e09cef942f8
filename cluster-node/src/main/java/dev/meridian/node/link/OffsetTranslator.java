package dev.meridian.node.link;

import dev.meridian.config.LinkConfig;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * Translates a consumer group's position in the source region of an active-active link into the
 * target region, from the offset maps: this link's (in the target's {@link OffsetMapTopic}) and,
 * when the target also copies back into the source, that reverse link's (in the source's map
 * topic).
 *
 * <p>A group at source offset {@code c} has read the source's records before {@code c}: those that
 * came from the source side, and those the reverse link had copied there from the target. In the
 * target the first record it has not read is the earlier of: the copy of the first source-side
 * record at or after {@code c} (this link's map), and the first target record whose copy in the
 * source is at or after {@code c} (the reverse map). Starting there loses nothing; it repeats
 * nothing when the two regions hold their records in the same order up to there (one region writing
 * at a time, or a group that is caught up), and otherwise at most the records the regions ordered
 * differently. Records of a third region (rings, meshes) are not looked at.
 */
final class OffsetTranslator implements AutoCloseable {

  /** A translated position: the parts it came from and the result (-1: unknown). */
  record Translation(long source, long viaLink, long viaReverse, long target) {}

  private final LinkConfig link;
  private final OffsetMapTopic.Reader local;
  private final String reverseName;
  private final OffsetMapTopic.Reader reverse;

  /**
   * @param reverseLink the active-active link from the target back into the source, or null
   */
  OffsetTranslator(
      LinkConfig link, String localBootstrap, String sourceBootstrap, LinkConfig reverseLink) {
    this.link = link;
    this.local =
        new OffsetMapTopic.Reader(
            "meridian-link-" + link.name() + "-map", localBootstrap, Map.of());
    this.reverseName = reverseLink == null ? null : reverseLink.name();
    this.reverse =
        reverseLink == null
            ? null
            : new OffsetMapTopic.Reader(
                "meridian-link-" + link.name() + "-reverse-map",
                sourceBootstrap,
                link.source().properties());
  }

  /** This link's map of a source partition (as read so far). */
  OffsetMap map(TopicPartition tp) {
    return local.map(link.name(), tp);
  }

  /**
   * Where a group at source offset {@code offset} of {@code tp} goes on in the target; target -1
   * until the maps have been read up to where they ended when this translator started.
   */
  Translation translate(TopicPartition tp, long offset) {
    if (!local.loaded() || (reverse != null && !reverse.loaded())) {
      return new Translation(offset, -1, -1, -1);
    }
    long viaLink = local.map(link.name(), tp).toTarget(offset);
    long viaReverse = -1;
    if (reverse != null) {
      OffsetMap back = reverse.map(reverseName, tp);
      viaReverse = back.processed() < 0 && back.isEmpty() ? 0 : back.toSource(offset);
    }
    long target;
    if (viaLink < 0) {
      target = viaReverse;
    } else if (viaReverse < 0) {
      target = viaLink;
    } else {
      target = Math.min(viaLink, viaReverse);
    }
    return new Translation(offset, viaLink, viaReverse, target);
  }

  @Override
  public void close() {
    local.close();
    if (reverse != null) {
      reverse.close();
    }
  }
}
