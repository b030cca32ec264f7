package io.cidrotator.reputation;

import io.cidrotator.http.Api;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spam flags on a real server: a flagged number leaves rotation (Redis holds it inactive) until an admin unflags it or
 * its pool's flag_rest_days pass; its flags stay in its history; a CSV of flags is recorded whole or not at all.
 */
class FlagsTest {

  @RegisterExtension
  static final Api api = new Api();
  private static final HealthCalls calls = new HealthCalls(api);

  private static final List<String> NUMBERS = IntStream.rangeClosed(1, 4)
    .mapToObj(i -> String.format("512555%04d", i)).toList();
  private static final String FLAGGED = "5125550001";

  @BeforeEach
  void fourNumbers() {
    api.reset();
    api.server().seed(NUMBERS.stream().map(cid -> new JsonObject().put("caller_id", cid)).toList());
  }

  @Test
  void aFlaggedNumberLeavesRotationUntilUnflaggedAndItsHistoryStays() {
    HttpResponse<Buffer> flagged = flag(FLAGGED, new JsonObject().put("source", "T-Mobile")
      .put("label", "Scam Likely").put("flagged_on", "2026-12-01").put("note", "seen on a test call"));

    assertThat(flagged.statusCode()).as(flagged.bodyAsString()).isEqualTo(201);
    JsonObject answer = flagged.bodyAsJsonObject();
    assertThat(answer.getString("health_state")).isEqualTo("flagged");
    Instant until = Instant.parse(answer.getString("health_until"));
    assertThat(until).isBetween(Instant.now().plus(Duration.ofDays(14)).minusSeconds(60),
      Instant.now().plus(Duration.ofDays(14)));
    JsonObject flag = answer.getJsonArray("flags").getJsonObject(0);
    assertThat(flag.getString("source")).isEqualTo("T-Mobile");
    assertThat(flag.getString("label")).isEqualTo("Scam Likely");
    assertThat(flag.getString("flagged_on")).isEqualTo("2026-12-01");
    assertThat(flag.getString("created_by")).isEqualTo("admin-token");
    assertThat(flag.getBoolean("open")).isTrue();

    JsonObject detail = calls.detail(FLAGGED);
    assertThat(detail.getString("health_state")).isEqualTo("flagged");
    assertThat(detail.getJsonObject("live").getString("state")).as("out of the available sets").isEqualTo("inactive");
    JsonObject health = detail.getJsonObject("health");
    assertThat(health.getJsonObject("reason").getString("rule")).isEqualTo("flagged");
    assertThat(health.getJsonObject("reason").getString("source")).isEqualTo("T-Mobile");
    assertThat(health.getJsonArray("flags")).hasSize(1);
    assertThat(calls.audited("caller_id.flag", FLAGGED)).hasSize(1);
    assertThat(calls.numbersIn("flagged")).containsExactly(FLAGGED);
    assertThat(poolHealthCounts().getLong("flagged")).isEqualTo(1);
    JsonObject numberHealth = api.admin(HttpMethod.GET, "/api/stats").send().await().bodyAsJsonObject()
      .getJsonObject("number_health");
    assertThat(numberHealth.getLong("flagged")).isEqualTo(1);
    assertThat(numberHealth.getLong("flagged_today")).isEqualTo(1);
    assertThat(calls.handedOutUnderLoad(80, 8)).doesNotContain(FLAGGED).isNotEmpty();

    // A second source: recorded too; the number stays flagged.
    assertThat(flag(FLAGGED, new JsonObject().put("source", "Hiya")).statusCode()).isEqualTo(201);
    assertThat(flags(FLAGGED)).extracting(f -> f.getString("source")).containsExactly("Hiya", "T-Mobile");

    HttpResponse<Buffer> unflagged = api.admin(HttpMethod.DELETE, "/api/caller-ids/" + FLAGGED + "/flags").send()
      .await();

    assertThat(unflagged.statusCode()).as(unflagged.bodyAsString()).isEqualTo(200);
    assertThat(unflagged.bodyAsJsonObject().getString("health_state")).isEqualTo("healthy");
    assertThat(unflagged.bodyAsJsonObject().getJsonArray("ended")).hasSize(2);
    assertThat(calls.detail(FLAGGED).getJsonObject("live").getString("state")).isEqualTo("available");
    List<JsonObject> history = flags(FLAGGED);
    assertThat(history).hasSize(2).allSatisfy(f -> {
      assertThat(f.getBoolean("open")).isFalse();
      assertThat(f.getString("end_reason")).isEqualTo("unflagged");
      assertThat(f.getString("ended_by")).isEqualTo("admin-token");
    });
    assertThat(calls.audited("caller_id.unflag", FLAGGED)).hasSize(1);
    assertThat(api.admin(HttpMethod.DELETE, "/api/caller-ids/" + FLAGGED + "/flags").send().await().statusCode())
      .as("no open flag left").isEqualTo(409);
  }

  @Test
  void aFlagRestsForThePoolsDaysThenProbation() {
    assertThat(api.admin(HttpMethod.PATCH, "/api/pools/default").sendJsonObject(new JsonObject()
      .put("health", new JsonObject().put("flag_rest_days", 3).put("probation_hours", 24))).await().statusCode())
      .isEqualTo(200);
    flag(FLAGGED, new JsonObject().put("source", "carrier report"));

    assertThat(calls.round(Instant.now().plus(Duration.ofDays(2))).getInteger("probation")).as("still resting")
      .isZero();
    JsonObject back = calls.round(Instant.now().plus(Duration.ofDays(3)).plusSeconds(60));

    assertThat(back.getInteger("probation")).isEqualTo(1);
    JsonObject detail = calls.detail(FLAGGED);
    assertThat(detail.getString("health_state")).isEqualTo("probation");
    assertThat(detail.getJsonObject("live").getString("state")).isEqualTo("available");
    assertThat(detail.getJsonObject("health").getJsonObject("reason").getString("rule")).isEqualTo("flag's rest over");
    JsonObject ended = flags(FLAGGED).get(0);
    assertThat(ended.getBoolean("open")).isFalse();
    assertThat(ended.getString("end_reason")).isEqualTo("rest over");
    assertThat(ended.getString("ended_by")).isEqualTo("system");
  }

  @Test
  void anAdminMakingAFlaggedNumberHealthyEndsItsFlag() {
    flag(FLAGGED, new JsonObject().put("source", "Hiya"));

    HttpResponse<Buffer> patched = api.admin(HttpMethod.PATCH, "/api/caller-ids/" + FLAGGED)
      .sendJsonObject(new JsonObject().put("health_state", "healthy")).await();

    assertThat(patched.statusCode()).as(patched.bodyAsString()).isEqualTo(200);
    assertThat(calls.detail(FLAGGED).getString("health_state")).isEqualTo("healthy");
    assertThat(flags(FLAGGED).get(0).getString("end_reason")).isEqualTo("made healthy");
  }

  @Test
  void aRetiredNumberFlaggedStaysRetiredWithItsFlagRecorded() {
    api.server().sql.query("UPDATE caller_ids SET health = 'retired' WHERE caller_id = '" + FLAGGED + "'").execute()
      .await();

    HttpResponse<Buffer> flagged = flag(FLAGGED, new JsonObject().put("source", "Hiya"));

    assertThat(flagged.statusCode()).isEqualTo(201);
    assertThat(flagged.bodyAsJsonObject().getString("health_state")).isEqualTo("retired");
    assertThat(calls.detail(FLAGGED).getString("health_state")).isEqualTo("retired");
    assertThat(flags(FLAGGED)).hasSize(1);
  }

  @Test
  void aRedisRestartedEmptyKeepsAFlaggedNumberOut() {
    flag(FLAGGED, new JsonObject().put("source", "Hiya"));

    api.redis(Request.cmd(Command.FLUSHDB));
    HttpResponse<Buffer> after = api.poll(() -> api.nextCid("to", "5125551234"), r -> r.statusCode() != 503,
      Duration.ofSeconds(5));

    assertThat(after.statusCode()).isEqualTo(200);
    api.release(after.bodyAsJsonObject().getString("caller_id"));
    assertThat(calls.detail(FLAGGED).getJsonObject("live").getString("state")).isEqualTo("inactive");
  }

  @Test
  void aCsvOfFlagsIsRecordedWhole() {
    String csv = """
      caller_id,source,label,flagged_on,note
      (512) 555-0001,T-Mobile,Scam Likely,2026-11-30,
      5125550002,Hiya,Spam Risk,,"weekly report, row 2"
      15125550002,First Orion,,2026-12-01,
      """;

    HttpResponse<Buffer> imported = importCsv(csv);

    assertThat(imported.statusCode()).as(imported.bodyAsString()).isEqualTo(200);
    assertThat(imported.bodyAsJsonObject()).isEqualTo(new JsonObject().put("flags", 3).put("numbers", 2)
      .put("flagged", 2).put("kept_retired", 0));
    assertThat(calls.numbersIn("flagged")).containsExactlyInAnyOrder("5125550001", "5125550002");
    assertThat(flags("5125550002")).extracting(f -> f.getString("source")).containsExactly("First Orion", "Hiya");
    assertThat(flags("5125550002").get(1).getString("note")).isEqualTo("weekly report, row 2");
    assertThat(flags("5125550002").get(1).getString("flagged_on"))
      .isEqualTo(LocalDate.now(ZoneOffset.UTC).toString());
    assertThat(calls.detail("5125550002").getJsonObject("live").getString("state")).isEqualTo("inactive");
    assertThat(calls.audited("caller_id.flag", "5125550002")).hasSize(1);
  }

  @Test
  void aBadFlagCsvIsA400NamingTheLineAndFlagsNothing() {
    String tomorrowPlus = LocalDate.now(ZoneOffset.UTC).plusDays(5).toString();
    List<String[]> cases = List.of(
      new String[] {"caller_id,source\n5125550001,Hiya\n5125550002,\n", "line 3: source: required"},
      new String[] {"caller_id,source\n5125550001,Hiya\n512555,Hiya\n", "line 3: caller_id"},
      new String[] {"caller_id,source,flagged_on\n5125550001,Hiya,12/01/2026\n",
        "line 2: flagged_on: a date as YYYY-MM-DD, got '12/01/2026'"},
      new String[] {"caller_id,source,flagged_on\n5125550001,Hiya," + tomorrowPlus + "\n", "is in the future"},
      new String[] {"caller_id,source\n5125550001,Hiya\n5125559999,Hiya\n",
        "line 3: caller_id: 5125559999 is not in the inventory"},
      new String[] {"caller_id,carrier\n5125550001,Hiya\n", "header: unknown column 'carrier'"},
      new String[] {"caller_id,label\n5125550001,Scam\n", "header: the caller_id and source columns are required"},
      new String[] {"caller_id,source\n5125550001,Hiya,extra\n", "line 2: row: 3 cells, the header has 2"},
      new String[] {"caller_id,source\n", "body: no flags after the header"},
      new String[] {"", "body: the file is empty"},
      new String[] {"caller_id,source\n5125550001," + "x".repeat(65) + "\n", "line 2: source: at most 64"});
    for (String[] bad : cases) {
      HttpResponse<Buffer> response = importCsv(bad[0]);
      assertThat(response.statusCode()).as(bad[0]).isEqualTo(400);
      assertThat(response.bodyAsJsonObject().getString("detail")).as(bad[0]).contains(bad[1]);
    }
    HttpResponse<Buffer> latin1 = api.admin(HttpMethod.POST, "/api/flags/import").putHeader("Content-Type", "text/csv")
      .sendBuffer(Buffer.buffer("caller_id,source\n5125550001,Télécom\n".getBytes(StandardCharsets.ISO_8859_1)))
      .await();
    assertThat(latin1.statusCode()).isEqualTo(400);
    assertThat(latin1.bodyAsJsonObject().getString("detail")).contains("not UTF-8");
    assertThat(api.admin(HttpMethod.POST, "/api/flags/import").putHeader("Content-Type", "application/json")
      .sendBuffer(Buffer.buffer("caller_id,source\n")).await().statusCode()).isEqualTo(415);
    assertThat(api.admin(HttpMethod.POST, "/api/flags/import").putHeader("Content-Type", "text/csv")
      .sendBuffer(Buffer.buffer("caller_id,source\n" + "5125550001,Hiya\n".repeat(140_000))).await().statusCode())
      .isEqualTo(413);

    assertThat(api.server().sql.query("SELECT count(*) AS n FROM caller_id_flags").execute().await().iterator().next()
      .getLong("n")).as("nothing recorded").isZero();
    assertThat(calls.numbersIn("healthy")).containsExactlyInAnyOrderElementsOf(NUMBERS);
  }

  @Test
  void aBadFlagIsA400NamingTheFieldAndChangesNothing() {
    List<Object[]> cases = List.of(
      new Object[] {new JsonObject(), 400, "source: required"},
      new Object[] {new JsonObject().put("source", 7), 400, "source: must be a string"},
      new Object[] {new JsonObject().put("source", "Hiya").put("flagged_on", "yesterday"), 400, "flagged_on"},
      new Object[] {new JsonObject().put("source", "Hiya").put("reason", "spam"), 400, "reason: unknown field"},
      new Object[] {new JsonObject().put("source", "Hiya").put("note", "n".repeat(501)), 400, "note: at most 500"});
    for (Object[] bad : cases) {
      HttpResponse<Buffer> response = flag(FLAGGED, (JsonObject) bad[0]);
      assertThat(response.statusCode()).as(bad[0].toString()).isEqualTo(bad[1]);
      assertThat(response.bodyAsJsonObject().getString("detail")).contains((String) bad[2]);
    }
    HttpResponse<Buffer> unknown = flag("5125559999", new JsonObject().put("source", "Hiya"));
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.bodyAsJsonObject().getString("detail")).contains("5125559999 is not in the inventory");
    assertThat(flag("12", new JsonObject().put("source", "Hiya")).statusCode()).isEqualTo(400);
    assertThat(api.admin(HttpMethod.DELETE, "/api/caller-ids/5125559999/flags").send().await().statusCode())
      .isEqualTo(404);
    assertThat(flags(FLAGGED)).isEmpty();
    assertThat(calls.detail(FLAGGED).getString("health_state")).isEqualTo("healthy");
    assertThat(api.anonymous(HttpMethod.POST, "/api/caller-ids/" + FLAGGED + "/flags")
      .sendJsonObject(new JsonObject().put("source", "Hiya")).await().statusCode()).isEqualTo(401);
  }

  // ---- helpers ----

  private static HttpResponse<Buffer> flag(String cid, JsonObject body) {
    return api.admin(HttpMethod.POST, "/api/caller-ids/" + cid + "/flags").sendJsonObject(body).await();
  }

  private static HttpResponse<Buffer> importCsv(String csv) {
    return api.admin(HttpMethod.POST, "/api/flags/import").putHeader("Content-Type", "text/csv")
      .sendBuffer(Buffer.buffer(csv)).await();
  }

  private static List<JsonObject> flags(String cid) {
    HttpResponse<Buffer> response = api.admin(HttpMethod.GET, "/api/caller-ids/" + cid + "/flags").send().await();
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject().getJsonArray("items").stream().map(JsonObject.class::cast).toList();
  }

  private static JsonObject poolHealthCounts() {
    return api.admin(HttpMethod.GET, "/api/pools/default").send().await().bodyAsJsonObject()
      .getJsonObject("counts").getJsonObject("health");
  }

}
