package io.cidrotator.dialer;

/**
 * The one vocabulary of what became of a dialer's request, whether it came over HTTP or FastAGI: each HTTP status
 * the dialer routes answer maps to one outcome. {@link #label()} is the word of the metrics
 * ({@code cidrotator_next_cid_seconds{outcome}}, {@code cidrotator_agi_sessions{outcome}}) and of FastAGI's
 * CIDROTATOR_REASON; {@link #kvError()} is the {@code error=} of a {@code format=kv} failure, which keeps 400,
 * 422, 401 and 403 apart.
 */
public enum DialerOutcome {
  OK("ok", null),
  BAD_REQUEST("bad_request", "invalid_request"),
  MISSING_PARAMETER("bad_request", "missing_parameter"),
  UNAUTHORIZED("unauthorized", "unauthorized"),
  FORBIDDEN("unauthorized", "forbidden"),
  NOT_FOUND("not_found", "not_found"),
  RATE_LIMITED("rate_limited", "rate_limited"),
  /** 451: the pool's calling window does not hold the callee's local time. */
  OUTSIDE_CALLING_WINDOW("outside_calling_window", "outside_calling_window"),
  UNAVAILABLE("unavailable", "unavailable"),
  CLIENT_ERROR("client_error", "failed"),
  ERROR("error", "failed");

  private final String label;
  private final String kvError;

  DialerOutcome(String label, String kvError) {
    this.label = label;
    this.kvError = kvError;
  }

  /** The outcome an HTTP status (or a bus failure code) stands for; a code outside 200-599 is an error. */
  public static DialerOutcome ofStatus(int status) {
    if (status >= 200 && status < 300) {
      return OK;
    }
    return switch (status) {
      case 400 -> BAD_REQUEST;
      case 422 -> MISSING_PARAMETER;
      case 401 -> UNAUTHORIZED;
      case 403 -> FORBIDDEN;
      case 404 -> NOT_FOUND;
      case 429 -> RATE_LIMITED;
      case 451 -> OUTSIDE_CALLING_WINDOW;
      case 503 -> UNAVAILABLE;
      default -> status >= 400 && status < 500 ? CLIENT_ERROR : ERROR;
    };
  }

  public String label() {
    return label;
  }

  public String kvError() {
    return kvError;
  }
}
