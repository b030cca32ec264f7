package io.cidrotator.http;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;

import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Closes a connection that has not sent a complete request head (request line and headers) within HTTP_HEAD_TIMEOUT_MS
 * of connecting: the slowloris attack opens many connections and drips each one's headers, a byte every few
 * seconds, which an idle timeout never catches. One per HTTP server instance, on its event loop: a map entry per
 * connection until its first request, and one sweep every {@value #SWEEP_MS} ms (a timer per connection would cost
 * the hot path: dialplans open a connection per request). Connections that fall silent later are the idle timeout's
 * (HTTP_IDLE_TIMEOUT_SECONDS, set on the server).
 */
public final class SlowClients {

  private static final long SWEEP_MS = 250;

  private final long headTimeoutMs;
  private final Map<HttpConnection, Long> waitingForHead = new IdentityHashMap<>();

  public SlowClients(Vertx vertx, long headTimeoutMs) {
    this.headTimeoutMs = headTimeoutMs;
    vertx.setPeriodic(SWEEP_MS, id -> sweep());
  }

  /** The server's connection handler: the connection's clock starts. */
  public void connected(HttpConnection connection) {
    waitingForHead.put(connection, System.currentTimeMillis());
    connection.closeHandler(v -> waitingForHead.remove(connection));
  }

  /** Wraps the server's request handler: a request head arrived, so its connection is no longer waited on. */
  public Handler<HttpServerRequest> requests(Handler<HttpServerRequest> next) {
    return request -> {
      if (!waitingForHead.isEmpty()) {
        waitingForHead.remove(request.connection());
      }
      next.handle(request);
    };
  }

  private void sweep() {
    long tooOld = System.currentTimeMillis() - headTimeoutMs;
    Iterator<Map.Entry<HttpConnection, Long>> entries = waitingForHead.entrySet().iterator();
    while (entries.hasNext()) {
      Map.Entry<HttpConnection, Long> entry = entries.next();
      if (entry.getValue() < tooOld) {
        entries.remove();
        entry.getKey().close();
      }
    }
  }
}
