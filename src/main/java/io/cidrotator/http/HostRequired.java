package io.cidrotator.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/**
 * The server's request handler: the router, behind one check the router would otherwise fail with an internal
 * error (a 500, logged with its stack trace for every such request): an HTTP/1.1 request must name its Host
 * (RFC 9112). Without one it gets a 400 saying so, logged nowhere.
 */
public final class HostRequired implements Handler<HttpServerRequest> {

  private static final String DETAIL = new JsonObject()
    .put("detail", "Host: the header is required in an HTTP/1.1 request")
    .encode();

  private final Router router;

  public HostRequired(Router router) {
    this.router = router;
  }

  @Override
  public void handle(HttpServerRequest request) {
    if (request.version() == HttpVersion.HTTP_1_1 && request.getHeader("Host") == null) {
      // Not a client to keep talking to: the connection ends with the answer.
      request.response()
        .setStatusCode(400)
        .putHeader("Content-Type", "application/json")
        .putHeader("Connection", "close")
        .end(DETAIL)
        .onComplete(sent -> request.connection().close());
      return;
    }
    router.handle(request);
  }
}
