package dev.meridian.node.quorum;

import dev.meridian.node.metadata.MetadataCodec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * JSON forms of {@link QuorumMessage}s, as they travel between nodes: an object with a {@code type}
 * ({@code promise}, {@code promiseReply}, {@code fetchLog}, {@code fetchLogReply}, {@code append},
 * {@code installSnapshot}, {@code appendReply}) and the record's fields; entries as {@code
 * {"v":..,"e":..,"r":[records]}}, snapshots as {@code {"epoch":..,"image":{...}}}. Decoding throws
 * {@link IllegalArgumentException} for anything malformed.
 */
public final class QuorumCodec {
  private QuorumCodec() {}

  /** The JSON form of a message. */
  public static JsonObject toJson(QuorumMessage m) {
    JsonObject j = new JsonObject().put("epoch", m.epoch());
    if (m instanceof QuorumMessage.Promise p) {
      return j.put("type", "promise").put("candidate", p.candidate());
    } else if (m instanceof QuorumMessage.PromiseReply r) {
      return j.put("type", "promiseReply")
          .put("granted", r.granted())
          .put("promisedEpoch", r.promisedEpoch())
          .put("lastVersion", r.lastVersion())
          .put("lastEpoch", r.lastEpoch())
          .put("commitVersion", r.commitVersion());
    } else if (m instanceof QuorumMessage.FetchLog f) {
      return j.put("type", "fetchLog").put("fromVersion", f.fromVersion());
    } else if (m instanceof QuorumMessage.FetchLogReply r) {
      return j.put("type", "fetchLogReply")
          .put("fromVersion", r.fromVersion())
          .put("snapshot", r.snapshot() == null ? null : snapshot(r.snapshot()))
          .put("entries", entries(r.entries()));
    } else if (m instanceof QuorumMessage.Append a) {
      return j.put("type", "append")
          .put("leader", a.leader())
          .put("prevVersion", a.prevVersion())
          .put("prevEpoch", a.prevEpoch())
          .put("entries", entries(a.entries()))
          .put("commitVersion", a.commitVersion());
    } else if (m instanceof QuorumMessage.InstallSnapshot s) {
      return j.put("type", "installSnapshot")
          .put("leader", s.leader())
          .put("snapshot", snapshot(s.snapshot()))
          .put("commitVersion", s.commitVersion());
    } else if (m instanceof QuorumMessage.AppendReply r) {
      return j.put("type", "appendReply")
          .put("ok", r.ok())
          .put("promisedEpoch", r.promisedEpoch())
          .put("matchVersion", r.matchVersion())
          .put("commitVersion", r.commitVersion());
    }
    throw new IllegalArgumentException("unknown quorum message " + m);
  }

  /** The message of a JSON form. */
  public static QuorumMessage fromJson(JsonObject j) {
    try {
      long epoch = j.getLong("epoch");
      String type = j.getString("type");
      if (type == null) {
        throw new IllegalArgumentException("quorum message without a type");
      }
      return switch (type) {
        case "promise" -> new QuorumMessage.Promise(epoch, j.getInteger("candidate"));
        case "promiseReply" ->
            new QuorumMessage.PromiseReply(
                epoch,
                j.getBoolean("granted"),
                j.getLong("promisedEpoch"),
                j.getLong("lastVersion"),
                j.getLong("lastEpoch"),
                j.getLong("commitVersion"));
        case "fetchLog" -> new QuorumMessage.FetchLog(epoch, j.getLong("fromVersion"));
        case "fetchLogReply" ->
            new QuorumMessage.FetchLogReply(
                epoch,
                j.getLong("fromVersion"),
                j.getJsonObject("snapshot") == null
                    ? null
                    : snapshotFromJson(j.getJsonObject("snapshot")),
                entriesFromJson(j.getJsonArray("entries")));
        case "append" ->
            new QuorumMessage.Append(
                epoch,
                j.getInteger("leader"),
                j.getLong("prevVersion"),
                j.getLong("prevEpoch"),
                entriesFromJson(j.getJsonArray("entries")),
                j.getLong("commitVersion"));
        case "installSnapshot" ->
            new QuorumMessage.InstallSnapshot(
                epoch,
                j.getInteger("leader"),
                snapshotFromJson(j.getJsonObject("snapshot")),
                j.getLong("commitVersion"));
        case "appendReply" ->
            new QuorumMessage.AppendReply(
                epoch,
                j.getBoolean("ok"),
                j.getLong("promisedEpoch"),
                j.getLong("matchVersion"),
                j.getLong("commitVersion"));
        default -> throw new IllegalArgumentException("unknown quorum message type " + type);
      };
    } catch (ClassCastException | NullPointerException e) {
      throw new IllegalArgumentException("malformed quorum message", e);
    }
  }

  /** The JSON form of a log entry. */
  public static JsonObject entry(LogEntry e) {
    return new JsonObject()
        .put("v", e.version())
        .put("e", e.epoch())
        .put("r", MetadataCodec.toJson(e.records()));
  }

  /** The log entry of a JSON form. */
  public static LogEntry entryFromJson(JsonObject j) {
    return new LogEntry(
        j.getLong("v"), j.getLong("e"), MetadataCodec.recordsFromJson(j.getJsonArray("r")));
  }

  private static JsonArray entries(List<LogEntry> entries) {
    JsonArray a = new JsonArray();
    entries.forEach(e -> a.add(entry(e)));
    return a;
  }

  private static List<LogEntry> entriesFromJson(JsonArray a) {
    List<LogEntry> out = new ArrayList<>(a.size());
    for (int i = 0; i < a.size(); i++) {
      out.add(entryFromJson(a.getJsonObject(i)));
    }
    return out;
  }

  /** The JSON form of a snapshot. */
  public static JsonObject snapshot(Snapshot s) {
    return new JsonObject().put("epoch", s.epoch()).put("image", MetadataCodec.toJson(s.image()));
  }

  /** The snapshot of a JSON form. */
  public static Snapshot snapshotFromJson(JsonObject j) {
    return new Snapshot(j.getLong("epoch"), MetadataCodec.imageFromJson(j.getJsonObject("image")));
  }
}
