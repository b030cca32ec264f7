package io.cidrotator.dialer;

import io.cidrotator.http.Input;
import io.cidrotator.phone.NanpNumber;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.handler.HttpException;

import java.util.List;
import java.util.function.Function;

/**
 * What a dialer asks for before a call, from {@code GET /next-cid} or the FastAGI script {@code next-cid}, parsed
 * and validated once for both. {@code campaign} and {@code agent} are null when the dialer sent none.
 *
 * @param destination the number called, reduced to 10 digits (outside-line prefix and country code stripped)
 * @param call        who the call is: a retry of the same call is answered the same number and counted once
 */
public record AllocationRequest(NanpNumber destination, String campaign, String agent, CallIdentity call) {

  /**
   * Reads {@code to}, {@code campaign}, {@code agent}, {@code callkey} and {@code uid} from {@code param} (null
   * or empty: absent).
   *
   * @throws HttpException 422 when {@code to} is missing, 400 naming the first invalid parameter
   */
  public static AllocationRequest parse(Function<String, String> param, List<String> dialPrefixes) {
    String to = param.apply("to");
    if (to == null || to.isBlank()) {
      throw new HttpException(422, "to: required query parameter is missing");
    }
    return new AllocationRequest(
      Input.number("to", to, dialPrefixes),
      Input.name("campaign", param.apply("campaign")),
      Input.name("agent", param.apply("agent")),
      CallIdentity.parse(param));
  }

  /** The body of the allocation message on the bus. */
  public JsonObject toJson() {
    return call.putInto(new JsonObject()
      .put("to", destination.digits())
      .put("campaign", campaign)
      .put("agent", agent));
  }

  /** The request a {@link #toJson()} body carries (validated where it was sent). */
  public static AllocationRequest fromJson(JsonObject body) {
    return new AllocationRequest(new NanpNumber(body.getString("to")), body.getString("campaign"),
      body.getString("agent"), CallIdentity.fromJson(body));
  }

  /** VICIdial's call id; null when the dialplan gave none. */
  public String callKey() {
    return call.callKey();
  }

  /** Asterisk's ${UNIQUEID}; null when the dialplan gave none. */
  public String uid() {
    return call.uid();
  }
}
