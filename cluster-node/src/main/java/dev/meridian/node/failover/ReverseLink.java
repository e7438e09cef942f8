package dev.meridian.node.failover;

import dev.meridian.config.ConfigLoader;
import dev.meridian.config.LinkConfig;
import dev.meridian.config.LinkSource;
import dev.meridian.config.NameFilter;
import dev.meridian.failover.FailoverOutcome;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the reverse of a failed-over link in its old source region: the link that copies the
 * promoted topics from this region back into the old source, which from then on holds them as
 * read-only mirror topics at the same offsets. The reverse link is the old source's link paired
 * with this one ({@code reverseOf}, either way round: after a failover back, the original link
 * resumes), or else a new link {@code <name>-reverse} created at run time. The old source's topics,
 * fenced by the failover, are adopted as its mirror topics first, so that nothing writes them once
 * the fence is gone. Idempotent: a repeated start finds the topics adopted and the link there.
 */
final class ReverseLink {
  private static final Logger LOG = LoggerFactory.getLogger(ReverseLink.class);

  private final SourceControlPlane source;

  ReverseLink(SourceControlPlane source) {
    this.source = source;
  }

  /** The name of a link's reverse made at run time. */
  static String reverseName(String link) {
    return link + "-reverse";
  }

  /** A filter selecting exactly {@code topics}. */
  static NameFilter exactly(List<String> topics) {
    List<String> include = new ArrayList<>();
    for (String t : topics) {
      include.add(t.replace(".", "\\."));
    }
    return new NameFilter(include, List.of());
  }

  /** Starts the reverse of {@code link} for its promoted {@code topics}. Blocking. */
  FailoverOutcome start(LinkConfig link, List<String> topics) throws Exception {
    if (topics.isEmpty()) {
      return new FailoverOutcome.Done();
    }
    SourceControlPlane.Answer listed = source.send(link, "GET", "/v1/links", null);
    if (listed.status() != 200) {
      return new FailoverOutcome.Failed(
          "the old source's links: " + listed.status() + " " + listed.body(), true);
    }
    String name = null;
    for (Object o : new JsonArray(listed.body())) {
      JsonObject l = (JsonObject) o;
      if (l.getString("name").equals(link.reverseOf())
          || link.name().equals(l.getString("reverseOf"))) {
        name = l.getString("name");
      }
    }
    boolean create = name == null;
    if (create) {
      name = reverseName(link.name());
    }
    SourceControlPlane.Answer adopted =
        source.send(
            link,
            "POST",
            "/v1/adoptions",
            new JsonObject()
                .put("link", name)
                .put("topics", new JsonArray(new ArrayList<>(topics)))
                .encode());
    if (adopted.status() != 200) {
      return new FailoverOutcome.Failed(
          "the old source did not adopt " + topics + ": " + adopted.status() + " " + adopted.body(),
          false);
    }
    if (create) {
      LinkConfig reverse =
          link.reversed(
              name, LinkSource.region(link.target()), link.source().region(), exactly(topics));
      SourceControlPlane.Answer made =
          source.send(link, "POST", "/v1/links", ConfigLoader.linkToJson(reverse));
      if (made.status() != 201 && made.status() != 409) { // 409: made by an earlier attempt
        return new FailoverOutcome.Failed(
            "the old source did not create link " + name + ": " + made.status() + " " + made.body(),
            false);
      }
    }
    SourceControlPlane.Answer resumed =
        source.send(link, "POST", "/v1/links/" + name + "/resume", null);
    if (resumed.status() != 200) {
      return new FailoverOutcome.Failed(
          "the old source did not resume link "
              + name
              + ": "
              + resumed.status()
              + " "
              + resumed.body(),
          true);
    }
    LOG.warn(
        "link {}: the reverse link {} runs in region {} (topics {})",
        link.name(),
        name,
        link.source().region(),
        topics);
    return new FailoverOutcome.Done();
  }
}
