package dev.meridian.node.controller;

import dev.meridian.failover.FailoverOperation;
import dev.meridian.node.metadata.MetadataImage;
import dev.meridian.node.metadata.MetadataRecord;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;

/**
 * The controller's decisions on failover operations ({@link ControllerRequest.PutOperation}): a new
 * operation is refused while another one of its link runs, and a step is accepted only from the
 * state it was taken in (a compare-and-set on the number of transitions), so a runner that lost its
 * node's controllership, or raced a newer runner, cannot overwrite newer progress.
 */
final class Operations {
  private Operations() {}

  static ClusterController.Decision put(MetadataImage image, ControllerRequest.PutOperation p) {
    FailoverOperation op = p.operation();
    FailoverOperation stored = image.operations().get(op.id());
    if (p.previousSteps() < 0) {
      if (stored != null) {
        return refused(op, Errors.INVALID_REQUEST, "operation " + op.id() + " exists already");
      }
      Optional<FailoverOperation> running = image.runningOperation(op.link());
      if (running.isPresent()) {
        return refused(
            op,
            Errors.INVALID_REQUEST,
            "link "
                + op.link()
                + " has an operation running: "
                + running.get().id()
                + " ("
                + running.get().type()
                + ", "
                + running.get().state()
                + ")");
      }
    } else if (stored == null) {
      return refused(op, Errors.RESOURCE_NOT_FOUND, "no operation " + op.id());
    } else if (stored.history().size() != p.previousSteps() || stored.state().terminal()) {
      return refused(
          op,
          Errors.INVALID_UPDATE_VERSION,
          "operation "
              + op.id()
              + " moved on meanwhile (now "
              + stored.state()
              + " after "
              + stored.history().size()
              + " steps)");
    }
    return new ClusterController.Decision(
        List.of(new MetadataRecord.Operation(op)),
        List.of(ItemResult.topic(op.id(), Uuid.ZERO_UUID, 0, (short) 0, Map.of())));
  }

  private static ClusterController.Decision refused(
      FailoverOperation op, Errors error, String message) {
    return new ClusterController.Decision(
        List.of(), List.of(ItemResult.failed(op.id(), Uuid.ZERO_UUID, error, message)));
  }
}
