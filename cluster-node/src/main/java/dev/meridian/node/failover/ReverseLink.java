package dev.meridian.node.failover;

import dev.meridian.config.ConfigLoader;
import dev.meridian.config.LinkConfig;
import dev.meridian.config.LinkSource;
import dev.meridian.config.NameFilter;
import dev.meridian.failover.FailoverOutcome;
import dev.meridian.node.link.Quarantine;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
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

  /**
   * The name of {@code link}'s reverse in the old source region, if that region has it.
   *
   * @throws IOException when the old source's control plane does not answer
   */
  Optional<String> find(LinkConfig link) throws IOException, InterruptedException {
    SourceControlPlane.Answer listed = source.send(link, "GET", "/v1/links", null);
    if (listed.status() != 200) {
      throw new IOException("the old source's links: " + listed.status() + " " + listed.body());
    }
    String name = null;
    for (Object o : new JsonArray(listed.body())) {
      JsonObject l = (JsonObject) o;
      if (l.getString("name").equals(link.reverseOf())
          || link.name().equals(l.getString("reverseOf"))) {
        name = l.getString("name");
      }
    }
    return Optional.ofNullable(name);
  }

  /** Starts the reverse of {@code link} for its promoted {@code topics}. Blocking. */
  FailoverOutcome start(LinkConfig link, List<String> topics) throws Exception {
    if (topics.isEmpty()) {
      return new FailoverOutcome.Done();
    }
    String name = find(link).orElse(null);
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

  /**
   * How far the reverse link of {@code link} is behind on the {@code promoted} partitions (-1 until
   * it reports each with a known source end), and what the old source keeps in quarantine for them
   * ({@code bootstrap}: the old source's Kafka listeners).
   */
  FailoverOutcome lag(LinkConfig link, Set<String> promoted, String bootstrap) throws Exception {
    String name = find(link).orElse(null);
    if (name == null) {
      return new FailoverOutcome.Failed(
          "the old source has no reverse link of " + link.name(), true);
    }
    SourceControlPlane.Answer status = source.send(link, "GET", "/v1/links/" + name, null);
    if (status.status() != 200) {
      return new FailoverOutcome.Failed(
          "link " + name + ": " + status.status() + " " + status.body(), true);
    }
    long lag = 0;
    Set<String> reported = new TreeSet<>();
    for (Object o : status.json().getJsonArray("partitions", new JsonArray())) {
      JsonObject p = (JsonObject) o;
      String tp = p.getString("topic") + "-" + p.getInteger("partition");
      long sourceEnd = p.getLong("sourceHighWatermark", -1L);
      if (promoted.contains(tp) && sourceEnd >= 0) {
        reported.add(tp);
        lag += Math.max(0, sourceEnd - p.getLong("highWatermark", 0L));
      }
    }
    return new FailoverOutcome.ReverseLag(
        reported.equals(promoted) ? lag : -1,
        quarantined(promoted, link.source().region(), bootstrap));
  }

  /** Records in the quarantine topics of {@code partitions} in {@code region}, per partition. */
  private static Map<String, Long> quarantined(
      Set<String> partitions, String region, String bootstrap) throws Exception {
    Map<String, Long> out = new TreeMap<>();
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "meridian-failback");
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "8000");
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    try (Admin admin = Admin.create(props)) {
      Set<String> topics = admin.listTopics().names().get(10, TimeUnit.SECONDS);
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
      Map<TopicPartition, String> of = new HashMap<>();
      for (String tp : partitions) {
        int i = tp.lastIndexOf('-');
        String q = Quarantine.topicOf(tp.substring(0, i), region);
        if (topics.contains(q)) {
          TopicPartition qp = new TopicPartition(q, Integer.parseInt(tp.substring(i + 1)));
          latest.put(qp, OffsetSpec.latest());
          earliest.put(qp, OffsetSpec.earliest());
          of.put(qp, tp);
        } else {
          out.put(tp, 0L);
        }
      }
      if (!latest.isEmpty()) {
        var ends = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
        var starts = admin.listOffsets(earliest).all().get(10, TimeUnit.SECONDS);
        of.forEach((qp, tp) -> out.put(tp, ends.get(qp).offset() - starts.get(qp).offset()));
      }
    }
    return out;
  }
}
