package dev.meridian.node.link;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * The provenance headers an active-active link puts on every record it copies, and the rule that
 * stops loops. A record produced in a region has none; copied, it carries:
 *
 * <ul>
 *   <li>{@value #ORIGIN}: the region it was produced in;
 *   <li>{@value #PATH}: the regions that hold it, comma-separated, origin first ({@code
 *       east,west,north} was produced in east and copied into west, then into north);
 *   <li>{@value #SOURCE_OFFSET}: its offset (decimal) in the region it was copied from, the last
 *       but one of the path (how a link finds where it stopped, from the target's own log).
 * </ul>
 *
 * A link from S into T copies a record only if T is not on its path and, by {@link Routes}, S is
 * the region T takes that origin's records from. Every other header is kept as it was.
 */
final class Provenance {
  static final String ORIGIN = "meridian.origin";
  static final String PATH = "meridian.path";
  static final String SOURCE_OFFSET = "meridian.source.offset";

  private Provenance() {}

  /** The origin and path of a record read in region {@code source}. */
  record Trail(String origin, List<String> path) {
    boolean passed(String region) {
      return path.contains(region);
    }

    /** The path after a copy into {@code target}. */
    String pathInto(String target) {
      return String.join(",", path) + "," + target;
    }
  }

  /** The trail of a record read in region {@code source} (one without headers is native there). */
  static Trail trail(Headers headers, String source) {
    String origin = value(headers, ORIGIN);
    String path = value(headers, PATH);
    if (path == null || path.isEmpty()) {
      return new Trail(origin != null ? origin : source, List.of(origin != null ? origin : source));
    }
    List<String> regions = List.of(path.split(",", -1));
    return new Trail(origin != null ? origin : regions.get(0), regions);
  }

  /** Whether a link from {@code source} into {@code target} copies a record with {@code trail}. */
  static boolean copies(Trail trail, String source, String target, Routes routes) {
    return !trail.passed(target) && routes.delivers(trail.origin(), source, target);
  }

  /**
   * The headers of the copy into {@code target} of a record at {@code sourceOffset}: the record's
   * own headers without provenance, then origin, path and source offset.
   */
  static Header[] copyHeaders(Headers headers, Trail trail, String target, long sourceOffset) {
    List<Header> out = new ArrayList<>();
    for (Header h : headers) {
      if (!h.key().equals(ORIGIN) && !h.key().equals(PATH) && !h.key().equals(SOURCE_OFFSET)) {
        out.add(h);
      }
    }
    out.add(header(ORIGIN, trail.origin()));
    out.add(header(PATH, trail.pathInto(target)));
    out.add(header(SOURCE_OFFSET, Long.toString(sourceOffset)));
    return out.toArray(Header[]::new);
  }

  /**
   * The offset in region {@code source} of a record of the target's log that a link from {@code
   * source} into {@code target} copied, or -1 when it did not come that way.
   */
  static long copiedOffset(Headers headers, String source, String target) {
    String path = value(headers, PATH);
    String offset = value(headers, SOURCE_OFFSET);
    if (path == null || offset == null || !path.endsWith("," + target)) {
      return -1;
    }
    String before = path.substring(0, path.length() - target.length() - 1);
    int comma = before.lastIndexOf(',');
    if (!before.substring(comma + 1).equals(source)) {
      return -1;
    }
    try {
      return Long.parseLong(offset);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static Header header(String key, String value) {
    return new RecordHeader(key, value.getBytes(StandardCharsets.UTF_8));
  }

  private static String value(Headers headers, String key) {
    Header h = headers.lastHeader(key);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
