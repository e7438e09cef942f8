package dev.meridian.node.protocol;

import java.io.Closeable;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;

/**
 * A blocking Kafka protocol client connection, one request at a time (or several written ahead),
 * with kafka-clients' own message classes: what a node uses to talk to another node as a client (a
 * follower fetching from its leader). It runs on the caller's thread — a dedicated one, never an
 * event loop. Not thread-safe.
 */
public final class KafkaChannel implements Closeable {
  private static final int MAX_RESPONSE_BYTES = 200 * 1024 * 1024;

  private final String host;
  private final int port;
  private final String clientId;
  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private int correlationId;
  private byte[] responseBuffer = new byte[0];

  /**
   * Connects.
   *
   * @param timeoutMs the connect timeout, and how long a read may wait (requests that park on the
   *     server, like a long-polling Fetch, must allow for that)
   */
  public KafkaChannel(String host, int port, String clientId, int timeoutMs) throws IOException {
    this.host = host;
    this.port = port;
    this.clientId = clientId;
    this.socket = new Socket();
    try {
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress(host, port), timeoutMs);
      socket.setSoTimeout(timeoutMs);
      this.in = new DataInputStream(socket.getInputStream());
      this.out = socket.getOutputStream();
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  /** Where this channel is connected. */
  public String address() {
    return host + ":" + port;
  }

  /**
   * Sends one request and reads its response. The response, record sets included, lives in a buffer
   * of the channel that the next {@code send} or {@link #receive} overwrites: use it up first.
   *
   * @throws IOException on a network error, a timeout, or a response that does not match
   */
  public <T extends ApiMessage> T send(ApiKeys key, short version, ApiMessage request)
      throws IOException {
    return receive(key, version, write(key, version, request));
  }

  /**
   * Sends one request without waiting for its response, for callers that keep several requests in
   * flight (the server answers them in order): read each answer with {@link #receive}, oldest
   * first.
   *
   * @return the request's correlation id
   */
  public int write(ApiKeys key, short version, ApiMessage request) throws IOException {
    int correlation = ++correlationId;
    RequestHeaderData header =
        new RequestHeaderData()
            .setRequestApiKey(key.id)
            .setRequestApiVersion(version)
            .setClientId(clientId)
            .setCorrelationId(correlation);
    short headerVersion = key.requestHeaderVersion(version);
    ObjectSerializationCache cache = new ObjectSerializationCache();
    int size = header.size(cache, headerVersion) + request.size(cache, version);
    ByteBuffer buffer = ByteBuffer.allocate(4 + size);
    buffer.putInt(size);
    ByteBufferAccessor accessor = new ByteBufferAccessor(buffer);
    header.write(accessor, cache, headerVersion);
    request.write(accessor, cache, version);
    out.write(buffer.array(), 0, buffer.position());
    out.flush();
    return correlation;
  }

  /**
   * Reads the response to the request written with {@code correlation}, which must be the oldest
   * unanswered one. The response lives in the channel's buffer until the next read.
   *
   * @throws IOException on a network error, a timeout, or a response that does not match
   */
  @SuppressWarnings("unchecked")
  public <T extends ApiMessage> T receive(ApiKeys key, short version, int correlation)
      throws IOException {
    int length = in.readInt();
    if (length < 0 || length > MAX_RESPONSE_BYTES) {
      throw new IOException(address() + ": response of " + length + " bytes");
    }
    // one buffer for every response of this channel: a response (its record sets too) is valid
    // until the next read, which is how its callers (fetcher threads) use it; no array per Fetch.
    // It grows to the largest response seen (rounded up to 64 KiB), never to twice that: it stays
    // on the heap for the channel's life
    if (responseBuffer.length < length) {
      responseBuffer = new byte[roundUp(length)];
    }
    byte[] body = responseBuffer;
    in.readFully(body, 0, length);
    ByteBufferAccessor response = new ByteBufferAccessor(ByteBuffer.wrap(body, 0, length));
    ResponseHeaderData responseHeader =
        new ResponseHeaderData(response, key.responseHeaderVersion(version));
    if (responseHeader.correlationId() != correlation) {
      throw new IOException(
          address()
              + ": response to correlation id "
              + responseHeader.correlationId()
              + ", expected "
              + correlation);
    }
    ApiMessage message = key.messageType.newResponse();
    try {
      message.read(response, version);
    } catch (RuntimeException e) {
      throw new IOException(address() + ": undecodable " + key + " v" + version + " response", e);
    }
    return (T) message;
  }

  /** Closes {@code channel} if there is one, ignoring errors (a connection being dropped). */
  public static void closeQuietly(KafkaChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        // closing
      }
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  /** {@code n} rounded up to a multiple of 64 KiB (at most {@link #MAX_RESPONSE_BYTES}). */
  static int roundUp(int n) {
    return (int) Math.min(MAX_RESPONSE_BYTES, ((long) n + 0xFFFF) & ~0xFFFFL);
  }
}
