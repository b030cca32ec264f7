package io.cidrotator.http;

import io.vertx.core.http.HttpServerResponse;
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
enum DialplanFormat {
  JSON,
  TEXT,
  KV;

  private static final String KEY = "cidrotator.format";

  /** Reads {@code format}, remembers it for the failure handler, and goes on; an unknown one is a 400. */
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
    ctx.next();
  }

  /** The format {@link #mark} read; JSON for routes that take none. */
  static DialplanFormat of(RoutingContext ctx) {
    DialplanFormat format = ctx.get(KEY);
    return format == null ? JSON : format;
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

  /** Ends a failed request in this format; false when the format is JSON (the caller writes the JSON body). */
  boolean endFailure(HttpServerResponse response, int status, String detail) {
    if (this == TEXT) {
      response.end();
      return true;
    }
    if (this == KV) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("error", errorCode(status));
      body.put("detail", detail);
      response.putHeader("Content-Type", "text/plain").end(kv(body));
      return true;
    }
    return false;
  }

  private static String errorCode(int status) {
    return switch (status) {
      case 400 -> "invalid_request";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "not_found";
      case 422 -> "missing_parameter";
      case 429 -> "rate_limited";
      case 503 -> "unavailable";
      default -> "failed";
    };
  }
}
