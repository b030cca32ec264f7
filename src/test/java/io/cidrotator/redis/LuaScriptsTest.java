package io.cidrotator.redis;

import io.cidrotator.AppConfig;
import io.cidrotator.EmbeddedServices;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Lua scripts called directly against a real Redis, with the clock passed in: LRU order, tiers,
 * exact caps, exclusivity, expiry, release, rate limit, sync and NOSCRIPT recovery.
 */
class LuaScriptsTest {

  private static final List<String> KEYS = List.of("{cr}:");
  private static final ZoneId ZONE = ZoneId.of("America/Chicago");
  /** 2025-11-25 10:00:00 America/Chicago: the start of an hour, far from the end of the day. */
  private static final long T0 = 1_764_086_400_000L;
  private static final long TTL = 60_000;

  private static Vertx vertx;
  private static ScriptRunner redis;

  @BeforeAll
  static void connect() {
    JsonObject services = EmbeddedServices.forTests().put("ADMIN_TOKEN", "unused-in-this-test-0000");
    AppConfig config = AppConfig.from(services);
    vertx = Vertx.vertx();
    redis = new ScriptRunner(vertx, config.redisConnectionString(), "test");
    redis.connect().await();
  }

  @AfterAll
  static void close() {
    redis.close().await();
    vertx.close().await();
  }

  @BeforeEach
  void flush() {
    redis.send(Request.cmd(Command.FLUSHDB)).await();
    redis.send(Request.cmd(Command.SET).arg("{cr}:loaded").arg("1")).await();
  }

  @Test
  void allocateHandsOutTheLeastRecentlyUsedNumberOfTheAreaCodeFirst() {
    sync(number("5125550001").put("last", 3000), number("5125550002").put("last", 1000),
      number("5125550003").put("last", 2000), number("2145550001").put("last", 0));

    assertThat(callerIdOf(allocate(T0, "512"))).isEqualTo("5125550002");
    assertThat(callerIdOf(allocate(T0 + 1, "512"))).isEqualTo("5125550003");
    assertThat(callerIdOf(allocate(T0 + 2, "512"))).isEqualTo("5125550001");
  }

  @Test
  void allocateFallsBackToTheRestOfThePoolWhenTheAreaCodeHasNoneLeft() {
    sync(number("5125550001"), number("2145550001").put("last", 5), number("3125550001").put("last", 1));

    Response local = allocate(T0, "512");
    Response fallback = allocate(T0 + 1, "512");

    assertThat(local.get(4).toString()).isEqualTo("area_code");
    assertThat(callerIdOf(fallback)).isEqualTo("3125550001");
    assertThat(fallback.get(4).toString()).isEqualTo("pool");
  }

  @Test
  void theFallbackFollowsThePoolsLruOrderAcrossAreaCodes() {
    sync(number("2145550001").put("last", 10), number("3125550001").put("last", 5),
      number("3125550002").put("last", 20), number("4155550001").put("last", 15));

    List<String> order = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      order.add(callerIdOf(allocate(T0 + i, "512")));
    }
    release("3125550001", T0 + 10);

    assertThat(order).containsExactly("3125550001", "2145550001", "4155550001", "3125550002");
    assertThat(callerIdOf(allocate(T0 + 11, "512"))).isEqualTo("3125550001");
  }

  @Test
  void aNumberMovedOrPrunedOutOfAnAreaCodeNoLongerLeadsTheFallback() {
    sync(number("2145550001").put("last", 1), number("3125550001").put("last", 2));
    sync(number("2145550001").put("active", "0"));

    assertThat(callerIdOf(allocate(T0, "512"))).isEqualTo("3125550001");
    assertThat(reasonOf(allocate(T0 + 1, "512"))).isEqualTo("all_reserved");
  }

  @Test
  void aNumberWithHourlyLimitThreeIsHandedOutExactlyThreeTimesInTheHour() {
    sync(number("5125550001").put("hl", 3));

    for (int i = 0; i < 3; i++) {
      assertThat(callerIdOf(allocate(T0 + i * 10, "512"))).isEqualTo("5125550001");
      release("5125550001", T0 + i * 10 + 5);
    }

    assertThat(reasonOf(allocate(T0 + 100, "512"))).isEqualTo("all_capped");
  }

  @Test
  void aCappedNumberReturnsWhenItsHourRollsOver() {
    sync(number("5125550001").put("hl", 1));
    allocate(T0, "512");
    release("5125550001", T0 + 1);
    assertThat(reasonOf(allocate(T0 + 2, "512"))).isEqualTo("all_capped");

    long nextHour = CapWindows.at(T0, ZONE).hourEnd() + 1;

    assertThat(callerIdOf(allocate(nextHour, "512"))).isEqualTo("5125550001");
  }

  @Test
  void theDailyCapHoldsAcrossHoursAndEndsAtLocalMidnight() {
    sync(number("5125550001").put("dl", 2));
    long hour = 3_600_000L;
    allocate(T0, "512");
    release("5125550001", T0 + 1);
    allocate(T0 + hour, "512");
    release("5125550001", T0 + hour + 1);

    assertThat(reasonOf(allocate(T0 + 2 * hour, "512"))).isEqualTo("all_capped");
    long nextDay = CapWindows.at(T0, ZONE).dayEnd() + 1;
    assertThat(callerIdOf(allocate(nextDay, "512"))).isEqualTo("5125550001");
  }

  @Test
  void aReservedNumberIsNeverHandedOutTwice() {
    sync(number("5125550001"));

    assertThat(callerIdOf(allocate(T0, "512"))).isEqualTo("5125550001");
    assertThat(reasonOf(allocate(T0 + 1, "512"))).isEqualTo("all_reserved");
  }

  @Test
  void anExpiredReservationIsReclaimedByTheNextAllocation() {
    sync(number("5125550001"));
    allocate(T0, "512");

    assertThat(reasonOf(allocate(T0 + TTL - 1, "512"))).isEqualTo("all_reserved");
    assertThat(callerIdOf(allocate(T0 + TTL, "512"))).isEqualTo("5125550001");
  }

  @Test
  void aBacklogOfExpiredReservationsNeverHidesAnEligibleNumber() {
    List<JsonObject> numbers = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      numbers.add(number(String.format("51255501%02d", i)));
    }
    sync(numbers.toArray(new JsonObject[0]));
    for (int i = 0; i < 50; i++) {
      allocate(T0 + i, "512");
    }

    // 50 expired at once, more than one call's reclaim batch: the answer must still be a number.
    assertThat(allocate(T0 + TTL + 100, "512").get(0).toString()).isEqualTo("OK");
  }

  @Test
  void aBacklogOfExpiredReservationsNeverHidesALocalNumberBehindTheFallback() {
    List<JsonObject> numbers = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      numbers.add(number(String.format("21455501%02d", i)));
    }
    numbers.add(number("5125550199"));
    sync(numbers.toArray(new JsonObject[0]));
    for (int i = 0; i < 20; i++) {
      allocate(T0, "214");
    }
    allocate(T0, "512");
    sync(number("3125550100").put("last", 1));

    // 21 reservations expire together, more than one call's reclaim batch; the 512 one sorts last.
    Response answer = allocate(T0 + TTL + 1, "512");

    assertThat(callerIdOf(answer)).isEqualTo("5125550199");
    assertThat(answer.get(4).toString()).isEqualTo("area_code");
  }

  @Test
  void releaseFreesTheNumberAtOnceAndIsIdempotent() {
    sync(number("5125550001"));
    Response allocated = allocate(T0, "512");

    Response first = release("5125550001", T0 + 1);
    Response second = release("5125550001", T0 + 2);

    assertThat(first.get(0).toLong()).isEqualTo(1);
    assertThat(first.get(1).toString()).isEqualTo(allocated.get(5).toString());
    assertThat(second.get(0).toLong()).isZero();
    assertThat(callerIdOf(allocate(T0 + 3, "512"))).isEqualTo("5125550001");
  }

  @Test
  void releaseOfANumberOutsideTheInventoryAnswersMinusOne() {
    assertThat(release("9995550001", T0).get(0).toLong()).isEqualTo(-1);
  }

  @Test
  void aLateHangupNamingAnExpiredReservationCannotEndTheNextCallsReservation() {
    sync(number("5125550001"));
    String firstCall = allocate(T0, "512").get(5).toString();
    allocate(T0 + TTL, "512");

    Response late = release("5125550001", T0 + TTL + 1, firstCall);

    assertThat(late.get(0).toLong()).isZero();
    assertThat(reasonOf(allocate(T0 + TTL + 2, "512"))).isEqualTo("all_reserved");
  }

  @Test
  void aReleasedNumberGoesBehindTheNumbersUsedLessRecently() {
    sync(number("5125550001").put("last", 1000), number("5125550002").put("last", 2000));
    allocate(T0, "512");
    release("5125550001", T0 + 1);

    assertThat(callerIdOf(allocate(T0 + 2, "512"))).isEqualTo("5125550002");
    assertThat(callerIdOf(allocate(T0 + 3, "512"))).isEqualTo("5125550001");
  }

  @Test
  void undoTakesBackAnAllocationCompletelyCountsLruPlaceAndRate() {
    sync(number("5125550001").put("last", 1000).put("hl", 1), number("5125550002").put("last", 2000));
    Response late = allocate(T0, "512", "agent7", 1);
    CapWindows w = CapWindows.at(T0 + 5, ZONE);

    long undone = redis.run(UndoScript.LUA, List.of("5125550001", late.get(5).toString(),
      late.get(6).toString(), Long.toString(T0 + 5), w.hourId(), Long.toString(w.hourEnd()), w.dayId(),
      Long.toString(w.dayEnd()), "agent7", w.minuteId())).await().toLong();

    assertThat(undone).isEqualTo(1);
    // Not capped (its one use was taken back), first in LRU order again, and the agent may allocate again.
    assertThat(callerIdOf(allocate(T0 + 6, "512", "agent7", 1))).isEqualTo("5125550001");
  }

  @Test
  void anAgentOverItsLimitPerMinuteIsRefusedAndOtherAgentsAreNot() {
    sync(number("5125550001"), number("5125550002"), number("5125550003"), number("5125550004"));

    assertThat(allocate(T0, "512", "agent7", 2).get(0).toString()).isEqualTo("OK");
    assertThat(allocate(T0 + 1, "512", "agent7", 2).get(0).toString()).isEqualTo("OK");
    assertThat(reasonOf(allocate(T0 + 2, "512", "agent7", 2))).isEqualTo("rate_limited");
    assertThat(allocate(T0 + 3, "512", "agent8", 2).get(0).toString()).isEqualTo("OK");

    String minute = CapWindows.at(T0, ZONE).minuteId();
    long ttl = redis.send(Request.cmd(Command.PTTL).arg("{cr}:rl:agent7:" + minute)).await().toLong();
    assertThat(ttl).isPositive();
  }

  @Test
  void aDeactivatedNumberIsNeverHandedOut() {
    sync(number("5125550001"));
    sync(number("5125550001").put("active", "0"));

    assertThat(reasonOf(allocate(T0, "512"))).isEqualTo("pool_empty");
  }

  @Test
  void aNumberDeactivatedDuringItsCallDoesNotComeBackOnRelease() {
    sync(number("5125550001"));
    allocate(T0, "512");
    sync(number("5125550001").put("active", "0"));
    release("5125550001", T0 + 1);

    assertThat(reasonOf(allocate(T0 + 2, "512"))).isEqualTo("pool_empty");
  }

  @Test
  void theReasonTellsReservedFromCapped() {
    sync(number("5125550001").put("hl", 1), number("5125550002"));
    allocate(T0, "512");
    release("5125550001", T0 + 1);
    allocate(T0 + 2, "512");

    assertThat(reasonOf(allocate(T0 + 3, "512"))).isEqualTo("all_reserved_or_capped");
  }

  @Test
  void anEmptyRedisWithoutTheLoadedMarkAsksForAReload() {
    redis.send(Request.cmd(Command.FLUSHDB)).await();

    assertThat(reasonOf(allocate(T0, "512"))).isEqualTo("not_loaded");
  }

  @Test
  void syncKeepsCountsAndMovesANumberToItsNewAreaCode() {
    sync(number("5125550001").put("hl", 2));
    allocate(T0, "512");
    release("5125550001", T0 + 1);
    sync(number("5125550001").put("npa", "214").put("hl", 2));

    Response moved = allocate(T0 + 2, "214");
    release("5125550001", T0 + 3);

    assertThat(moved.get(4).toString()).isEqualTo("area_code");
    assertThat(reasonOf(allocate(T0 + 4, "214"))).isEqualTo("all_capped");
  }

  @Test
  void pruneRemovesTheNumbersItIsGivenFromEveryIndex() {
    sync(number("5125550001"), number("5125550002"));

    Response pruned = redis.run(PruneScript.LUA, List.of("5125550001", "9995550000")).await();

    assertThat(pruned.toInteger()).isEqualTo(1);
    assertThat(callerIdOf(allocate(T0, "512"))).isEqualTo("5125550002");
    assertThat(reasonOf(allocate(T0 + 1, "512"))).isEqualTo("all_reserved");
  }

  @Test
  void scriptsStillRunAfterTheServerLostItsScriptCache() {
    sync(number("5125550001"));
    redis.send(Request.cmd(Command.SCRIPT).arg("FLUSH")).await();

    assertThat(callerIdOf(allocate(T0, "512"))).isEqualTo("5125550001");
    assertThat(release("5125550001", T0 + 1).get(0).toLong()).isEqualTo(1);
  }

  @Test
  void reservationsCountsOnlyLiveReservations() {
    sync(number("5125550001"), number("5125550002"));
    allocate(T0, "512");
    allocate(T0 + TTL / 2, "512");

    long live = redis.run(ReservationCountScript.LUA, List.of(Long.toString(T0 + TTL + 1))).await().toLong();

    assertThat(live).isEqualTo(1);
  }

  @Test
  void aMappedCampaignAllocatesFromItsPoolOnly() {
    sync(number("5125550001").put("pool", "east"), number("5125550002").put("last", 0));
    settings(List.of("default", "", "area_code,pool", "east", "", "area_code,pool"), "sales", "east");

    Response first = allocateFor("sales", T0, "512");
    Response second = allocateFor("sales", T0 + 1, "512");

    assertThat(callerIdOf(first)).isEqualTo("5125550001");
    assertThat(first.get(7).toString()).isEqualTo("east");
    assertThat(reasonOf(second)).isEqualTo("all_reserved");
    assertThat(second.get(2).toString()).isEqualTo("east");
  }

  @Test
  void aCampaignWithoutAMappingOrWithoutANameUsesTheDefaultPool() {
    sync(number("5125550001").put("pool", "east"), number("5125550002"), number("5125550003"));
    settings(List.of("default", "", "area_code,pool", "east", "", "area_code,pool"), "sales", "east");

    Response unmapped = allocateFor("other", T0, "512");
    Response nameless = allocateFor("", T0 + 1, "512");

    assertThat(List.of(callerIdOf(unmapped), unmapped.get(7).toString())).containsExactly("5125550002", "default");
    assertThat(List.of(callerIdOf(nameless), nameless.get(7).toString())).containsExactly("5125550003", "default");
  }

  @Test
  void thePoolsTtlSetsTheReservationsExpiryAndThePoolWithoutOneTakesTheDefault() {
    sync(number("5125550001").put("pool", "east"), number("5125550002"));
    settings(List.of("default", "", "area_code,pool", "east", "5000", "area_code,pool"), "sales", "east");

    Response east = allocateFor("sales", T0, "512");
    Response fallback = allocateFor("other", T0, "512");

    assertThat(east.get(8).toLong()).isEqualTo(5000);
    assertThat(redis.send(Request.cmd(Command.ZSCORE).arg("{cr}:r:east").arg("5125550001")).await().toLong())
      .isEqualTo(T0 + 5000);
    assertThat(fallback.get(8).toLong()).isEqualTo(TTL);
    assertThat(callerIdOf(allocateFor("sales", T0 + 5000, "512"))).isEqualTo("5125550001");
  }

  @Test
  void fallbackAreaCodeNeverHandsOutAnotherAreaCodesNumber() {
    sync(number("2145550001").put("pool", "east"), number("5125550001").put("pool", "east"));
    settings(List.of("default", "", "area_code,pool", "east", "", "area_code"), "sales", "east");

    Response local = allocateFor("sales", T0, "512");
    Response none = allocateFor("sales", T0 + 1, "512");

    assertThat(callerIdOf(local)).isEqualTo("5125550001");
    assertThat(reasonOf(none)).isEqualTo("no_local_number");
    assertThat(callerIdOf(allocateFor("sales", T0 + 2, "214"))).isEqualTo("2145550001");
  }

  @Test
  void fallbackAreaCodeStillSaysWhenThePoolHasNothingLeftAtAll() {
    sync(number("5125550001").put("pool", "east"));
    settings(List.of("default", "", "area_code,pool", "east", "", "area_code"), "sales", "east");
    allocateFor("sales", T0, "512");

    assertThat(reasonOf(allocateFor("sales", T0 + 1, "214"))).isEqualTo("all_reserved");
  }

  @Test
  void fallbackPoolIgnoresTheAreaCodeAndHandsOutThePoolsLeastRecentlyUsedNumber() {
    sync(number("5125550001").put("pool", "east").put("last", 2000),
      number("2145550001").put("pool", "east").put("last", 1000));
    settings(List.of("default", "", "area_code,pool", "east", "", "pool"), "sales", "east");

    Response answer = allocateFor("sales", T0, "512");

    assertThat(callerIdOf(answer)).isEqualTo("2145550001");
    assertThat(answer.get(4).toString()).isEqualTo("pool");
    assertThat(callerIdOf(allocateFor("sales", T0 + 1, "512"))).isEqualTo("5125550001");
  }

  @Test
  void settingsReplacesEveryMappingAndForgetsAnEmptyPoolPostgresqlNoLongerHas() {
    settings(List.of("default", "", "area_code,pool", "east", "5000", "pool"), "sales", "east", "support", "east");
    settings(List.of("default", "", "area_code,pool"), "support", "default");

    assertThat(hget("{cr}:campaigns", "sales")).isNull();
    assertThat(hget("{cr}:campaigns", "support")).isEqualTo("default");
    assertThat(redis.send(Request.cmd(Command.EXISTS).arg("{cr}:pool:east")).await().toLong()).isZero();
    assertThat(redis.send(Request.cmd(Command.SISMEMBER).arg("{cr}:pools").arg("east")).await().toLong()).isZero();
    assertThat(hget("{cr}:pool:default", "fallback")).isEqualTo("area_code,pool");
  }

  @Test
  void releaseCampaignEndsOnlyThatCampaignsLiveReservationsAndKeepsTheirLruPlace() {
    sync(number("5125550001").put("last", 1000), number("5125550002").put("last", 2000),
      number("5125550003").put("last", 3000).put("pool", "east"));
    settings(List.of("default", "", "area_code,pool", "east", "", "area_code,pool"), "sales", "east");
    String first = allocateFor("stop-me", T0, "512").get(5).toString();
    allocateFor("keep-me", T0 + 1, "512");
    String third = allocateFor("sales", T0 + 2, "512").get(5).toString();

    Response released = releaseCampaign("stop-me", T0 + 3);

    assertThat(released.size()).isEqualTo(2);
    assertThat(List.of(released.get(0).toString(), released.get(1).toString())).containsExactly("5125550001", first);
    assertThat(callerIdOf(allocateFor("keep-me", T0 + 4, "512"))).isEqualTo("5125550001");
    assertThat(releaseCampaign("sales", T0 + 5).get(1).toString()).isEqualTo(third);
    assertThat(releaseCampaign("sales", T0 + 6).size()).isZero();
  }

  @Test
  void liveReservationsListsAPageSoonestExpiryFirstFilteredByPoolAndCampaign() {
    sync(number("5125550001"), number("5125550002"), number("5125550003").put("pool", "east"));
    settings(List.of("default", "", "area_code,pool", "east", "1000", "area_code,pool"), "sales", "east");
    allocateFor("a", T0, "512");
    allocateFor("b", T0 + 10, "512");
    allocateFor("sales", T0 + 20, "512");

    List<String> all = liveReservations(T0 + 30, "", "", 0, 10);
    List<String> page2 = liveReservations(T0 + 30, "", "", 1, 1);
    List<String> ofB = liveReservations(T0 + 30, "", "b", 0, 10);
    List<String> ofDefault = liveReservations(T0 + 30, "default", "", 0, 10);
    List<String> afterEastExpired = liveReservations(T0 + 1020, "", "", 0, 10);

    assertThat(all.get(0)).isEqualTo("3");
    assertThat(List.of(all.get(1), all.get(10), all.get(19))).containsExactly("5125550003", "5125550001", "5125550002");
    assertThat(all.subList(1, 10)).containsExactly("5125550003", "east", "id-" + (T0 + 20), "sales", "",
      "5125551234", Long.toString(T0 + 20), Long.toString(T0 + 20 + 1000), "area_code");
    assertThat(page2).containsExactly("3", "5125550001", "default", "id-" + T0, "a", "", "5125551234",
      Long.toString(T0), Long.toString(T0 + TTL), "area_code");
    assertThat(List.of(ofB.get(0), ofB.get(1))).containsExactly("1", "5125550002");
    assertThat(ofDefault.get(0)).isEqualTo("2");
    assertThat(afterEastExpired.get(0)).isEqualTo("2");
  }

  @Test
  void poolCountsTellsAvailableReservedAndCappedNumbers() {
    sync(number("5125550001").put("hl", 1), number("5125550002"), number("2145550001"), number("2145550002"));
    allocate(T0, "512");
    release("5125550001", T0 + 1);
    allocate(T0 + 2, "512");

    Response counts = redis.run(PoolCountsScript.LUA, List.of("default", Long.toString(T0 + 3))).await();

    assertThat(List.of(counts.get(0).toLong(), counts.get(1).toLong(), counts.get(2).toLong()))
      .containsExactly(2L, 1L, 1L);
  }

  @Test
  void aRetryWithTheSameCallKeyAnswersTheLiveReservationAgainAndCountsNothing() {
    sync(number("5125550001"), number("5125550002"));

    Response first = allocateCall(T0, "V1260930150000012345", "");
    Response retry = allocateCall(T0 + 1000, "V1260930150000012345", "");

    assertThat(callerIdOf(retry)).isEqualTo(callerIdOf(first));
    assertThat(retry.get(5).toString()).isEqualTo(first.get(5).toString());
    assertThat(retry.get(9).toString()).isEqualTo("repeat");
    assertThat(retry.get(8).toLong()).isEqualTo(TTL - 1000);
    assertThat(first.size()).isEqualTo(9);
    assertThat(hget("{cr}:n:" + callerIdOf(first), "hc")).isEqualTo("1");
    assertThat(redis.send(Request.cmd(Command.ZCARD).arg("{cr}:r:default")).await().toLong()).isEqualTo(1);
  }

  @Test
  void aLateAnswerToTheFirstRequestCannotTakeBackWhatItsRetryHandedOut() {
    sync(number("5125550001"), number("5125550002"));
    Response first = allocateCall(T0, "V1260930150000012345", "");
    allocateCall(T0 + 600, "V1260930150000012345", "");
    CapWindows w = CapWindows.at(T0 + 700, ZONE);

    long undone = redis.run(UndoScript.LUA, List.of(callerIdOf(first), first.get(5).toString(),
      first.get(6).toString(), Long.toString(T0 + 700), w.hourId(), Long.toString(w.hourEnd()), w.dayId(),
      Long.toString(w.dayEnd()), "", w.minuteId())).await().toLong();

    assertThat(undone).isZero();
    assertThat(redis.send(Request.cmd(Command.ZSCORE).arg("{cr}:r:default").arg(callerIdOf(first))).await())
      .isNotNull();
  }

  @Test
  void aRetryAfterTheNumberWasDeactivatedGetsAnotherNumber() {
    sync(number("5125550001"), number("5125550002"));
    Response first = allocateCall(T0, "V1260930150000012345", "");
    sync(number(callerIdOf(first)).put("active", "0"));

    Response retry = allocateCall(T0 + 10, "V1260930150000012345", "");

    assertThat(retry.size()).isEqualTo(9);
    assertThat(callerIdOf(retry)).isNotEqualTo(callerIdOf(first));
  }

  @Test
  void aCallKeyLivesAsLongAsItsReservationPlusTheGrace() {
    sync(number("5125550001"));

    allocateCall(T0, "", "1732612345.7");

    long pttl = redis.send(Request.cmd(Command.PTTL).arg("{cr}:k:u:1732612345.7")).await().toLong();
    assertThat(pttl).isBetween(TTL + GRACE - 5000, TTL + GRACE);
    assertThat(redis.send(Request.cmd(Command.GET).arg("{cr}:k:u:1732612345.7")).await().toString())
      .isEqualTo("5125550001 id-" + T0);
  }

  @Test
  void aRetryAfterTheReservationEndedGetsANewAllocation() {
    sync(number("5125550001"), number("5125550002"));
    Response first = allocateCall(T0, "V1260930150000012345", "");
    release(callerIdOf(first), T0 + 10);

    Response again = allocateCall(T0 + 20, "V1260930150000012345", "");

    assertThat(again.size()).isEqualTo(9);
    assertThat(again.get(5).toString()).isEqualTo("id-" + (T0 + 20));
  }

  @Test
  void releaseByCallKeyEndsThatCallsReservationAndAnUnknownKeyIsMinusTwo() {
    sync(number("5125550001"));
    Response allocated = allocateCall(T0, "V1260930150000012345", "");
    CapWindows w = CapWindows.at(T0 + 10, ZONE);
    List<String> byKey = List.of("", Long.toString(T0 + 10), w.hourId(), Long.toString(w.hourEnd()), w.dayId(),
      Long.toString(w.dayEnd()), "", "V1260930150000012345", "");
    List<String> unknown = List.of("", Long.toString(T0 + 10), w.hourId(), Long.toString(w.hourEnd()), w.dayId(),
      Long.toString(w.dayEnd()), "", "", "1.1");

    Response released = redis.run(ReleaseScript.LUA, byKey).await();
    Response again = redis.run(ReleaseScript.LUA, byKey).await();

    assertThat(List.of(released.get(0).toLong(), released.get(1).toString(), released.get(2).toString()))
      .containsExactly(1L, allocated.get(5).toString(), "5125550001");
    assertThat(again.get(0).toLong()).isZero();
    assertThat(redis.run(ReleaseScript.LUA, unknown).await().get(0).toLong()).isEqualTo(-2);
  }

  private static JsonObject number(String callerId) {
    return new JsonObject().put("cid", callerId).put("npa", callerId.substring(0, 3));
  }

  private static void sync(JsonObject... numbers) {
    CapWindows w = CapWindows.at(T0, ZONE);
    List<String> args = new ArrayList<>(List.of(Long.toString(T0), w.hourId(), Long.toString(w.hourEnd()),
      w.dayId(), Long.toString(w.dayEnd())));
    for (JsonObject n : numbers) {
      args.addAll(List.of(n.getString("cid"), n.getString("pool", "default"), n.getString("npa"), "carrier-x",
        Integer.toString(n.getInteger("hl", 100)), Integer.toString(n.getInteger("dl", 500)),
        n.getString("active", "1"), Long.toString(n.getLong("last", 0L))));
    }
    redis.run(SyncScript.LUA, args).await();
  }

  private static Response allocate(long now, String npa) {
    return allocate(now, npa, "", 100);
  }

  private static Response allocate(long now, String npa, String agent, int agentLimit) {
    return allocate(now, npa, agent, agentLimit, "campaign-1");
  }

  private static final long GRACE = 900_000;

  /** An identified call's allocation in area code 512: {@code callkey} and {@code uid} ('' = none). */
  private static Response allocateCall(long now, String callkey, String uid) {
    CapWindows w = CapWindows.at(now, ZONE);
    return redis.run(AllocateScript.LUA, List.of(
      Long.toString(now), "default", "512", Long.toString(TTL),
      w.hourId(), Long.toString(w.hourEnd()), w.dayId(), Long.toString(w.dayEnd()),
      "", "100", w.minuteId(),
      "", "5125551234", "id-" + now, "8", callkey, uid, Long.toString(GRACE))).await();
  }

  private static Response allocateFor(String campaign, long now, String npa) {
    return allocate(now, npa, "", 100, campaign);
  }

  private static Response allocate(long now, String npa, String agent, int agentLimit, String campaign) {
    CapWindows w = CapWindows.at(now, ZONE);
    return redis.run(AllocateScript.LUA, List.of(
      Long.toString(now), "default", npa, Long.toString(TTL),
      w.hourId(), Long.toString(w.hourEnd()), w.dayId(), Long.toString(w.dayEnd()),
      agent, Integer.toString(agentLimit), w.minuteId(),
      campaign, npa + "5551234", "id-" + now, "8", "", "", Long.toString(GRACE))).await();
  }

  /**
   * settings.lua with {@code pools} as name, ttl ms ('' = default), fallback triples and {@code campaigns}
   * as campaign, pool pairs.
   */
  private static void settings(List<String> pools, String... campaigns) {
    List<String> args = new ArrayList<>();
    args.add(Integer.toString(pools.size() / 3));
    args.addAll(pools);
    args.addAll(List.of(campaigns));
    redis.run(SettingsScript.LUA, args).await();
  }

  private static Response releaseCampaign(String campaign, long now) {
    CapWindows w = CapWindows.at(now, ZONE);
    return redis.run(ReleaseCampaignScript.LUA, List.of(campaign, Long.toString(now),
      w.hourId(), Long.toString(w.hourEnd()), w.dayId(), Long.toString(w.dayEnd()))).await();
  }

  private static List<String> liveReservations(long now, String pool, String campaign, int offset, int limit) {
    Response reply = redis.run(LiveReservationsScript.LUA, List.of(Long.toString(now), pool, campaign,
      Integer.toString(offset), Integer.toString(limit))).await();
    List<String> values = new ArrayList<>();
    for (Response value : reply) {
      values.add(value == null ? null : value.toString());
    }
    return values;
  }

  private static String hget(String key, String field) {
    Response value = redis.send(Request.cmd(Command.HGET).arg(key).arg(field)).await();
    return value == null ? null : value.toString();
  }

  private static Response release(String callerId, long now) {
    return release(callerId, now, "");
  }

  private static Response release(String callerId, long now, String reservation) {
    CapWindows w = CapWindows.at(now, ZONE);
    return redis.run(ReleaseScript.LUA, List.of(callerId, Long.toString(now),
      w.hourId(), Long.toString(w.hourEnd()), w.dayId(), Long.toString(w.dayEnd()), reservation, "", "")).await();
  }

  private static String callerIdOf(Response reply) {
    assertThat(reply.get(0).toString()).as("allocation reply %s", reply).isEqualTo("OK");
    return reply.get(1).toString();
  }

  private static String reasonOf(Response reply) {
    assertThat(reply.get(0).toString()).as("allocation reply %s", reply).isEqualTo("ERR");
    return reply.get(1).toString();
  }
}
