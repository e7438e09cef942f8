package dev.meridian.node.controller;

import dev.meridian.node.metadata.DynamicNodeConfigs;
import dev.meridian.node.metadata.MetadataImage;
import dev.meridian.node.metadata.MetadataRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;

/**
 * Decides changes to nodes' dynamic configs ({@link DynamicNodeConfigs}): SET and DELETE, each
 * node's operations as a whole or not at all. A node must be registered in the image. Pure function
 * of the image and the request.
 */
final class NodeConfigUpdate {
  private NodeConfigUpdate() {}

  static ClusterController.Decision alter(
      MetadataImage image, ControllerRequest.AlterNodeConfigs req) {
    List<MetadataRecord> records = new ArrayList<>();
    List<ItemResult> results = new ArrayList<>();
    for (ControllerRequest.NodeConfigOps node : req.nodes()) {
      String name = Integer.toString(node.nodeId());
      try {
        if (image.node(node.nodeId()).isEmpty()) {
          throw new ControllerException(
              Errors.INVALID_REQUEST, "Node " + node.nodeId() + " is not a node of this region.");
        }
        Map<String, String> current = image.nodeConfigs(node.nodeId());
        Map<String, String> next = apply(current, node.ops());
        results.add(ItemResult.topic(name, Uuid.ZERO_UUID, -1, (short) -1, next));
        if (!req.validateOnly() && !next.equals(current)) {
          records.add(new MetadataRecord.NodeConfigs(node.nodeId(), next));
        }
      } catch (ControllerException e) {
        results.add(ItemResult.failed(name, Uuid.ZERO_UUID, e));
      }
    }
    return new ClusterController.Decision(records, results);
  }

  private static Map<String, String> apply(
      Map<String, String> current, List<TopicConfigUpdate.Op> ops) throws ControllerException {
    TopicConfigUpdate.requireDistinctKeys(ops);
    Map<String, String> next = new TreeMap<>(current);
    for (TopicConfigUpdate.Op op : ops) {
      String value;
      switch (op.type()) {
        case SET -> {
          if (op.value() == null) {
            throw new ControllerException(
                Errors.INVALID_REQUEST, "Null value for SET of '" + op.key() + "'.");
          }
          value = op.value().trim();
        }
        case DELETE -> value = null;
        default ->
            throw new ControllerException(
                Errors.INVALID_CONFIG,
                op.type() + " is not allowed on broker config '" + op.key() + "' (not a list).");
      }
      String problem = DynamicNodeConfigs.problem(op.key(), value);
      if (problem != null) {
        throw new ControllerException(Errors.INVALID_CONFIG, problem);
      }
      if (value == null) {
        next.remove(op.key());
      } else {
        next.put(op.key(), value);
      }
    }
    return next;
  }
}
