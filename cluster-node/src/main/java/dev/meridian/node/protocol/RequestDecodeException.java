package dev.meridian.node.protocol;

/**
 * A request frame that is not a request this node serves: unknown or unserved API key, unsupported
 * version (other than ApiVersions, which is answered), or bytes the header or body parser rejects.
 * The only exception {@link RequestDecoder#decode} throws; the connection that sent the frame is
 * closed with {@link #getMessage()} as the reason.
 */
public final class RequestDecodeException extends Exception {
  private static final long serialVersionUID = 1L;

  public RequestDecodeException(String reason) {
    super(reason);
  }

  public RequestDecodeException(String reason, Throwable cause) {
    super(reason, cause);
  }
}
