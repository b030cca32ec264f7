package io.cidrotator.dialer;

import io.cidrotator.http.Input;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.handler.HttpException;

import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The end of a call, from {@code /release} or the FastAGI script {@code release} (a hangup handler), parsed and
 * validated once for both. The call is named by {@code callerId} (with {@code reservation}, only that
 * reservation ends, so a late hangup cannot free the number from the next call), else by the {@code callKey}
 * or {@code uid} it was allocated with. {@code end} is how it ended, for the history.
 */
public record ReleaseRequest(String callerId, String reservation, CallIdentity call, CallEnd end) {

  /** The allocation id /next-cid answers as {@code reservation} (a UUID). */
  private static final Pattern RESERVATION = Pattern.compile("[0-9a-f-]{36}");
  /** Asterisk's ${DIALSTATUS}: ANSWER, BUSY, NOANSWER, CANCEL, CONGESTION, CHANUNAVAIL, ... */
  private static final Pattern DIAL_STATUS = Pattern.compile("[A-Z_]{1,20}");
  private static final int MAX_ANSWERED_SECONDS = 7 * 24 * 3600;
  /** Q.850 cause codes. */
  private static final int MAX_CAUSE = 127;

  /** A release by number alone, as an admin's {@code DELETE /api/reservation/{caller_id}} makes it. */
  public static ReleaseRequest of(String callerId) {
    return new ReleaseRequest(callerId, null, CallIdentity.ANONYMOUS, CallEnd.UNKNOWN);
  }

  /**
   * Reads {@code caller_id}, {@code reservation}, {@code callkey}, {@code uid}, {@code dialstatus}, {@code answered}
   * and {@code cause} from {@code param} (null or empty: absent, as an unset dialplan variable arrives).
   *
   * @throws HttpException 422 when nothing names the call, 400 naming the first invalid parameter
   */
  public static ReleaseRequest parse(Function<String, String> param) {
    String callerId = Input.optional(param.apply("caller_id"));
    CallIdentity call = CallIdentity.parse(param);
    if (callerId == null && call.isAnonymous()) {
      throw new HttpException(422, "caller_id: required query parameter is missing (or give uid, or callkey with "
        + "VICIdial's call id)");
    }
    String digits = callerId == null ? null : Input.number("caller_id", callerId).digits();
    String reservation = Input.optional(param.apply("reservation"));
    if (reservation != null && !RESERVATION.matcher(reservation).matches()) {
      throw new HttpException(400, "reservation: not a reservation id as /next-cid returns it");
    }
    String dialStatus = Input.optional(param.apply("dialstatus"));
    if (dialStatus != null && !DIAL_STATUS.matcher(dialStatus).matches()) {
      throw new HttpException(400, "dialstatus: an Asterisk DIALSTATUS such as ANSWER or BUSY, got '" + dialStatus
        + "'");
    }
    CallEnd end = new CallEnd(dialStatus,
      Input.integer("answered", param.apply("answered"), 0, MAX_ANSWERED_SECONDS),
      Input.integer("cause", param.apply("cause"), 0, MAX_CAUSE));
    return new ReleaseRequest(digits, reservation, call, end);
  }

  /** The body of the release message on the bus. */
  public JsonObject toJson() {
    return call.putInto(new JsonObject()
      .put("caller_id", callerId)
      .put("reservation", reservation))
      .put("dialstatus", end.dialStatus())
      .put("answered", end.answeredSeconds())
      .put("cause", end.hangupCause());
  }

  /** The request a {@link #toJson()} body carries (validated where it was sent). */
  public static ReleaseRequest fromJson(JsonObject body) {
    return new ReleaseRequest(body.getString("caller_id"), body.getString("reservation"), CallIdentity.fromJson(body),
      new CallEnd(body.getString("dialstatus"), body.getInteger("answered"), body.getInteger("cause")));
  }

  /** VICIdial's call id; null when the dialplan gave none. */
  public String callKey() {
    return call.callKey();
  }

  /** Asterisk's ${UNIQUEID}; null when the dialplan gave none. */
  public String uid() {
    return call.uid();
  }

  /** How the request names the call, for a message: "caller_id 5125550100", "callkey V...", "uid ...". */
  public String naming() {
    if (callerId != null) {
      return "caller_id " + callerId;
    }
    return call.callKey() != null ? "callkey " + call.callKey() : "uid " + call.uid();
  }
}
