package io.cidrotator.dialer;

import io.cidrotator.http.ApiErrors;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The answer formats of the dialer routes, for every Asterisk a floor runs: JSON (default; JSON_DECODE from
 * 16.24/18.10), {@code text} (the bare answer; an EMPTY body on any failure, because Asterisk 13's CURL()
 * hands back the body whatever the status) and {@code kv} ({@code name=value&...} for CURLOPT(hashcompat) +
 * HASH(), back to Asterisk 1.6.2; a failure answers {@code error=...&detail=...}, with no caller_id). Every
 * failure keeps its HTTP status, so CURLOPT(failurecodes) (16.15/18.1+) can blank it too.
 */
enum DialplanFormat implements ApiErrors.FailureFormat {
  JSON,
  TEXT,
  KV;

  private static final String KEY = "cidrotator.format";

  /**
   * Reads {@code format}, remembers it for the answer and for {@link ApiErrors}, and goes on; an unknown one is a
   * 400 (in JSON).
   */
  static void mark(RoutingContext ctx) {
    String raw = ctx.request().getParam("format");
    DialplanFormat format = switch (raw == null ? "json" : raw) {
      case "json" -> JSON;
      case "text" -> TEXT;
      case "kv" -> KV;
      default -> null;
    };
    if (format == null) {
      ctx.fail(new HttpException(400, "format: json, text or kv, got '" + raw + "'"));
      return;
    }
    ctx.put(KEY, format);
    ApiErrors.answerFailuresAs(ctx, format);
    ctx.next();
  }

  /** The format {@link #mark} read. */
  static DialplanFormat of(RoutingContext ctx) {
    DialplanFormat format = ctx.get(KEY);
    return format == null ? JSON : format;
  }

  /** Answers /next-cid: the old tool's JSON (plus tier, reservation, repeat), the bare digits, or kv. */
  void answer(RoutingContext ctx, AllocationRequest request, Allocation allocation) {
    switch (this) {
      case TEXT -> text(ctx.response(), allocation.callerId());
      case KV -> {
        Map<String, Object> kv = new LinkedHashMap<>();
        kv.put("caller_id", allocation.callerId());
        kv.put("reservation", allocation.reservation());
        kv.put("tier", allocation.tier());
        kv.put("reserved_for", allocation.reservedFor());
        kv.put("area_code", allocation.areaCode());
        text(ctx.response(), kv(kv));
      }
      default -> ctx.json(new JsonObject()
        .put("success", true)
        .put("caller_id", allocation.callerId())
        .put("area_code", allocation.areaCode())
        .put("carrier", allocation.carrier())
        .put("reserved_for", allocation.reservedFor())
        .put("destination", request.destination().digits())
        .put("agent", request.agent())
        .put("campaign", request.campaign())
        .put("tier", allocation.tier())
        .put("reservation", allocation.reservation())
        .put("repeat", allocation.repeat()));
    }
  }

  /** Answers /release: {@code {success, caller_id, released}}, {@code 1}/{@code 0}, or kv. */
  void answer(RoutingContext ctx, Allocations.Release release) {
    switch (this) {
      case TEXT -> text(ctx.response(), release.released() ? "1" : "0");
      case KV -> {
        Map<String, Object> kv = new LinkedHashMap<>();
        kv.put("released", release.released() ? 1 : 0);
        kv.put("caller_id", release.callerId());
        text(ctx.response(), kv(kv));
      }
      default -> ctx.json(new JsonObject()
        .put("success", true)
        .put("caller_id", release.callerId())
        .put("released", release.released()));
    }
  }

  /**
   * A failure: JSON {@code {"detail": ...}} as everywhere (a 451 adds {@code "reason": "outside_calling_window"}), text
   * an empty body, kv {@code error=...&detail=...}.
   */
  @Override
  public void end(HttpServerResponse response, int status, String detail) {
    if (this == TEXT) {
      response.end();
      return;
    }
    if (this == JSON) {
      JsonObject body = new JsonObject().put("detail", detail);
      if (DialerOutcome.ofStatus(status) == DialerOutcome.OUTSIDE_CALLING_WINDOW) {
        body.put("reason", DialerOutcome.OUTSIDE_CALLING_WINDOW.label());
      }
      response.putHeader("Content-Type", "application/json").end(body.encode());
      return;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", DialerOutcome.ofStatus(status).kvError());
    body.put("detail", detail);
    text(response, kv(body));
  }

  private static void text(HttpServerResponse response, String body) {
    response.putHeader("Content-Type", "text/plain").end(body);
  }

  /** {@code name=value&...}, each part URL-encoded; null values are left out. */
  static String kv(Map<String, Object> values) {
    StringJoiner joined = new StringJoiner("&");
    values.forEach((name, value) -> {
      if (value != null) {
        joined.add(name + "=" + URLEncoder.encode(value.toString(), StandardCharsets.UTF_8));
      }
    });
    return joined.toString();
  }
}
