package dev.meridian.node.metadata;

import dev.meridian.config.ConfigException;
import dev.meridian.config.ConfigLoader;
import dev.meridian.config.LinkConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;

/**
 * JSON forms of metadata records and images, as stored in the metadata log and snapshots and sent
 * between nodes. Every record is an object with a {@code type} field:
 *
 * <pre>
 * {"type":"cluster","clusterId":"..."}
 * {"type":"controller","nodeId":1,"epoch":7}
 * {"type":"node","id":1,"host":"127.0.0.1","kafkaPort":9092,"httpPort":8080,"rack":null,
 *  "incarnation":123,"fenced":false}
 * {"type":"topic","name":"orders","id":"&lt;uuid&gt;","configs":{"retention.ms":"1000"}}
 * {"type":"partition","topicId":"&lt;uuid&gt;","index":0,"replicas":[1,2],"isr":[1],"leader":1,
 *  "leaderEpoch":0,"partitionEpoch":0}
 * {"type":"topicConfigs","topicId":"&lt;uuid&gt;","configs":{...}}
 * {"type":"nodeConfigs","nodeId":1,"configs":{"follower.replication.throttled.rate":"1048576"}}
 * {"type":"removeTopic","topicId":"&lt;uuid&gt;"}
 * {"type":"operation","operation":{...}}   (a failover: {@link OperationCodec})
 * {"type":"producerIds","nodeId":1,"firstId":0,"size":1000}
 * </pre>
 *
 * <p>Decoding throws {@link IllegalArgumentException} for anything else (the metadata log treats it
 * as corruption). Thread-safe (stateless).
 */
public final class MetadataCodec {
  private MetadataCodec() {}

  /** The JSON form of a record. */
  public static JsonObject toJson(MetadataRecord record) {
    if (record instanceof MetadataRecord.ClusterId c) {
      return new JsonObject().put("type", "cluster").put("clusterId", c.clusterId());
    } else if (record instanceof MetadataRecord.Controller c) {
      return new JsonObject()
          .put("type", "controller")
          .put("nodeId", c.nodeId())
          .put("epoch", c.epoch());
    } else if (record instanceof MetadataRecord.Node n) {
      return node(n.registration()).put("type", "node");
    } else if (record instanceof MetadataRecord.Topic t) {
      return new JsonObject()
          .put("type", "topic")
          .put("name", t.name())
          .put("id", t.id().toString())
          .put("configs", configs(t.configs()))
          .put("mirrorLink", t.mirrorLink());
    } else if (record instanceof MetadataRecord.Partition p) {
      return partition(p.state())
          .put("type", "partition")
          .put("topicId", p.topicId().toString())
          .put("index", p.index());
    } else if (record instanceof MetadataRecord.TopicRole r) {
      return new JsonObject()
          .put("type", "topicRole")
          .put("topicId", r.topicId().toString())
          .put("mirrorLink", r.mirrorLink())
          .put("fencedBy", r.fencedBy());
    } else if (record instanceof MetadataRecord.TopicConfigs c) {
      return new JsonObject()
          .put("type", "topicConfigs")
          .put("topicId", c.topicId().toString())
          .put("configs", configs(c.configs()));
    } else if (record instanceof MetadataRecord.NodeConfigs c) {
      return new JsonObject()
          .put("type", "nodeConfigs")
          .put("nodeId", c.nodeId())
          .put("configs", configs(c.configs()));
    } else if (record instanceof MetadataRecord.Link l) {
      return new JsonObject().put("type", "link").put("link", link(l.link()));
    } else if (record instanceof MetadataRecord.RemoveLink r) {
      return new JsonObject().put("type", "removeLink").put("name", r.name());
    } else if (record instanceof MetadataRecord.LinkPaused p) {
      return new JsonObject()
          .put("type", "linkPaused")
          .put("name", p.name())
          .put("paused", p.paused());
    } else if (record instanceof MetadataRecord.Operation o) {
      return new JsonObject()
          .put("type", "operation")
          .put("operation", OperationCodec.toJson(o.operation()));
    } else if (record instanceof MetadataRecord.Audit a) {
      return new JsonObject().put("type", "audit").put("entry", new JsonObject(a.entry()));
    } else if (record instanceof MetadataRecord.Drill d) {
      return new JsonObject()
          .put("type", "drill")
          .put("id", d.id())
          .put("report", new JsonObject(d.report()));
    } else if (record instanceof MetadataRecord.RemoveTopic r) {
      return new JsonObject().put("type", "removeTopic").put("topicId", r.topicId().toString());
    } else if (record instanceof MetadataRecord.ProducerIds p) {
      return new JsonObject()
          .put("type", "producerIds")
          .put("nodeId", p.nodeId())
          .put("firstId", p.firstId())
          .put("size", p.size());
    }
    throw new IllegalArgumentException("unknown record " + record);
  }

  /** The record of a JSON form. */
  public static MetadataRecord recordFromJson(JsonObject json) {
    try {
      String type = required(json, "type");
      return switch (type) {
        case "cluster" -> new MetadataRecord.ClusterId(required(json, "clusterId"));
        case "controller" ->
            new MetadataRecord.Controller(json.getInteger("nodeId"), json.getLong("epoch"));
        case "node" -> new MetadataRecord.Node(nodeFromJson(json));
        case "topic" ->
            new MetadataRecord.Topic(
                required(json, "name"),
                Uuid.fromString(required(json, "id")),
                configsFromJson(json.getJsonObject("configs")),
                json.getString("mirrorLink"));
        case "partition" ->
            new MetadataRecord.Partition(
                Uuid.fromString(required(json, "topicId")),
                json.getInteger("index"),
                partitionFromJson(json));
        case "topicRole" ->
            new MetadataRecord.TopicRole(
                Uuid.fromString(required(json, "topicId")),
                json.getString("mirrorLink"),
                json.getString("fencedBy"));
        case "topicConfigs" ->
            new MetadataRecord.TopicConfigs(
                Uuid.fromString(required(json, "topicId")),
                configsFromJson(json.getJsonObject("configs")));
        case "nodeConfigs" ->
            new MetadataRecord.NodeConfigs(
                json.getInteger("nodeId"), configsFromJson(json.getJsonObject("configs")));
        case "link" -> new MetadataRecord.Link(linkFromJson(json.getJsonObject("link")));
        case "removeLink" -> new MetadataRecord.RemoveLink(required(json, "name"));
        case "linkPaused" ->
            new MetadataRecord.LinkPaused(required(json, "name"), json.getBoolean("paused"));
        case "operation" ->
            new MetadataRecord.Operation(OperationCodec.fromJson(json.getJsonObject("operation")));
        case "audit" -> new MetadataRecord.Audit(json.getJsonObject("entry").encode());
        case "drill" ->
            new MetadataRecord.Drill(required(json, "id"), json.getJsonObject("report").encode());
        case "removeTopic" ->
            new MetadataRecord.RemoveTopic(Uuid.fromString(required(json, "topicId")));
        case "producerIds" ->
            new MetadataRecord.ProducerIds(
                json.getInteger("nodeId"), json.getLong("firstId"), json.getInteger("size"));
        default -> throw new IllegalArgumentException("unknown record type '" + type + "'");
      };
    } catch (ClassCastException | NullPointerException e) {
      throw new IllegalArgumentException("malformed metadata record " + json.encode(), e);
    }
  }

  /** The records of a JSON array. */
  public static List<MetadataRecord> recordsFromJson(JsonArray array) {
    List<MetadataRecord> out = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      out.add(recordFromJson(array.getJsonObject(i)));
    }
    return out;
  }

  /** The JSON array of records. */
  public static JsonArray toJson(List<MetadataRecord> records) {
    JsonArray a = new JsonArray();
    records.forEach(r -> a.add(toJson(r)));
    return a;
  }

  /** The JSON form of a whole image (snapshots). */
  public static JsonObject toJson(MetadataImage image) {
    JsonArray nodes = new JsonArray();
    image.nodes().values().forEach(n -> nodes.add(node(n)));
    JsonArray topics = new JsonArray();
    for (TopicImage t : image.topics().values()) {
      JsonArray parts = new JsonArray();
      t.partitions().forEach(p -> parts.add(partition(p)));
      topics.add(
          new JsonObject()
              .put("name", t.name())
              .put("id", t.id().toString())
              .put("configs", configs(t.configs()))
              .put("partitions", parts)
              .put("mirrorLink", t.mirrorLink())
              .put("fencedBy", t.fencedBy()));
    }
    JsonArray blocks = new JsonArray();
    image
        .producerIdBlocks()
        .values()
        .forEach(
            b ->
                blocks.add(
                    new JsonObject()
                        .put("nodeId", b.nodeId())
                        .put("firstId", b.firstId())
                        .put("size", b.size())));
    JsonObject nodeConfigs = new JsonObject();
    image.nodeConfigs().forEach((id, c) -> nodeConfigs.put(Integer.toString(id), configs(c)));
    JsonArray links = new JsonArray();
    image.links().values().forEach(l -> links.add(link(l)));
    JsonArray operations = new JsonArray();
    image.operations().values().forEach(o -> operations.add(OperationCodec.toJson(o)));
    JsonArray drills = new JsonArray();
    image
        .drills()
        .forEach(
            (id, r) -> drills.add(new JsonObject().put("id", id).put("report", new JsonObject(r))));
    return new JsonObject()
        .put("version", image.version())
        .put("clusterId", image.clusterId())
        .put("controllerId", image.controllerId())
        .put("controllerEpoch", image.controllerEpoch())
        .put("nodes", nodes)
        .put("topics", topics)
        .put("nextProducerId", image.nextProducerId())
        .put("producerIdBlocks", blocks)
        .put("nodeConfigs", nodeConfigs)
        .put("links", links)
        .put("pausedLinks", new JsonArray(new ArrayList<>(image.pausedLinks())))
        .put("operations", operations)
        .put("drills", drills)
        .put("audit", new JsonArray(image.audit().stream().map(JsonObject::new).toList()));
  }

  /** The JSON form of a link (every setting). */
  public static JsonObject link(LinkConfig link) {
    return new JsonObject(ConfigLoader.linkToJson(link));
  }

  /** The link of a JSON form. */
  public static LinkConfig linkFromJson(JsonObject json) {
    try {
      return ConfigLoader.parseLink(json.encode(), "metadata");
    } catch (ConfigException e) {
      throw new IllegalArgumentException("malformed link " + json.encode() + ": " + e.getMessage());
    }
  }

  /** The image of a JSON form written by {@link #toJson(MetadataImage)}. */
  public static MetadataImage imageFromJson(JsonObject json) {
    try {
      List<NodeRegistration> nodes = new ArrayList<>();
      json.getJsonArray("nodes").forEach(o -> nodes.add(nodeFromJson((JsonObject) o)));
      List<TopicImage> topics = new ArrayList<>();
      for (Object o : json.getJsonArray("topics")) {
        JsonObject t = (JsonObject) o;
        List<PartitionState> parts = new ArrayList<>();
        t.getJsonArray("partitions").forEach(p -> parts.add(partitionFromJson((JsonObject) p)));
        topics.add(
            new TopicImage(
                required(t, "name"),
                Uuid.fromString(required(t, "id")),
                configsFromJson(t.getJsonObject("configs")),
                parts,
                t.getString("mirrorLink"),
                t.getString("fencedBy")));
      }
      List<ProducerIdBlock> blocks = new ArrayList<>();
      for (Object o : json.getJsonArray("producerIdBlocks")) {
        JsonObject b = (JsonObject) o;
        blocks.add(
            new ProducerIdBlock(
                b.getInteger("nodeId"), b.getLong("firstId"), b.getInteger("size")));
      }
      Map<Integer, Map<String, String>> nodeConfigs = new TreeMap<>();
      JsonObject nc =
          json.getJsonObject("nodeConfigs", new JsonObject()); // absent in older snapshots
      for (String id : nc.fieldNames()) {
        nodeConfigs.put(Integer.parseInt(id), configsFromJson(nc.getJsonObject(id)));
      }
      List<LinkConfig> links = new ArrayList<>();
      for (Object o : json.getJsonArray("links", new JsonArray())) { // absent in older snapshots
        links.add(linkFromJson((JsonObject) o));
      }
      List<String> paused = new ArrayList<>();
      for (Object o : json.getJsonArray("pausedLinks", new JsonArray())) { // absent in older ones
        paused.add((String) o);
      }
      List<dev.meridian.failover.FailoverOperation> operations = new ArrayList<>();
      for (Object o : json.getJsonArray("operations", new JsonArray())) { // absent in older ones
        operations.add(OperationCodec.fromJson((JsonObject) o));
      }
      Map<String, String> drills = new java.util.LinkedHashMap<>();
      for (Object o : json.getJsonArray("drills", new JsonArray())) { // absent in older ones
        JsonObject d = (JsonObject) o;
        drills.put(required(d, "id"), d.getJsonObject("report").encode());
      }
      List<String> audit = new ArrayList<>();
      for (Object o : json.getJsonArray("audit", new JsonArray())) { // absent in older ones
        audit.add(((JsonObject) o).encode());
      }
      return MetadataImage.of(
          json.getLong("version"),
          json.getString("clusterId"),
          json.getInteger("controllerId"),
          json.getLong("controllerEpoch"),
          nodes,
          topics,
          json.getLong("nextProducerId"),
          blocks,
          nodeConfigs,
          links,
          paused,
          operations,
          drills,
          audit);
    } catch (ClassCastException | NullPointerException | NumberFormatException e) {
      throw new IllegalArgumentException("malformed metadata image", e);
    }
  }

  private static JsonObject node(NodeRegistration n) {
    return new JsonObject()
        .put("id", n.id())
        .put("host", n.host())
        .put("kafkaPort", n.kafkaPort())
        .put("httpPort", n.httpPort())
        .put("rack", n.rack())
        .put("incarnation", n.incarnation())
        .put("fenced", n.fenced())
        .put("shuttingDown", n.shuttingDown());
  }

  private static NodeRegistration nodeFromJson(JsonObject j) {
    return new NodeRegistration(
        j.getInteger("id"),
        required(j, "host"),
        j.getInteger("kafkaPort"),
        j.getInteger("httpPort"),
        j.getString("rack"),
        j.getLong("incarnation"),
        j.getBoolean("fenced"),
        j.getBoolean("shuttingDown", false));
  }

  private static JsonObject partition(PartitionState p) {
    return new JsonObject()
        .put("replicas", new JsonArray(new ArrayList<>(p.replicas())))
        .put("isr", new JsonArray(new ArrayList<>(p.isr())))
        .put("leader", p.leader())
        .put("leaderEpoch", p.leaderEpoch())
        .put("partitionEpoch", p.partitionEpoch())
        .put("adding", new JsonArray(new ArrayList<>(p.adding())))
        .put("removing", new JsonArray(new ArrayList<>(p.removing())));
  }

  private static PartitionState partitionFromJson(JsonObject j) {
    return new PartitionState(
        ints(j.getJsonArray("replicas")),
        ints(j.getJsonArray("isr")),
        j.getInteger("leader"),
        j.getInteger("leaderEpoch"),
        j.getInteger("partitionEpoch"),
        j.containsKey("adding") ? ints(j.getJsonArray("adding")) : List.of(),
        j.containsKey("removing") ? ints(j.getJsonArray("removing")) : List.of());
  }

  private static List<Integer> ints(JsonArray a) {
    List<Integer> out = new ArrayList<>(a.size());
    for (int i = 0; i < a.size(); i++) {
      out.add(a.getInteger(i));
    }
    return out;
  }

  private static JsonObject configs(Map<String, String> configs) {
    JsonObject o = new JsonObject();
    new TreeMap<>(configs).forEach(o::put);
    return o;
  }

  private static Map<String, String> configsFromJson(JsonObject o) {
    Map<String, String> m = new TreeMap<>();
    if (o != null) {
      o.forEach(e -> m.put(e.getKey(), (String) e.getValue()));
    }
    return m;
  }

  private static String required(JsonObject j, String key) {
    String v = j.getString(key);
    if (v == null) {
      throw new IllegalArgumentException("metadata record without '" + key + "': " + j.encode());
    }
    return v;
  }
}
