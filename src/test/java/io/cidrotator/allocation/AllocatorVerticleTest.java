package io.cidrotator.allocation;

import io.cidrotator.AppConfig;
import io.cidrotator.Bus;
import io.cidrotator.BusCalls;
import io.cidrotator.TestServer;
import io.cidrotator.dialer.CallEnd;
import io.cidrotator.history.HistoryBatch;
import io.cidrotator.history.HistoryEvent;
import io.cidrotator.http.Api;
import io.cidrotator.pool.PoolFixtures;
import io.cidrotator.redis.RedisIndex;
import io.cidrotator.redis.RedisKeys;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static io.cidrotator.allocation.AllocationMessages.allocation;
import static io.cidrotator.allocation.AllocationMessages.epochMs;
import static io.cidrotator.allocation.AllocationMessages.release;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bus contract of {@link AllocatorVerticle}: one instance deployed alone on a Vert.x of its own, asked with the
 * bodies the allocation and reservation clients send. A {@link TestServer} (its own Vert.x, its own bus) is only
 * there to seed PostgreSQL and load it into the Redis both share.
 */
class AllocatorVerticleTest {

  @RegisterExtension
  static final Api api = new Api();

  /** This allocator's own settings, unlike the seeding server's, so that the answers show they are its own. */
  private static final int RATE_LIMIT = 2;
  private static final int TTL_SECONDS = 120;
  private static final String CALL_KEY = "V1260930150000012345";

  private static Vertx vertx;
  private static BusCalls bus;
  /** Every history event the allocator published on FEED (for the live streams; the history itself is in Redis). */
  private static final ConcurrentLinkedQueue<HistoryEvent> history = new ConcurrentLinkedQueue<>();
  /** When the current test began: a batch of the test before may still arrive, with older events. */
  private static volatile long testStart;

  @BeforeAll
  static void deployOneAllocator() {
    vertx = Vertx.vertx();
    Bus.registerLocalCodec(vertx, HistoryBatch.class);
    AppConfig config = AppConfig.from(TestServer.baseConfig()
      .put("DEFAULT_RATE_LIMIT_PER_AGENT", RATE_LIMIT)
      .put("DEFAULT_RESERVATION_TTL", TTL_SECONDS));
    vertx.deployVerticle(new AllocatorVerticle(config)).await();
    vertx.eventBus()
      .<HistoryBatch>consumer(Bus.FEED, msg -> history.addAll(msg.body().events()))
      .completion()
      .await();
    bus = new BusCalls(vertx);
  }

  @AfterAll
  static void close() {
    vertx.close().await();
  }

  @BeforeEach
  void emptyInventory() {
    api.reset();
    history.clear();
    testStart = System.currentTimeMillis();
  }

  // ---- ALLOCATE ----

  @Test
  void allocateAnswersTheNumberAndWhatATakeBackNeeds() {
    api.server().seed(TestServer.numbers("512", 1));

    JsonObject answer = bus.answer(Bus.ALLOCATE, allocation("5125551234").put("campaign", "spring")
      .put("agent", "a7"));

    String reservation = answer.getString("reservation");
    assertThat(UUID.fromString(reservation).version()).isEqualTo(7);
    assertThat(answer).isEqualTo(new JsonObject()
      .put("caller_id", "5125550100")
      .put("area_code", "512")
      .put("carrier", "test-carrier")
      .put("tier", "prefix")
      .put("reservation", reservation)
      .put("reserved_for", TTL_SECONDS)
      .put("pool", "default")
      .put("repeat", false)
      .put("undo", new JsonObject()
        .put("caller_id", "5125550100")
        .put("reservation", reservation)
        .put("previous_last", 0)
        .put("agent", "a7")
        .put("minute", Long.toString(epochMs(reservation) / 60_000))));
  }

  @Test
  void allocateFromAnotherAreaCodeAnswersTierPool() {
    api.server().seed(TestServer.numbers("212", 1));

    JsonObject answer = bus.answer(Bus.ALLOCATE, allocation("5125551234"));

    assertThat(List.of(answer.getString("caller_id"), answer.getString("area_code"), answer.getString("tier")))
      .containsExactly("2125550100", "212", "pool");
  }

  @Test
  void allocateForAMappedCampaignAnswersItsPoolAndItsTtl() {
    PoolFixtures.createPool(api, "east", 60);
    PoolFixtures.mapCampaign(api, "sales", "east");
    api.server().seed(List.of(new JsonObject().put("caller_id", "2125550200").put("pool", "east")));

    JsonObject answer = bus.answer(Bus.ALLOCATE, allocation("5125551234").put("campaign", "sales"));

    assertThat(List.of(answer.getString("caller_id"), answer.getString("pool"), answer.getLong("reserved_for")))
      .containsExactly("2125550200", "east", 60L);
  }

  @Test
  void aRetryWithTheSameCallKeyIsAnsweredTheSameReservationAsARepeatWithoutUndo() {
    api.server().seed(TestServer.numbers("512", 2));
    JsonObject first = bus.answer(Bus.ALLOCATE, allocation("5125551234").put("callkey", CALL_KEY));

    JsonObject retry = bus.answer(Bus.ALLOCATE, allocation("5125551234").put("callkey", CALL_KEY));

    assertThat(retry.getBoolean("repeat")).isTrue();
    assertThat(retry.containsKey("undo")).isTrue();
    assertThat(retry.getValue("undo")).isNull();
    assertThat(retry.getLong("reserved_for")).isBetween(1L, (long) TTL_SECONDS);
    assertThat(retry.copy().put("repeat", false).put("reserved_for", TTL_SECONDS).put("undo", first.getValue("undo")))
      .isEqualTo(first);
  }

  @Test
  void allocateOverTheAgentsLimitFails429NamingTheAgentAndTheLimit() {
    api.server().seed(TestServer.numbers("512", 3));
    api.awayFromMinuteEnd(5);
    bus.answer(Bus.ALLOCATE, allocation("5125551234").put("agent", "a7"));
    bus.answer(Bus.ALLOCATE, allocation("5125551234").put("agent", "a7"));

    bus.assertFails(Bus.ALLOCATE, allocation("5125551234").put("agent", "a7"), 429,
      "agent 'a7' is over its limit of 2 caller-IDs per minute");
  }

  @Test
  void allocateFromAnEmptyPoolFails503() {
    bus.assertFails(Bus.ALLOCATE, allocation("5125551234"), 503,
      "no caller-ID available: pool 'default' has no active numbers");
  }

  @Test
  void allocateFromTheEmptyPoolOfACampaignFails503NamingThatPool() {
    PoolFixtures.createPool(api, "east", 60);
    PoolFixtures.mapCampaign(api, "sales", "east");
    api.server().seed(TestServer.numbers("512", 1));

    bus.assertFails(Bus.ALLOCATE, allocation("5125551234").put("campaign", "sales"), 503,
      "no caller-ID available: pool 'east' has no active numbers");
  }

  @Test
  void allocateWhenEveryNumberIsReservedFails503() {
    api.server().seed(TestServer.numbers("512", 1));
    bus.answer(Bus.ALLOCATE, allocation("5125551234"));

    bus.assertFails(Bus.ALLOCATE, allocation("5125551234"), 503,
      "no caller-ID available: every number of pool 'default' is on a live call");
  }

  @Test
  void allocateWhenEveryNumberIsAtItsCapFails503() {
    api.server().seed(List.of(new JsonObject().put("caller_id", "5125550100").put("daily_limit", 1)));
    bus.answer(Bus.ALLOCATE, allocation("5125551234"));
    bus.answer(Bus.RELEASE, release("5125550100"));

    bus.assertFails(Bus.ALLOCATE, allocation("5125551234"), 503,
      "no caller-ID available: every number of pool 'default' is at its hourly or daily cap");
  }

  @Test
  void allocateWhenEveryNumberIsReservedOrCappedFails503() {
    api.server().seed(List.of(
      new JsonObject().put("caller_id", "5125550100").put("daily_limit", 1),
      new JsonObject().put("caller_id", "5125550101")));
    bus.answer(Bus.RELEASE, release(bus.answer(Bus.ALLOCATE, allocation("5125551234")).getString("caller_id")));
    bus.answer(Bus.ALLOCATE, allocation("5125551234"));

    bus.assertFails(Bus.ALLOCATE, allocation("5125551234"), 503,
      "no caller-ID available: every number of pool 'default' is on a live call or at its hourly or daily cap");
  }

  @Test
  void allocateWithoutALocalNumberFromAPoolThatDoesNotFallBackFails503() {
    api.rows("UPDATE pools SET tiers = 'area_code' WHERE name = 'default'");
    api.server().seed(TestServer.numbers("512", 1));

    bus.assertFails(Bus.ALLOCATE, allocation("2125551234"), 503, "no caller-ID available (no_local_number): pool 'default' has no "
      + "number free for area code 212 in its tiers (area_code) and looks no further");
  }

  @Test
  void allocateFromARedisThatLostTheInventoryFails503AndAsksTheAdminSideForAReload() {
    api.server().seed(TestServer.numbers("512", 1));
    api.redis(Request.cmd(Command.FLUSHDB));
    Promise<JsonObject> reloadAsked = Promise.promise();
    MessageConsumer<JsonObject> admin = vertx.eventBus().consumer(Bus.INVENTORY_RELOAD, msg -> {
      reloadAsked.tryComplete(msg.body());
      msg.reply(new JsonObject().put("loaded", 0));
    });
    admin.completion().await();
    try {
      bus.assertFails(Bus.ALLOCATE, allocation("5125551234"), 503,
        "no caller-ID available: the inventory is being loaded into Redis");

      assertThat(reloadAsked.future().timeout(10, TimeUnit.SECONDS).await()).isEqualTo(new JsonObject());
    } finally {
      admin.unregister().await();
    }
  }

  @Test
  void allocateAfterItsDeadlineFails503AndReservesNothing() {
    api.server().seed(TestServer.numbers("512", 1));

    bus.assertFails(Bus.ALLOCATE, allocation("5125551234").put("deadline", System.currentTimeMillis() - 1), 503,
      "no caller-ID available in time");

    assertThat(api.reservedCount()).isZero();
  }

  @Test
  void allocateOfABodyNoClientSendsFails500NotATimeout() {
    bus.assertFails(Bus.ALLOCATE, new JsonObject().put("campaign", "spring"), 500, "internal error");
  }

  // ---- RELEASE ----

  @Test
  void releaseEndsTheReservationAndAnswersTheNumber() {
    api.server().seed(TestServer.numbers("512", 1));
    bus.answer(Bus.ALLOCATE, allocation("5125551234"));

    JsonObject answer = bus.answer(Bus.RELEASE, release("5125550100"));

    assertThat(answer).isEqualTo(new JsonObject().put("caller_id", "5125550100").put("released", true));
    assertThat(api.isReserved("5125550100")).isFalse();
  }

  @Test
  void aSecondReleaseAnswersReleasedFalse() {
    api.server().seed(TestServer.numbers("512", 1));
    bus.answer(Bus.ALLOCATE, allocation("5125551234"));
    bus.answer(Bus.RELEASE, release("5125550100"));

    JsonObject answer = bus.answer(Bus.RELEASE, release("5125550100"));

    assertThat(answer).isEqualTo(new JsonObject().put("caller_id", "5125550100").put("released", false));
  }

  @Test
  void releaseOfAnotherReservationOfTheNumberEndsNothing() {
    api.server().seed(TestServer.numbers("512", 1));
    bus.answer(Bus.ALLOCATE, allocation("5125551234"));

    JsonObject answer = bus.answer(Bus.RELEASE, release("5125550100")
      .put("reservation", "019a2b3c-4d5e-7f60-8a1b-2c3d4e5f6a7b"));

    assertThat(answer).isEqualTo(new JsonObject().put("caller_id", "5125550100").put("released", false));
    assertThat(api.isReserved("5125550100")).isTrue();
  }

  @Test
  void releaseByCallKeyEndsTheCallsReservationAndAnswersItsNumber() {
    api.server().seed(TestServer.numbers("512", 2));
    JsonObject allocated = bus.answer(Bus.ALLOCATE, allocation("5125551234").put("callkey", CALL_KEY));

    JsonObject answer = bus.answer(Bus.RELEASE, release(null).put("callkey", CALL_KEY));

    assertThat(answer).isEqualTo(new JsonObject()
      .put("caller_id", allocated.getString("caller_id"))
      .put("released", true));
  }

  @Test
  void releaseByUidEndsTheCallsReservation() {
    api.server().seed(TestServer.numbers("512", 1));
    bus.answer(Bus.ALLOCATE, allocation("5125551234").put("uid", "1732612345.123"));

    JsonObject answer = bus.answer(Bus.RELEASE, release(null).put("uid", "1732612345.123"));

    assertThat(answer).isEqualTo(new JsonObject().put("caller_id", "5125550100").put("released", true));
  }

  @Test
  void releaseOfANumberNotInTheInventoryFails404() {
    bus.assertFails(Bus.RELEASE, release("5125559999"), 404, "caller_id 5125559999 is not in the inventory");
  }

  @Test
  void releaseOfAnUnknownCallKeyFails404() {
    bus.assertFails(Bus.RELEASE, release(null).put("callkey", CALL_KEY), 404, "callkey " + CALL_KEY
      + ": no allocation known for this call (never allocated, or ended more than 15 minutes ago)");
  }

  @Test
  void releaseOfAnUnknownUidFails404() {
    bus.assertFails(Bus.RELEASE, release(null).put("uid", "1732612345.123"), 404, "uid 1732612345.123"
      + ": no allocation known for this call (never allocated, or ended more than 15 minutes ago)");
  }

  @Test
  void releaseByCallKeyOfANumberRemovedMeanwhileFails404NamingTheCall() {
    api.server().seed(TestServer.numbers("512", 1));
    bus.answer(Bus.ALLOCATE, allocation("5125551234").put("callkey", CALL_KEY));
    api.redis(Request.cmd(Command.DEL).arg(RedisKeys.number("5125550100")));

    bus.assertFails(Bus.RELEASE, release(null).put("callkey", CALL_KEY), 404,
      "the number of callkey " + CALL_KEY + " is not in the inventory");
  }

  // ---- TAKE_BACK ----

  @Test
  void takeBackOfAnAllocationFreesTheNumberAndUndoesItsCounts() {
    api.server().seed(TestServer.numbers("512", 1));
    JsonObject undo = bus.answer(Bus.ALLOCATE, allocation("5125551234")).getJsonObject("undo");

    JsonObject answer = bus.answer(Bus.TAKE_BACK, undo);

    assertThat(answer).isEqualTo(new JsonObject().put("taken_back", true));
    assertThat(api.isReserved("5125550100")).isFalse();
    assertThat(new RedisIndex(api.server().redis).number("5125550100"))
      .containsEntry("hc", "0")
      .containsEntry("dc", "0")
      .containsEntry("last", "0");
  }

  @Test
  void takeBackGivesTheAgentItsAllocationBack() {
    api.server().seed(TestServer.numbers("512", 2));
    api.awayFromMinuteEnd(5);
    JsonObject undo = bus.answer(Bus.ALLOCATE, allocation("5125551234").put("agent", "a7")).getJsonObject("undo");
    bus.answer(Bus.TAKE_BACK, undo);

    bus.answer(Bus.ALLOCATE, allocation("5125551234").put("agent", "a7"));
    JsonObject withinTheLimit = bus.answer(Bus.ALLOCATE, allocation("5125551234").put("agent", "a7"));

    assertThat(withinTheLimit.getString("caller_id")).isNotNull();
  }

  @Test
  void aSecondTakeBackAnswersTakenBackFalse() {
    api.server().seed(TestServer.numbers("512", 1));
    JsonObject undo = bus.answer(Bus.ALLOCATE, allocation("5125551234")).getJsonObject("undo");
    bus.answer(Bus.TAKE_BACK, undo);

    assertThat(bus.answer(Bus.TAKE_BACK, undo)).isEqualTo(new JsonObject().put("taken_back", false));
  }

  @Test
  void takeBackOfAReleasedAllocationAnswersTakenBackFalse() {
    api.server().seed(TestServer.numbers("512", 1));
    JsonObject undo = bus.answer(Bus.ALLOCATE, allocation("5125551234")).getJsonObject("undo");
    bus.answer(Bus.RELEASE, release("5125550100"));

    assertThat(bus.answer(Bus.TAKE_BACK, undo)).isEqualTo(new JsonObject().put("taken_back", false));
  }

  @Test
  void takeBackOfAnAllocationARetryWasAnsweredWithAnswersTakenBackFalse() {
    api.server().seed(TestServer.numbers("512", 1));
    JsonObject undo = bus.answer(Bus.ALLOCATE, allocation("5125551234").put("callkey", CALL_KEY))
      .getJsonObject("undo");
    bus.answer(Bus.ALLOCATE, allocation("5125551234").put("callkey", CALL_KEY));

    assertThat(bus.answer(Bus.TAKE_BACK, undo)).isEqualTo(new JsonObject().put("taken_back", false));
    assertThat(api.isReserved("5125550100")).isTrue();
  }

  // ---- RESERVATION_COUNT, RESERVATION_LIST, RESERVATION_RELEASE_CAMPAIGN ----

  @Test
  void reservationCountAnswersHowManyReservationsAreLive() {
    api.server().seed(TestServer.numbers("512", 3));
    bus.answer(Bus.ALLOCATE, allocation("5125551234"));
    String second = bus.answer(Bus.ALLOCATE, allocation("5125551234")).getString("caller_id");
    bus.answer(Bus.RELEASE, release(second));

    assertThat(bus.answer(Bus.RESERVATION_COUNT, new JsonObject())).isEqualTo(new JsonObject().put("count", 1));
  }

  @Test
  void reservationListAnswersAPageOfLiveReservationsSoonestExpiryFirst() {
    api.server().seed(TestServer.numbers("512", 2));
    JsonObject first = bus.answer(Bus.ALLOCATE, allocation("5125551234").put("campaign", "spring").put("agent", "a7"));
    JsonObject second = bus.answer(Bus.ALLOCATE, allocation("2125551234").put("campaign", "fall"));

    JsonObject page = bus.answer(Bus.RESERVATION_LIST, reservations(null, null, 1, 50));

    assertThat(page).isEqualTo(new JsonObject()
      .put("items", new JsonArray()
        .add(listed(first, "spring", "a7", "5125551234"))
        .add(listed(second, "fall", null, "2125551234")))
      .put("total", 2)
      .put("page", 1)
      .put("size", 50));
  }

  @Test
  void reservationListFiltersByCampaignAndByPool() {
    PoolFixtures.createPool(api, "east", 60);
    PoolFixtures.mapCampaign(api, "sales", "east");
    api.server().seed(List.of(new JsonObject().put("caller_id", "5125550100"),
      new JsonObject().put("caller_id", "5125550200").put("pool", "east")));
    bus.answer(Bus.ALLOCATE, allocation("5125551234").put("campaign", "spring"));
    bus.answer(Bus.ALLOCATE, allocation("5125551234").put("campaign", "sales"));

    JsonObject spring = bus.answer(Bus.RESERVATION_LIST, reservations(null, "spring", 1, 50));
    JsonObject east = bus.answer(Bus.RESERVATION_LIST, reservations("east", null, 1, 50));

    assertThat(callerIds(spring)).containsExactly("5125550100");
    assertThat(spring.getLong("total")).isEqualTo(1);
    assertThat(callerIds(east)).containsExactly("5125550200");
    assertThat(east.getLong("total")).isEqualTo(1);
  }

  @Test
  void reservationListPagesCountTheTotalOfEveryPage() {
    api.server().seed(TestServer.numbers("512", 3));
    String first = bus.answer(Bus.ALLOCATE, allocation("5125551234")).getString("caller_id");
    String second = bus.answer(Bus.ALLOCATE, allocation("5125551234")).getString("caller_id");
    String third = bus.answer(Bus.ALLOCATE, allocation("5125551234")).getString("caller_id");

    JsonObject page2 = bus.answer(Bus.RESERVATION_LIST, reservations(null, null, 2, 2));

    assertThat(callerIds(page2)).containsExactly(third);
    assertThat(List.of(page2.getLong("total"), page2.getLong("page"), page2.getLong("size")))
      .containsExactly(3L, 2L, 2L);
    assertThat(callerIds(bus.answer(Bus.RESERVATION_LIST, reservations(null, null, 1, 2))))
      .containsExactly(first, second);
  }

  @Test
  void releaseCampaignEndsEveryReservationOfTheCampaignAndNoOther() {
    api.server().seed(TestServer.numbers("512", 3));
    String spring = bus.answer(Bus.ALLOCATE, allocation("5125551234").put("campaign", "spring"))
      .getString("caller_id");
    String fall = bus.answer(Bus.ALLOCATE, allocation("5125551234").put("campaign", "fall")).getString("caller_id");

    JsonObject answer = bus.answer(Bus.RESERVATION_RELEASE_CAMPAIGN, new JsonObject().put("campaign", "spring"));

    assertThat(answer).isEqualTo(new JsonObject()
      .put("campaign", "spring")
      .put("released", 1)
      .put("caller_ids", new JsonArray().add(spring)));
    assertThat(api.isReserved(spring)).isFalse();
    assertThat(api.isReserved(fall)).isTrue();
  }

  @Test
  void releaseCampaignOfACampaignWithoutReservationsReleasesNothing() {
    assertThat(bus.answer(Bus.RESERVATION_RELEASE_CAMPAIGN, new JsonObject().put("campaign", "spring")))
      .isEqualTo(new JsonObject().put("campaign", "spring").put("released", 0).put("caller_ids", new JsonArray()));
  }

  // ---- REDIS_PING ----

  @Test
  void redisPingAnswersTheRoundTripInMicrosecondsAndWhatTheOldToolsHealthShowed() {
    JsonObject answer = bus.answer(Bus.REDIS_PING, new JsonObject());

    assertThat(answer.fieldNames())
      .containsExactlyInAnyOrder("latency_us", "connected_clients", "used_memory", "uptime_seconds");
    assertThat(answer.getLong("latency_us")).isNotNegative();
    assertThat(answer.getLong("connected_clients")).isPositive();
  }

  @Test
  void anAllocationIsHandedOverAsAnAllocatedEvent() {
    api.server().seed(TestServer.numbers("512", 1));
    JsonObject answer = bus.answer(Bus.ALLOCATE, allocation("5125551234").put("campaign", "spring")
      .put("agent", "a7").put("callkey", CALL_KEY).put("uid", "1732612345.123"));
    String reservation = answer.getString("reservation");

    HistoryEvent event = handedOver(e -> e.id().equals(reservation));

    assertThat(event).isEqualTo(HistoryEvent.allocated(reservation, "5125550100", "5125551234", "spring", "a7",
      "prefix", "default", epochMs(reservation), epochMs(reservation) + TTL_SECONDS * 1000L,
      HistoryEvent.Call.of(CALL_KEY, "1732612345.123")));
  }

  @Test
  void aReleaseIsHandedOverWithHowTheCallEnded() {
    api.server().seed(TestServer.numbers("512", 1));
    String reservation = bus.answer(Bus.ALLOCATE, allocation("5125551234")).getString("reservation");
    bus.answer(Bus.RELEASE, release("5125550100").put("dialstatus", "ANSWER").put("answered", 42).put("cause", 16));

    HistoryEvent event = handedOver(e -> e.type() == HistoryEvent.Type.RELEASED);

    assertThat(event.id()).isEqualTo(reservation);
    assertThat(event.callerId()).isEqualTo("5125550100");
    assertThat(event.outcome()).isEqualTo("released");
    assertThat(event.end()).isEqualTo(new CallEnd("ANSWER", 42, 16));
  }

  @Test
  void aTakeBackIsHandedOverAsATakenBackRelease() {
    api.server().seed(TestServer.numbers("512", 1));
    JsonObject undo = bus.answer(Bus.ALLOCATE, allocation("5125551234")).getJsonObject("undo");
    bus.answer(Bus.TAKE_BACK, undo);

    HistoryEvent event = handedOver(e -> e.type() == HistoryEvent.Type.RELEASED);

    assertThat(List.of(event.id(), event.callerId(), event.outcome()))
      .containsExactly(undo.getString("reservation"), "5125550100", "taken_back");
  }

  @Test
  void aRefusedAllocationIsNotHandedOver() {
    ReplyException refused = bus.failure(Bus.ALLOCATE, allocation("5125551234"));
    api.server().seed(TestServer.numbers("512", 1));
    String reservation = bus.answer(Bus.ALLOCATE, allocation("5125551234")).getString("reservation");

    // One allocator's batches arrive in order: once the later allocation is in, an event of the refusal would be.
    handedOver(e -> e.id().equals(reservation));

    assertThat(refused.failureCode()).isEqualTo(503);
    assertThat(handedOverInThisTest()).extracting(HistoryEvent::id).containsExactly(reservation);
  }

  // ---- helpers ----

  /** The body ReservationClient sends for a page of the live reservations. */
  private static JsonObject reservations(String pool, String campaign, int page, int size) {
    return new JsonObject()
      .put("pool", pool)
      .put("campaign", campaign)
      .put("page", page)
      .put("size", size);
  }

  /** How RESERVATION_LIST shows the reservation an ALLOCATE answered. */
  private static JsonObject listed(JsonObject allocated, String campaign, String agent, String destination) {
    Instant reservedAt = Instant.ofEpochMilli(epochMs(allocated.getString("reservation")));
    return new JsonObject()
      .put("caller_id", allocated.getString("caller_id"))
      .put("pool", allocated.getString("pool"))
      .put("reservation", allocated.getString("reservation"))
      .put("campaign", campaign)
      .put("agent", agent)
      .put("destination", destination)
      .put("reserved_at", reservedAt.toString())
      .put("expires_at", reservedAt.plusSeconds(TTL_SECONDS).toString())
      .put("tier", allocated.getString("tier"));
  }

  private static List<String> callerIds(JsonObject page) {
    return page.getJsonArray("items").stream().map(item -> ((JsonObject) item).getString("caller_id")).toList();
  }

  /** Waits until the allocator published an event {@code wanted} (it publishes every 100 ms). */
  private static HistoryEvent handedOver(Predicate<HistoryEvent> wanted) {
    List<HistoryEvent> found = api.poll(() -> handedOverInThisTest().stream().filter(wanted).toList(),
      events -> !events.isEmpty(), Duration.ofSeconds(5));
    assertThat(found).as("history handed over: %s", history).hasSize(1);
    return found.get(0);
  }

  /** The events of what this test did, in the order they arrived. */
  private static List<HistoryEvent> handedOverInThisTest() {
    return history.stream().filter(event -> event.at() >= testStart).toList();
  }
}
