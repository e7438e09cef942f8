package dev.meridian.node.protocol;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WARN line for a request refused for a reason an operator should know (a config key the region
 * does not know, a transactional id, an API or version this node does not serve): one line naming
 * the client id, the client's address, the API and the reason, at most once per {@link
 * #INTERVAL_MS} for each (client id, API, kind of reason). A later line says how many refusals of
 * its key were not logged since the previous one. Thread-safe; time comes from the clock passed in.
 *
 * <p>Lives in {@code protocol} rather than {@code api} because the connection logs through it too
 * (requests refused before any handler sees them), and {@code protocol} does not import {@code
 * api}.
 */
public final class RefusalLog {
  /** At most one line per key in this many milliseconds. */
  public static final long INTERVAL_MS = 60_000;

  /** Keys remembered at most; past this, keys whose interval has passed are forgotten. */
  static final int MAX_KEYS = 10_000;

  private static final Logger LOG = LoggerFactory.getLogger(RefusalLog.class);

  /** The node's log: WARN through SLF4J, wall-clock time. */
  public static final RefusalLog WARN = new RefusalLog(System::currentTimeMillis, LOG::warn);

  /** What a key last logged, and how many refusals were not logged since. */
  private record Entry(long loggedAtMs, int suppressed) {}

  private record Key(String clientId, String api, String kind) {}

  private final LongSupplier clock;
  private final Consumer<String> sink;
  private final Map<Key, Entry> entries = new ConcurrentHashMap<>();

  /**
   * @param clock the time in milliseconds
   * @param sink where a line goes
   */
  public RefusalLog(LongSupplier clock, Consumer<String> sink) {
    this.clock = clock;
    this.sink = sink;
  }

  /**
   * Notes a refused request; logs it unless its key logged within the last {@link #INTERVAL_MS}.
   *
   * @param kind the kind of reason, part of the key: e.g. {@code INVALID_CONFIG}, {@code
   *     transactions}
   * @param reason what was refused and why, for the operator
   * @return whether a line was logged
   */
  public boolean refused(KafkaRequest request, String kind, String reason) {
    return refused(
        request.clientId(),
        request.clientHost(),
        request.apiKey().name() + " v" + request.version(),
        request.apiKey().name(),
        kind,
        reason);
  }

  /**
   * As {@link #refused(KafkaRequest, String, String)} for a request that was not decoded.
   *
   * @param clientId the client id, or null when unknown
   * @param address the client's address
   * @param request the API and version as the client sent them (logged)
   * @param api the API (part of the key)
   */
  public boolean refused(
      String clientId, String address, String request, String api, String kind, String reason) {
    long now = clock.getAsLong();
    Key key = new Key(clientId == null ? "" : clientId, api, kind);
    if (entries.size() >= MAX_KEYS && !entries.containsKey(key)) {
      entries.values().removeIf(e -> now - e.loggedAtMs() >= INTERVAL_MS);
      if (entries.size() >= MAX_KEYS) {
        entries.clear(); // a flood of client ids: forgetting only lets a line through early
      }
    }
    int[] suppressed = {-1};
    entries.compute(
        key,
        (k, e) -> {
          if (e == null || now - e.loggedAtMs() >= INTERVAL_MS) {
            suppressed[0] = e == null ? 0 : e.suppressed();
            return new Entry(now, 0);
          }
          return new Entry(e.loggedAtMs(), e.suppressed() + 1);
        });
    if (suppressed[0] < 0) {
      return false;
    }
    sink.accept(
        "refused "
            + request
            + " from client id '"
            + (clientId == null ? "" : clientId)
            + "' at "
            + address
            + ": "
            + reason
            + (suppressed[0] > 0
                ? " (and " + suppressed[0] + " more like it not logged since the previous line)"
                : ""));
    return true;
  }
}
