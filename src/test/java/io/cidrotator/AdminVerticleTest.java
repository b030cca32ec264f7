package io.cidrotator;

import io.cidrotator.http.Api;
import io.cidrotator.redis.CapWindows;
import io.cidrotator.redis.RedisIndex;
import io.cidrotator.pool.Tiers;
import io.cidrotator.redis.RedisKeys;
import io.cidrotator.reputation.HealthSettings;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.cidrotator.allocation.AllocationMessages.allocation;
import static io.cidrotator.allocation.AllocationMessages.epochMs;
import static io.cidrotator.allocation.AllocationMessages.release;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bus contract of {@link AdminVerticle}, address by address: the bodies the feature clients send, the exact
 * answers (timestamps checked for their format), and each failure's code and message. The whole server runs, so
 * that allocations (on its allocators' addresses) make the history the charts read.
 */
class AdminVerticleTest {

  @RegisterExtension
  static final Api api = new Api();

  /** The actor of an operator's write, as Actor#toJson puts it in every write message. */
  private static final JsonObject ACTOR = new JsonObject()
    .put("subject", "ops")
    .put("role", "admin")
    .put("remote", "10.0.0.7");

  private static BusCalls bus;
  private static RedisIndex index;

  @BeforeAll
  static void connect() {
    bus = new BusCalls(api.server().vertx);
    index = new RedisIndex(api.server().redis);
  }

  @BeforeEach
  void emptyInventory() {
    api.awaitHistoryWritten();
    api.reset();
  }

  // ---- INVENTORY_COUNTS, INVENTORY_RELOAD ----

  @Test
  void inventoryCountsAnswersTheTotalAndTheActiveNumbers() {
    api.server().seed(List.of(new JsonObject().put("caller_id", "5125550100"),
      new JsonObject().put("caller_id", "5125550101"),
      new JsonObject().put("caller_id", "5125550102").put("is_active", false)));

    assertThat(bus.answer(Bus.INVENTORY_COUNTS, new JsonObject()))
      .isEqualTo(new JsonObject().put("total", 3).put("active", 2).put("health", new JsonObject().put("healthy", 3)
        .put("resting", 0).put("probation", 0).put("retired", 0).put("flagged", 0).put("rested_today", 0)
        .put("flagged_today", 0)));
  }

  @Test
  void inventoryReloadWithoutAnActorLoadsRedisAndIsNotAudited() {
    api.server().seed(TestServer.numbers("512", 2));
    api.redis(Request.cmd(Command.FLUSHDB));

    JsonObject answer = bus.answer(Bus.INVENTORY_RELOAD, new JsonObject());

    assertThat(answer).isEqualTo(new JsonObject().put("loaded", 2));
    assertThat(index.numbers()).containsExactlyInAnyOrder("5125550100", "5125550101");
    assertThat(index.exists(RedisKeys.LOADED)).isTrue();
    assertThat(audited()).isEmpty();
  }

  @Test
  void inventoryReloadOfAnOperatorIsAudited() {
    api.server().seed(TestServer.numbers("512", 2));

    JsonObject answer = bus.answer(Bus.INVENTORY_RELOAD, byActor(new JsonObject()));

    assertThat(answer).isEqualTo(new JsonObject().put("loaded", 2));
    assertThat(audited()).containsExactly(audit("inventory.reload", null, null, new JsonObject().put("loaded", 2)));
  }

  // ---- CALLER_ID_LIST, CALLER_ID_GET ----

  @Test
  void callerIdListAnswersAPageOfRowsAndTheTotal() {
    api.server().seed(TestServer.numbers("512", 3));

    JsonObject page = bus.answer(Bus.CALLER_ID_LIST, callerIdQuery(1, 2));

    assertThat(page.fieldNames()).containsExactlyInAnyOrder("items", "page", "size", "total");
    assertThat(List.of(page.getInteger("page"), page.getInteger("size"), page.getInteger("total")))
      .containsExactly(1, 2, 3);
    JsonArray items = page.getJsonArray("items");
    assertThat(items).hasSize(2);
    assertThat(withoutTimes(items.getJsonObject(0))).isEqualTo(withServerCaps(seededRow("5125550100")));
    assertThat(withoutTimes(items.getJsonObject(1))).isEqualTo(withServerCaps(seededRow("5125550101")));
  }

  @Test
  void callerIdListFiltersAndSorts() {
    api.server().seed(List.of(new JsonObject().put("caller_id", "5125550100").put("carrier", "telnyx"),
      new JsonObject().put("caller_id", "5125550101").put("carrier", "telnyx"),
      new JsonObject().put("caller_id", "5125550102").put("carrier", "telnyx").put("is_active", false),
      new JsonObject().put("caller_id", "2125550100").put("carrier", "telnyx")));

    JsonObject page = bus.answer(Bus.CALLER_ID_LIST, callerIdQuery(1, 50)
      .put("area_code", "512").put("active", true).put("q", "TELN").put("sort", "-caller_id"));

    assertThat(callerIds(page)).containsExactly("5125550101", "5125550100");
    assertThat(page.getInteger("total")).isEqualTo(2);
  }

  @Test
  void callerIdGetAnswersTheRowAndItsLiveStateInRedis() {
    api.server().seed(TestServer.numbers("512", 1));

    JsonObject number = bus.answer(Bus.CALLER_ID_GET, new JsonObject().put("caller_id", "5125550100"));

    assertThat(withoutTimes(number.copy().put("live", "?").put("locality", "?").put("health", "?")))
      .isEqualTo(withServerCaps(seededRow("5125550100")).put("live", "?").put("locality", "?").put("health", "?"));
    assertThat(number.getJsonObject("health").getString("state")).isEqualTo("healthy");
    assertThat(number.getJsonObject("health").getJsonObject("last_24h").getLong("calls")).isZero();
    assertThat(number.getJsonObject("locality").getString("region")).isEqualTo("US-TX");
    assertThat(number.getJsonObject("live")).isEqualTo(new JsonObject()
      .put("state", "available")
      .put("uses_this_hour", 0)
      .put("hourly_limit", 100)
      .put("uses_today", 0)
      .put("daily_limit", 500)
      .putNull("last_used")
      .putNull("capped_until")
      .putNull("reservation"));
  }

  @Test
  void callerIdGetOfAReservedNumberShowsItsReservation() {
    api.server().seed(TestServer.numbers("512", 1));
    String reservation = bus.answer(Bus.ALLOCATE, allocation("5125551234").put("campaign", "spring")
      .put("agent", "a7")).getString("reservation");

    JsonObject live = bus.answer(Bus.CALLER_ID_GET, new JsonObject().put("caller_id", "5125550100"))
      .getJsonObject("live");

    Instant reservedAt = Instant.ofEpochMilli(epochMs(reservation));
    assertThat(live.getString("state")).isEqualTo("reserved");
    assertThat(List.of(live.getInteger("uses_this_hour"), live.getInteger("uses_today"))).containsExactly(1, 1);
    assertThat(live.getString("last_used")).isEqualTo(reservedAt.toString());
    assertThat(live.getJsonObject("reservation")).isEqualTo(new JsonObject()
      .put("id", reservation)
      .put("campaign", "spring")
      .put("agent", "a7")
      .put("destination", "5125551234")
      .put("tier", "prefix")
      .put("reserved_at", reservedAt.toString())
      .put("expires_at", reservedAt.plusSeconds(300).toString()));
  }

  @Test
  void callerIdGetOfANumberAtItsCapSaysUntilWhen() {
    api.server().seed(List.of(new JsonObject().put("caller_id", "5125550100").put("hourly_limit", 1)));
    String reservation = bus.answer(Bus.ALLOCATE, allocation("5125551234")).getString("reservation");
    bus.answer(Bus.RELEASE, release("5125550100"));

    JsonObject live = bus.answer(Bus.CALLER_ID_GET, new JsonObject().put("caller_id", "5125550100"))
      .getJsonObject("live");

    CapWindows allocatedIn = CapWindows.at(epochMs(reservation), api.server().config.timezone());
    assertThat(live.getString("state")).isEqualTo("capped");
    assertThat(live.getString("capped_until")).isEqualTo(Instant.ofEpochMilli(allocatedIn.hourEnd()).toString());
    assertThat(live.getValue("reservation")).isNull();
  }

  @Test
  void callerIdGetOfANumberRedisDoesNotHoldSaysNotLoaded() {
    api.server().seed(TestServer.numbers("512", 1));
    api.redis(Request.cmd(Command.FLUSHDB));

    JsonObject number = bus.answer(Bus.CALLER_ID_GET, new JsonObject().put("caller_id", "5125550100"));

    assertThat(number.getJsonObject("live")).isEqualTo(new JsonObject().put("state", "not_loaded"));
  }

  @Test
  void callerIdGetOfAnUnknownNumberFails404() {
    bus.assertFails(Bus.CALLER_ID_GET, new JsonObject().put("caller_id", "5125550100"), 404,
      "caller_id 5125550100 is not in the inventory");
  }

  // ---- CALLER_ID_CREATE, CALLER_ID_UPDATE, CALLER_ID_DELETE ----

  @Test
  void callerIdCreateAnswersTheRowAuditsItAndIndexesIt() {
    JsonObject meta = new JsonObject().put("site", "atx");

    JsonObject created = bus.answer(Bus.CALLER_ID_CREATE, numberCreation(newNumber("5125550100")
      .put("hourly_limit", 10)
      .put("meta", meta)));

    assertThat(withoutTimes(created.copy())).isEqualTo(row("5125550100", "telnyx").put("hourly_limit", 10)
      .put("meta", meta));
    assertThat(audited()).containsExactly(audit("caller_id.create", "5125550100", null, created));
    assertThat(index.numbers()).containsExactly("5125550100");
  }

  @Test
  void callerIdCreateOfAnExistingNumberFails409() {
    api.server().seed(TestServer.numbers("512", 1));

    bus.assertFails(Bus.CALLER_ID_CREATE, numberCreation(newNumber("5125550100")),
      409, "caller_id 5125550100 already exists");
    assertThat(audited()).isEmpty();
  }

  @Test
  void callerIdCreateInAnUnknownPoolFails400NamingThePool() {
    bus.assertFails(Bus.CALLER_ID_CREATE, numberCreation(newNumber("5125550100").put("pool", "nowhere")),
      400, "pool: no such pool (create it under /api/pools first)");
    assertThat(api.rows("SELECT 1 FROM caller_ids")).isEmpty();
  }

  @Test
  void callerIdCreateThatBreaksATableConstraintFails500AsTheRouterShouldHaveRefusedIt() {
    bus.assertFails(Bus.CALLER_ID_CREATE, numberCreation(newNumber("5125550100").put("area_code", "123")),
      500, "internal error");
  }

  @Test
  void callerIdUpdateChangesOnlyTheNamedFieldsAndAuditsBeforeAndAfter() {
    api.server().seed(List.of(new JsonObject().put("caller_id", "5125550100").put("hourly_limit", 5)
      .put("daily_limit", 50)));
    JsonObject before = bus.answer(Bus.CALLER_ID_GET, new JsonObject().put("caller_id", "5125550100"));
    // The audit records the row; the GET adds what applies of it.
    List.of("live", "locality", "health", "effective_hourly_limit", "hourly_limit_from", "effective_daily_limit",
      "daily_limit_from").forEach(before::remove);

    JsonObject updated = bus.answer(Bus.CALLER_ID_UPDATE, numberChange("5125550100", new JsonObject()
      .put("carrier", "bandwidth")
      .putNull("hourly_limit")));

    assertThat(withoutTimes(updated.copy())).isEqualTo(seededRow("5125550100").put("carrier", "bandwidth")
      .put("daily_limit", 50));
    assertThat(audited()).containsExactly(audit("caller_id.update", "5125550100", before, updated));
    assertThat(index.caps("5125550100")).containsExactly("100", "50");
  }

  @Test
  void callerIdUpdateOfAnUnknownNumberFails404() {
    bus.assertFails(Bus.CALLER_ID_UPDATE, numberChange("5125550100", new JsonObject().put("carrier", "bandwidth")),
      404, "caller_id 5125550100 is not in the inventory");
  }

  @Test
  void callerIdUpdateIntoAnUnknownPoolFails400() {
    api.server().seed(TestServer.numbers("512", 1));

    bus.assertFails(Bus.CALLER_ID_UPDATE, numberChange("5125550100", new JsonObject().put("pool", "nowhere")),
      400, "pool: no such pool (create it under /api/pools first)");
  }

  @Test
  void callerIdDeleteDeactivatesTheNumberEverywhere() {
    api.server().seed(TestServer.numbers("512", 1));

    JsonObject deactivated = bus.answer(Bus.CALLER_ID_DELETE, numberDeletion("5125550100", false));

    assertThat(withoutTimes(deactivated.copy())).isEqualTo(seededRow("5125550100").put("is_active", false));
    assertThat(auditedActions()).containsExactly("caller_id.deactivate");
    assertThat(index.number("5125550100")).containsEntry("active", "0");
  }

  @Test
  void callerIdDeleteWithPurgeDeletesTheRowAndTheIndexEntry() {
    api.server().seed(TestServer.numbers("512", 1));

    JsonObject purged = bus.answer(Bus.CALLER_ID_DELETE, numberDeletion("5125550100", true));

    assertThat(purged).isEqualTo(new JsonObject().put("caller_id", "5125550100").put("purged", true));
    assertThat(api.rows("SELECT 1 FROM caller_ids")).isEmpty();
    assertThat(auditedActions()).containsExactly("caller_id.purge");
    assertThat(index.numbers()).isEmpty();
  }

  @Test
  void callerIdDeleteOfAnUnknownNumberFails404() {
    bus.assertFails(Bus.CALLER_ID_DELETE, numberDeletion("5125550100", true),
      404, "caller_id 5125550100 is not in the inventory");
  }

  // ---- POOL_* ----

  @Test
  void poolListAnswersEveryPoolByName() {
    createPool("west", 60);
    createPool("east", null);

    JsonObject pools = bus.answer(Bus.POOL_LIST, new JsonObject());

    assertThat(pools.fieldNames()).containsExactly("items");
    List<JsonObject> items = withoutTimes(pools.getJsonArray("items"));
    assertThat(items).containsExactly(pool("default", null), pool("east", null), pool("west", 60));
  }

  @Test
  void poolGetAnswersThePoolWithWhereItsNumbersAre() {
    createPool("east", 60);
    mapCampaign("sales", "east");
    api.server().seed(List.of(new JsonObject().put("caller_id", "5125550100").put("pool", "east"),
      new JsonObject().put("caller_id", "5125550101").put("pool", "east"),
      new JsonObject().put("caller_id", "5125550102").put("pool", "east").put("is_active", false)));
    bus.answer(Bus.ALLOCATE, allocation("5125551234").put("campaign", "sales"));

    JsonObject pool = bus.answer(Bus.POOL_GET, new JsonObject().put("name", "east"));

    assertThat(withoutTimes(pool.copy())).isEqualTo(pool("east", 60).put("counts", new JsonObject()
      .put("numbers", 3)
      .put("active", 2)
      .put("campaigns", 1)
      .put("available", 1)
      .put("reserved", 1)
      .put("capped", 0)
      .put("health", new JsonObject().put("healthy", 3).put("resting", 0).put("probation", 0).put("retired", 0)
        .put("flagged", 0))));
  }

  @Test
  void poolGetOfAnUnknownPoolFails404() {
    bus.assertFails(Bus.POOL_GET, new JsonObject().put("name", "nowhere"), 404, "pool 'nowhere' does not exist");
  }

  @Test
  void poolCreateAnswersThePoolAuditsItAndWritesItsSettingsToRedis() {
    JsonObject created = bus.answer(Bus.POOL_CREATE, poolCreation(poolFields("east", 60)
      .put("hourly_limit", 5)
      .put("tiers", "area_code")
      .put("description", "east coast")));

    assertThat(withoutTimes(created.copy())).isEqualTo(pool("east", 60).put("hourly_limit", 5)
      .put("tiers", "area_code").put("description", "east coast"));
    assertThat(audited()).containsExactly(audit("pool.create", "east", null, created));
    assertThat(index.hash(RedisKeys.poolSettings("east"))).isEqualTo(Map.of("tiers", "area_code", "strategy", "lru",
      "ttl", "60000"));
  }

  @Test
  void poolCreateOfAnExistingPoolFails409() {
    createPool("east", 60);

    bus.assertFails(Bus.POOL_CREATE, poolCreation(poolFields("east", null)),
      409, "pool 'east' already exists");
  }

  @Test
  void poolUpdateAnswersThePoolAfterAndWritesNewCapsToItsNumbers() {
    createPool("east", 60);
    api.server().seed(List.of(new JsonObject().put("caller_id", "5125550100").put("pool", "east")));

    JsonObject updated = bus.answer(Bus.POOL_UPDATE, poolChange("east", new JsonObject()
      .put("hourly_limit", 9)
      .putNull("reservation_ttl")));

    assertThat(withoutTimes(updated.copy())).isEqualTo(pool("east", null).put("hourly_limit", 9));
    assertThat(auditedActions()).containsExactly("pool.create", "pool.update");
    assertThat(index.caps("5125550100")).containsExactly("9", "500");
  }

  @Test
  void poolUpdateRenamingTheDefaultPoolFails409() {
    bus.assertFails(Bus.POOL_UPDATE, poolChange("default", new JsonObject().put("name", "main")),
      409, "the default pool cannot be renamed");
  }

  @Test
  void poolUpdateRenamingToATakenNameFails409() {
    createPool("east", null);
    createPool("west", null);

    bus.assertFails(Bus.POOL_UPDATE, poolChange("east", new JsonObject().put("name", "west")),
      409, "pool 'west' already exists");
  }

  @Test
  void poolUpdateOfAnUnknownPoolFails404() {
    bus.assertFails(Bus.POOL_UPDATE, poolChange("nowhere", new JsonObject().put("hourly_limit", 9)),
      404, "pool 'nowhere' does not exist");
  }

  @Test
  void poolDeleteOfAnEmptyPoolAnswersTheDeletedPool() {
    createPool("east", 60);

    JsonObject answer = bus.answer(Bus.POOL_DELETE, byName("east"));

    assertThat(answer.fieldNames()).containsExactly("deleted");
    assertThat(withoutTimes(answer.getJsonObject("deleted").copy())).isEqualTo(pool("east", 60));
    assertThat(api.rows("SELECT 1 FROM pools WHERE name = 'east'")).isEmpty();
    assertThat(index.hash(RedisKeys.poolSettings("east"))).isEmpty();
  }

  @Test
  void poolDeleteOfTheDefaultPoolFails409() {
    bus.assertFails(Bus.POOL_DELETE, byName("default"), 409,
      "the default pool cannot be deleted");
  }

  @Test
  void poolDeleteOfAPoolThatStillHasNumbersOrCampaignsFails409SayingHowMany() {
    createPool("east", 60);
    mapCampaign("sales", "east");
    api.server().seed(List.of(new JsonObject().put("caller_id", "5125550100").put("pool", "east")));

    bus.assertFails(Bus.POOL_DELETE, byName("east"), 409,
      "pool 'east' still has 1 numbers and 1 campaigns: move or delete them first");
  }

  @Test
  void poolDeleteOfAnUnknownPoolFails404() {
    bus.assertFails(Bus.POOL_DELETE, byName("nowhere"), 404,
      "pool 'nowhere' does not exist");
  }

  // ---- CAMPAIGN_* ----

  @Test
  void campaignListAnswersEveryMappingByName() {
    createPool("east", null);
    mapCampaign("support", "default");
    mapCampaign("sales", "east");

    JsonObject campaigns = bus.answer(Bus.CAMPAIGN_LIST, new JsonObject());

    assertThat(campaigns.fieldNames()).containsExactly("items");
    assertThat(withoutTimes(campaigns.getJsonArray("items")))
      .containsExactly(campaign("sales", "east"), campaign("support", "default"));
  }

  @Test
  void campaignGetAnswersTheMapping() {
    createPool("east", null);
    mapCampaign("sales", "east");

    JsonObject campaign = bus.answer(Bus.CAMPAIGN_GET, new JsonObject().put("name", "sales"));

    assertThat(withoutTimes(campaign.copy())).isEqualTo(campaign("sales", "east"));
  }

  @Test
  void campaignGetOfAnUnmappedCampaignFails404() {
    bus.assertFails(Bus.CAMPAIGN_GET, new JsonObject().put("name", "sales"), 404,
      "campaign 'sales' has no mapping (it uses the default pool)");
  }

  @Test
  void campaignCreateAnswersTheMappingAuditsItAndWritesItToRedis() {
    createPool("east", null);

    JsonObject created = bus.answer(Bus.CAMPAIGN_CREATE, campaignWrite(campaignFields("sales", "east")));

    assertThat(withoutTimes(created.copy())).isEqualTo(campaign("sales", "east"));
    assertThat(auditedActions()).containsExactly("pool.create", "campaign.create");
    assertThat(index.hash(RedisKeys.CAMPAIGNS)).isEqualTo(Map.of("sales", "east"));
  }

  @Test
  void campaignCreateOfAMappedCampaignFails409() {
    mapCampaign("sales", "default");

    bus.assertFails(Bus.CAMPAIGN_CREATE, campaignWrite(campaignFields("sales", "default")),
      409, "campaign 'sales' already exists");
  }

  @Test
  void campaignCreateOntoAnUnknownPoolFails404() {
    bus.assertFails(Bus.CAMPAIGN_CREATE, campaignWrite(campaignFields("sales", "nowhere")),
      404, "pool 'nowhere' does not exist");
  }

  @Test
  void campaignPutCreatesThenReplacesTheMapping() {
    createPool("east", null);

    JsonObject created = bus.answer(Bus.CAMPAIGN_PUT, campaignWrite(campaignFields("sales", "default")));
    JsonObject replaced = bus.answer(Bus.CAMPAIGN_PUT, campaignWrite(campaignFields("sales", "east")
      .put("description", "moved")));

    assertThat(withoutTimes(created.copy())).isEqualTo(campaign("sales", "default"));
    assertThat(withoutTimes(replaced.copy())).isEqualTo(campaign("sales", "east").put("description", "moved"));
    assertThat(auditedActions()).containsExactly("pool.create", "campaign.create", "campaign.update");
    assertThat(index.hash(RedisKeys.CAMPAIGNS)).isEqualTo(Map.of("sales", "east"));
  }

  @Test
  void campaignPutOntoAnUnknownPoolFails404() {
    bus.assertFails(Bus.CAMPAIGN_PUT, campaignWrite(campaignFields("sales", "nowhere")),
      404, "pool 'nowhere' does not exist");
  }

  @Test
  void campaignDeleteAnswersTheRemovedMappingAndTheCampaignUsesTheDefaultPoolAgain() {
    createPool("east", null);
    mapCampaign("sales", "east");

    JsonObject answer = bus.answer(Bus.CAMPAIGN_DELETE, byName("sales"));

    assertThat(answer.fieldNames()).containsExactly("deleted");
    assertThat(withoutTimes(answer.getJsonObject("deleted").copy())).isEqualTo(campaign("sales", "east"));
    assertThat(index.hash(RedisKeys.CAMPAIGNS)).isEmpty();
  }

  @Test
  void campaignDeleteOfAnUnmappedCampaignFails404() {
    bus.assertFails(Bus.CAMPAIGN_DELETE, byName("sales"), 404,
      "campaign 'sales' has no mapping (it uses the default pool)");
  }

  // ---- CSV_EXPORT_PAGE, CSV_IMPORT ----

  @Test
  void csvExportPageAnswersTheHeaderAndTheFirstRowsAndTheLastCallerId() {
    api.server().seed(List.of(new JsonObject().put("caller_id", "5125550100").put("hourly_limit", 5),
      new JsonObject().put("caller_id", "5125550101").put("is_active", false),
      new JsonObject().put("caller_id", "5125550102")));

    JsonObject page = bus.answer(Bus.CSV_EXPORT_PAGE, new JsonObject().put("after", "").put("limit", 2));

    assertThat(page).isEqualTo(new JsonObject()
      .put("csv", """
        caller_id,carrier,area_code,hourly_limit,daily_limit,pool,active,meta,prefixes
        5125550100,test-carrier,512,5,,default,true,{},
        5125550101,test-carrier,512,,,default,false,{},
        """)
      .put("last", "5125550101"));
  }

  @Test
  void csvExportPageAfterACallerIdAnswersTheNextRowsWithoutTheHeader() {
    api.server().seed(TestServer.numbers("512", 3));

    JsonObject page = bus.answer(Bus.CSV_EXPORT_PAGE, new JsonObject().put("after", "5125550101").put("limit", 2));

    assertThat(page).isEqualTo(new JsonObject()
      .put("csv", "5125550102,test-carrier,512,,,default,true,{},\n")
      .put("last", "5125550102"));
  }

  @Test
  void csvExportPagePastTheEndAnswersNoRowsAndNoLastCallerId() {
    api.server().seed(TestServer.numbers("512", 1));

    JsonObject page = bus.answer(Bus.CSV_EXPORT_PAGE, new JsonObject().put("after", "5125550100").put("limit", 2));

    assertThat(page).isEqualTo(new JsonObject().put("csv", "").putNull("last"));
  }

  @Test
  void csvImportOfAFileAnswersWhatItChangedAndWhatItRejected(@TempDir Path dir) throws IOException {
    api.server().seed(TestServer.numbers("512", 1));
    Path file = Files.writeString(dir.resolve("numbers.csv"), """
      caller_id,carrier,hourly_limit
      5125550100,telnyx,
      5125550101,telnyx,10
      123,telnyx,
      5125550102,telnyx,0
      """);

    JsonObject report = bus.answer(Bus.CSV_IMPORT, byActor(new JsonObject().put("file", file.toString())));

    assertThat(report).isEqualTo(new JsonObject()
      .put("inserted", 1)
      .put("updated", 1)
      .put("unchanged", 0)
      .put("rejected", 2)
      .put("rejected_rows", new JsonArray()
        .add(new JsonObject().put("line", 4).put("value", "123")
          .put("reason", "caller_id: '123' is not a 10-digit NANP number"))
        .add(new JsonObject().put("line", 5).put("value", "0")
          .put("reason", "hourly_limit: must be a positive integer"))));
    assertThat(index.numbers()).containsExactlyInAnyOrder("5125550100", "5125550101");
    assertThat(index.caps("5125550101")).containsExactly("10", "500");
    assertThat(auditedActions()).containsExactly("caller_id.import");
  }

  @Test
  void csvImportOfAFileWithAnUnknownColumnFails400AndChangesNothing(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("numbers.csv"), "caller_id,colour\n5125550100,red\n");

    bus.assertFails(Bus.CSV_IMPORT, byActor(new JsonObject().put("file", file.toString())), 400,
      "header: unknown column 'colour' (the first line must name the columns: caller_id, carrier, area_code, "
        + "hourly_limit, daily_limit, pool, active, meta, prefixes)");
    assertThat(api.rows("SELECT 1 FROM caller_ids")).isEmpty();
  }

  // ---- CHART_*, CALLER_ID_HISTORY ----

  @Test
  void chartAllocationsAnswersTheHourStartsAndTheCountsOfEachCampaign() {
    api.server().seed(TestServer.numbers("512", 1));
    String reservation = allocateAndRelease("spring");

    JsonObject chart = bus.answer(Bus.CHART_ALLOCATIONS, new JsonObject().put("hours", 3));

    JsonArray hours = chart.getJsonArray("hours");
    assertThat(hours).hasSize(3);
    Instant first = Instant.parse(hours.getString(0));
    assertThat(first.getEpochSecond() % 3600).isZero();
    assertThat(hours).containsExactly(first.toString(), first.plusSeconds(3600).toString(),
      first.plusSeconds(7200).toString());
    JsonArray counts = new JsonArray().add(0L).add(0L).add(0L);
    counts.set((int) ((epochMs(reservation) / 1000 - first.getEpochSecond()) / 3600), 1L);
    assertThat(chart.getJsonArray("series"))
      .isEqualTo(new JsonArray().add(new JsonObject().put("campaign", "spring").put("counts", counts)));
  }

  @Test
  void chartAreaCodesAnswersTheDemandAndTheSupplyOfEachAreaCode() {
    api.server().seed(List.of(new JsonObject().put("caller_id", "2125550100"),
      new JsonObject().put("caller_id", "2125550101")));
    bus.answer(Bus.ALLOCATE, allocation("5125551234"));
    api.awaitHistoryWritten();

    JsonObject chart = bus.answer(Bus.CHART_AREA_CODES, new JsonObject().put("hours", 1));

    assertThat(chart).isEqualTo(new JsonObject().put("items", new JsonArray()
      .add(new JsonObject().put("area_code", "512").put("demand", 1).put("fallbacks", 1).put("local_numbers", 0)
        .put("available_now", 0))
      .add(new JsonObject().put("area_code", "212").put("demand", 0).put("fallbacks", 0).put("local_numbers", 2)
        .put("available_now", 1))));
  }

  @Test
  void chartUsageTodayAnswersTheBusiestNumbersWithTheirCaps() {
    api.server().seed(List.of(new JsonObject().put("caller_id", "5125550100").put("hourly_limit", 5)));
    allocateAndRelease("spring");

    JsonObject chart = bus.answer(Bus.CHART_USAGE_TODAY, new JsonObject().put("limit", 10));

    assertThat(chart).isEqualTo(new JsonObject().put("items", new JsonArray()
      .add(new JsonObject().put("caller_id", "5125550100").put("uses_today", 1).put("daily_limit", 500)
        .put("hourly_limit", 5))));
  }

  @Test
  void callerIdHistoryAnswersTheNumbersAllocationsAndHowTheyEnded() {
    api.server().seed(TestServer.numbers("512", 1));
    String reservation = allocateAndRelease("spring");

    JsonObject history = bus.answer(Bus.CALLER_ID_HISTORY, new JsonObject().put("caller_id", "5125550100")
      .put("limit", 10));

    JsonObject item = history.getJsonArray("items").getJsonObject(0);
    Instant allocatedAt = Instant.ofEpochMilli(epochMs(reservation));
    assertThat(Instant.parse(item.getString("released_at"))).isAfterOrEqualTo(allocatedAt);
    assertThat(history).isEqualTo(new JsonObject().put("items", new JsonArray().add(new JsonObject()
      .put("id", reservation)
      .put("allocated_at", allocatedAt.toString())
      .put("released_at", item.getString("released_at"))
      .put("destination", "5125551234")
      .put("campaign", "spring")
      .put("agent", "a7")
      .put("tier", "prefix")
      .put("outcome", "released")
      .put("dial_status", "ANSWER")
      .put("answered_seconds", 42))));
  }

  @Test
  void callerIdHistoryOfAnUnknownNumberFails404() {
    bus.assertFails(Bus.CALLER_ID_HISTORY, new JsonObject().put("caller_id", "5125550100").put("limit", 10), 404,
      "caller_id 5125550100 is not in the inventory");
  }

  // ---- AUDIT_RECORD, AUDIT_PAGE ----

  @Test
  void auditRecordRecordsAWriteMadeInRedisOnly() {
    JsonObject after = new JsonObject().put("released", 3);

    JsonObject answer = bus.answer(Bus.AUDIT_RECORD, new JsonObject()
      .put("action", "reservation.release")
      .put("target", "spring")
      .put("after", after)
      .put("actor", ACTOR));

    assertThat(answer).isEqualTo(new JsonObject());
    assertThat(audited()).containsExactly(audit("reservation.release", "spring", null, after));
  }

  @Test
  void auditPageAnswersTheEntriesNewestFirst() {
    record("reservation.release", "spring");
    record("reservation.release", "fall");

    JsonObject page = bus.answer(Bus.AUDIT_PAGE, auditQuery(100));

    assertThat(page.fieldNames()).containsExactlyInAnyOrder("items", "next_before_id");
    assertThat(page.getValue("next_before_id")).isNull();
    JsonArray items = page.getJsonArray("items");
    assertThat(items).hasSize(2);
    JsonObject newest = items.getJsonObject(0);
    assertThat(newest.getLong("id")).isGreaterThan(items.getJsonObject(1).getLong("id"));
    assertThat(OffsetDateTime.parse(newest.getString("at"))).isNotNull();
    assertThat(newest.copy().put("id", 0).put("at", "?")).isEqualTo(new JsonObject()
      .put("id", 0)
      .put("at", "?")
      .put("actor", "ops")
      .put("role", "admin")
      .put("action", "reservation.release")
      .put("target", "fall")
      .putNull("before")
      .put("after", new JsonObject().put("released", 1))
      .put("remote", "10.0.0.7"));
  }

  @Test
  void auditPageOfAFullPageAnswersTheCursorOfTheNext() {
    record("reservation.release", "spring");
    record("reservation.release", "fall");

    JsonObject first = bus.answer(Bus.AUDIT_PAGE, auditQuery(1));
    JsonObject second = bus.answer(Bus.AUDIT_PAGE, auditQuery(1).put("before_id", first.getLong("next_before_id")));

    assertThat(targets(first)).containsExactly("fall");
    assertThat(first.getLong("next_before_id")).isEqualTo(first.getJsonArray("items").getJsonObject(0).getLong("id"));
    assertThat(targets(second)).containsExactly("spring");
  }

  @Test
  void auditPageFiltersByActionAndTarget() {
    record("reservation.release", "spring");
    record("reservation.release", "fall");
    record("inventory.reload", null);

    assertThat(targets(bus.answer(Bus.AUDIT_PAGE, auditQuery(100).put("target", "spring"))))
      .containsExactly("spring");
    assertThat(bus.answer(Bus.AUDIT_PAGE, auditQuery(100).put("action", "inventory.reload"))
      .getJsonArray("items")).hasSize(1);
  }

  // ---- DATABASE_PING, HISTORY_STATUS ----

  @Test
  void databasePingAnswersTheRoundTripAndTheHistoryState() {
    JsonObject ping = bus.answer(Bus.DATABASE_PING, new JsonObject());

    assertThat(ping.fieldNames()).containsExactlyInAnyOrder("latency_us", "history_buffered", "history_writes");
    assertThat(ping.getLong("latency_us")).isNotNegative();
    assertThat(ping.getInteger("history_buffered")).isZero();
    assertThat(ping.getLong("history_writes")).isEqualTo(api.historyWrites());
  }

  @Test
  void historyStatusCountsTheBatchesWrittenOnceTheAllocatorsHandedThemOver() {
    api.server().seed(TestServer.numbers("512", 1));
    JsonObject before = bus.answer(Bus.HISTORY_STATUS, new JsonObject());
    bus.answer(Bus.ALLOCATE, allocation("5125551234"));

    api.awaitHistoryWritten();
    JsonObject after = bus.answer(Bus.HISTORY_STATUS, new JsonObject());

    assertThat(before.fieldNames()).containsExactlyInAnyOrder("buffered", "writes");
    assertThat(after.getInteger("buffered")).isZero();
    assertThat(after.getLong("writes")).isGreaterThan(before.getLong("writes"));
  }

  // ---- PostgreSQL unavailable ----

  @Test
  void aRequestThatGetsNoPostgresConnectionInTimeFails503() {
    SqlConnection locker = api.server().sql.getConnection().await();
    List<Future<JsonObject>> blocked = new ArrayList<>();
    try {
      locker.query("BEGIN").execute().await();
      locker.query("LOCK TABLE caller_ids IN ACCESS EXCLUSIVE MODE").execute().await();
      // Every connection of the admin verticle's pool waits on the lock ...
      for (int i = 0; i < AdminVerticle.POOL_SIZE; i++) {
        blocked.add(api.server().vertx.eventBus().<JsonObject>request(Bus.INVENTORY_COUNTS, new JsonObject())
          .map(Message::body));
      }
      api.poll(AdminVerticleTest::waitingOnCallerIds, n -> n == AdminVerticle.POOL_SIZE, Duration.ofSeconds(10));
      assertThat(waitingOnCallerIds()).isEqualTo(AdminVerticle.POOL_SIZE);

      // ... so the next request waits for a connection until the pool gives up.
      ReplyException failure = bus.failure(Bus.INVENTORY_COUNTS, new JsonObject());

      assertThat(failure.failureCode()).isEqualTo(503);
      assertThat(failure.getMessage()).startsWith("PostgreSQL is unavailable: ");
    } finally {
      locker.query("ROLLBACK").execute().await();
      locker.close().await();
    }
    // The blocked requests end once the lock is gone, before the next test resets the tables.
    Future.join(blocked).otherwiseEmpty().await();
  }

  // ---- helpers ----

  /** Queries of other connections waiting for a lock on caller_ids. */
  private static long waitingOnCallerIds() {
    return api.rows("SELECT count(*) AS n FROM pg_locks WHERE NOT granted AND relation = 'caller_ids'::regclass")
      .get(0).getLong("n");
  }

  /** A write message of {@link #ACTOR}: {@code body} with the actor, as every client's write adds it. */
  private static JsonObject byActor(JsonObject body) {
    return body.put("actor", ACTOR);
  }

  /** CallerIdClient#create. */
  private static JsonObject numberCreation(JsonObject number) {
    return byActor(new JsonObject().put("number", number));
  }

  /** CallerIdClient#update. */
  private static JsonObject numberChange(String callerId, JsonObject changes) {
    return byActor(new JsonObject().put("caller_id", callerId).put("changes", changes));
  }

  /** CallerIdClient#delete. */
  private static JsonObject numberDeletion(String callerId, boolean purge) {
    return byActor(new JsonObject().put("caller_id", callerId).put("purge", purge));
  }

  /** PoolClient#createPool. */
  private static JsonObject poolCreation(JsonObject pool) {
    return byActor(new JsonObject().put("pool", pool));
  }

  /** PoolClient#updatePool. */
  private static JsonObject poolChange(String name, JsonObject changes) {
    return byActor(new JsonObject().put("name", name).put("changes", changes));
  }

  /** PoolClient#deletePool and #deleteCampaign. */
  private static JsonObject byName(String name) {
    return byActor(new JsonObject().put("name", name));
  }

  /** PoolClient#createCampaign and #putCampaign. */
  private static JsonObject campaignWrite(JsonObject campaign) {
    return byActor(new JsonObject().put("campaign", campaign));
  }

  /** The query CallerIdRoutes sends when no filter is given. */
  private static JsonObject callerIdQuery(int page, int size) {
    return new JsonObject()
      .put("page", page)
      .put("size", size)
      .putNull("area_code")
      .putNull("pool")
      .putNull("carrier")
      .putNull("active")
      .putNull("q")
      .put("sort", "caller_id");
  }

  /** The number CallerIdRoutes sends to create {@code callerId}: carrier telnyx, no caps, active, default pool. */
  private static JsonObject newNumber(String callerId) {
    return new JsonObject()
      .put("caller_id", callerId)
      .put("carrier", "telnyx")
      .put("area_code", callerId.substring(0, 3))
      .putNull("hourly_limit")
      .putNull("daily_limit")
      .put("active", true)
      .put("pool", "default")
      .put("meta", new JsonObject());
  }

  /** A caller_ids row as the admin answers it, without created_at and updated_at. */
  private static JsonObject row(String callerId, String carrier) {
    return new JsonObject()
      .put("caller_id", callerId)
      .put("carrier", carrier)
      .put("area_code", callerId.substring(0, 3))
      .putNull("hourly_limit")
      .putNull("daily_limit")
      .putNull("last_used")
      .put("is_active", true)
      .put("meta", new JsonObject())
      .put("pool", "default")
      .put("prefixes", new JsonArray())
      .put("health_state", "healthy");
  }

  /** {@code row} as the list and the GET answer it: with the server's default caps, which apply to it. */
  private static JsonObject withServerCaps(JsonObject row) {
    return row.put("effective_hourly_limit", api.server().config.hourlyLimit()).put("hourly_limit_from", "default")
      .put("effective_daily_limit", api.server().config.dailyLimit()).put("daily_limit_from", "default");
  }

  /** The row of a number TestServer#seed made with nothing but its caller_id. */
  private static JsonObject seededRow(String callerId) {
    return row(callerId, "test-carrier");
  }

  /** The fields PoolRoutes sends to create a pool with nothing but a TTL (null: the server's). */
  private static JsonObject poolFields(String name, Integer ttl) {
    return new JsonObject()
      .put("name", name)
      .put("reservation_ttl", ttl)
      .putNull("hourly_limit")
      .putNull("daily_limit")
      .put("tiers", Tiers.DEFAULT)
      .put("strategy", "lru")
      .put("sticky_days", 0)
      .putNull("description")
      .putNull("calling_window")
      .put("calling_window_by_region", new JsonObject())
      .put("health", HealthSettings.DEFAULTS.toJson());
  }

  /** A pools row as the admin answers it, without its times. */
  private static JsonObject pool(String name, Integer ttl) {
    return poolFields(name, ttl);
  }

  private static void createPool(String name, Integer ttl) {
    bus.answer(Bus.POOL_CREATE, poolCreation(poolFields(name, ttl)));
  }

  private static JsonObject campaignFields(String name, String pool) {
    return new JsonObject().put("name", name).put("pool", pool).putNull("description");
  }

  /** A campaigns row as the admin answers it, without its times. */
  private static JsonObject campaign(String name, String pool) {
    return campaignFields(name, pool);
  }

  private static void mapCampaign(String campaign, String pool) {
    bus.answer(Bus.CAMPAIGN_PUT, campaignWrite(campaignFields(campaign, pool)));
  }

  /** Records a write made in Redis only, as AuditClient does, for a release of one reservation. */
  private static void record(String action, String target) {
    bus.answer(Bus.AUDIT_RECORD, new JsonObject()
      .put("action", action)
      .put("target", target)
      .put("after", new JsonObject().put("released", 1))
      .put("actor", ACTOR));
  }

  /** The query AuditRoutes sends without filters. */
  private static JsonObject auditQuery(int limit) {
    return new JsonObject()
      .putNull("before_id")
      .putNull("actor")
      .putNull("action")
      .putNull("target")
      .putNull("since")
      .putNull("until")
      .put("limit", limit);
  }

  private static List<String> targets(JsonObject auditPage) {
    return auditPage.getJsonArray("items").stream().map(item -> ((JsonObject) item).getString("target")).toList();
  }

  /**
   * Allocates the seeded number 5125550100 for a call to 5125551234 of {@code campaign} by agent a7, releases it as
   * answered for 42 s, and waits until both are in the history; answers the reservation.
   */
  private static String allocateAndRelease(String campaign) {
    String reservation = bus.answer(Bus.ALLOCATE, allocation("5125551234").put("campaign", campaign)
      .put("agent", "a7")).getString("reservation");
    bus.answer(Bus.RELEASE, release("5125550100").put("dialstatus", "ANSWER").put("answered", 42));
    api.awaitHistoryWritten();
    return reservation;
  }

  /** Removes created_at and updated_at from {@code row} after checking they are ISO-8601 times. */
  private static JsonObject withoutTimes(JsonObject row) {
    for (String field : List.of("created_at", "updated_at")) {
      assertThat(OffsetDateTime.parse((String) row.remove(field))).as(field).isNotNull();
    }
    return row;
  }

  private static List<JsonObject> withoutTimes(JsonArray rows) {
    List<JsonObject> withoutTimes = new ArrayList<>();
    rows.forEach(row -> withoutTimes.add(withoutTimes(((JsonObject) row).copy())));
    return withoutTimes;
  }

  private static List<String> callerIds(JsonObject page) {
    return page.getJsonArray("items").stream().map(item -> ((JsonObject) item).getString("caller_id")).toList();
  }

  /** The audit trail in PostgreSQL, oldest first, without ids and times. */
  private static List<JsonObject> audited() {
    List<JsonObject> entries = new ArrayList<>();
    for (Row row : api.rows("SELECT actor, role, action, target, before, after, remote FROM audit_log ORDER BY id")) {
      entries.add(new JsonObject()
        .put("actor", row.getString("actor"))
        .put("role", row.getString("role"))
        .put("action", row.getString("action"))
        .put("target", row.getString("target"))
        .put("before", row.getValue("before"))
        .put("after", row.getValue("after"))
        .put("remote", row.getString("remote")));
    }
    return entries;
  }

  /** The actions of the audit trail, oldest first. */
  private static List<String> auditedActions() {
    return audited().stream().map(entry -> entry.getString("action")).toList();
  }

  /** An audit entry of {@link #ACTOR}, as {@link #audited()} reads it. */
  private static JsonObject audit(String action, String target, JsonObject before, JsonObject after) {
    return new JsonObject()
      .put("actor", "ops")
      .put("role", "admin")
      .put("action", action)
      .put("target", target)
      .put("before", before)
      .put("after", after)
      .put("remote", "10.0.0.7");
  }
}
