package dev.meridian.node.cluster;

import dev.meridian.node.controller.ControllerRequest;
import dev.meridian.node.controller.ItemResult;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.kafka.common.protocol.Errors;

/**
 * Hands out idempotent-producer ids that are unique across the region: each node takes blocks of
 * ids from the controller (a {@code producerIds} record in the metadata log marks the block as
 * its), and uses them up before it asks for the next. A restarted node asks for a fresh block, so
 * ids are never handed out twice, only skipped. The next block is fetched in the background when a
 * block is nine tenths used. Thread-safe.
 */
public final class ProducerIdManager {
  /** No block could be had from the controller in time; retriable. */
  public static final class UnavailableException extends Exception {
    private static final long serialVersionUID = 1L;
    private final Errors error;

    UnavailableException(Errors error, String message) {
      super(message);
      this.error = error;
    }

    public Errors error() {
      return error;
    }
  }

  private final int nodeId;
  private final Function<ControllerRequest, CompletableFuture<List<ItemResult>>> controller;
  private final long timeoutMs;
  private long next;
  private long end;
  private long blockSize;
  private CompletableFuture<List<ItemResult>> pending;

  /**
   * @param controller submits a request to the region's controller
   * @param timeoutMs how long {@link #nextId} waits for a block
   */
  public ProducerIdManager(
      int nodeId,
      Function<ControllerRequest, CompletableFuture<List<ItemResult>>> controller,
      long timeoutMs) {
    this.nodeId = nodeId;
    this.controller = controller;
    this.timeoutMs = timeoutMs;
  }

  /**
   * The next unused producer id; blocks while a new block is fetched from the controller.
   *
   * @throws UnavailableException when the controller gave no block in time
   */
  public synchronized long nextId() throws UnavailableException, InterruptedException {
    if (next >= end) {
      CompletableFuture<List<ItemResult>> f = pending != null ? pending : request();
      pending = null;
      take(await(f));
    }
    if (pending == null && blockSize > 0 && end - next <= blockSize / 10) {
      pending = request();
    }
    return next++;
  }

  private CompletableFuture<List<ItemResult>> request() {
    return controller.apply(new ControllerRequest.AllocateProducerIds(nodeId));
  }

  private ItemResult await(CompletableFuture<List<ItemResult>> f)
      throws UnavailableException, InterruptedException {
    List<ItemResult> r;
    try {
      r = f.get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new UnavailableException(
          Errors.REQUEST_TIMED_OUT,
          "no producer id block from the controller in " + timeoutMs + " ms");
    } catch (ExecutionException e) {
      throw new UnavailableException(Errors.UNKNOWN_SERVER_ERROR, e.getCause().toString());
    }
    ItemResult block = r.get(0);
    if (!block.ok()) {
      throw new UnavailableException(block.error(), block.message());
    }
    return block;
  }

  private void take(ItemResult block) {
    next = block.firstProducerId();
    end = block.firstProducerId() + block.producerIdCount();
    blockSize = block.producerIdCount();
  }
}
