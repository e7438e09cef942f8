package dev.meridian.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/** TCP ports that were free on 127.0.0.1 a moment ago, never the same one twice per JVM. */
public final class FreePorts {
  private static final Set<Integer> HANDED_OUT = new HashSet<>();

  private FreePorts() {}

  /** A port nobody listened on a moment ago and that this JVM has not handed out before. */
  public static synchronized int next() {
    for (int attempt = 0; attempt < 100; attempt++) {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        int port = s.getLocalPort();
        // leave room for kafkaPort + 10000 style arithmetic in configs that derive ports
        if (port < 55_000 && HANDED_OUT.add(port)) {
          return port;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot find a free port", e);
      }
    }
    throw new IllegalStateException("no free port found in 100 attempts");
  }
}
