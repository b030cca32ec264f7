package io.cidrotator.http;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

import java.util.Set;

/**
 * The server's request handler: the router, behind the checks the router (or Vert.x under it) would otherwise fail
 * with an internal error, a 500 or a 501 logged with its stack trace for every such request. An HTTP/1.1 request
 * must name its Host as {@code host[:port]} (RFC 9112); its path and query string must be valid percent-encoding;
 * its method must be one this server answers. Otherwise it gets a 4xx saying which, logged nowhere, and the
 * connection ends with it.
 */
public final class RequestGate implements Handler<HttpServerRequest> {

  private static final Set<HttpMethod> METHODS = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST,
    HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE, HttpMethod.OPTIONS);
  private static final String ALLOW = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";

  private final Router router;

  public RequestGate(Router router) {
    this.router = router;
  }

  @Override
  public void handle(HttpServerRequest request) {
    String refusal = refusal(request);
    if (refusal != null) {
      int status = METHODS.contains(request.method()) ? 400 : 405;
      if (status == 405) {
        request.response().putHeader("Allow", ALLOW);
      }
      // Not a client to keep talking to: the connection ends with the answer.
      request.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .putHeader("Connection", "close")
        .end(new JsonObject().put("detail", refusal).encode())
        .onComplete(sent -> request.connection().close());
      return;
    }
    router.handle(request);
  }

  /**
   * The server's invalid request handler: a request the HTTP decoder could not read (a bad version, a broken request
   * line or header) gets a 4xx naming that, where Vert.x's own handler answered some of them 501; a request line or
   * header too long keeps its 414 or 431.
   */
  public static void invalid(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    int status = cause instanceof TooLongHttpLineException ? 414
      : cause instanceof TooLongHttpHeaderException ? 431 : 400;
    request.response()
      .setStatusCode(status)
      .putHeader("Content-Type", "application/json")
      .putHeader("Connection", "close")
      .end(new JsonObject().put("detail", "the request is not valid HTTP/1.1"
        + (cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage())).encode())
      .onComplete(sent -> request.connection().close());
  }

  /** Why {@code request} cannot be routed; null when it can. */
  private static String refusal(HttpServerRequest request) {
    if (!METHODS.contains(request.method())) {
      return "method: " + request.method().name() + " is not one this server answers (" + ALLOW + ")";
    }
    if (request.version() == HttpVersion.HTTP_1_1 && !validHost(request)) {
      return "Host: the header is required in an HTTP/1.1 request, as host or host:port";
    }
    String uri = request.uri();
    int bad = badEscape(uri);
    if (bad >= 0) {
      int query = uri.indexOf('?');
      return (query >= 0 && bad > query ? "query string" : "path") + ": not valid percent-encoding";
    }
    try {
      // Decoded once here (and kept by the request), so no route meets a decoding failure.
      request.params();
    } catch (RuntimeException e) {
      return "query string: not valid percent-encoding";
    }
    return null;
  }

  private static boolean validHost(HttpServerRequest request) {
    try {
      return request.authority() != null;
    } catch (RuntimeException e) {
      // Vert.x's parser throws on some malformed values instead of answering null.
      return false;
    }
  }

  /** Where in {@code uri} a % does not start an escape (% and two hex digits); -1 when every one does. */
  static int badEscape(String uri) {
    for (int i = uri.indexOf('%'); i >= 0; i = uri.indexOf('%', i + 1)) {
      if (i + 2 >= uri.length() || Character.digit(uri.charAt(i + 1), 16) < 0
        || Character.digit(uri.charAt(i + 2), 16) < 0) {
        return i;
      }
    }
    return -1;
  }
}
