package dev.meridian.node.cluster;

import dev.meridian.node.controller.ClusterController;
import dev.meridian.node.controller.ControllerCodec;
import dev.meridian.node.controller.ControllerRequest;
import dev.meridian.node.controller.ItemResult;
import dev.meridian.node.controller.LiveNode;
import dev.meridian.node.metadata.MetadataImage;
import dev.meridian.node.metadata.MetadataPublisher;
import dev.meridian.node.metadata.MetadataRecord;
import dev.meridian.node.metadata.NodeRegistration;
import dev.meridian.node.quorum.LogEntry;
import dev.meridian.node.quorum.MetadataQuorum;
import dev.meridian.node.quorum.QuorumCodec;
import dev.meridian.node.quorum.QuorumEnv;
import dev.meridian.node.quorum.QuorumListener;
import dev.meridian.node.quorum.QuorumMessage;
import dev.meridian.node.quorum.QuorumStore;
import dev.meridian.node.quorum.QuorumTimings;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's part in its region's metadata: it runs the {@link MetadataQuorum} on one thread of its
 * own (the metadata thread), makes the decisions of the {@link ClusterController} while this node
 * is the controller, forwards the changes asked on this node to whichever node is, and publishes
 * every committed image to the node's components, in version order, on a second thread.
 *
 * <p>Handlers read {@link #image()}: the newest image whose publication has finished, so a node
 * never advertises a leadership its partitions have not taken up yet. Nothing here blocks a caller:
 * {@link #submit} and {@link #ask} answer with futures.
 *
 * <p>Between nodes this sends three kinds of messages over the {@link RegionTransport}: {@code q}
 * (the quorum protocol), {@code ask} and {@code answer} (a request to a named handler of another
 * node and its answer; the controller's handler is {@value #CONTROLLER}).
 */
public final class MetadataService implements QuorumListener, RegionTransport.Receiver {
  private static final Logger LOG = LoggerFactory.getLogger(MetadataService.class);

  /** The ask handler that decides controller requests. */
  public static final String CONTROLLER = "controller";

  private static final long TICK_MS = 50;
  private static final long RECONCILE_MS = 1000;
  private static final long RETRY_MS = 100;
  private static final long ASK_TIMEOUT_MS = 5000;

  /** A controller's answer: the results, and the log version that carries the change (or 0). */
  private record Decided(List<ItemResult> results, long version) {}

  private final int nodeId;
  private final long incarnation;
  private final ScheduledExecutorService thread;
  private final ExecutorService publisherThread;
  private final MetadataQuorum quorum;
  private final ClusterController controller;
  private final MetadataPublisher publisher;
  private final long requestTimeoutMs;
  private final Map<String, Function<JsonObject, CompletionStage<JsonObject>>> askHandlers =
      new ConcurrentHashMap<>();
  private final Map<Long, CompletableFuture<JsonObject>> asked = new ConcurrentHashMap<>();
  private final AtomicLong askIds = new AtomicLong();
  private final TreeMap<Long, List<Runnable>> commitWaiters = new TreeMap<>();
  private final List<Runnable> resignWaiters = new ArrayList<>();
  private final TreeMap<Long, List<CompletableFuture<Void>>> publishWaiters = new TreeMap<>();
  private volatile RegionTransport transport;
  private volatile MetadataImage published = MetadataImage.EMPTY;
  private volatile MetadataImage publishing = MetadataImage.EMPTY;
  private volatile MetadataImage committed = MetadataImage.EMPTY;
  private volatile boolean closed;
  private List<RegionMember> members = List.of();
  private long lastReconcileMs;
  private long lastPreferredElectionMs = System.currentTimeMillis();
  private long preferredElectionEveryMs = 300_000;

  /**
   * @param voters the ids of the region's configured nodes
   * @param incarnation the number unique to this start of the node's process
   * @param requestTimeoutMs how long {@link #submit} waits for a controller to decide
   */
  public MetadataService(
      int nodeId,
      Set<Integer> voters,
      long incarnation,
      QuorumStore store,
      QuorumTimings timings,
      ClusterController controller,
      MetadataPublisher publisher,
      long requestTimeoutMs) {
    this.nodeId = nodeId;
    this.incarnation = incarnation;
    this.controller = controller;
    this.publisher = publisher;
    this.requestTimeoutMs = requestTimeoutMs;
    ScheduledThreadPoolExecutor t =
        new ScheduledThreadPoolExecutor(1, r -> daemon(r, "meridian-metadata-" + nodeId));
    // on close, pending retries and timeouts are dropped; the task under way finishes (it may be
    // writing the metadata log: interrupting it would close the log's file channel)
    t.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    t.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
    this.thread = t;
    this.publisherThread =
        Executors.newSingleThreadExecutor(r -> daemon(r, "meridian-metadata-publisher-" + nodeId));
    this.quorum =
        new MetadataQuorum(
            nodeId, voters, store, new Env(), this, timings, new Random(incarnation));
    askHandlers.put(CONTROLLER, this::onControllerAsk);
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  // ---- lifecycle -------------------------------------------------------------------------------

  /**
   * Loads the metadata log and publishes its committed image (blocking until published), before the
   * node meets its peers.
   */
  public void load() throws InterruptedException {
    try {
      thread.submit(() -> quorum.start(System.currentTimeMillis())).get();
      publisherThread.submit(() -> {}).get();
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("cannot load the metadata log", e.getCause());
    }
  }

  /** Starts talking to the region through {@code transport}. */
  public void attach(RegionTransport transport) {
    this.transport = transport;
    thread.execute(() -> onMembers(transport.members()));
    thread.scheduleWithFixedDelay(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
  }

  /** Stops the threads; the transport is closed by its owner. */
  public void close() {
    closed = true;
    thread.shutdown();
    publisherThread.shutdown();
    try {
      publisherThread.awaitTermination(10, TimeUnit.SECONDS);
      thread.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (CompletableFuture<JsonObject> f : asked.values()) {
      f.completeExceptionally(new IllegalStateException("node " + nodeId + " is closing"));
    }
  }

  // ---- queries ---------------------------------------------------------------------------------

  /** The newest published image. */
  public MetadataImage image() {
    return published;
  }

  /**
   * The image being published right now, else the newest published one: for components that the
   * publication itself calls back (the group coordinator loading a shard it was just given).
   */
  public MetadataImage publishingImage() {
    return publishing;
  }

  /** This node's id. */
  public int nodeId() {
    return nodeId;
  }

  /** The number unique to this start of the node's process. */
  public long incarnation() {
    return incarnation;
  }

  /**
   * Whether this node is a live member of the region as the published image says: registered with
   * this process's incarnation and not fenced. Only an active node leads partitions.
   */
  public boolean isActive() {
    return isActive(published);
  }

  /** Whether {@code image} holds this process as a live node. */
  public boolean isActive(MetadataImage image) {
    NodeRegistration n = image.nodes().get(nodeId);
    return n != null && n.alive() && n.incarnation() == incarnation;
  }

  /** Whether this node is the controller right now. */
  public boolean isController() {
    return quorum.isLeader();
  }

  /** The controller this node knows of, or -1. */
  public int controllerId() {
    return quorum.leaderId();
  }

  /** The epoch this node's quorum acts in. */
  public long controllerEpoch() {
    return quorum.epoch();
  }

  /** The decisions of this region's controller (configs, placement rules). */
  public ClusterController controller() {
    return controller;
  }

  // ---- controller requests ---------------------------------------------------------------------

  /**
   * Asks the region's controller to decide {@code request}, wherever it is; completes with one
   * result per item once the change is committed, or with REQUEST_TIMED_OUT results when no
   * controller decided within the request timeout. Never completes exceptionally.
   */
  public CompletableFuture<List<ItemResult>> submit(ControllerRequest request) {
    CompletableFuture<List<ItemResult>> result = new CompletableFuture<>();
    long deadline = System.currentTimeMillis() + requestTimeoutMs;
    execute(() -> attempt(request, deadline, result));
    return result;
  }

  private void attempt(
      ControllerRequest request, long deadline, CompletableFuture<List<ItemResult>> result) {
    long now = System.currentTimeMillis();
    if (now >= deadline || closed) {
      result.complete(
          failAll(
              request,
              Errors.REQUEST_TIMED_OUT,
              "No controller of region decided within " + requestTimeoutMs + " ms."));
      return;
    }
    if (quorum.isLeader()) {
      decide(request)
          .thenAccept(
              d -> {
                if (allNotController(d.results())) {
                  retry(request, deadline, result);
                } else {
                  completeWhenPublished(d, deadline, result);
                }
              });
      return;
    }
    int leader = quorum.leaderId();
    if (leader < 0) {
      retry(request, deadline, result);
      return;
    }
    ask(
            leader,
            CONTROLLER,
            ControllerCodec.toJson(request),
            Math.min(ASK_TIMEOUT_MS, deadline - now))
        .whenComplete(
            (answer, error) -> {
              if (error != null) {
                retry(request, deadline, result);
                return;
              }
              Decided d;
              try {
                d =
                    new Decided(
                        ControllerCodec.resultsFromJson(answer.getJsonArray("results")),
                        answer.getLong("version", 0L));
              } catch (RuntimeException e) {
                LOG.warn("malformed controller answer from node {}: {}", leader, e.toString());
                retry(request, deadline, result);
                return;
              }
              if (allNotController(d.results())) {
                retry(request, deadline, result);
              } else {
                completeWhenPublished(d, deadline, result);
              }
            });
  }

  private void retry(
      ControllerRequest request, long deadline, CompletableFuture<List<ItemResult>> result) {
    if (closed) {
      attempt(request, 0, result);
      return;
    }
    try {
      thread.schedule(() -> attempt(request, deadline, result), RETRY_MS, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      attempt(request, 0, result);
    }
  }

  /**
   * Completes {@code result} once this node has published the change (read-your-writes on the node
   * that answers the client), or at the deadline.
   */
  private void completeWhenPublished(
      Decided d, long deadline, CompletableFuture<List<ItemResult>> result) {
    long wait = Math.max(1, deadline - System.currentTimeMillis());
    whenPublished(d.version())
        .orTimeout(wait, TimeUnit.MILLISECONDS)
        .whenComplete((v, e) -> result.complete(d.results()));
  }

  /** Completes once this node has published an image of at least {@code version}. */
  public CompletableFuture<Void> whenPublished(long version) {
    synchronized (publishWaiters) {
      if (published.version() >= version) {
        return CompletableFuture.completedFuture(null);
      }
      CompletableFuture<Void> f = new CompletableFuture<>();
      publishWaiters.computeIfAbsent(version, v -> new ArrayList<>()).add(f);
      return f;
    }
  }

  private static boolean allNotController(List<ItemResult> results) {
    return !results.isEmpty() && results.stream().allMatch(r -> r.error() == Errors.NOT_CONTROLLER);
  }

  private CompletionStage<JsonObject> onControllerAsk(JsonObject body) {
    ControllerRequest request;
    try {
      request = ControllerCodec.requestFromJson(body);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    return decide(request)
        .thenApply(
            d ->
                new JsonObject()
                    .put("results", ControllerCodec.resultsToJson(d.results()))
                    .put("version", d.version()));
  }

  /** Decides on this node (metadata thread), answering once the change is committed. */
  private CompletableFuture<Decided> decide(ControllerRequest request) {
    CompletableFuture<Decided> done = new CompletableFuture<>();
    if (!quorum.isLeader()) {
      done.complete(
          new Decided(
              failAll(request, Errors.NOT_CONTROLLER, "Node " + nodeId + " is not the controller."),
              0));
      return done;
    }
    ClusterController.Decision decision;
    try {
      decision = controller.decide(quorum.pendingImage(), request);
    } catch (RuntimeException e) {
      LOG.error("controller: cannot decide {}", request, e);
      done.complete(new Decided(failAll(request, Errors.UNKNOWN_SERVER_ERROR, e.toString()), 0));
      return done;
    }
    if (decision.records().isEmpty()) {
      done.complete(new Decided(decision.results(), quorum.commitVersion()));
      return done;
    }
    try {
      long version = quorum.propose(decision.records(), System.currentTimeMillis());
      whenCommitted(version, () -> done.complete(new Decided(decision.results(), version)));
      resignWaiters.add(
          () ->
              done.complete(
                  new Decided(
                      failAll(request, Errors.NOT_CONTROLLER, "The controller changed; retry."),
                      0)));
    } catch (MetadataQuorum.NotLeaderException e) {
      done.complete(new Decided(failAll(request, Errors.NOT_CONTROLLER, e.getMessage()), 0));
    } catch (RuntimeException e) {
      LOG.error("controller: cannot apply the decision for {}", request, e);
      done.complete(new Decided(failAll(request, Errors.UNKNOWN_SERVER_ERROR, e.toString()), 0));
    }
    return done;
  }

  private void whenCommitted(long version, Runnable action) {
    if (quorum.commitVersion() >= version) {
      action.run();
    } else {
      commitWaiters.computeIfAbsent(version, v -> new ArrayList<>()).add(action);
    }
  }

  /** One failed result per item of {@code request}. */
  public static List<ItemResult> failAll(ControllerRequest request, Errors error, String message) {
    List<ItemResult> out = new ArrayList<>();
    org.apache.kafka.common.Uuid zero = org.apache.kafka.common.Uuid.ZERO_UUID;
    if (request instanceof ControllerRequest.CreateTopics c) {
      c.topics().forEach(t -> out.add(ItemResult.failed(t.name(), zero, error, message)));
    } else if (request instanceof ControllerRequest.DeleteTopics d) {
      for (int i = 0; i < d.names().size(); i++) {
        org.apache.kafka.common.Uuid id = i < d.ids().size() ? d.ids().get(i) : null;
        out.add(ItemResult.failed(d.names().get(i), id == null ? zero : id, error, message));
      }
    } else if (request instanceof ControllerRequest.CreatePartitions c) {
      c.topics().forEach(t -> out.add(ItemResult.failed(t.name(), zero, error, message)));
    } else if (request instanceof ControllerRequest.AlterConfigs a) {
      a.topics().forEach(t -> out.add(ItemResult.failed(t.name(), zero, error, message)));
    } else if (request instanceof ControllerRequest.ElectLeaders e && !e.partitions().isEmpty()) {
      e.partitions()
          .forEach(
              tp ->
                  out.add(
                      ItemResult.failed(tp.topic() + "-" + tp.partition(), zero, error, message)));
    } else {
      out.add(ItemResult.failed(null, zero, error, message));
    }
    return out;
  }

  // ---- asking other nodes ----------------------------------------------------------------------

  /**
   * Asks the controller to move this node's leaderships away and fence it until it restarts, and
   * waits (at most {@code timeoutMs}) until this node has published an image that shows it fenced.
   * Best effort: a region without a controller just sees the node leave.
   */
  public void controlledShutdown(long timeoutMs) {
    if (!isActive()) {
      return;
    }
    long t0 = System.currentTimeMillis();
    try {
      List<ItemResult> r =
          submit(new ControllerRequest.ControlledShutdown(nodeId, incarnation))
              .get(timeoutMs, TimeUnit.MILLISECONDS);
      if (!r.get(0).ok()) {
        LOG.warn(
            "node {}: controlled shutdown refused: {} {}",
            nodeId,
            r.get(0).error(),
            r.get(0).message());
        return;
      }
      long left = Math.max(1, timeoutMs - (System.currentTimeMillis() - t0));
      long deadline = System.currentTimeMillis() + left;
      while (isActive() && System.currentTimeMillis() < deadline) {
        Thread.sleep(20);
      }
      LOG.info(
          "node {}: controlled shutdown: leaderships moved in {} ms",
          nodeId,
          System.currentTimeMillis() - t0);
    } catch (java.util.concurrent.TimeoutException e) {
      LOG.warn("node {}: controlled shutdown not confirmed within {} ms", nodeId, timeoutMs);
    } catch (java.util.concurrent.ExecutionException e) {
      LOG.warn("node {}: controlled shutdown failed: {}", nodeId, e.getCause().toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** How often the controller elects preferred leaders where it can (the broker setting). */
  public void preferredElectionEvery(long ms) {
    execute(() -> preferredElectionEveryMs = ms);
  }

  /** Registers the handler of asks of {@code kind}; it runs on the metadata thread. */
  public void onAsk(String kind, Function<JsonObject, CompletionStage<JsonObject>> handler) {
    askHandlers.put(kind, handler);
  }

  /**
   * Asks node {@code node}'s handler of {@code kind}; fails with {@link TimeoutException} when no
   * answer comes within {@code timeoutMs}. Asking this node itself calls the handler directly.
   * Never blocks: safe on an event loop.
   */
  public CompletableFuture<JsonObject> ask(int node, String kind, JsonObject body, long timeoutMs) {
    CompletableFuture<JsonObject> answer = new CompletableFuture<>();
    if (node == nodeId) {
      execute(() -> runHandler(kind, body).whenComplete(completing(answer)));
      return answer;
    }
    long id = askIds.incrementAndGet();
    asked.put(id, answer);
    RegionTransport t = transport;
    if (t == null) {
      asked.remove(id);
      answer.completeExceptionally(new IllegalStateException("node " + nodeId + " is not joined"));
      return answer;
    }
    byte[] payload = bytes(new JsonObject().put("id", id).put("kind", kind).put("body", body));
    // sending goes through Hazelcast: never on the caller's thread (it may be an event loop)
    execute(() -> t.send(node, "ask", payload));
    try {
      thread.schedule(
          () -> {
            CompletableFuture<JsonObject> f = asked.remove(id);
            if (f != null) {
              f.completeExceptionally(
                  new TimeoutException("node " + node + " did not answer " + kind));
            }
          },
          Math.max(1, timeoutMs),
          TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      asked.remove(id);
      answer.completeExceptionally(e);
    }
    return answer;
  }

  private static <T> java.util.function.BiConsumer<T, Throwable> completing(
      CompletableFuture<T> f) {
    return (v, e) -> {
      if (e != null) {
        f.completeExceptionally(e);
      } else {
        f.complete(v);
      }
    };
  }

  private CompletionStage<JsonObject> runHandler(String kind, JsonObject body) {
    Function<JsonObject, CompletionStage<JsonObject>> h = askHandlers.get(kind);
    if (h == null) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("no handler " + kind));
    }
    try {
      return h.apply(body);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  // ---- transport -------------------------------------------------------------------------------

  @Override
  public void receive(int from, String kind, byte[] payload) {
    execute(() -> dispatch(from, kind, payload));
  }

  @Override
  public void membersChanged(List<RegionMember> now) {
    execute(() -> onMembers(now));
  }

  private void execute(Runnable r) {
    if (closed) {
      return;
    }
    try {
      thread.execute(
          () -> {
            try {
              r.run();
            } catch (RuntimeException e) {
              LOG.error("node {}: metadata thread task failed", nodeId, e);
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closing
    }
  }

  private void dispatch(int from, String kind, byte[] payload) {
    JsonObject json;
    try {
      json = new JsonObject(new String(payload, StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      LOG.warn("node {}: undecodable {} message from node {}", nodeId, kind, from);
      return;
    }
    long now = System.currentTimeMillis();
    switch (kind) {
      case "q" -> {
        QuorumMessage m;
        try {
          m = QuorumCodec.fromJson(json);
        } catch (IllegalArgumentException e) {
          LOG.warn(
              "node {}: malformed quorum message from node {}: {}", nodeId, from, e.toString());
          return;
        }
        quorum.onMessage(from, m, now);
      }
      case "ask" -> {
        long id = json.getLong("id", -1L);
        runHandler(json.getString("kind", ""), json.getJsonObject("body", new JsonObject()))
            .whenComplete(
                (body, error) -> {
                  JsonObject answer = new JsonObject().put("id", id);
                  if (error != null) {
                    answer.put("error", String.valueOf(error.getMessage()));
                  } else {
                    answer.put("body", body);
                  }
                  RegionTransport t = transport;
                  if (t != null) {
                    t.send(from, "answer", bytes(answer));
                  }
                });
      }
      case "answer" -> {
        CompletableFuture<JsonObject> f = asked.remove(json.getLong("id", -1L));
        if (f != null) {
          if (json.containsKey("error")) {
            f.completeExceptionally(new IllegalStateException(json.getString("error")));
          } else {
            f.complete(json.getJsonObject("body", new JsonObject()));
          }
        }
      }
      default -> LOG.warn("node {}: unknown message kind {} from node {}", nodeId, kind, from);
    }
  }

  private static byte[] bytes(JsonObject json) {
    return json.encode().getBytes(StandardCharsets.UTF_8);
  }

  private void onMembers(List<RegionMember> now) {
    members = List.copyOf(now);
    quorum.onMembership(
        members.stream().map(RegionMember::nodeId).toList(), System.currentTimeMillis());
    maybeReconcile(true);
  }

  private void tick() {
    if (closed) {
      return;
    }
    try {
      quorum.tick(System.currentTimeMillis());
      maybeReconcile(false);
    } catch (RuntimeException e) {
      LOG.error("node {}: metadata tick failed", nodeId, e);
    }
  }

  /** The live members as the controller sees them. */
  private Map<Integer, LiveNode> live() {
    Map<Integer, LiveNode> out = new LinkedHashMap<>();
    for (RegionMember m : members) {
      out.put(m.nodeId(), new LiveNode(m.nodeId(), m.incarnation(), m.kafkaPort(), m.httpPort()));
    }
    return out;
  }

  /** As controller: registers and fences nodes, and elects leaders, as membership says. */
  private void maybeReconcile(boolean now) {
    long t = System.currentTimeMillis();
    if (!quorum.isLeader() || (!now && t - lastReconcileMs < RECONCILE_MS)) {
      return;
    }
    lastReconcileMs = t;
    List<MetadataRecord> records = controller.reconcile(quorum.pendingImage(), live());
    propose(records);
    if (t - lastPreferredElectionMs >= preferredElectionEveryMs) {
      lastPreferredElectionMs = t;
      List<MetadataRecord> elections = controller.preferredElections(quorum.pendingImage());
      if (!elections.isEmpty()) {
        LOG.info("controller: {} partition(s) back to their preferred leader", elections.size());
        propose(elections);
      }
    }
  }

  private void propose(List<MetadataRecord> records) {
    if (records.isEmpty()) {
      return;
    }
    try {
      quorum.propose(records, System.currentTimeMillis());
    } catch (MetadataQuorum.NotLeaderException e) {
      // deposed meanwhile: the next controller reconciles
    } catch (RuntimeException e) {
      LOG.error("controller: cannot apply {}", records, e);
    }
  }

  // ---- quorum events (metadata thread) ---------------------------------------------------------

  @Override
  public void onCommitted(MetadataImage image, List<LogEntry> entries) {
    committed = image;
    long version = image.version();
    while (!commitWaiters.isEmpty() && commitWaiters.firstKey() <= version) {
      commitWaiters.pollFirstEntry().getValue().forEach(Runnable::run);
    }
    if (commitWaiters.isEmpty()) {
      resignWaiters.clear();
    }
    try {
      publisherThread.execute(() -> publish(image));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closing
    }
  }

  private void publish(MetadataImage next) {
    MetadataImage prev = published;
    if (next.version() <= prev.version() && prev != MetadataImage.EMPTY) {
      return;
    }
    publishing = next;
    try {
      publisher.publish(prev, next);
    } catch (RuntimeException e) {
      LOG.error("node {}: publishing metadata version {} failed", nodeId, next.version(), e);
    }
    published = next;
    if (isActive(next) != isActive(prev)) {
      if (isActive(next)) {
        LOG.info(
            "node {}: active: the controller registered this process (metadata version {},"
                + " controller {} in epoch {})",
            nodeId,
            next.version(),
            next.controllerId(),
            next.controllerEpoch());
      } else {
        LOG.warn(
            "node {}: fenced by the controller (metadata version {}): it leads nothing until it is"
                + " registered again",
            nodeId,
            next.version());
      }
    }
    List<CompletableFuture<Void>> ready = new ArrayList<>();
    synchronized (publishWaiters) {
      while (!publishWaiters.isEmpty() && publishWaiters.firstKey() <= next.version()) {
        ready.addAll(publishWaiters.pollFirstEntry().getValue());
      }
    }
    ready.forEach(f -> f.complete(null));
  }

  @Override
  public void onLeader(long epoch) {
    // propose after the quorum has finished taking office
    execute(
        () -> {
          if (quorum.isLeader() && quorum.epoch() == epoch) {
            propose(controller.takeOffice(quorum.pendingImage(), live()));
            lastReconcileMs = System.currentTimeMillis();
          }
        });
  }

  @Override
  public void onResigned(long epoch) {
    commitWaiters.clear();
    List<Runnable> waiting = List.copyOf(resignWaiters);
    resignWaiters.clear();
    waiting.forEach(Runnable::run);
  }

  /** The quorum's environment: messages and epoch claims through the transport. */
  private final class Env implements QuorumEnv {
    @Override
    public void send(int to, QuorumMessage message) {
      RegionTransport t = transport;
      if (t != null) {
        t.send(to, "q", bytes(QuorumCodec.toJson(message)));
      }
    }

    @Override
    public void claimEpoch(long floor) {
      RegionTransport t = transport;
      if (t == null) {
        execute(() -> quorum.onEpochClaimFailed(System.currentTimeMillis()));
        return;
      }
      CompletionStage<Long> claim;
      try {
        claim = t.claimEpoch(floor);
      } catch (RuntimeException e) {
        execute(() -> quorum.onEpochClaimFailed(System.currentTimeMillis()));
        return;
      }
      claim.whenComplete(
          (epoch, error) ->
              execute(
                  () -> {
                    if (error != null) {
                      LOG.info(
                          "node {}: no controller epoch from the register: {}",
                          nodeId,
                          error.toString());
                      quorum.onEpochClaimFailed(System.currentTimeMillis());
                    } else {
                      quorum.onEpochClaimed(epoch, System.currentTimeMillis());
                    }
                  }));
    }
  }
}
