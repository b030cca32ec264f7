package io.cidrotator;

import java.net.BindException;

/**
 * A listener that could not bind, said as an operator needs it: which setting, which address, what to do. (A
 * FastAGI port of 4573 is often taken on a dialer box: Asterisk's own default for FastAGI servers.)
 */
public final class ListenFailure {

  private ListenFailure() {
  }

  /**
   * {@code failure} of listening on {@code host}:{@code port}, set by {@code setting}, as one clear message when it
   * is a bind failure ({@code hint} added); otherwise {@code failure} itself.
   */
  public static Throwable explain(Throwable failure, String setting, String host, int port, String hint) {
    String message = failure.getMessage() == null ? "" : failure.getMessage();
    if (!(failure instanceof BindException) && !message.contains("Address already in use")
      && !message.contains("Cannot assign requested address")) {
      return failure;
    }
    if (message.contains("Cannot assign requested address")) {
      return new IllegalStateException("API_HOST: " + host + " is not an address of this machine (" + setting
        + " " + port + " could not be opened on it)");
    }
    return new IllegalStateException(setting + ": " + host + ":" + port + " is already in use by another process: "
      + "stop it, or set " + setting + " to a free port" + hint);
  }
}
