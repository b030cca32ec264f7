package io.cidrotator.dialer;

import io.cidrotator.http.Input;
import io.vertx.core.json.JsonObject;

import java.util.function.Function;

/**
 * Who a call is, as far as the dialplan says: VICIdial's call id from CALLERID(name) ({@code callkey}, e.g.
 * V1260930150000012345: one per call) and Asterisk's ${UNIQUEID} ({@code uid}); either may be null. An allocation
 * with one is found again by a retry of the same call and by its hangup's release.
 */
public record CallIdentity(String callKey, String uid) {

  public static final CallIdentity ANONYMOUS = new CallIdentity(null, null);
  /** A call's keys outlive its reservation this long: a late hangup handler's release still finds the call. */
  public static final long KEY_GRACE_MS = 15 * 60_000L;

  /**
   * Reads {@code callkey} and {@code uid}. A callkey that is not a VICIdial call id (a phone's display name, the
   * same on every call it makes, would make two calls one) is dropped, not refused.
   *
   * @throws io.vertx.ext.web.handler.HttpException 400 for a uid that is not a short printable word
   */
  static CallIdentity parse(Function<String, String> param) {
    String callKey = param.apply("callkey");
    return new CallIdentity(VicidialCallId.parse(callKey) == null ? null : callKey,
      Input.name("uid", param.apply("uid")));
  }

  boolean isAnonymous() {
    return callKey == null && uid == null;
  }

  /** Adds {@code callkey} and {@code uid} to a message body. */
  JsonObject putInto(JsonObject body) {
    return body.put("callkey", callKey).put("uid", uid);
  }

  static CallIdentity fromJson(JsonObject body) {
    return new CallIdentity(body.getString("callkey"), body.getString("uid"));
  }
}
