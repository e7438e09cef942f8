package dev.meridian.node.controller;

import dev.meridian.node.metadata.MetadataCodec;
import dev.meridian.node.metadata.OperationCodec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;

/**
 * JSON forms of {@link ControllerRequest}s and their {@link ItemResult}s, as a node forwards them
 * to the controller. Decoding throws {@link IllegalArgumentException} for anything malformed.
 */
public final class ControllerCodec {
  private ControllerCodec() {}

  /** The JSON form of a request. */
  public static JsonObject toJson(ControllerRequest request) {
    if (request instanceof ControllerRequest.CreateTopics c) {
      JsonArray topics = new JsonArray();
      for (ControllerRequest.NewTopic t : c.topics()) {
        topics.add(
            new JsonObject()
                .put("name", t.name())
                .put("partitions", t.partitions())
                .put("replicationFactor", t.replicationFactor())
                .put("assignments", lists(t.assignments()))
                .put("configs", map(t.configs()))
                .put("mirrorLink", t.mirrorLink()));
      }
      return new JsonObject()
          .put("type", "createTopics")
          .put("topics", topics)
          .put("validateOnly", c.validateOnly())
          .put("internal", c.internal());
    } else if (request instanceof ControllerRequest.DeleteTopics d) {
      JsonArray ids = new JsonArray();
      d.ids().forEach(id -> ids.add(id == null ? null : id.toString()));
      return new JsonObject()
          .put("type", "deleteTopics")
          .put("names", new JsonArray(new ArrayList<>(d.names())))
          .put("ids", ids);
    } else if (request instanceof ControllerRequest.CreatePartitions c) {
      JsonArray topics = new JsonArray();
      for (ControllerRequest.NewPartitions p : c.topics()) {
        topics.add(
            new JsonObject()
                .put("name", p.name())
                .put("total", p.total())
                .put("assignments", lists(p.assignments())));
      }
      return new JsonObject()
          .put("type", "createPartitions")
          .put("topics", topics)
          .put("validateOnly", c.validateOnly());
    } else if (request instanceof ControllerRequest.AlterConfigs a) {
      JsonArray topics = new JsonArray();
      for (ControllerRequest.TopicConfigOps t : a.topics()) {
        topics.add(new JsonObject().put("name", t.name()).put("ops", ops(t.ops())));
      }
      return new JsonObject()
          .put("type", "alterConfigs")
          .put("topics", topics)
          .put("validateOnly", a.validateOnly());
    } else if (request instanceof ControllerRequest.AlterNodeConfigs a) {
      JsonArray nodes = new JsonArray();
      for (ControllerRequest.NodeConfigOps n : a.nodes()) {
        nodes.add(new JsonObject().put("nodeId", n.nodeId()).put("ops", ops(n.ops())));
      }
      return new JsonObject()
          .put("type", "alterNodeConfigs")
          .put("nodes", nodes)
          .put("validateOnly", a.validateOnly());
    } else if (request instanceof ControllerRequest.AllocateProducerIds p) {
      return new JsonObject().put("type", "allocateProducerIds").put("nodeId", p.nodeId());
    } else if (request instanceof ControllerRequest.AlterPartition a) {
      return new JsonObject()
          .put("type", "alterPartition")
          .put("topicId", a.topicId().toString())
          .put("partition", a.partition())
          .put("leaderId", a.leaderId())
          .put("leaderEpoch", a.leaderEpoch())
          .put("partitionEpoch", a.partitionEpoch())
          .put("newIsr", new JsonArray(new ArrayList<>(a.newIsr())));
    } else if (request instanceof ControllerRequest.AlterLinks a) {
      return new JsonObject()
          .put("type", "alterLinks")
          .put("upsert", a.upsert() == null ? null : MetadataCodec.link(a.upsert()))
          .put("remove", a.remove());
    } else if (request instanceof ControllerRequest.PromoteMirrorTopics p) {
      return new JsonObject().put("type", "promoteMirrorTopics").put("link", p.link());
    } else if (request instanceof ControllerRequest.FenceTopics f) {
      return new JsonObject()
          .put("type", "fenceTopics")
          .put("topics", new JsonArray(new ArrayList<>(f.topics())))
          .put("by", f.by());
    } else if (request instanceof ControllerRequest.AdoptTopics a) {
      return new JsonObject()
          .put("type", "adoptTopics")
          .put("link", a.link())
          .put("topics", new JsonArray(new ArrayList<>(a.topics())));
    } else if (request instanceof ControllerRequest.PutOperation p) {
      return new JsonObject()
          .put("type", "putOperation")
          .put("operation", OperationCodec.toJson(p.operation()))
          .put("previousSteps", p.previousSteps());
    } else if (request instanceof ControllerRequest.PauseLink p) {
      return new JsonObject()
          .put("type", "pauseLink")
          .put("name", p.name())
          .put("paused", p.paused());
    } else if (request instanceof ControllerRequest.PutAudit a) {
      return new JsonObject().put("type", "putAudit").put("entry", a.entry());
    } else if (request instanceof ControllerRequest.PutDrill d) {
      return new JsonObject().put("type", "putDrill").put("id", d.id()).put("report", d.report());
    } else if (request instanceof ControllerRequest.BumpLeaderEpoch b) {
      return new JsonObject()
          .put("type", "bumpLeaderEpoch")
          .put("topicId", b.topicId().toString())
          .put("partition", b.partition())
          .put("leaderId", b.leaderId())
          .put("leaderEpoch", b.leaderEpoch())
          .put("minEpoch", b.minEpoch());
    } else if (request instanceof ControllerRequest.ControlledShutdown c) {
      return new JsonObject()
          .put("type", "controlledShutdown")
          .put("nodeId", c.nodeId())
          .put("incarnation", c.incarnation());
    } else if (request instanceof ControllerRequest.ElectLeaders e) {
      JsonArray partitions = new JsonArray();
      e.partitions()
          .forEach(
              tp ->
                  partitions.add(
                      new JsonObject().put("topic", tp.topic()).put("partition", tp.partition())));
      return new JsonObject()
          .put("type", "electLeaders")
          .put("partitions", partitions)
          .put("unclean", e.unclean());
    } else if (request instanceof ControllerRequest.AlterReassignments a) {
      JsonArray partitions = new JsonArray();
      for (ControllerRequest.Reassignment r : a.partitions()) {
        partitions.add(
            new JsonObject()
                .put("topic", r.topic())
                .put("partition", r.partition())
                .put(
                    "target",
                    r.target() == null ? null : new JsonArray(new ArrayList<>(r.target()))));
      }
      return new JsonObject().put("type", "alterReassignments").put("partitions", partitions);
    } else if (request instanceof ControllerRequest.Rebalance) {
      return new JsonObject().put("type", "rebalance");
    }
    throw new IllegalArgumentException("unknown request " + request);
  }

  /** The request of a JSON form. */
  public static ControllerRequest requestFromJson(JsonObject j) {
    try {
      String type = j.getString("type", "");
      switch (type) {
        case "createTopics" -> {
          List<ControllerRequest.NewTopic> topics = new ArrayList<>();
          for (Object o : j.getJsonArray("topics")) {
            JsonObject t = (JsonObject) o;
            topics.add(
                new ControllerRequest.NewTopic(
                    t.getString("name"),
                    t.getInteger("partitions"),
                    t.getInteger("replicationFactor").shortValue(),
                    listsFromJson(t.getJsonArray("assignments")),
                    mapFromJson(t.getJsonObject("configs")),
                    t.getString("mirrorLink")));
          }
          return new ControllerRequest.CreateTopics(
              topics, j.getBoolean("validateOnly"), j.getBoolean("internal"));
        }
        case "deleteTopics" -> {
          List<String> names = new ArrayList<>();
          j.getJsonArray("names").forEach(n -> names.add((String) n));
          List<Uuid> ids = new ArrayList<>();
          j.getJsonArray("ids")
              .forEach(i -> ids.add(i == null ? null : Uuid.fromString((String) i)));
          return new ControllerRequest.DeleteTopics(names, ids);
        }
        case "createPartitions" -> {
          List<ControllerRequest.NewPartitions> topics = new ArrayList<>();
          for (Object o : j.getJsonArray("topics")) {
            JsonObject t = (JsonObject) o;
            topics.add(
                new ControllerRequest.NewPartitions(
                    t.getString("name"),
                    t.getInteger("total"),
                    listsFromJson(t.getJsonArray("assignments"))));
          }
          return new ControllerRequest.CreatePartitions(topics, j.getBoolean("validateOnly"));
        }
        case "alterConfigs" -> {
          List<ControllerRequest.TopicConfigOps> topics = new ArrayList<>();
          for (Object o : j.getJsonArray("topics")) {
            JsonObject t = (JsonObject) o;
            topics.add(
                new ControllerRequest.TopicConfigOps(
                    t.getString("name"), opsFromJson(t.getJsonArray("ops"))));
          }
          return new ControllerRequest.AlterConfigs(topics, j.getBoolean("validateOnly"));
        }
        case "alterNodeConfigs" -> {
          List<ControllerRequest.NodeConfigOps> nodes = new ArrayList<>();
          for (Object o : j.getJsonArray("nodes")) {
            JsonObject n = (JsonObject) o;
            nodes.add(
                new ControllerRequest.NodeConfigOps(
                    n.getInteger("nodeId"), opsFromJson(n.getJsonArray("ops"))));
          }
          return new ControllerRequest.AlterNodeConfigs(nodes, j.getBoolean("validateOnly"));
        }
        case "allocateProducerIds" -> {
          return new ControllerRequest.AllocateProducerIds(j.getInteger("nodeId"));
        }
        case "alterPartition" -> {
          List<Integer> isr = new ArrayList<>();
          j.getJsonArray("newIsr").forEach(i -> isr.add((Integer) i));
          return new ControllerRequest.AlterPartition(
              Uuid.fromString(j.getString("topicId")),
              j.getInteger("partition"),
              j.getInteger("leaderId"),
              j.getInteger("leaderEpoch"),
              j.getInteger("partitionEpoch"),
              isr);
        }
        case "alterLinks" -> {
          JsonObject upsert = j.getJsonObject("upsert");
          return new ControllerRequest.AlterLinks(
              upsert == null ? null : MetadataCodec.linkFromJson(upsert), j.getString("remove"));
        }
        case "promoteMirrorTopics" -> {
          return new ControllerRequest.PromoteMirrorTopics(j.getString("link"));
        }
        case "fenceTopics" -> {
          List<String> topics = new ArrayList<>();
          j.getJsonArray("topics").forEach(t -> topics.add((String) t));
          return new ControllerRequest.FenceTopics(topics, j.getString("by"));
        }
        case "adoptTopics" -> {
          List<String> topics = new ArrayList<>();
          j.getJsonArray("topics").forEach(t -> topics.add((String) t));
          return new ControllerRequest.AdoptTopics(j.getString("link"), topics);
        }
        case "putOperation" -> {
          return new ControllerRequest.PutOperation(
              OperationCodec.fromJson(j.getJsonObject("operation")), j.getInteger("previousSteps"));
        }
        case "putAudit" -> {
          return new ControllerRequest.PutAudit(j.getString("entry"));
        }
        case "putDrill" -> {
          return new ControllerRequest.PutDrill(j.getString("id"), j.getString("report"));
        }
        case "pauseLink" -> {
          return new ControllerRequest.PauseLink(j.getString("name"), j.getBoolean("paused"));
        }
        case "bumpLeaderEpoch" -> {
          return new ControllerRequest.BumpLeaderEpoch(
              Uuid.fromString(j.getString("topicId")),
              j.getInteger("partition"),
              j.getInteger("leaderId"),
              j.getInteger("leaderEpoch"),
              j.getInteger("minEpoch"));
        }
        case "controlledShutdown" -> {
          return new ControllerRequest.ControlledShutdown(
              j.getInteger("nodeId"), j.getLong("incarnation"));
        }
        case "electLeaders" -> {
          List<ControllerRequest.TopicPartitionRef> partitions = new ArrayList<>();
          for (Object o : j.getJsonArray("partitions")) {
            JsonObject tp = (JsonObject) o;
            partitions.add(
                new ControllerRequest.TopicPartitionRef(
                    tp.getString("topic"), tp.getInteger("partition")));
          }
          return new ControllerRequest.ElectLeaders(partitions, j.getBoolean("unclean"));
        }
        case "alterReassignments" -> {
          List<ControllerRequest.Reassignment> partitions = new ArrayList<>();
          for (Object o : j.getJsonArray("partitions")) {
            JsonObject r = (JsonObject) o;
            JsonArray target = r.getJsonArray("target");
            List<Integer> replicas = null;
            if (target != null) {
              replicas = new ArrayList<>();
              for (int i = 0; i < target.size(); i++) {
                replicas.add(target.getInteger(i));
              }
            }
            partitions.add(
                new ControllerRequest.Reassignment(
                    r.getString("topic"), r.getInteger("partition"), replicas));
          }
          return new ControllerRequest.AlterReassignments(partitions);
        }
        case "rebalance" -> {
          return new ControllerRequest.Rebalance();
        }
        default -> throw new IllegalArgumentException("unknown controller request type " + type);
      }
    } catch (ClassCastException | NullPointerException e) {
      throw new IllegalArgumentException("malformed controller request", e);
    }
  }

  /** The JSON form of results. */
  public static JsonArray resultsToJson(List<ItemResult> results) {
    JsonArray a = new JsonArray();
    for (ItemResult r : results) {
      a.add(
          new JsonObject()
              .put("name", r.name())
              .put("topicId", r.topicId().toString())
              .put("error", r.error().code())
              .put("message", r.message())
              .put("partitions", r.partitions())
              .put("replicationFactor", r.replicationFactor())
              .put("configs", map(r.configs()))
              .put("firstProducerId", r.firstProducerId())
              .put("producerIdCount", r.producerIdCount()));
    }
    return a;
  }

  /** The results of a JSON form. */
  public static List<ItemResult> resultsFromJson(JsonArray a) {
    try {
      List<ItemResult> out = new ArrayList<>(a.size());
      for (int i = 0; i < a.size(); i++) {
        JsonObject r = a.getJsonObject(i);
        out.add(
            new ItemResult(
                r.getString("name"),
                Uuid.fromString(r.getString("topicId")),
                Errors.forCode(r.getInteger("error").shortValue()),
                r.getString("message"),
                r.getInteger("partitions"),
                r.getInteger("replicationFactor").shortValue(),
                mapFromJson(r.getJsonObject("configs")),
                r.getLong("firstProducerId"),
                r.getInteger("producerIdCount")));
      }
      return out;
    } catch (ClassCastException | NullPointerException e) {
      throw new IllegalArgumentException("malformed controller results", e);
    }
  }

  private static JsonArray lists(List<List<Integer>> lists) {
    JsonArray a = new JsonArray();
    lists.forEach(l -> a.add(new JsonArray(new ArrayList<>(l))));
    return a;
  }

  private static List<List<Integer>> listsFromJson(JsonArray a) {
    List<List<Integer>> out = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      JsonArray l = a.getJsonArray(i);
      List<Integer> ints = new ArrayList<>();
      for (int k = 0; k < l.size(); k++) {
        ints.add(l.getInteger(k));
      }
      out.add(ints);
    }
    return out;
  }

  private static JsonObject map(Map<String, String> m) {
    JsonObject o = new JsonObject();
    new TreeMap<>(m).forEach(o::put);
    return o;
  }

  private static Map<String, String> mapFromJson(JsonObject o) {
    Map<String, String> m = new TreeMap<>();
    if (o != null) {
      o.forEach(e -> m.put(e.getKey(), e.getValue() == null ? null : e.getValue().toString()));
    }
    return m;
  }

  private static JsonArray ops(List<TopicConfigUpdate.Op> ops) {
    JsonArray a = new JsonArray();
    for (TopicConfigUpdate.Op op : ops) {
      a.add(
          new JsonObject()
              .put("key", op.key())
              .put("op", op.type().name())
              .put("value", op.value()));
    }
    return a;
  }

  private static List<TopicConfigUpdate.Op> opsFromJson(JsonArray a) {
    List<TopicConfigUpdate.Op> ops = new ArrayList<>();
    for (Object p : a) {
      JsonObject op = (JsonObject) p;
      ops.add(
          new TopicConfigUpdate.Op(
              op.getString("key"),
              TopicConfigUpdate.OpType.valueOf(op.getString("op")),
              op.getString("value")));
    }
    return ops;
  }
}
