package io.cidrotator.pool;

import io.cidrotator.TestServer;
import io.cidrotator.auth.RoleTokens;
import io.cidrotator.http.Api;
import io.cidrotator.redis.RedisKeys;
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

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.cidrotator.http.Rejections.assertBodyRejected;
import static io.cidrotator.http.Rejections.assertDetail;
import static org.assertj.core.api.Assertions.assertThat;

/** /api/campaigns: which pool a campaign allocates from, and /next-cid honouring it at once. */
class CampaignsTest {

  @RegisterExtension
  static final Api api = new Api(RoleTokens.serverSettings());

  @BeforeEach
  void twoPools() {
    api.reset();
    PoolFixtures.createPool(api, "east", 45);
    List<JsonObject> numbers = new ArrayList<>(TestServer.numbers("512", 2));
    numbers.add(new JsonObject().put("caller_id", "5125550200").put("pool", "east"));
    numbers.add(new JsonObject().put("caller_id", "2125550200").put("pool", "east"));
    api.server().seed(numbers);
  }

  @Test
  void aMappedCampaignGetsOnlyItsPoolsNumbersWithItsPoolsTtl() {
    putCampaign("sales", new JsonObject().put("pool", "east"));

    List<JsonObject> answers = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      answers.add(api.nextCid("to", "5125551234", "campaign", "sales").bodyAsJsonObject());
    }
    HttpResponse<Buffer> third = api.nextCid("to", "5125551234", "campaign", "sales");

    assertThat(answers).extracting(a -> a.getString("caller_id")).containsExactly("5125550200", "2125550200");
    assertThat(answers).extracting(a -> a.getInteger("reserved_for")).containsExactly(45, 45);
    assertThat(third.statusCode()).isEqualTo(503);
    assertThat(third.bodyAsJsonObject().getString("detail"))
      .isEqualTo("no caller-ID available: every number of pool 'east' is on a live call");
    assertThat(api.redis(Request.cmd(Command.ZSCORE).arg(RedisKeys.reserved("east")).arg("5125550200"))).isNotNull();
  }

  @Test
  void aCampaignWithoutAMappingUsesTheDefaultPool() {
    putCampaign("sales", new JsonObject().put("pool", "east"));

    JsonObject answer = api.nextCid("to", "5125551234", "campaign", "support").bodyAsJsonObject();

    assertThat(answer.getString("caller_id")).isEqualTo("5125550100");
    assertThat(answer.getInteger("reserved_for")).isEqualTo(300);
  }

  @Test
  void theHistoryRecordsThePoolTheNumberCameFrom() {
    putCampaign("sales", new JsonObject().put("pool", "east"));
    api.nextCid("to", "5125551234", "campaign", "sales");
    api.nextCid("to", "5125551234", "campaign", "other");

    List<Row> rows = api.poll(() -> api.rows("SELECT caller_id, pool FROM allocations ORDER BY caller_id"),
      r -> r.size() == 2, Duration.ofSeconds(5));

    assertThat(rows).extracting(r -> r.getString("caller_id") + "@" + r.getString("pool"))
      .containsExactly("5125550100@default", "5125550200@east");
  }

  @Test
  void putCampaignCreatesTheMappingAndAuditsIt() {
    HttpResponse<Buffer> response = putCampaign("sales", new JsonObject().put("pool", "east")
      .put("description", "Outbound sales"));

    assertThat(response.statusCode()).isEqualTo(200);
    JsonObject body = response.bodyAsJsonObject();
    assertThat(List.of(body.getString("name"), body.getString("pool"), body.getString("description")))
      .containsExactly("sales", "east", "Outbound sales");
    assertThat(hget(RedisKeys.CAMPAIGNS, "sales")).isEqualTo("east");
    List<Row> audits = api.rows("SELECT actor, action, target, before, after FROM audit_log WHERE target = 'sales'");
    assertThat(audits).hasSize(1);
    Row audit = audits.get(0);
    assertThat(List.of(audit.getString("actor"), audit.getString("action"), audit.getString("target")))
      .containsExactly("admin-token", "campaign.create", "sales");
    assertThat(audit.getValue("before")).isNull();
    assertThat(((JsonObject) audit.getValue("after")).getString("pool")).isEqualTo("east");
  }

  @Test
  void putCampaignMovesAMappedCampaignToAnotherPool() {
    putCampaign("sales", new JsonObject().put("pool", "east"));

    HttpResponse<Buffer> response = putCampaign("sales", new JsonObject().put("pool", "default"));

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(hget(RedisKeys.CAMPAIGNS, "sales")).isEqualTo("default");
    assertThat(api.nextCid("to", "5125551234", "campaign", "sales").bodyAsJsonObject().getString("caller_id"))
      .isEqualTo("5125550100");
    Row audit = api.rows("SELECT before, after FROM audit_log WHERE action = 'campaign.update'").get(0);
    assertThat(((JsonObject) audit.getValue("before")).getString("pool")).isEqualTo("east");
    assertThat(((JsonObject) audit.getValue("after")).getString("pool")).isEqualTo("default");
  }

  @Test
  void putCampaignReturns404ForAnUnknownPool() {
    HttpResponse<Buffer> response = putCampaign("sales", new JsonObject().put("pool", "nowhere"));

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject().put("detail", "pool 'nowhere' does not exist"));
    assertThat(api.rows("SELECT name FROM campaigns")).isEmpty();
    assertThat(api.rows("SELECT id FROM audit_log WHERE action LIKE 'campaign.%'")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"pool|{}", "pool|{\"pool\": \"no spaces allowed\"}", "pool|{\"pool\": 3}",
    "description|{\"pool\": \"east\", \"description\": []}", "name|{\"pool\": \"east\", \"name\": \"x\"}",
    "body|\"east\""})
  void putCampaignReturns400NamingTheField(String fieldAndBody) {
    assertBodyRejected(api, HttpMethod.PUT, "/api/campaigns/sales", fieldAndBody);
    assertThat(api.rows("SELECT name FROM campaigns")).isEmpty();
  }

  @Test
  void putCampaignReturns400NamingNameForACampaignNameTooLong() {
    HttpResponse<Buffer> response = putCampaign("c".repeat(65), new JsonObject().put("pool", "east"));

    assertDetail(response, 400, "name: ");
  }

  @Test
  void postCampaignAnswers201AndRefusesASecondMappingWith409() {
    JsonObject body = new JsonObject().put("name", "sales").put("pool", "east");

    HttpResponse<Buffer> first = api.admin(HttpMethod.POST, "/api/campaigns").sendJsonObject(body).await();
    HttpResponse<Buffer> second = api.admin(HttpMethod.POST, "/api/campaigns")
      .sendJsonObject(body.copy().put("pool", "default")).await();

    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(first.bodyAsJsonObject().getString("pool")).isEqualTo("east");
    assertThat(second.statusCode()).isEqualTo(409);
    assertThat(second.bodyAsJsonObject()).isEqualTo(new JsonObject().put("detail", "campaign 'sales' already exists"));
    assertThat(hget(RedisKeys.CAMPAIGNS, "sales")).isEqualTo("east");
  }

  @Test
  void postCampaignReturns404ForAnUnknownPoolAnd400WithoutAName() {
    HttpResponse<Buffer> unknown = api.admin(HttpMethod.POST, "/api/campaigns")
      .sendJsonObject(new JsonObject().put("name", "sales").put("pool", "nowhere")).await();
    HttpResponse<Buffer> nameless = api.admin(HttpMethod.POST, "/api/campaigns")
      .sendJsonObject(new JsonObject().put("pool", "east")).await();

    assertDetail(unknown, 404, "pool 'nowhere'");
    assertDetail(nameless, 400, "name: ");
  }

  @Test
  void getCampaignAnswersTheMappingAndListsEveryMapping() {
    putCampaign("sales", new JsonObject().put("pool", "east"));
    putCampaign("support", new JsonObject().put("pool", "default").put("description", "Inbound"));

    HttpResponse<Buffer> one = api.admin(HttpMethod.GET, "/api/campaigns/support").send().await();
    HttpResponse<Buffer> all = api.admin(HttpMethod.GET, "/api/campaigns").send().await();

    assertThat(one.statusCode()).isEqualTo(200);
    assertThat(one.bodyAsJsonObject().getString("description")).isEqualTo("Inbound");
    JsonArray items = all.bodyAsJsonObject().getJsonArray("items");
    assertThat(items.stream().map(o -> ((JsonObject) o).getString("name") + "->" + ((JsonObject) o).getString("pool")))
      .containsExactly("sales->east", "support->default");
  }

  @Test
  void getCampaignReturns404ForACampaignWithoutAMapping() {
    HttpResponse<Buffer> response = api.admin(HttpMethod.GET, "/api/campaigns/sales").send().await();

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject()
      .put("detail", "campaign 'sales' has no mapping (it uses the default pool)"));
  }

  @Test
  void deleteCampaignSendsTheCampaignBackToTheDefaultPoolAndAuditsIt() {
    putCampaign("sales", new JsonObject().put("pool", "east"));

    HttpResponse<Buffer> response = api.admin(HttpMethod.DELETE, "/api/campaigns/sales").send().await();

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getJsonObject("deleted").getString("pool")).isEqualTo("east");
    assertThat(hget(RedisKeys.CAMPAIGNS, "sales")).isNull();
    assertThat(api.nextCid("to", "5125551234", "campaign", "sales").bodyAsJsonObject().getString("caller_id"))
      .isEqualTo("5125550100");
    Row audit = api.rows("SELECT before, after FROM audit_log WHERE action = 'campaign.delete'").get(0);
    assertThat(((JsonObject) audit.getValue("before")).getString("pool")).isEqualTo("east");
    assertThat(audit.getValue("after")).isNull();
  }

  @Test
  void deleteCampaignReturns404ForACampaignWithoutAMapping() {
    HttpResponse<Buffer> response = api.admin(HttpMethod.DELETE, "/api/campaigns/sales").send().await();

    assertDetail(response, 404, "campaign 'sales'");
  }

  @Test
  void aViewerReadsCampaignsButCannotWriteThem() {
    putCampaign("sales", new JsonObject().put("pool", "east"));
    String viewer = RoleTokens.bearer("vera");

    int list = api.anonymous(HttpMethod.GET, "/api/campaigns").putHeader("Authorization", viewer).send().await()
      .statusCode();
    int one = api.anonymous(HttpMethod.GET, "/api/campaigns/sales").putHeader("Authorization", viewer).send().await()
      .statusCode();
    int put = api.anonymous(HttpMethod.PUT, "/api/campaigns/sales").putHeader("Authorization", viewer)
      .sendJsonObject(new JsonObject().put("pool", "default")).await().statusCode();
    int post = api.anonymous(HttpMethod.POST, "/api/campaigns").putHeader("Authorization", viewer)
      .sendJsonObject(new JsonObject().put("name", "x").put("pool", "default")).await().statusCode();
    int delete = api.anonymous(HttpMethod.DELETE, "/api/campaigns/sales").putHeader("Authorization", viewer)
      .send().await().statusCode();

    assertThat(List.of(list, one, put, post, delete)).containsExactly(200, 200, 403, 403, 403);
    assertThat(hget(RedisKeys.CAMPAIGNS, "sales")).isEqualTo("east");
    assertThat(api.rows("SELECT name FROM campaigns")).hasSize(1);
  }

  private static HttpResponse<Buffer> putCampaign(String name, JsonObject body) {
    return api.admin(HttpMethod.PUT, "/api/campaigns/" + name).sendJsonObject(body).await();
  }

  private static String hget(String key, String field) {
    Response value = api.redis(Request.cmd(Command.HGET).arg(key).arg(field));
    return value == null ? null : value.toString();
  }

}
