package dev.meridian.node.protocol;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: frames (int32 size + payload), decodes, dispatches to the API handlers,
 * and writes responses in request order. A size prefix outside (0, socket.request.max.bytes] is
 * rejected before any of the frame is buffered; a frame {@link RequestDecoder} rejects closes this
 * connection only, with one log line; nothing a client sends can escape this class as an exception.
 * A failed request is answered with its API's error response, except acks=0 Produce, which closes
 * the connection.
 *
 * <p>Requests of one connection are handled one at a time, in arrival order: the protocol
 * guarantees that "on a single TCP connection, requests will be processed in the order they are
 * sent", and clients rely on it (librdkafka pipelines non-idempotent Produce requests for the same
 * partition; run concurrently, their batches could be appended out of order). Clients still
 * pipeline: later requests are read and decoded while one is handled, up to {@link
 * ProtocolConfig#maxInFlightPerConnection()}. Different connections are handled concurrently.
 *
 * <p>Runs on one event loop (its {@link Context}); handler futures may complete anywhere and are
 * brought back to it.
 */
final class KafkaConnection {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaConnection.class);

  /** A request awaiting its response, in arrival order. */
  private static final class Pending {
    final ApiKeys key;
    final short version;
    final int correlationId;
    final AbstractRequest request;
    final ApiHandler handler;
    final KafkaRequest call;
    boolean done;

    /** A {@link Buffer}, or the Netty messages of a zero-copy frame, or null for none. */
    Object response;

    Pending(
        ApiKeys key,
        short version,
        int correlationId,
        AbstractRequest request,
        ApiHandler handler,
        KafkaRequest call) {
      this.key = key;
      this.version = version;
      this.correlationId = correlationId;
      this.request = request;
      this.handler = handler;
      this.call = call;
    }
  }

  private final NetSocket socket;
  private final Context context;
  private final ApiRegistry registry;
  private final ProtocolConfig config;
  private final String id;
  private final RecordParser parser;

  /** Decoded and not yet answered, in arrival order: the handled one first, then the waiting. */
  private final ArrayDeque<Pending> inFlight = new ArrayDeque<>();

  /** Decoded and not yet handed to their handler, in arrival order. */
  private final ArrayDeque<Pending> waiting = new ArrayDeque<>();

  private boolean handling;
  private boolean expectSize = true;
  private int expectedBytes;
  private boolean paused;
  private boolean closed;

  KafkaConnection(NetSocket socket, ApiRegistry registry, ProtocolConfig config) {
    this.socket = socket;
    this.context = Vertx.currentContext();
    this.registry = registry;
    this.config = config;
    this.id = String.valueOf(socket.remoteAddress());
    this.parser = RecordParser.newFixed(4, socket);
    parser.handler(this::onChunk);
    parser.exceptionHandler(e -> close("read failed: " + e));
    socket.closeHandler(v -> closed = true);
    socket.drainHandler(v -> maybeResume());
  }

  private void onChunk(Buffer chunk) {
    if (closed) {
      return;
    }
    if (chunk.length() < (expectSize ? 4 : expectedBytes)) {
      // the stream ended inside a frame: the parser hands over what it has
      close("connection ended after " + chunk.length() + " byte(s) of a frame");
      return;
    }
    if (expectSize) {
      int size = chunk.getInt(0);
      if (size <= 0 || size > config.maxRequestBytes()) {
        close(
            "request size "
                + size
                + " is outside (0, "
                + config.maxRequestBytes()
                + "] (socket.request.max.bytes)");
        return;
      }
      expectSize = false;
      expectedBytes = size;
      parser.fixedSizeMode(size);
    } else {
      expectSize = true;
      parser.fixedSizeMode(4);
      onRequest(ByteBuffer.wrap(chunk.getBytes()));
    }
  }

  private void onRequest(ByteBuffer payload) {
    DecodedRequest decoded;
    try {
      decoded = RequestDecoder.decode(payload, registry);
    } catch (RequestDecodeException e) {
      if (e.unsupportedKind() != null) {
        // well formed, but an API or version we do not serve: the operator hears of it through
        // the rate-limited refusal log, not a WARN per connection
        RefusalLog.WARN.refused(
            e.clientId(),
            KafkaRequest.hostOf(id),
            e.api() + " v" + e.version(),
            e.api(),
            e.unsupportedKind(),
            e.getMessage() + "; the connection is closed");
        closeQuietly(e.getMessage());
      } else {
        close(e.getMessage());
      }
      return;
    }
    if (decoded instanceof DecodedRequest.UnsupportedApiVersions unsupported) {
      // KIP-511 negotiation, not a refusal: every client newer than us starts this way
      LOG.debug("{}: ApiVersions v{} answered UNSUPPORTED_VERSION", id, unsupported.version());
      answerUnsupportedApiVersions(unsupported.correlationId());
      return;
    }
    DecodedRequest.Parsed parsed = (DecodedRequest.Parsed) decoded;
    RequestHeader header = parsed.header();
    if (LOG.isDebugEnabled()) {
      LOG.debug(
          "{} <- {} v{} corr={} client={}",
          id,
          header.apiKey(),
          header.apiVersion(),
          header.correlationId(),
          header.clientId());
    }
    ApiHandler handler = registry.handler(header.apiKey());
    Pending pending =
        new Pending(
            header.apiKey(),
            header.apiVersion(),
            header.correlationId(),
            parsed.request(),
            handler,
            new KafkaRequest(header, parsed.request(), id));
    inFlight.addLast(pending);
    waiting.addLast(pending);
    if (inFlight.size() >= config.maxInFlightPerConnection()) {
      pause();
    }
    maybeHandleNext();
  }

  /** Hands the oldest waiting request to its handler unless one is being handled. */
  private void maybeHandleNext() {
    if (handling || closed || waiting.isEmpty()) {
      return;
    }
    Pending pending = waiting.pollFirst();
    handling = true;
    Future<ApiMessage> result;
    try {
      result = pending.handler.handle(pending.call);
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.onComplete(
        ar -> {
          if (Vertx.currentContext() == context) {
            handled(pending, ar.succeeded() ? ar.result() : null, ar.cause());
          } else {
            context.runOnContext(
                v -> handled(pending, ar.succeeded() ? ar.result() : null, ar.cause()));
          }
        });
  }

  private void handled(Pending pending, ApiMessage body, Throwable failure) {
    handling = false;
    complete(pending, body, failure);
    maybeHandleNext();
  }

  /**
   * KIP-511: a client asking for a newer ApiVersions than we serve gets UNSUPPORTED_VERSION and our
   * version table, encoded at v0 with response header v0, and retries at our maximum.
   */
  private void answerUnsupportedApiVersions(int correlationId) {
    ApiVersionsResponseData body =
        new ApiVersionsResponseData()
            .setErrorCode(Errors.UNSUPPORTED_VERSION.code())
            .setApiKeys(registry.versions());
    Pending pending = new Pending(ApiKeys.API_VERSIONS, (short) 0, correlationId, null, null, null);
    pending.done = true;
    pending.response = ResponseEncoder.encode((short) 0, (short) 0, correlationId, body);
    inFlight.addLast(pending);
    flush();
  }

  private void complete(Pending pending, ApiMessage body, Throwable failure) {
    pending.done = true;
    if (failure != null) {
      LOG.warn(
          "{} {} v{} failed: {}", id, pending.key, pending.version, failure.toString(), failure);
      if (pending.request instanceof ProduceRequest produce && produce.acks() == 0) {
        // acks=0 gets no response, not even an error (its getErrorResponse is null). Like Kafka,
        // close instead, so the producer notices and refreshes its metadata.
        close(pending.key + " v" + pending.version + " with acks=0 failed: " + failure);
      }
    }
    if (!closed) {
      try {
        pending.response = response(pending, body, failure);
      } catch (RuntimeException e) {
        // not even the API's generic error response encodes: without an answer the client would
        // wait forever for this and every later response on the connection
        LOG.error("{} cannot answer {} v{}", id, pending.key, pending.version, e);
        close("cannot answer " + pending.key + " v" + pending.version + ": " + e);
      }
    }
    flush();
  }

  /** The response frame for a finished request, or null when it gets none (acks=0). */
  private Object response(Pending pending, ApiMessage body, Throwable failure) {
    if (failure == null) {
      if (body == null) {
        return null;
      }
      try {
        return ResponseEncoder.frame(pending.key, pending.version, pending.correlationId, body);
      } catch (RuntimeException e) {
        LOG.error("{} cannot encode {} v{} response", id, pending.key, pending.version, e);
        failure = e;
      }
    }
    AbstractResponse error = pending.request.getErrorResponse(0, failure);
    if (error == null) {
      throw new IllegalStateException("no error response", failure);
    }
    return ResponseEncoder.encode(
        pending.key, pending.version, pending.correlationId, error.data());
  }

  /** Writes every finished response at the head of the queue, in order. */
  private void flush() {
    while (!inFlight.isEmpty() && inFlight.peekFirst().done) {
      Pending p = inFlight.pollFirst();
      if (p.response instanceof Buffer buffer && !closed) {
        socket.write(buffer);
      } else if (p.response instanceof List<?> parts && !closed) {
        for (Object part : parts) {
          ((NetSocketInternal) socket).writeMessage(part);
        }
      }
    }
    maybeResume();
  }

  private void pause() {
    if (!paused) {
      paused = true;
      parser.pause();
    }
  }

  private void maybeResume() {
    if (socket.writeQueueFull()) {
      pause();
      return;
    }
    if (paused && inFlight.size() < config.maxInFlightPerConnection()) {
      paused = false;
      parser.resume();
    }
  }

  private void close(String reason) {
    if (!closed) {
      LOG.warn("closing Kafka connection {}: {}", id, reason);
      closeQuietly(reason);
    }
  }

  /** Closes at DEBUG, for a reason already logged elsewhere. */
  private void closeQuietly(String reason) {
    if (!closed) {
      closed = true;
      LOG.debug("closing Kafka connection {}: {}", id, reason);
      socket.close();
    }
  }
}
