package dev.meridian.testsupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

class TcpProxyTest {

  /** An echo server on an ephemeral loopback port (one thread per connection). */
  private static ServerSocket echo() throws IOException {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t =
        new Thread(
            () -> {
              while (!server.isClosed()) {
                try {
                  Socket s = server.accept();
                  Thread c =
                      new Thread(
                          () -> {
                            try (s) {
                              InputStream in = s.getInputStream();
                              OutputStream out = s.getOutputStream();
                              byte[] buf = new byte[8192];
                              int n;
                              while ((n = in.read(buf)) >= 0) {
                                out.write(buf, 0, n);
                              }
                            } catch (IOException e) {
                              // closed
                            }
                          });
                  c.setDaemon(true);
                  c.start();
                } catch (IOException e) {
                  return;
                }
              }
            });
    t.setDaemon(true);
    t.start();
    return server;
  }

  @Test
  void forwardsBothWaysWithTheConfiguredDelay() throws Exception {
    try (ServerSocket server = echo();
        TcpProxy proxy = TcpProxy.start("127.0.0.1", server.getLocalPort()).delay(50, 60);
        Socket client = new Socket("127.0.0.1", proxy.port())) {
      byte[] data = "hello through the WAN".getBytes();
      long t0 = System.nanoTime();
      client.getOutputStream().write(data);
      byte[] back = new byte[data.length];
      new DataInputStream(client.getInputStream()).readFully(back);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertArrayEquals(data, back);
      assertTrue(ms >= 100, "two delayed hops took " + ms + " ms");
      assertEquals(2L * data.length, proxy.forwardedBytes());
    }
  }

  @Test
  void droppedAndRefusedConnectionsEndAtTheClient() throws Exception {
    try (ServerSocket server = echo();
        TcpProxy proxy = TcpProxy.start("127.0.0.1", server.getLocalPort())) {
      Socket first = new Socket("127.0.0.1", proxy.port());
      first.getOutputStream().write(1);
      assertEquals(1, first.getInputStream().read());
      proxy.dropConnections();
      assertEquals(-1, first.getInputStream().read());
      proxy.down(true);
      try (Socket refused = new Socket("127.0.0.1", proxy.port())) {
        assertEquals(-1, refused.getInputStream().read());
      }
      proxy.down(false);
      try (Socket again = new Socket("127.0.0.1", proxy.port())) {
        again.getOutputStream().write(7);
        assertEquals(7, again.getInputStream().read());
      }
      first.close();
    }
  }
}
