package dev.meridian.node.protocol;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;

/** A blocking TCP connection that speaks Kafka framing byte by byte, for bad-input tests. */
final class RawKafkaSocket implements AutoCloseable {
  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  /** What the server did after a frame. */
  enum Reaction {
    /** Closed the connection (EOF, or a reset because it did not read everything we sent). */
    CLOSED,
    /** Sent a response frame. */
    ANSWERED,
    /** Neither, within the deadline. */
    SILENT
  }

  RawKafkaSocket(int port) throws IOException {
    socket = new Socket();
    socket.setTcpNoDelay(true);
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    in = new DataInputStream(socket.getInputStream());
    out = socket.getOutputStream();
  }

  RawKafkaSocket send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    return this;
  }

  RawKafkaSocket sendInt(int value) throws IOException {
    return send(ByteBuffer.allocate(4).putInt(value).array());
  }

  /** Reads one response frame (without its size prefix), waiting at most {@code timeout}. */
  ByteBuffer readResponse(Duration timeout) throws IOException {
    socket.setSoTimeout((int) timeout.toMillis());
    int size = in.readInt();
    if (size < 4 || size > 64 << 20) {
      throw new IOException("implausible response size " + size);
    }
    byte[] payload = new byte[size];
    in.readFully(payload);
    return ByteBuffer.wrap(payload);
  }

  /**
   * What the server does next, within {@code timeout}: close, answer (the response is consumed and
   * returned through {@code response} when given), or nothing.
   */
  Reaction await(Duration timeout, ByteBuffer[] response) throws IOException {
    try {
      ByteBuffer r = readResponse(timeout);
      if (response != null) {
        response[0] = r;
      }
      return Reaction.ANSWERED;
    } catch (EOFException e) {
      return Reaction.CLOSED;
    } catch (SocketTimeoutException e) {
      return Reaction.SILENT;
    } catch (SocketException e) {
      // "Connection reset": the server closed with our unread bytes in its receive buffer
      return Reaction.CLOSED;
    }
  }

  Reaction await(Duration timeout) throws IOException {
    return await(timeout, null);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
