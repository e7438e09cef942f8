package dev.meridian.node;

import dev.meridian.config.RegionConfig;
import dev.meridian.node.metadata.MetadataRecord;
import dev.meridian.node.metadata.PartitionState;
import dev.meridian.node.quorum.LogEntry;
import dev.meridian.node.quorum.QuorumStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries the metadata of a node that ran before regions were clusters ({@code
 * logs/__meta/topics.json}, {@code producer-id-block}, {@code cluster.id}) into the region's
 * metadata log, once: as the first entry of a fresh log, with every topic led by this node at epoch
 * 0 and producer ids continuing above the ones handed out. Only a region of one node can be carried
 * over (that is what such nodes were); in a larger region the old files are left alone with a
 * warning, and the partition logs they described are set aside as strays, never deleted. The old
 * directory is renamed {@code __meta.imported} afterwards.
 */
final class LegacyMetadataImport {
  private static final Logger LOG = LoggerFactory.getLogger(LegacyMetadataImport.class);

  private LegacyMetadataImport() {}

  /** Imports when {@code store} is fresh and {@code logDir/__meta/topics.json} exists. */
  static void maybeImport(QuorumStore store, Path logDir, RegionConfig region, int nodeId)
      throws IOException {
    Path meta = logDir.resolve("__meta");
    Path topicsFile = meta.resolve("topics.json");
    if (!Files.exists(topicsFile) || store.lastVersion() > 0 || store.promisedEpoch() > 0) {
      return;
    }
    if (region.nodes().size() != 1) {
      LOG.warn(
          "{} holds the metadata of a node from before region clusters; region {} has {} nodes, so"
              + " it is not imported (its partition logs are kept aside as strays)",
          meta,
          region.name(),
          region.nodes().size());
      return;
    }
    JsonObject json = new JsonObject(Files.readString(topicsFile, StandardCharsets.UTF_8));
    List<MetadataRecord> records = new ArrayList<>();
    Path clusterIdFile = meta.resolve("cluster.id");
    String clusterId =
        Files.exists(clusterIdFile)
            ? Files.readString(clusterIdFile, StandardCharsets.UTF_8).trim()
            : Uuid.randomUuid().toString();
    records.add(new MetadataRecord.ClusterId(clusterId));
    int topics = 0;
    for (Object o : json.getJsonArray("topics", new JsonArray())) {
      JsonObject t = (JsonObject) o;
      Uuid id = Uuid.fromString(t.getString("id"));
      Map<String, String> configs = new TreeMap<>();
      t.getJsonObject("configs", new JsonObject())
          .forEach(e -> configs.put(e.getKey(), String.valueOf(e.getValue())));
      records.add(new MetadataRecord.Topic(t.getString("name"), id, configs));
      for (int p = 0; p < t.getInteger("partitions"); p++) {
        records.add(
            new MetadataRecord.Partition(
                id, p, new PartitionState(List.of(nodeId), List.of(nodeId), nodeId, 0, 0)));
      }
      topics++;
    }
    Path pidFile = meta.resolve("producer-id-block");
    if (Files.exists(pidFile)) {
      long used = Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).trim());
      if (used > 0) {
        records.add(
            new MetadataRecord.ProducerIds(nodeId, 0, (int) Math.min(used, Integer.MAX_VALUE)));
      }
    }
    store.append(List.of(new LogEntry(1, 0, records)));
    store.commit(1);
    Files.move(meta, logDir.resolve("__meta.imported"));
    LOG.info(
        "imported the metadata of this node from before region clusters: {} topics, cluster id {}",
        topics,
        clusterId);
  }
}
