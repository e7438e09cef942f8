package dev.meridian.config;

import java.util.Map;
import java.util.TreeMap;

/**
 * Where a link reads: a region of this file ({@code region}), or any Kafka cluster by its bootstrap
 * servers ({@code bootstrap}, with Kafka client {@code properties} such as {@code
 * security.protocol}). Exactly one of {@code region} and {@code bootstrap} is set.
 *
 * <p>YAML keys: {@code region} (a region name of this file), {@code bootstrap} ({@code
 * host:port,host:port,...}), {@code properties} (a mapping of strings; only with {@code
 * bootstrap}).
 *
 * @param region the source region's name, or {@code null}
 * @param bootstrap the bootstrap servers of a Kafka cluster, or {@code null}
 * @param properties client settings for a Kafka cluster (copied; {@code null} is empty)
 */
public record LinkSource(String region, String bootstrap, Map<String, String> properties) {

  /** Copies the properties in key order; {@code null} becomes empty. */
  public LinkSource {
    properties =
        properties == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new TreeMap<>(properties));
  }

  /** A region of the same file. */
  public static LinkSource region(String name) {
    return new LinkSource(name, null, null);
  }

  /** A Kafka cluster by its bootstrap servers. */
  public static LinkSource bootstrap(String servers, Map<String, String> properties) {
    return new LinkSource(null, servers, properties);
  }

  /** Whether the source is a region of the same file. */
  public boolean isRegion() {
    return region != null;
  }

  /** How the source is shown in messages: the region name or the bootstrap servers. */
  public String describe() {
    return region != null ? "region " + region : "Kafka cluster " + bootstrap;
  }
}
