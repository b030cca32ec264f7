package io.cidrotator.auth;

/** A request without valid credentials (401); {@link Forbidden} is a valid identity without the role (403). */
public class AuthFailure extends RuntimeException {

  public AuthFailure(String message) {
    super(message, null, false, false);
  }

  public int status() {
    return 401;
  }

  /** A valid identity that may not do this. */
  public static final class Forbidden extends AuthFailure {

    public Forbidden(String message) {
      super(message);
    }

    @Override
    public int status() {
      return 403;
    }
  }
}
