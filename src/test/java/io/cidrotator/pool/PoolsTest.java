package io.cidrotator.pool;

import io.cidrotator.TestServer;
import io.cidrotator.auth.RoleTokens;
import io.cidrotator.http.Api;
import io.cidrotator.redis.RedisKeys;
import io.cidrotator.reputation.HealthSettings;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static io.cidrotator.http.Rejections.assertBodyRejected;
import static io.cidrotator.http.Rejections.assertDetail;
import static org.assertj.core.api.Assertions.assertThat;

/** /api/pools: CRUD of pools and their settings, what reaches Redis, the audit trail, and who may do what. */
class PoolsTest {

  @RegisterExtension
  static final Api api = new Api(RoleTokens.serverSettings());

  @BeforeEach
  void emptyInventory() {
    api.reset();
  }

  /** What Redis holds of a pool that keeps every default. */
  private static final JsonObject DEFAULT_SETTINGS = new JsonObject().put("tiers", Tiers.DEFAULT).put("strategy", "lru");

  @Test
  void stickyDaysReachRedisInMillisecondsAndZeroTurnsThemOff() {
    createPool(new JsonObject().put("name", "east"));

    HttpResponse<Buffer> on = patchPool("east", new JsonObject().put("sticky_days", 30));
    JsonObject settings = redisHash(RedisKeys.poolSettings("east"));
    HttpResponse<Buffer> off = patchPool("east", new JsonObject().put("sticky_days", 0));

    assertThat(on.bodyAsJsonObject().getInteger("sticky_days")).isEqualTo(30);
    assertThat(settings.getString("sticky")).isEqualTo("2592000000");
    assertThat(off.bodyAsJsonObject().getInteger("sticky_days")).isZero();
    assertThat(redisHash(RedisKeys.poolSettings("east"))).isEqualTo(DEFAULT_SETTINGS);
  }

  @Test
  void theOlderFallbackIsStillAcceptedAsATierList() {
    HttpResponse<Buffer> response = createPool(new JsonObject().put("name", "east").put("fallback", "area_code"));

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(response.bodyAsJsonObject().getString("tiers")).isEqualTo("area_code");
    assertThat(response.bodyAsJsonObject().containsKey("fallback")).isFalse();
  }

  @Test
  void aNewStrategyReordersThePoolsNumbersInRedis() {
    createPool(new JsonObject().put("name", "east"));
    api.server().seed(TestServer.numbers("512", 2).stream().map(n -> n.put("pool", "east")).toList());

    assertThat(patchPool("east", new JsonObject().put("strategy", "round_robin")).statusCode()).isEqualTo(200);

    // Round robin scores a number by its round and its caller-ID: round 0 for each, in list order.
    for (String callerId : List.of("5125550100", "5125550101")) {
      JsonObject number = redisHash(RedisKeys.number(callerId));
      assertThat(List.of(number.getString("pool"), number.getString("score"), number.getString("sk")))
        .containsExactly("east", callerId, "round_robin");
    }
  }

  @Test
  void listPoolsAnswersTheDefaultPoolWithItsDefaultSettings() {
    HttpResponse<Buffer> response = api.admin(HttpMethod.GET, "/api/pools").send().await();

    assertThat(response.statusCode()).isEqualTo(200);
    JsonArray items = response.bodyAsJsonObject().getJsonArray("items");
    assertThat(items).hasSize(1);
    assertThat(withoutTimes(items.getJsonObject(0))).isEqualTo(new JsonObject()
      .put("name", "default")
      .putNull("reservation_ttl")
      .putNull("hourly_limit")
      .putNull("daily_limit")
      .put("tiers", Tiers.DEFAULT)
      .put("strategy", "lru")
      .put("sticky_days", 0)
      .putNull("description")
      .putNull("calling_window")
      .put("calling_window_by_region", new JsonObject())
      .put("health", HealthSettings.DEFAULTS.toJson()));
  }

  @Test
  void createPoolAnswers201WithThePoolAndPutsItsSettingsInRedis() {
    HttpResponse<Buffer> response = createPool(new JsonObject().put("name", "east").put("reservation_ttl", 60)
      .put("hourly_limit", 5).put("daily_limit", 20).put("tiers", "area_code, state").put("strategy", "round_robin")
      .put("description", "East floor").put("health", new JsonObject().put("min_calls", 50)));

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(withoutTimes(response.bodyAsJsonObject())).isEqualTo(new JsonObject()
      .put("name", "east")
      .put("reservation_ttl", 60)
      .put("hourly_limit", 5)
      .put("daily_limit", 20)
      .put("tiers", "area_code,state")
      .put("strategy", "round_robin")
      .put("sticky_days", 0)
      .put("description", "East floor")
      .putNull("calling_window")
      .put("calling_window_by_region", new JsonObject())
      .put("health", HealthSettings.DEFAULTS.toJson().put("min_calls", 50)));
    assertThat(redisHash(RedisKeys.poolSettings("east")))
      .isEqualTo(new JsonObject().put("ttl", "60000").put("tiers", "area_code,state").put("strategy", "round_robin"));
  }

  @Test
  void createPoolWithOnlyANameTakesTheDefaults() {
    HttpResponse<Buffer> response = createPool(new JsonObject().put("name", "west"));

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(response.bodyAsJsonObject().getString("tiers")).isEqualTo(Tiers.DEFAULT);
    assertThat(response.bodyAsJsonObject().getString("strategy")).isEqualTo("lru");
    assertThat(response.bodyAsJsonObject().getValue("reservation_ttl")).isNull();
    assertThat(redisHash(RedisKeys.poolSettings("west"))).isEqualTo(DEFAULT_SETTINGS);
  }

  @Test
  void createPoolIsAudited() {
    createPool(new JsonObject().put("name", "east").put("reservation_ttl", 60));

    List<Row> audit = api.rows("SELECT actor, role, action, target, before, after FROM audit_log");
    assertThat(audit).hasSize(1);
    Row row = audit.get(0);
    assertThat(List.of(row.getString("actor"), row.getString("role"), row.getString("action"), row.getString("target")))
      .containsExactly("admin-token", "admin", "pool.create", "east");
    assertThat(row.getValue("before")).isNull();
    assertThat(((JsonObject) row.getValue("after")).getInteger("reservation_ttl")).isEqualTo(60);
  }

  @Test
  void createPoolReturns409ForATakenName() {
    createPool(new JsonObject().put("name", "east"));

    HttpResponse<Buffer> response = createPool(new JsonObject().put("name", "east").put("reservation_ttl", 9));

    assertThat(response.statusCode()).isEqualTo(409);
    assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject().put("detail", "pool 'east' already exists"));
    assertThat(api.rows("SELECT reservation_ttl FROM pools WHERE name = 'east'").get(0).getValue("reservation_ttl"))
      .isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "name|{}",
    "name|{\"name\": \"has space\"}",
    "name|{\"name\": \"" + "n123456789n123456789n123456789n123456789n123456789n123456789n1234\"}",
    "name|{\"name\": 7}",
    "reservation_ttl|{\"name\": \"east\", \"reservation_ttl\": 0}",
    "reservation_ttl|{\"name\": \"east\", \"reservation_ttl\": 86401}",
    "reservation_ttl|{\"name\": \"east\", \"reservation_ttl\": \"60\"}",
    "hourly_limit|{\"name\": \"east\", \"hourly_limit\": -1}",
    "daily_limit|{\"name\": \"east\", \"daily_limit\": 1.5}",
    "fallback|{\"name\": \"east\", \"fallback\": \"nearest\"}",
    "fallback|{\"name\": \"east\", \"fallback\": null}",
    "fallback|{\"name\": \"east\", \"fallback\": \"pool\", \"tiers\": \"pool\"}",
    "tiers|{\"name\": \"east\", \"tiers\": \"area_code,nearest\"}",
    "tiers|{\"name\": \"east\", \"tiers\": \"pool,area_code,pool\"}",
    "tiers|{\"name\": \"east\", \"tiers\": \"\"}",
    "tiers|{\"name\": \"east\", \"tiers\": 5}",
    "tiers|{\"name\": \"east\", \"tiers\": [\"state\", 7]}",
    "strategy|{\"name\": \"east\", \"strategy\": \"random\"}",
    "strategy|{\"name\": \"east\", \"strategy\": 1}",
    "sticky_days|{\"name\": \"east\", \"sticky_days\": -1}",
    "sticky_days|{\"name\": \"east\", \"sticky_days\": 366}",
    "sticky_days|{\"name\": \"east\", \"sticky_days\": \"7\"}",
    "sticky_days|{\"name\": \"east\", \"sticky_days\": 1.5}",
    "description|{\"name\": \"east\", \"description\": 5}",
    "colour|{\"name\": \"east\", \"colour\": \"red\"}",
    "body|[1]"})
  void createPoolReturns400NamingTheField(String fieldAndBody) {
    assertBodyRejected(api, HttpMethod.POST, "/api/pools", fieldAndBody);
    assertThat(api.rows("SELECT name FROM pools WHERE name <> 'default'")).isEmpty();
  }

  @Test
  void getPoolAnswersItsSettingsAndWhereItsNumbersAreNow() {
    createPool(new JsonObject().put("name", "east"));
    api.server().seed(List.of(
      new JsonObject().put("caller_id", "5125550100").put("pool", "east").put("hourly_limit", 1),
      new JsonObject().put("caller_id", "5125550101").put("pool", "east"),
      new JsonObject().put("caller_id", "5125550102").put("pool", "east"),
      new JsonObject().put("caller_id", "5125550103").put("pool", "east").put("is_active", false),
      new JsonObject().put("caller_id", "5125550104")));
    mapCampaign("sales", "east");
    api.release(api.nextCid("to", "5125551234", "campaign", "sales").bodyAsJsonObject().getString("caller_id"));
    api.nextCid("to", "5125551234", "campaign", "sales");
    // One number out of rotation on the rest ladder (its state is PostgreSQL's; the counts come from there).
    api.server().sql.query("UPDATE caller_ids SET health = 'retired' WHERE caller_id = "
      + "(SELECT max(caller_id) FROM caller_ids WHERE pool = 'east')").execute().await();

    HttpResponse<Buffer> response = api.admin(HttpMethod.GET, "/api/pools/east").send().await();

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getString("name")).isEqualTo("east");
    assertThat(response.bodyAsJsonObject().getJsonObject("counts")).isEqualTo(new JsonObject()
      .put("numbers", 4)
      .put("active", 3)
      .put("campaigns", 1)
      .put("available", 1)
      .put("reserved", 1)
      .put("capped", 1)
      .put("health", new JsonObject().put("healthy", 3).put("resting", 0).put("probation", 0).put("retired", 1)
        .put("flagged", 0)));
  }

  @Test
  void getPoolReturns404ForAnUnknownPool() {
    HttpResponse<Buffer> response = api.admin(HttpMethod.GET, "/api/pools/nowhere").send().await();

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject().put("detail", "pool 'nowhere' does not exist"));
  }

  @Test
  void patchPoolChangesOnlyTheFieldsSentAndAuditsBeforeAndAfter() {
    createPool(new JsonObject().put("name", "east").put("reservation_ttl", 60).put("description", "East"));

    HttpResponse<Buffer> response = patchPool("east", new JsonObject().put("reservation_ttl", 30)
      .put("tiers", new JsonArray().add("state").add("pool")).put("strategy", "least_used_today"));

    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject body = response.bodyAsJsonObject();
    assertThat(List.of(body.getInteger("reservation_ttl"), body.getString("tiers"), body.getString("strategy"),
      body.getString("description"))).containsExactly(30, "state,pool", "least_used_today", "East");
    assertThat(redisHash(RedisKeys.poolSettings("east"))).isEqualTo(new JsonObject().put("ttl", "30000")
      .put("tiers", "state,pool").put("strategy", "least_used_today"));
    Row audit = api.rows("SELECT before, after FROM audit_log WHERE action = 'pool.update' AND target = 'east'").get(0);
    assertThat(((JsonObject) audit.getValue("before")).getInteger("reservation_ttl")).isEqualTo(60);
    assertThat(((JsonObject) audit.getValue("after")).getInteger("reservation_ttl")).isEqualTo(30);
  }

  @Test
  void patchPoolWithNullResetsASettingToTheServersDefault() {
    createPool(new JsonObject().put("name", "east").put("reservation_ttl", 60));

    HttpResponse<Buffer> response = patchPool("east", new JsonObject().putNull("reservation_ttl"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getValue("reservation_ttl")).isNull();
    assertThat(redisHash(RedisKeys.poolSettings("east"))).isEqualTo(DEFAULT_SETTINGS);
  }

  @Test
  void patchPoolCapsReachEveryNumberOfThePoolWithoutCapsOfItsOwn() {
    createPool(new JsonObject().put("name", "east"));
    api.server().seed(List.of(
      new JsonObject().put("caller_id", "5125550100").put("pool", "east"),
      new JsonObject().put("caller_id", "5125550101").put("pool", "east").put("hourly_limit", 3),
      new JsonObject().put("caller_id", "5125550102")));

    HttpResponse<Buffer> response = patchPool("east", new JsonObject().put("hourly_limit", 7).put("daily_limit", 70));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(api.index().caps("5125550100")).containsExactly("7", "70");
    assertThat(api.index().caps("5125550101")).containsExactly("3", "70");
    assertThat(api.index().caps("5125550102")).containsExactly("100", "500");
  }

  @Test
  void aPoolsCapsApplyToNumbersLoadedAtStartUp() {
    createPool(new JsonObject().put("name", "east").put("hourly_limit", 1));
    api.server().seed(List.of(new JsonObject().put("caller_id", "5125550100").put("pool", "east")));
    mapCampaign("sales", "east");

    api.release(api.nextCid("to", "5125551234", "campaign", "sales").bodyAsJsonObject().getString("caller_id"));
    HttpResponse<Buffer> capped = api.nextCid("to", "5125551234", "campaign", "sales");

    assertThat(api.index().caps("5125550100")).containsExactly("1", "500");
    assertThat(capped.statusCode()).isEqualTo(503);
    assertThat(capped.bodyAsJsonObject().getString("detail")).contains("pool 'east'", "cap");
  }

  @Test
  void patchPoolRenamesThePoolWithItsNumbersAndCampaigns() {
    createPool(new JsonObject().put("name", "east").put("reservation_ttl", 45));
    api.server().seed(List.of(new JsonObject().put("caller_id", "5125550100").put("pool", "east")));
    mapCampaign("sales", "east");

    HttpResponse<Buffer> response = patchPool("east", new JsonObject().put("name", "west"));
    HttpResponse<Buffer> allocation = api.nextCid("to", "5125551234", "campaign", "sales");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getString("name")).isEqualTo("west");
    assertThat(api.rows("SELECT pool FROM caller_ids").get(0).getString("pool")).isEqualTo("west");
    assertThat(redisHash(RedisKeys.CAMPAIGNS)).isEqualTo(new JsonObject().put("sales", "west"));
    assertThat(api.redisKeys(RedisKeys.poolSettings("east"))).isEmpty();
    assertThat(allocation.bodyAsJsonObject().getString("caller_id")).isEqualTo("5125550100");
    assertThat(allocation.bodyAsJsonObject().getInteger("reserved_for")).isEqualTo(45);
    assertThat(api.redis(Request.cmd(Command.ZSCORE).arg(RedisKeys.reserved("west")).arg("5125550100"))).isNotNull();
  }

  @Test
  void patchPoolReturns409ForANameTaken() {
    createPool(new JsonObject().put("name", "east"));
    createPool(new JsonObject().put("name", "west"));

    HttpResponse<Buffer> response = patchPool("east", new JsonObject().put("name", "west"));

    assertThat(response.statusCode()).isEqualTo(409);
    assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject().put("detail", "pool 'west' already exists"));
  }

  @Test
  void theDefaultPoolCannotBeRenamed() {
    HttpResponse<Buffer> response = patchPool("default", new JsonObject().put("name", "main"));

    assertThat(response.statusCode()).isEqualTo(409);
    assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject()
      .put("detail", "the default pool cannot be renamed"));
    assertThat(api.rows("SELECT name FROM pools").get(0).getString("name")).isEqualTo("default");
  }

  @Test
  void theDefaultPoolsSettingsCanChange() {
    HttpResponse<Buffer> response = patchPool("default", new JsonObject().put("reservation_ttl", 20));
    api.server().seed(TestServer.numbers("512", 1));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(api.nextCid("to", "5125551234").bodyAsJsonObject().getInteger("reserved_for")).isEqualTo(20);
  }

  @Test
  void patchPoolReturns404ForAnUnknownPool() {
    HttpResponse<Buffer> response = patchPool("nowhere", new JsonObject().put("reservation_ttl", 20));

    assertDetail(response, 404, "pool 'nowhere'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"body|{}", "fallback|{\"fallback\": null}", "name|{\"name\": null}",
    "tiers|{\"tiers\": \"town\"}", "strategy|{\"strategy\": \"lru \"}",
    "name|{\"name\": \"a/b\"}", "hourly_limit|{\"hourly_limit\": 0}", "size|{\"size\": 3}"})
  void patchPoolReturns400NamingTheField(String fieldAndBody) {
    createPool(new JsonObject().put("name", "east"));
    assertBodyRejected(api, HttpMethod.PATCH, "/api/pools/east", fieldAndBody);
  }

  @Test
  void deletePoolRemovesAnEmptyPoolFromPostgresqlAndRedisAndAuditsIt() {
    createPool(new JsonObject().put("name", "east").put("reservation_ttl", 60));

    HttpResponse<Buffer> response = api.admin(HttpMethod.DELETE, "/api/pools/east").send().await();

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getJsonObject("deleted").getString("name")).isEqualTo("east");
    assertThat(api.rows("SELECT name FROM pools WHERE name = 'east'")).isEmpty();
    assertThat(api.redisKeys(RedisKeys.poolSettings("east"))).isEmpty();
    Row audit = api.rows("SELECT before, after FROM audit_log WHERE action = 'pool.delete' AND target = 'east'").get(0);
    assertThat(((JsonObject) audit.getValue("before")).getInteger("reservation_ttl")).isEqualTo(60);
    assertThat(audit.getValue("after")).isNull();
  }

  @Test
  void deletePoolReturns409WhileThePoolHasNumbers() {
    createPool(new JsonObject().put("name", "east"));
    api.server().seed(List.of(new JsonObject().put("caller_id", "5125550100").put("pool", "east")));

    HttpResponse<Buffer> response = api.admin(HttpMethod.DELETE, "/api/pools/east").send().await();

    assertThat(response.statusCode()).isEqualTo(409);
    assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject()
      .put("detail", "pool 'east' still has 1 numbers and 0 campaigns: move or delete them first"));
    assertThat(api.rows("SELECT name FROM pools WHERE name = 'east'")).hasSize(1);
  }

  @Test
  void deletePoolReturns409WhileCampaignsUseIt() {
    createPool(new JsonObject().put("name", "east"));
    mapCampaign("sales", "east");

    HttpResponse<Buffer> response = api.admin(HttpMethod.DELETE, "/api/pools/east").send().await();

    assertThat(response.statusCode()).isEqualTo(409);
    assertThat(response.bodyAsJsonObject().getString("detail")).contains("0 numbers and 1 campaigns");
  }

  @Test
  void theDefaultPoolCannotBeDeleted() {
    HttpResponse<Buffer> response = api.admin(HttpMethod.DELETE, "/api/pools/default").send().await();

    assertThat(response.statusCode()).isEqualTo(409);
    assertThat(response.bodyAsJsonObject())
      .isEqualTo(new JsonObject().put("detail", "the default pool cannot be deleted"));
  }

  @Test
  void deletePoolReturns404ForAnUnknownPool() {
    HttpResponse<Buffer> response = api.admin(HttpMethod.DELETE, "/api/pools/nowhere").send().await();

    assertDetail(response, 404, "pool 'nowhere'");
  }

  @Test
  void aViewerReadsPoolsButCannotWriteThem() {
    createPool(new JsonObject().put("name", "east"));
    String viewer = RoleTokens.bearer("vera");

    int list = api.anonymous(HttpMethod.GET, "/api/pools").putHeader("Authorization", viewer).send().await()
      .statusCode();
    int one = api.anonymous(HttpMethod.GET, "/api/pools/east").putHeader("Authorization", viewer).send().await()
      .statusCode();
    HttpResponse<Buffer> create = api.anonymous(HttpMethod.POST, "/api/pools").putHeader("Authorization", viewer)
      .sendJsonObject(new JsonObject().put("name", "west")).await();
    HttpResponse<Buffer> patch = api.anonymous(HttpMethod.PATCH, "/api/pools/east").putHeader("Authorization", viewer)
      .sendJsonObject(new JsonObject().put("reservation_ttl", 5)).await();
    HttpResponse<Buffer> delete = api.anonymous(HttpMethod.DELETE, "/api/pools/east")
      .putHeader("Authorization", viewer).send().await();

    assertThat(List.of(list, one)).containsExactly(200, 200);
    assertThat(List.of(create.statusCode(), patch.statusCode(), delete.statusCode())).containsExactly(403, 403, 403);
    assertThat(api.rows("SELECT name FROM pools ORDER BY name")).hasSize(2);
    assertThat(api.rows("SELECT reservation_ttl FROM pools WHERE name = 'east'").get(0).getValue("reservation_ttl"))
      .isNull();
  }

  @Test
  void poolRoutesWithoutCredentialsAnswer401() {
    assertThat(api.anonymous(HttpMethod.GET, "/api/pools").send().await().statusCode()).isEqualTo(401);
    assertThat(api.anonymous(HttpMethod.POST, "/api/pools").sendJsonObject(new JsonObject().put("name", "x"))
      .await().statusCode()).isEqualTo(401);
  }

  private static HttpResponse<Buffer> createPool(JsonObject body) {
    return api.admin(HttpMethod.POST, "/api/pools").sendJsonObject(body).await();
  }

  private static HttpResponse<Buffer> patchPool(String name, JsonObject body) {
    return api.admin(HttpMethod.PATCH, "/api/pools/" + name).sendJsonObject(body).await();
  }

  private static void mapCampaign(String campaign, String pool) {
    PoolFixtures.mapCampaign(api, campaign, pool);
  }

  /** A Redis hash as a JSON object of strings. */
  private static JsonObject redisHash(String key) {
    JsonObject hash = new JsonObject();
    Response reply = api.redis(Request.cmd(Command.HGETALL).arg(key));
    for (String field : reply.getKeys()) {
      hash.put(field, reply.get(field).toString());
    }
    return hash;
  }

  /** The hourly and daily cap of a number in Redis. */
  private static JsonObject withoutTimes(JsonObject pool) {
    JsonObject copy = pool.copy();
    assertThat(copy.remove("created_at")).isNotNull();
    assertThat(copy.remove("updated_at")).isNotNull();
    return copy;
  }

}
