package dev.meridian.node.cluster;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;

/**
 * The node's topic metadata: names, ids, partition counts and config overrides, as one versioned
 * image persisted to {@code <dataDir>/__meta/topics.json} (written to a temporary file, fsynced,
 * renamed) on every change, so it survives restarts.
 *
 * <p>Single-node today; the region cluster replaces the persistence with a replicated image.
 * Thread-safe: mutations are synchronized, readers get immutable snapshots.
 */
public final class TopicStore {
  private final Path file;
  private volatile Map<String, TopicMetadata> topics = Map.of();
  private volatile long version;

  private TopicStore(Path file) {
    this.file = file;
  }

  /** Loads the image from {@code dataDir}, or starts empty. */
  public static TopicStore open(Path dataDir) throws IOException {
    Path dir = dataDir.resolve("__meta");
    Files.createDirectories(dir);
    TopicStore store = new TopicStore(dir.resolve("topics.json"));
    if (Files.exists(store.file)) {
      JsonObject json = new JsonObject(Files.readString(store.file, StandardCharsets.UTF_8));
      store.version = json.getLong("version", 0L);
      Map<String, TopicMetadata> loaded = new TreeMap<>();
      for (Object o : json.getJsonArray("topics", new JsonArray())) {
        JsonObject t = (JsonObject) o;
        Map<String, String> configs = new TreeMap<>();
        t.getJsonObject("configs", new JsonObject())
            .forEach(e -> configs.put(e.getKey(), String.valueOf(e.getValue())));
        TopicMetadata m =
            new TopicMetadata(
                t.getString("name"),
                Uuid.fromString(t.getString("id")),
                t.getInteger("partitions"),
                configs);
        loaded.put(m.name(), m);
      }
      store.topics = Map.copyOf(loaded);
    }
    return store;
  }

  public Map<String, TopicMetadata> topics() {
    return topics;
  }

  public Optional<TopicMetadata> topic(String name) {
    return Optional.ofNullable(topics.get(name));
  }

  public long version() {
    return version;
  }

  /**
   * Adds a topic with a fresh id.
   *
   * @throws IllegalStateException when it already exists
   */
  public synchronized TopicMetadata create(String name, int partitions, Map<String, String> configs)
      throws IOException {
    if (topics.containsKey(name)) {
      throw new IllegalStateException("topic '" + name + "' already exists");
    }
    TopicMetadata m = new TopicMetadata(name, Uuid.randomUuid(), partitions, configs);
    put(m);
    return m;
  }

  /** Replaces a topic's entry (partition count or configs changed). */
  public synchronized void update(TopicMetadata m) throws IOException {
    if (!topics.containsKey(m.name())) {
      throw new IllegalStateException("topic '" + m.name() + "' does not exist");
    }
    put(m);
  }

  /** Removes a topic; returns it, or empty when unknown. */
  public synchronized Optional<TopicMetadata> delete(String name) throws IOException {
    TopicMetadata m = topics.get(name);
    if (m == null) {
      return Optional.empty();
    }
    Map<String, TopicMetadata> next = new LinkedHashMap<>(topics);
    next.remove(name);
    save(next);
    return Optional.of(m);
  }

  private void put(TopicMetadata m) throws IOException {
    Map<String, TopicMetadata> next = new LinkedHashMap<>(topics);
    next.put(m.name(), m);
    save(next);
  }

  private void save(Map<String, TopicMetadata> next) throws IOException {
    JsonArray arr = new JsonArray();
    for (TopicMetadata t : new TreeMap<>(next).values()) {
      JsonObject configs = new JsonObject();
      new TreeMap<>(t.configs()).forEach(configs::put);
      arr.add(
          new JsonObject()
              .put("name", t.name())
              .put("id", t.id().toString())
              .put("partitions", t.partitions())
              .put("configs", configs));
    }
    long nextVersion = version + 1;
    String text = new JsonObject().put("version", nextVersion).put("topics", arr).encodePrettily();
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    topics = Map.copyOf(next);
    version = nextVersion;
  }
}
