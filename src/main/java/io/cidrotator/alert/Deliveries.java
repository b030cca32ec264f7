package io.cidrotator.alert;

import io.cidrotator.InTurn;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends webhook deliveries: a JSON body signed with the webhook's secret ({@link Signature}), POSTed with a 5 s
 * timeout; a 2xx answer delivers it. A failed attempt is tried again after 10 s, 30 s, 2 min, 10 min and 30 min, then
 * the delivery is marked failed. The deliveries are rows of PostgreSQL (the log, and the queue any node's sender
 * claims from), so a retry survives a restart; one that cannot be written (PostgreSQL is down: the alert may be about
 * that) is sent from memory with the same retries, and is not in the log.
 */
final class Deliveries {

  private static final Logger LOG = LoggerFactory.getLogger(Deliveries.class);
  /** The waits after each failed attempt; after the last one the delivery has failed. */
  static final List<Duration> BACKOFF = List.of(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(2),
    Duration.ofMinutes(10), Duration.ofMinutes(30));
  static final long TIMEOUT_MS = 5_000;
  private static final int ERROR_LENGTH = 300;

  private final Vertx vertx;
  private final Pool pg;
  private final HttpClientAgent http;
  private final String server;
  private final InTurn rounds = new InTurn();

  Deliveries(Vertx vertx, Pool pg) {
    this.vertx = vertx;
    this.pg = pg;
    // Up to a round's 50 claimed deliveries to one receiver at once: none waits for a connection behind the others.
    this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) TIMEOUT_MS)
      .setIdleTimeout(30), new PoolOptions().setHttp1MaxSize(50));
    String host = System.getenv("HOSTNAME");
    this.server = host == null || host.isBlank() ? "cid-rotator" : host;
  }

  /** The body of a delivery: its id, the event, when, which server, its subject, a sentence and the details. */
  JsonObject payload(UUID id, AlertEvent event, String subject, String summary, JsonObject data, Instant at) {
    return new JsonObject()
      .put("id", id.toString())
      .put("event", event.label())
      .put("at", at.toString())
      .put("server", server)
      .put("subject", subject)
      .put("summary", summary)
      .put("data", data);
  }

  /** Queues a delivery to {@code target} (sent at once by the caller's next {@link #sendDue}). */
  Future<Void> queue(WebhookTarget target, AlertEvent event, String subject, String summary, JsonObject data,
                     Instant now) {
    UUID id = UUID.randomUUID();
    JsonObject payload = payload(id, event, subject, summary, data, now);
    String body = payload.encode();
    return pg.preparedQuery(WebhookSql.INSERT_DELIVERY)
      .execute(Tuple.of(id, target.id(), event.label(), subject, payload, body).addValue(utc(now)).addInteger(0))
      .<Void>mapEmpty()
      .recover(e -> {
        if (e instanceof PgException pg && "23503".equals(pg.getSqlState())) {
          // The webhook was deleted meanwhile (the copy the alerts use is refreshed every 30 s): nothing to send.
          return Future.succeededFuture();
        }
        LOG.warn("Webhook {}: the {} alert is sent without being logged (PostgreSQL: {})", target.id(), event.label(),
          e.getMessage());
        sendFromMemory(target, id, event, body, 0);
        return Future.succeededFuture();
      });
  }

  /** One attempt, and after a failure ({@code failed} so far) the next after its wait, as the queue would. */
  private void sendFromMemory(WebhookTarget target, UUID id, AlertEvent event, String body, int failed) {
    post(target.url(), target.secret(), id, event, body).onComplete(answer -> {
      if (!(answer.succeeded() && ok(answer.result())) && failed < BACKOFF.size()) {
        vertx.setTimer(BACKOFF.get(failed).toMillis(), t -> sendFromMemory(target, id, event, body, failed + 1));
      }
    });
  }

  /** The timer's round: none while one runs (the next tick tries again). */
  void sendDueIfIdle() {
    if (!rounds.busy()) {
      sendDue(Instant.now()).onFailure(e -> LOG.debug("Webhook deliveries not sent now: {}", e.getMessage()));
    }
  }

  /**
   * Sends every delivery due by {@code now} (claimed, so no other node sends it meanwhile); answers how many were
   * tried. One round at a time: one asked during another runs after it.
   */
  Future<Integer> sendDue(Instant now) {
    return rounds.run(() -> sendDueNow(now));
  }

  private Future<Integer> sendDueNow(Instant now) {
    return pg.preparedQuery(WebhookSql.CLAIM_DUE).execute(Tuple.of(utc(now)))
      .compose(rows -> {
        List<Future<Void>> attempts = new ArrayList<>();
        for (Row row : rows) {
          attempts.add(attempt(row, now));
        }
        return Future.join(attempts).transform(done -> Future.succeededFuture(rows.size()));
      });
  }

  private Future<Void> attempt(Row row, Instant now) {
    UUID id = row.getUUID("id");
    int attempts = row.getInteger("attempts");
    return post(row.getString("url"), row.getString("secret"), id, AlertEvent.of(row.getString("event")),
        row.getString("body_text"))
      .transform(answer -> {
        Integer status = answer.succeeded() ? answer.result() : null;
        if (status != null && ok(status)) {
          return pg.preparedQuery(WebhookSql.DELIVERED).execute(Tuple.of(id, status)).<Void>mapEmpty();
        }
        String error = answer.succeeded() ? "HTTP " + status : String.valueOf(answer.cause().getMessage());
        OffsetDateTime next = attempts > BACKOFF.size() ? null : utc(now.plus(BACKOFF.get(attempts - 1)));
        return pg.preparedQuery(WebhookSql.ATTEMPT_FAILED)
          .execute(Tuple.of(id, next, status, error.length() > ERROR_LENGTH ? error.substring(0, ERROR_LENGTH) : error))
          .<Void>mapEmpty();
      });
  }

  /** One attempt of a test delivery, logged with its outcome (no retry): {@code {id, status, status_code, error}}. */
  Future<JsonObject> test(WebhookTarget target, Instant now) {
    UUID id = UUID.randomUUID();
    JsonObject payload = payload(id, AlertEvent.TEST, null, "A test of this webhook from cid-rotator",
      new JsonObject(), now);
    String body = payload.encode();
    return pg.preparedQuery(WebhookSql.INSERT_DELIVERY)
      .execute(Tuple.of(id, target.id(), AlertEvent.TEST.label(), null, payload, body)
        .addValue(utc(now.plus(Duration.ofDays(1)))).addInteger(1))
      .compose(v -> post(target.url(), target.secret(), id, AlertEvent.TEST, body)
        .transform(answer -> {
          Integer status = answer.succeeded() ? answer.result() : null;
          boolean delivered = status != null && ok(status);
          String error = delivered ? null : answer.succeeded() ? "HTTP " + status : answer.cause().getMessage();
          Future<?> logged = delivered
            ? pg.preparedQuery(WebhookSql.DELIVERED).execute(Tuple.of(id, status))
            : pg.preparedQuery(WebhookSql.ATTEMPT_FAILED).execute(Tuple.of(id, null, status, error));
          return logged.map(done -> new JsonObject().put("id", id.toString())
            .put("status", delivered ? "delivered" : "failed").put("status_code", status).put("error", error));
        }));
  }

  /**
   * POSTs {@code body}; succeeds with the receiver's status code once its answer has ended (the body dropped as it
   * arrives, never kept). The whole exchange has {@link #TIMEOUT_MS}: a receiver that trickles its answer, or never
   * ends it, fails the attempt then (its request reset), so one slow receiver cannot hold a round of deliveries.
   */
  private Future<Integer> post(String url, String secret, UUID id, AlertEvent event, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    RequestOptions options;
    try {
      options = new RequestOptions().setAbsoluteURI(url);
    } catch (RuntimeException e) {
      return Future.failedFuture("not a URL the client can send to");
    }
    options
      .setMethod(HttpMethod.POST)
      .setConnectTimeout(TIMEOUT_MS)
      .setFollowRedirects(false)
      .putHeader("Content-Type", "application/json")
      .putHeader("User-Agent", "cid-rotator-webhook")
      .putHeader("X-CidRotator-Event", event == null ? "unknown" : event.label())
      .putHeader("X-CidRotator-Delivery", id.toString())
      .putHeader(Signature.HEADER, Signature.of(secret, bytes));
    Future<HttpClientRequest> request;
    try {
      request = http.request(options);
    } catch (RuntimeException e) {
      // The client refuses some URLs by throwing (a port it cannot use): a failed attempt like any other.
      return Future.failedFuture(e.getMessage());
    }
    return request.compose(sent -> sent.send(Buffer.buffer(bytes))
        .compose(response -> response.handler(ignored -> { }).end().map(done -> response.statusCode()))
        .timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .onFailure(e -> sent.reset()))
      .recover(e -> Future.failedFuture(e instanceof TimeoutException
        ? "no complete answer within " + TIMEOUT_MS / 1000 + " s" : e.getMessage()));
  }

  private static boolean ok(int status) {
    return status >= 200 && status < 300;
  }

  /** This server's name in the payloads (the HOSTNAME of its container or host). */
  String server() {
    return server;
  }

  Future<Void> close() {
    return http.close();
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
