package dev.meridian.config;

/**
 * HTTPS for the REST control plane ({@code controlPlane.tls}): the node's certificate and key in a
 * PKCS12 key store, and what clients of the file's nodes (other nodes, {@code ops/meridian ctl})
 * trust: a PKCS12 trust store, by default the key store itself (a self-signed certificate shared by
 * the file's nodes). Paths are used as written (relative ones against the node's working
 * directory). {@link #toString()} never shows the passwords.
 *
 * @param keyStore the PKCS12 file with the node's private key and certificate chain
 * @param keyStorePassword its password
 * @param trustStore the PKCS12 file of the certificates clients trust; {@code null}: the key store
 * @param trustStorePassword its password; {@code null}: the key store's
 */
public record ControlPlaneTls(
    String keyStore, String keyStorePassword, String trustStore, String trustStorePassword) {

  /** The trust store clients use. */
  public String effectiveTrustStore() {
    return trustStore == null ? keyStore : trustStore;
  }

  /** Its password. */
  public String effectiveTrustStorePassword() {
    return trustStorePassword == null ? keyStorePassword : trustStorePassword;
  }

  @Override
  public String toString() {
    return "ControlPlaneTls[keyStore=" + keyStore + ", trustStore=" + effectiveTrustStore() + "]";
  }
}
