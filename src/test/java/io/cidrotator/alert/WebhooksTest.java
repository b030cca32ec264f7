package io.cidrotator.alert;

import io.cidrotator.Bus;
import io.cidrotator.BusCalls;
import io.cidrotator.http.Api;
import io.cidrotator.redis.RedisKeys;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Webhooks on a real server, posting to a real receiver: signed payloads for each event, retries with backoff after
 * a 500, the cooldown, the delivery log, the test button, and 400s naming bad input.
 */
class WebhooksTest {

  @RegisterExtension
  static final Api api = new Api();

  private static final String SECRET = "s3cret-s3cret-s3cret";
  private WebhookReceiver receiver;

  @BeforeEach
  void fourNumbersAndAReceiver() {
    api.reset();
    api.server().sql.query("TRUNCATE webhooks CASCADE").execute().await();
    api.server().seed(IntStream.rangeClosed(1, 4).mapToObj(i -> new JsonObject()
      .put("caller_id", String.format("512555%04d", i))).toList());
    receiver = new WebhookReceiver(api.server().vertx);
  }

  @AfterEach
  void stopReceiver() {
    receiver.close();
  }

  @Test
  void aFlaggedNumberIsPostedSignedWithTheSecret() {
    long id = webhook(List.of("number.flagged"), new JsonObject());

    flag("5125550001");

    WebhookReceiver.Received got = receiver.await("number.flagged");
    assertThat(got.signature()).isEqualTo(Signature.of(SECRET, got.body()));
    assertThat(got.signature()).startsWith("sha256=").hasSize(7 + 64);
    JsonObject body = got.json();
    assertThat(body.getString("event")).isEqualTo("number.flagged");
    assertThat(body.getString("subject")).isEqualTo("5125550001");
    assertThat(body.getString("id")).isEqualTo(got.delivery());
    assertThat(body.getString("summary"))
      .isEqualTo("Number 5125550001 of pool default flagged by T-Mobile (Scam Likely)");
    assertThat(body.getJsonObject("data").getString("health_state")).isEqualTo("flagged");
    JsonObject logged = api.poll(() -> deliveries(id).getJsonObject(0), d -> d.getString("status").equals("delivered"),
      Duration.ofSeconds(5));
    assertThat(logged.getInteger("attempts")).isEqualTo(1);
    assertThat(logged.getInteger("last_status_code")).isEqualTo(200);
    assertThat(logged.getString("id")).isEqualTo(got.delivery());
  }

  @Test
  void aDeliveryAnswered500IsRetriedAfterItsBackoffThenDelivered() {
    long id = webhook(List.of("number.flagged"), new JsonObject());
    receiver.answer(500);

    flag("5125550002");

    WebhookReceiver.Received first = receiver.await("number.flagged");
    JsonObject pending = api.poll(() -> deliveries(id).getJsonObject(0), d -> d.getInteger("last_status_code") != null,
      Duration.ofSeconds(5));
    assertThat(pending.getString("status")).isEqualTo("pending");
    assertThat(pending.getInteger("last_status_code")).isEqualTo(500);
    assertThat(pending.getString("last_error")).isEqualTo("HTTP 500");
    Instant next = Instant.parse(pending.getString("next_attempt_at"));
    assertThat(next).isBetween(Instant.now().plusSeconds(5), Instant.now().plusSeconds(11));
    assertThat(sendDue(Instant.now()).getInteger("tried")).as("not before its backoff").isZero();

    assertThat(sendDue(next.plusSeconds(1)).getInteger("tried")).isEqualTo(1);

    List<WebhookReceiver.Received> both = receiver.received();
    assertThat(both).hasSize(2);
    assertThat(both.get(1).delivery()).isEqualTo(first.delivery());
    assertThat(both.get(1).body()).isEqualTo(first.body());
    assertThat(both.get(1).signature()).isEqualTo(Signature.of(SECRET, both.get(1).body()));
    JsonObject delivered = deliveries(id).getJsonObject(0);
    assertThat(delivered.getString("status")).isEqualTo("delivered");
    assertThat(delivered.getInteger("attempts")).isEqualTo(2);
  }

  @Test
  void aDeliveryThatKeepsFailingIsMarkedFailedAfterSixAttempts() {
    long id = webhook(List.of("number.flagged"), new JsonObject());
    receiver.answer(503, 503, 503, 503, 503, 503, 503);
    flag("5125550003");
    receiver.await("number.flagged");

    Instant at = Instant.now();
    for (Duration wait : List.of(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(2),
      Duration.ofMinutes(10), Duration.ofMinutes(30))) {
      at = at.plus(wait).plusSeconds(5);
      api.poll(() -> deliveries(id).getJsonObject(0), d -> d.getInteger("last_status_code") != null,
        Duration.ofSeconds(5));
      sendDue(at);
    }

    JsonObject failed = deliveries(id).getJsonObject(0);
    assertThat(failed.getString("status")).isEqualTo("failed");
    assertThat(failed.getInteger("attempts")).isEqualTo(6);
    assertThat(receiver.received()).hasSize(6);
    assertThat(sendDue(at.plus(Duration.ofHours(2))).getInteger("tried")).isZero();
  }

  @Test
  void aReceiverThatNeverEndsItsAnswerFailsTheAttemptInTimeAndHoldsNoOtherDelivery() {
    WebhookReceiver slow = new WebhookReceiver(api.server().vertx);
    try {
      slow.trickle();
      long slowId = webhook(slow.url(), List.of("number.flagged"), new JsonObject());
      webhook(List.of("number.flagged"), new JsonObject());

      flag("5125550001");

      receiver.await("number.flagged");
      slow.await("number.flagged");
      JsonObject failed = api.poll(() -> deliveries(slowId).getJsonObject(0),
        d -> d.getInteger("last_status_code") != null || d.getString("last_error") != null, Duration.ofSeconds(10));
      assertThat(failed.getString("status")).isEqualTo("pending");
      assertThat(failed.getString("last_error")).isEqualTo("no complete answer within 5 s");

      flag("5125550002");
      assertThat(receiver.await(r -> r.json().getString("subject").equals("5125550002"))).as("not held").isNotNull();
    } finally {
      slow.close();
    }
  }

  @Test
  void aDeactivatedWebhooksPendingDeliveriesEndAsFailed() {
    long id = webhook(List.of("number.flagged"), new JsonObject());
    receiver.answer(500);
    flag("5125550001");
    // The delivery is queued (and logged) before it is sent: once the receiver has it, the log holds it.
    receiver.await("number.flagged");
    api.poll(() -> deliveries(id).getJsonObject(0), d -> d.getInteger("last_status_code") != null,
      Duration.ofSeconds(5));

    assertThat(api.admin(HttpMethod.PATCH, "/api/webhooks/" + id).sendJsonObject(new JsonObject().put("active", false))
      .await().statusCode()).isEqualTo(200);

    JsonObject dropped = deliveries(id).getJsonObject(0);
    assertThat(dropped.getString("status")).isEqualTo("failed");
    assertThat(dropped.getString("last_error")).isEqualTo("the webhook was deactivated");
    assertThat(sendDue(Instant.now().plus(Duration.ofHours(1))).getInteger("tried")).isZero();
  }

  @Test
  void aPoolWithNumbersButNoneInRotationIsLowOnFreeNumbers() {
    webhook(List.of("pool.free_low"), new JsonObject().put("pool_free_minutes", 1));
    HttpResponse<Buffer> flagged = api.admin(HttpMethod.POST, "/api/flags/import").putHeader("Content-Type", "text/csv")
      .sendBuffer(Buffer.buffer("caller_id,source\n5125550001,Hiya\n5125550002,Hiya\n5125550003,Hiya\n"
        + "5125550004,Hiya\n")).await();
    assertThat(flagged.statusCode()).as(flagged.bodyAsString()).isEqualTo(200);
    Instant now = Instant.now();

    watch(now);
    assertThat(watch(now.plus(Duration.ofMinutes(1))).getInteger("pool.free_low")).isEqualTo(1);

    JsonObject body = receiver.await("pool.free_low").json();
    assertThat(body.getString("summary")).startsWith("Pool default: 0% of its numbers free (0 of 0 in rotation, 4 in "
      + "all) since ");
  }

  @Test
  void theTestButtonSendsOneSignedTestEventAndSaysHowItWent() {
    long id = webhook(List.of("pool.free_low"), new JsonObject());

    HttpResponse<Buffer> tested = api.admin(HttpMethod.POST, "/api/webhooks/" + id + "/test").send().await();

    assertThat(tested.statusCode()).as(tested.bodyAsString()).isEqualTo(200);
    assertThat(tested.bodyAsJsonObject().getString("status")).isEqualTo("delivered");
    assertThat(tested.bodyAsJsonObject().getInteger("status_code")).isEqualTo(200);
    WebhookReceiver.Received got = receiver.await("test");
    assertThat(got.signature()).isEqualTo(Signature.of(SECRET, got.body()));
    assertThat(sendDue(Instant.now().plusSeconds(60)).getInteger("tried")).as("a sender never sends a test again")
      .isZero();
    assertThat(receiver.received()).hasSize(1);
    assertThat(deliveries(id).getJsonObject(0).getInteger("attempts")).isEqualTo(1);

    receiver.answer(404);
    JsonObject refused = api.admin(HttpMethod.POST, "/api/webhooks/" + id + "/test").send().await().bodyAsJsonObject();
    assertThat(refused.getString("status")).isEqualTo("failed");
    assertThat(refused.getString("error")).isEqualTo("HTTP 404");
    assertThat(deliveries(id)).hasSize(2);
  }

  @Test
  void aPoolLowOnFreeNumbersForItsMinutesAlertsOnceWithinTheCooldown() {
    webhook(List.of("pool.free_low"), new JsonObject().put("pool_free_percent", 30).put("pool_free_minutes", 5));
    for (String to : List.of("5125551111", "5125552222", "5125553333", "5125554444")) {
      assertThat(api.nextCid("to", to).statusCode()).isEqualTo(200);
    }
    Instant now = Instant.now();

    assertThat(watch(now).getInteger("pool.free_low", 0)).as("low, not yet for 5 minutes").isZero();
    assertThat(watch(now.plus(Duration.ofMinutes(5))).getInteger("pool.free_low")).isEqualTo(1);
    assertThat(watch(now.plus(Duration.ofMinutes(6))).getInteger("pool.free_low", 0)).as("cooldown").isZero();

    JsonObject body = receiver.await("pool.free_low").json();
    assertThat(body.getString("subject")).isEqualTo("default");
    assertThat(body.getJsonObject("data").getLong("available")).isZero();
    assertThat(body.getJsonObject("data").getLong("reserved")).isEqualTo(4);
    assertThat(body.getString("summary"))
      .startsWith("Pool default: 0% of its numbers free (0 of 4 in rotation, 4 in all) since ");
  }

  @Test
  void numbersRestedInTheLastHourOverTheThresholdAlert() {
    webhook(List.of("numbers.rested"), new JsonObject().put("rested_per_hour", 2));
    for (String cid : List.of("5125550001", "5125550002", "5125550003")) {
      api.server().sql.preparedQuery("INSERT INTO audit_log (actor, role, action, target) VALUES "
        + "('system', 'admin', 'caller_id.rest', $1)").execute(Tuple.of(cid)).await();
    }

    assertThat(watch(Instant.now()).getInteger("numbers.rested")).isEqualTo(1);

    JsonObject body = receiver.await("numbers.rested").json();
    assertThat(body.getJsonObject("data").getLong("rested_last_hour")).isEqualTo(3);
    assertThat(body.getString("summary")).isEqualTo("Pool default: 3 numbers rested in the last hour");
  }

  @Test
  void callsToAnAreaCodeWithoutAFreeLocalNumberAlertCountingEveryNodesCalls() {
    webhook(List.of("area_code.no_local_number"), new JsonObject().put("no_local_calls", 5));
    Instant now = Instant.now();
    watch(now);
    for (int i = 0; i < 3; i++) {
      api.release(api.allocate("20255500" + (10 + i)));
    }
    assertThat(watch(now.plusSeconds(15)).getInteger("area_code.no_local_number", 0)).as("3 of 5").isZero();

    // Another node's allocators counted 2 more calls to 202 in this minute.
    long minute = now.plusSeconds(30).getEpochSecond() / 60;
    api.redis(Request.cmd(Command.HINCRBY).arg(RedisKeys.PREFIX + "demand:" + minute).arg("default|202").arg(2));

    assertThat(watch(now.plusSeconds(30)).getInteger("area_code.no_local_number")).isEqualTo(1);

    JsonObject body = receiver.await("area_code.no_local_number").json();
    assertThat(body.getString("subject")).isEqualTo("default/202");
    assertThat(body.getJsonObject("data").getLong("calls")).isEqualTo(5);
    api.redisKeys(RedisKeys.PREFIX + "alert:*").forEach(key -> api.redis(Request.cmd(Command.DEL).arg(key)));
    assertThat(watch(now.plusSeconds(45)).getInteger("area_code.no_local_number")).as("cooldown over")
      .isEqualTo(1);
    api.redisKeys(RedisKeys.PREFIX + "alert:*").forEach(key -> api.redis(Request.cmd(Command.DEL).arg(key)));
    assertThat(watch(now.plus(Duration.ofMinutes(16))).getInteger("area_code.no_local_number", 0))
      .as("out of the 15-minute window").isZero();
  }

  @Test
  void anInactiveWebhookOrOneWithoutTheEventHearsNothing() {
    long id = webhook(List.of("number.flagged"), new JsonObject());
    webhook(List.of("pool.free_low"), new JsonObject());
    assertThat(api.admin(HttpMethod.PATCH, "/api/webhooks/" + id).sendJsonObject(new JsonObject().put("active", false))
      .await().statusCode()).isEqualTo(200);

    flag("5125550004");
    sendDue(Instant.now());

    assertThat(receiver.received()).isEmpty();
  }

  @Test
  void theApiKeepsTheSecretAndAuditsWithoutIt() {
    HttpResponse<Buffer> created = api.admin(HttpMethod.POST, "/api/webhooks").sendJsonObject(new JsonObject()
      .put("url", "https://hooks.example.com/services/T000/B000/XXXX").put("events", new JsonArray()
        .add("number.flagged").add("dependency.down")).put("description", "ops channel")).await();

    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    JsonObject webhook = created.bodyAsJsonObject();
    assertThat(webhook.getString("secret")).as("made by the server, shown once").hasSizeGreaterThanOrEqualTo(40);
    assertThat(webhook.getJsonObject("conditions").getInteger("cooldown_minutes")).isEqualTo(30);
    long id = webhook.getLong("id");
    JsonObject read = api.admin(HttpMethod.GET, "/api/webhooks/" + id).send().await().bodyAsJsonObject();
    assertThat(read.containsKey("secret")).isFalse();
    assertThat(read.getBoolean("secret_set")).isTrue();
    assertThat(api.admin(HttpMethod.GET, "/api/webhooks").send().await().bodyAsString())
      .doesNotContain(webhook.getString("secret"));
    JsonObject patched = api.admin(HttpMethod.PATCH, "/api/webhooks/" + id).sendJsonObject(new JsonObject()
      .put("conditions", new JsonObject().put("cooldown_minutes", 5))).await().bodyAsJsonObject();
    assertThat(patched.getJsonObject("conditions").getInteger("cooldown_minutes")).isEqualTo(5);
    String audit = api.admin(HttpMethod.GET, "/api/audit?target=" + id).send().await().bodyAsString();
    assertThat(audit).contains("webhook.create", "webhook.update", "https://hooks.example.com/...")
      .doesNotContain(webhook.getString("secret")).doesNotContain("XXXX");
    assertThat(api.admin(HttpMethod.DELETE, "/api/webhooks/" + id).send().await().statusCode()).isEqualTo(200);
    assertThat(api.admin(HttpMethod.GET, "/api/webhooks/" + id).send().await().statusCode()).isEqualTo(404);
    assertThat(api.get("/api/webhooks").statusCode()).as("admins only").isEqualTo(401);
  }

  @Test
  void badWebhooksAreA400NamingTheProblemAndChangeNothing() {
    JsonArray events = new JsonArray().add("number.flagged");
    List<Object[]> cases = List.of(
      new Object[] {new JsonObject().put("events", events), "url: required"},
      new Object[] {new JsonObject().put("url", "ftp://example.com/x").put("events", events), "url: must start with"},
      new Object[] {new JsonObject().put("url", "http:///x").put("events", events), "url: has no host"},
      new Object[] {new JsonObject().put("url", "https://user:pw@example.com/x").put("events", events),
        "url: must not hold a user name or password"},
      new Object[] {new JsonObject().put("url", "not a url").put("events", events), "url:"},
      new Object[] {new JsonObject().put("url", "http://example.com:99999/x").put("events", events),
        "url: the port must be from 1 to 65535, got 99999"},
      new Object[] {new JsonObject().put("url", "https://example.com/x"), "events: a non-empty array"},
      new Object[] {new JsonObject().put("url", "https://example.com/x").put("events", new JsonArray().add("sms")),
        "events: unknown event sms"},
      new Object[] {new JsonObject().put("url", "https://example.com/x").put("events", events)
        .put("conditions", new JsonObject().put("pool_free_percent", 0)), "conditions.pool_free_percent: a whole"},
      new Object[] {new JsonObject().put("url", "https://example.com/x").put("events", events)
        .put("conditions", new JsonObject().put("pages", 1)), "conditions.pages: unknown"},
      new Object[] {new JsonObject().put("url", "https://example.com/x").put("events", events).put("secret", "short"),
        "secret: a string of 16 to 256"},
      new Object[] {new JsonObject().put("url", "https://example.com/x").put("events", events).put("color", "red"),
        "color: unknown field"});
    for (Object[] bad : cases) {
      HttpResponse<Buffer> response = api.admin(HttpMethod.POST, "/api/webhooks").sendJsonObject((JsonObject) bad[0])
        .await();
      assertThat(response.statusCode()).as(bad[0].toString()).isEqualTo(400);
      assertThat(response.bodyAsJsonObject().getString("detail")).as(bad[0].toString()).contains((String) bad[1]);
    }
    assertThat(api.admin(HttpMethod.GET, "/api/webhooks").send().await().bodyAsJsonObject().getJsonArray("items"))
      .isEmpty();
    long id = webhook(List.of("number.flagged"), new JsonObject());
    HttpResponse<Buffer> badPatch = api.admin(HttpMethod.PATCH, "/api/webhooks/" + id)
      .sendJsonObject(new JsonObject().put("url", "javascript:alert(1)")).await();
    assertThat(badPatch.statusCode()).isEqualTo(400);
    assertThat(api.admin(HttpMethod.GET, "/api/webhooks/" + id).send().await().bodyAsJsonObject().getString("url"))
      .isEqualTo(receiver.url());
    assertThat(api.admin(HttpMethod.GET, "/api/webhooks/x").send().await().statusCode()).isEqualTo(400);
    assertThat(api.admin(HttpMethod.GET, "/api/webhooks/999999").send().await().statusCode()).isEqualTo(404);
  }

  // ---- helpers ----

  private long webhook(List<String> events, JsonObject conditions) {
    return webhook(receiver.url(), events, conditions);
  }

  private static long webhook(String url, List<String> events, JsonObject conditions) {
    HttpResponse<Buffer> created = api.admin(HttpMethod.POST, "/api/webhooks").sendJsonObject(new JsonObject()
      .put("url", url).put("secret", SECRET).put("events", new JsonArray(events))
      .put("conditions", conditions)).await();
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    assertThat(created.bodyAsJsonObject().containsKey("secret")).as("a secret sent is not sent back").isFalse();
    return created.bodyAsJsonObject().getLong("id");
  }

  private static void flag(String cid) {
    HttpResponse<Buffer> flagged = api.admin(HttpMethod.POST, "/api/caller-ids/" + cid + "/flags")
      .sendJsonObject(new JsonObject().put("source", "T-Mobile").put("label", "Scam Likely")).await();
    assertThat(flagged.statusCode()).as(flagged.bodyAsString()).isEqualTo(201);
  }

  private static JsonArray deliveries(long id) {
    HttpResponse<Buffer> response = api.admin(HttpMethod.GET, "/api/webhooks/" + id + "/deliveries").send().await();
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject().getJsonArray("items");
  }

  private static JsonObject sendDue(Instant at) {
    return new BusCalls(api.server().vertx).answer(Bus.WEBHOOK_SEND_DUE, new JsonObject().put("at", at.toEpochMilli()));
  }

  private static JsonObject watch(Instant at) {
    return new BusCalls(api.server().vertx).answer(Bus.ALERT_WATCH, new JsonObject().put("at", at.toEpochMilli()));
  }
}
