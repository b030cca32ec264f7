package io.cidrotator.alert;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A webhook receiver for tests: a real HTTP server on a free port that records every POST (headers and the body's
 * bytes) and answers the statuses it was told, in order (200 once they run out).
 */
public final class WebhookReceiver implements AutoCloseable {

  /** One request received. */
  public record Received(String event, String delivery, String signature, byte[] body) {

    public JsonObject json() {
      return new JsonObject(new String(body, StandardCharsets.UTF_8));
    }
  }

  private final Vertx vertx;
  private final HttpServer server;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final Deque<Integer> statuses = new ArrayDeque<>();
  private volatile boolean trickle;

  public WebhookReceiver(Vertx vertx) {
    this.vertx = vertx;
    this.server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      received.add(new Received(request.getHeader("X-CidRotator-Event"), request.getHeader("X-CidRotator-Delivery"),
        request.getHeader("X-CidRotator-Signature"), body.getBytes()));
      if (trickle) {
        // A byte every 300 ms, never the end: a receiver that never finishes its answer.
        request.response().setChunked(true).setStatusCode(200).write("o");
        vertx.setPeriodic(300, id -> request.response().write("k").onFailure(e -> vertx.cancelTimer(id)));
        return;
      }
      Integer status;
      synchronized (statuses) {
        status = statuses.poll();
      }
      request.response().setStatusCode(status == null ? 200 : status).end("ok");
    })).listen(0, "127.0.0.1").await();
  }

  /** From now on, every answer starts and trickles a byte at a time, never ending. */
  public void trickle() {
    trickle = true;
  }

  public String url() {
    return "http://127.0.0.1:" + server.actualPort() + "/hook";
  }

  /** The next requests are answered these statuses, in order. */
  public void answer(Integer... next) {
    synchronized (statuses) {
      statuses.addAll(List.of(next));
    }
  }

  public List<Received> received() {
    return List.copyOf(received);
  }

  /** Waits (up to 10 s) for a request {@code matching}; answers the first. */
  public Received await(Predicate<Received> matching) {
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < end) {
      for (Received r : received) {
        if (matching.test(r)) {
          return r;
        }
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    assertThat(received).as("no matching webhook request arrived in 10 s").anyMatch(matching);
    return null;
  }

  public Received await(String event) {
    return await(r -> event.equals(r.event()));
  }

  @Override
  public void close() {
    server.close().await();
  }
}
