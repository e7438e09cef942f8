package dev.meridian.testsupport;

import java.net.http.HttpClient;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * An HTTPS client that trusts any certificate, for test harness probes only (is a node with an
 * HTTPS control plane up?). Tests of TLS itself use clients that verify.
 */
public final class InsecureHttps {
  /** The client (no host name check either). */
  public static final HttpClient CLIENT = build();

  private InsecureHttps() {}

  private static HttpClient build() {
    TrustManager trustAll =
        new X509TrustManager() {
          @Override
          public void checkClientTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public void checkServerTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
          }
        };
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {trustAll}, null);
      return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).sslContext(ctx).build();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
