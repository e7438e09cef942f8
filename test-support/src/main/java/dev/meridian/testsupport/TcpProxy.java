package dev.meridian.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A user-space TCP proxy on loopback for WAN faults (this kernel has no netem): forwards every
 * connection to one upstream address, optionally delaying each chunk by a random time in [{@code
 * minDelayMs}, {@code maxDelayMs}] per direction (order kept), dropping every open connection on
 * demand, and refusing new ones while "down". Counts the bytes it forwards. Blocking I/O on daemon
 * threads; {@link #close()} stops everything.
 *
 * <pre>
 * try (TcpProxy proxy = TcpProxy.start("127.0.0.1", brokerPort)) {
 *   proxy.delay(50, 200);
 *   ... clients connect to proxy.port() ...
 *   proxy.dropConnections();
 * }
 * </pre>
 */
public final class TcpProxy implements AutoCloseable {
  private static final byte[] END = new byte[0];

  private final String upstreamHost;
  private final int upstreamPort;
  private final ServerSocket server;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final AtomicLong forwarded = new AtomicLong();
  private volatile int minDelayMs;
  private volatile int maxDelayMs;
  private volatile boolean refusing;
  private volatile boolean closed;

  private TcpProxy(String upstreamHost, int upstreamPort, int port) throws IOException {
    this.upstreamHost = upstreamHost;
    this.upstreamPort = upstreamPort;
    this.server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    Thread accept = new Thread(this::acceptLoop, "tcp-proxy-" + server.getLocalPort());
    accept.setDaemon(true);
    accept.start();
  }

  /** A proxy on an ephemeral loopback port to {@code host:port}. */
  public static TcpProxy start(String host, int port) {
    return start(host, port, 0);
  }

  /** A proxy on loopback port {@code listenPort} (0: ephemeral) to {@code host:port}. */
  public static TcpProxy start(String host, int port, int listenPort) {
    try {
      return new TcpProxy(host, port, listenPort);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The port clients connect to. */
  public int port() {
    return server.getLocalPort();
  }

  /** Delays every chunk, each direction, by a random time in [{@code minMs}, {@code maxMs}]. */
  public TcpProxy delay(int minMs, int maxMs) {
    this.minDelayMs = minMs;
    this.maxDelayMs = Math.max(minMs, maxMs);
    return this;
  }

  /** Closes every open connection (clients see a reset or end of stream). */
  public void dropConnections() {
    for (Socket s : open) {
      closeQuietly(s);
    }
    open.clear();
  }

  /** While down, new connections are closed at once and open ones dropped. */
  public void down(boolean isDown) {
    refusing = isDown;
    if (isDown) {
      dropConnections();
    }
  }

  /** Bytes forwarded so far, both directions. */
  public long forwardedBytes() {
    return forwarded.get();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = server.accept();
        if (refusing) {
          closeQuietly(client);
          continue;
        }
        Socket upstream = new Socket();
        try {
          upstream.connect(new InetSocketAddress(upstreamHost, upstreamPort), 5_000);
        } catch (IOException e) {
          closeQuietly(client);
          closeQuietly(upstream);
          continue;
        }
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        open.add(client);
        open.add(upstream);
        pump(client, upstream);
        pump(upstream, client);
      } catch (IOException e) {
        if (closed) {
          return;
        }
      }
    }
  }

  /** Copies {@code from} to {@code to}: a reader thread and, with delays, a writer thread. */
  private void pump(Socket from, Socket to) {
    LinkedBlockingQueue<Object[]> queue = new LinkedBlockingQueue<>();
    Thread reader =
        new Thread(
            () -> {
              long lastRelease = 0;
              try {
                InputStream in = from.getInputStream();
                byte[] buf = new byte[64 * 1024];
                int n;
                while ((n = in.read(buf)) >= 0) {
                  long release = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMs());
                  lastRelease = Math.max(lastRelease, release);
                  queue.put(new Object[] {Arrays.copyOf(buf, n), lastRelease});
                }
              } catch (IOException | InterruptedException e) {
                // dropped or closed
              }
              queue.add(new Object[] {END, 0L});
            },
            "tcp-proxy-read-" + port());
    Thread writer =
        new Thread(
            () -> {
              try {
                OutputStream out = to.getOutputStream();
                while (true) {
                  Object[] item = queue.take();
                  byte[] data = (byte[]) item[0];
                  if (data == END) {
                    break;
                  }
                  long wait = (long) item[1] - System.nanoTime();
                  if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                  }
                  out.write(data);
                  out.flush();
                  forwarded.addAndGet(data.length);
                }
              } catch (IOException | InterruptedException e) {
                // dropped or closed
              }
              closeQuietly(from);
              closeQuietly(to);
              open.remove(from);
              open.remove(to);
            },
            "tcp-proxy-write-" + port());
    reader.setDaemon(true);
    writer.setDaemon(true);
    reader.start();
    writer.start();
  }

  private int delayMs() {
    int min = minDelayMs;
    int max = maxDelayMs;
    return max <= 0 ? 0 : min + ThreadLocalRandom.current().nextInt(max - min + 1);
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing
    }
  }

  /**
   * Runs a proxy until killed (benchmarks): {@code LISTEN_PORT UPSTREAM_HOST UPSTREAM_PORT DELAY_MS
   * [STATS_FILE]}; each direction is delayed by {@code DELAY_MS}; the forwarded byte count is
   * written to {@code STATS_FILE} every second.
   */
  public static void main(String[] args) throws Exception {
    if (args.length < 4) {
      System.err.println(
          "usage: TcpProxy LISTEN_PORT UPSTREAM_HOST UPSTREAM_PORT DELAY_MS [STATS_FILE]");
      System.exit(2);
    }
    int delay = Integer.parseInt(args[3]);
    TcpProxy proxy =
        start(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[0])).delay(delay, delay);
    java.nio.file.Path stats = args.length > 4 ? java.nio.file.Path.of(args[4]) : null;
    System.out.println("proxy 127.0.0.1:" + proxy.port() + " -> " + args[1] + ":" + args[2]);
    while (true) {
      if (stats != null) {
        java.nio.file.Files.writeString(stats, proxy.forwardedBytes() + "\n");
      }
      TimeUnit.SECONDS.sleep(1);
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // closing
    }
    dropConnections();
  }
}
