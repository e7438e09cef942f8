package dev.meridian.node.protocol;

/**
 * A request frame that is not a request this node serves: unknown or unserved API key, unsupported
 * version (other than ApiVersions, which is answered), or bytes the header or body parser rejects.
 * The only exception {@link RequestDecoder#decode} throws; the connection that sent the frame is
 * closed with {@link #getMessage()} as the reason.
 */
public final class RequestDecodeException extends Exception {
  private static final long serialVersionUID = 1L;

  /** The kind of refusal of a well-formed request this node does not serve, or null. */
  private final String unsupported;

  private final String api;
  private final short version;
  private final String clientId;

  public RequestDecodeException(String reason) {
    this(reason, null, null, null, (short) -1, null);
  }

  public RequestDecodeException(String reason, Throwable cause) {
    this(reason, cause, null, null, (short) -1, null);
  }

  private RequestDecodeException(
      String reason,
      Throwable cause,
      String unsupported,
      String api,
      short version,
      String clientId) {
    super(reason, cause);
    this.unsupported = unsupported;
    this.api = api;
    this.version = version;
    this.clientId = clientId;
  }

  /**
   * A request of an API or version this node does not serve (not a malformed frame).
   *
   * @param kind {@code unsupported API} or {@code unsupported version}
   * @param api the API, e.g. {@code ALTER_CONFIGS} or {@code API key 99}
   * @param version the version the client sent
   * @param clientId the client id read from the header, or null when it cannot be read
   */
  static RequestDecodeException unsupported(
      String reason, String kind, String api, short version, String clientId) {
    return new RequestDecodeException(reason, null, kind, api, version, clientId);
  }

  /** The kind of refusal when the request is well formed but not served, else null. */
  public String unsupportedKind() {
    return unsupported;
  }

  /** The API the client sent, when {@link #unsupportedKind()} is set. */
  public String api() {
    return api;
  }

  /** The version the client sent, when {@link #unsupportedKind()} is set. */
  public short version() {
    return version;
  }

  /** The client id from the request header, when it could be read. */
  public String clientId() {
    return clientId;
  }
}
