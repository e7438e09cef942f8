package dev.meridian.node.http;

import dev.meridian.config.ControlPlaneSettings;
import dev.meridian.config.ControlPlaneTls;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PfxOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The two ends of the control plane's HTTP(S): the server options of a node ({@link
 * #serverOptions}) and the client the file's nodes and {@code ops/meridian ctl} use to reach a node
 * ({@link #client}, {@link #uri}): plain HTTP, or HTTPS trusting the file's trust store when {@code
 * controlPlane.tls} is set.
 */
public final class ControlPlaneClients {
  private ControlPlaneClients() {}

  /** The HTTP server options of a node: TLS from the key store when configured. */
  public static HttpServerOptions serverOptions(ControlPlaneSettings settings) {
    HttpServerOptions o = new HttpServerOptions();
    ControlPlaneTls tls = settings.tls();
    if (tls != null) {
      o.setSsl(true)
          .setKeyCertOptions(
              new PfxOptions().setPath(tls.keyStore()).setPassword(tls.keyStorePassword()));
    }
    return o;
  }

  /** A client of the file's control planes (HTTPS trusting the trust store when configured). */
  public static HttpClient client(ControlPlaneSettings settings) {
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3));
    ControlPlaneTls tls = settings.tls();
    if (tls != null) {
      b.sslContext(trusting(tls.effectiveTrustStore(), tls.effectiveTrustStorePassword()));
    }
    return b.build();
  }

  /** {@code scheme://host:port path} of a node's control plane. */
  public static java.net.URI uri(
      ControlPlaneSettings settings, String host, int port, String path) {
    return java.net.URI.create(settings.scheme() + "://" + host + ":" + port + path);
  }

  private static SSLContext trusting(String store, String password) {
    try (InputStream in = Files.newInputStream(Path.of(store))) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(in, password.toCharArray());
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the trust store " + store, e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot use the trust store " + store, e);
    }
  }
}
