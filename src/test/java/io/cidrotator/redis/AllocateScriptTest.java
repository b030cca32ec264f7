package io.cidrotator.redis;

import io.cidrotator.redis.AllocateScript.Allocated;
import io.cidrotator.redis.AllocateScript.Refusal;
import io.cidrotator.redis.AllocateScript.Refused;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;

import static io.cidrotator.redis.ScriptFixture.DEFAULT_POOL;
import static io.cidrotator.redis.ScriptFixture.GRACE;
import static io.cidrotator.redis.ScriptFixture.T0;
import static io.cidrotator.redis.ScriptFixture.TTL;
import static io.cidrotator.redis.ScriptFixture.allocated;
import static io.cidrotator.redis.ScriptFixture.callerIdOf;
import static io.cidrotator.redis.ScriptFixture.number;
import static io.cidrotator.redis.ScriptFixture.reasonOf;
import static io.cidrotator.redis.ScriptFixture.refused;
import static io.cidrotator.redis.ScriptFixture.windows;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * allocate.lua through {@link AllocateScript}: LRU order, the area-code tier and the pool's fallback, exact caps,
 * exclusivity, expiry and its reclaim, the agent rate limit, the refusal reasons, campaign pools and their
 * settings, and retries of an identified call.
 */
class AllocateScriptTest {

  @RegisterExtension
  static final ScriptFixture redis = new ScriptFixture();

  @Test
  void allocateHandsOutTheLeastRecentlyUsedNumberOfTheAreaCodeFirst() {
    redis.sync(number("5125550001").usedAt(3000), number("5125550002").usedAt(1000),
      number("5125550003").usedAt(2000), number("2145550001").usedAt(0));

    assertThat(callerIdOf(redis.allocate(T0, "512"))).isEqualTo("5125550002");
    assertThat(callerIdOf(redis.allocate(T0 + 1, "512"))).isEqualTo("5125550003");
    assertThat(callerIdOf(redis.allocate(T0 + 2, "512"))).isEqualTo("5125550001");
  }

  @Test
  void allocateFallsBackToTheRestOfThePoolWhenTheAreaCodeHasNoneLeft() {
    // The tiers pools had before tiers: the area code, else the whole pool.
    redis.defaultPool("area_code,pool", "lru");
    redis.sync(number("5125550001"), number("2145550001").usedAt(5), number("3125550001").usedAt(1));

    Allocated local = allocated(redis.allocate(T0, "512"));
    Allocated fallback = allocated(redis.allocate(T0 + 1, "512"));

    assertThat(local.callerId()).isEqualTo("5125550001");
    assertThat(local.tier()).isEqualTo("area_code");
    assertThat(fallback.callerId()).isEqualTo("3125550001");
    assertThat(fallback.tier()).isEqualTo("pool");
  }

  @Test
  void theFallbackFollowsThePoolsLruOrderAcrossAreaCodes() {
    // The tiers pools had before tiers: the area code, else the whole pool.
    redis.defaultPool("area_code,pool", "lru");
    redis.sync(number("2145550001").usedAt(10), number("3125550001").usedAt(5),
      number("3125550002").usedAt(20), number("4155550001").usedAt(15));

    List<String> order = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      order.add(callerIdOf(redis.allocate(T0 + i, "512")));
    }
    redis.release("3125550001", T0 + 10);

    assertThat(order).containsExactly("3125550001", "2145550001", "4155550001", "3125550002");
    assertThat(callerIdOf(redis.allocate(T0 + 11, "512"))).isEqualTo("3125550001");
  }

  @Test
  void aNumberWithHourlyLimitThreeIsHandedOutExactlyThreeTimesInTheHour() {
    redis.sync(number("5125550001").hourlyCap(3));

    for (int i = 0; i < 3; i++) {
      assertThat(callerIdOf(redis.allocate(T0 + i * 10, "512"))).isEqualTo("5125550001");
      redis.release("5125550001", T0 + i * 10 + 5);
    }

    assertThat(reasonOf(redis.allocate(T0 + 100, "512"))).isEqualTo(Refusal.ALL_CAPPED);
  }

  @Test
  void aCappedNumberReturnsWhenItsHourRollsOver() {
    redis.sync(number("5125550001").hourlyCap(1));
    redis.allocate(T0, "512");
    redis.release("5125550001", T0 + 1);
    assertThat(reasonOf(redis.allocate(T0 + 2, "512"))).isEqualTo(Refusal.ALL_CAPPED);

    long nextHour = windows(T0).hourEnd() + 1;

    assertThat(callerIdOf(redis.allocate(nextHour, "512"))).isEqualTo("5125550001");
  }

  @Test
  void theDailyCapHoldsAcrossHoursAndEndsAtLocalMidnight() {
    redis.sync(number("5125550001").dailyCap(2));
    long hour = 3_600_000L;
    redis.allocate(T0, "512");
    redis.release("5125550001", T0 + 1);
    redis.allocate(T0 + hour, "512");
    redis.release("5125550001", T0 + hour + 1);

    assertThat(reasonOf(redis.allocate(T0 + 2 * hour, "512"))).isEqualTo(Refusal.ALL_CAPPED);
    long nextDay = windows(T0).dayEnd() + 1;
    assertThat(callerIdOf(redis.allocate(nextDay, "512"))).isEqualTo("5125550001");
  }

  @Test
  void aReservedNumberIsNeverHandedOutTwice() {
    redis.sync(number("5125550001"));

    assertThat(callerIdOf(redis.allocate(T0, "512"))).isEqualTo("5125550001");
    assertThat(reasonOf(redis.allocate(T0 + 1, "512"))).isEqualTo(Refusal.ALL_RESERVED);
  }

  @Test
  void anExpiredReservationIsReclaimedByTheNextAllocation() {
    redis.sync(number("5125550001"));
    redis.allocate(T0, "512");

    assertThat(reasonOf(redis.allocate(T0 + TTL - 1, "512"))).isEqualTo(Refusal.ALL_RESERVED);
    assertThat(callerIdOf(redis.allocate(T0 + TTL, "512"))).isEqualTo("5125550001");
  }

  @Test
  void aBacklogOfExpiredReservationsNeverHidesAnEligibleNumber() {
    List<ScriptFixture.NumberRow> numbers = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      numbers.add(number(String.format("51255501%02d", i)));
    }
    redis.sync(numbers.toArray(new ScriptFixture.NumberRow[0]));
    for (int i = 0; i < 50; i++) {
      redis.allocate(T0 + i, "512");
    }

    // 50 expired at once, more than one call's reclaim batch: the answer must still be a number.
    assertThat(redis.allocate(T0 + TTL + 100, "512")).isInstanceOf(Allocated.class);
  }

  @Test
  void aBacklogOfExpiredReservationsNeverHidesALocalNumberBehindTheFallback() {
    // The tiers pools had before tiers: the area code, else the whole pool.
    redis.defaultPool("area_code,pool", "lru");
    List<ScriptFixture.NumberRow> numbers = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      numbers.add(number(String.format("21455501%02d", i)));
    }
    numbers.add(number("5125550199"));
    redis.sync(numbers.toArray(new ScriptFixture.NumberRow[0]));
    for (int i = 0; i < 20; i++) {
      redis.allocate(T0, "214");
    }
    redis.allocate(T0, "512");
    redis.sync(number("3125550100").usedAt(1));

    // 21 reservations expire together, more than one call's reclaim batch; the 512 one sorts last.
    Allocated answer = allocated(redis.allocate(T0 + TTL + 1, "512"));

    assertThat(answer.callerId()).isEqualTo("5125550199");
    assertThat(answer.tier()).isEqualTo("area_code");
  }

  @Test
  void anAgentOverItsLimitPerMinuteIsRefusedAndOtherAgentsAreNot() {
    redis.sync(number("5125550001"), number("5125550002"), number("5125550003"), number("5125550004"));

    assertThat(redis.allocate(T0, "512", "agent7", 2)).isInstanceOf(Allocated.class);
    assertThat(redis.allocate(T0 + 1, "512", "agent7", 2)).isInstanceOf(Allocated.class);
    assertThat(reasonOf(redis.allocate(T0 + 2, "512", "agent7", 2))).isEqualTo(Refusal.RATE_LIMITED);
    assertThat(redis.allocate(T0 + 3, "512", "agent8", 2)).isInstanceOf(Allocated.class);

    String minute = windows(T0).minuteId();
    long ttl = redis.send(Request.cmd(Command.PTTL).arg(RedisKeys.rate("agent7", minute))).toLong();
    assertThat(ttl).isPositive();
  }

  @Test
  void theReasonTellsReservedFromCapped() {
    redis.sync(number("5125550001").hourlyCap(1), number("5125550002"));
    redis.allocate(T0, "512");
    redis.release("5125550001", T0 + 1);
    redis.allocate(T0 + 2, "512");

    assertThat(reasonOf(redis.allocate(T0 + 3, "512"))).isEqualTo(Refusal.ALL_RESERVED_OR_CAPPED);
  }

  @Test
  void anEmptyRedisWithoutTheLoadedMarkAsksForAReload() {
    redis.send(Request.cmd(Command.FLUSHDB));

    assertThat(reasonOf(redis.allocate(T0, "512"))).isEqualTo(Refusal.NOT_LOADED);
  }

  @Test
  void aMappedCampaignAllocatesFromItsPoolOnly() {
    redis.sync(number("5125550001").inPool("east"), number("5125550002").usedAt(0));
    redis.salesAllocateFromEast(null, "area_code,pool");

    Allocated first = allocated(redis.allocateFor("sales", T0, "512"));
    Refused second = refused(redis.allocateFor("sales", T0 + 1, "512"));

    assertThat(first.callerId()).isEqualTo("5125550001");
    assertThat(first.pool()).isEqualTo("east");
    assertThat(second.reason()).isEqualTo(Refusal.ALL_RESERVED);
    assertThat(second.pool()).isEqualTo("east");
  }

  @Test
  void aCampaignWithoutAMappingOrWithoutANameUsesTheDefaultPool() {
    redis.sync(number("5125550001").inPool("east"), number("5125550002"), number("5125550003"));
    redis.salesAllocateFromEast(null, "area_code,pool");

    Allocated unmapped = allocated(redis.allocateFor("other", T0, "512"));
    Allocated nameless = allocated(redis.allocateFor("", T0 + 1, "512"));

    assertThat(List.of(unmapped.callerId(), unmapped.pool())).containsExactly("5125550002", DEFAULT_POOL);
    assertThat(List.of(nameless.callerId(), nameless.pool())).containsExactly("5125550003", DEFAULT_POOL);
  }

  @Test
  void thePoolsTtlSetsTheReservationsExpiryAndThePoolWithoutOneTakesTheDefault() {
    redis.sync(number("5125550001").inPool("east"), number("5125550002"));
    redis.salesAllocateFromEast(5000L, "area_code,pool");

    Allocated east = allocated(redis.allocateFor("sales", T0, "512"));
    Allocated fallback = allocated(redis.allocateFor("other", T0, "512"));

    assertThat(east.ttlMs()).isEqualTo(5000);
    assertThat(redis.zscore(RedisKeys.reserved("east"), "5125550001")).isEqualTo(T0 + 5000);
    assertThat(fallback.ttlMs()).isEqualTo(TTL);
    assertThat(callerIdOf(redis.allocateFor("sales", T0 + 5000, "512"))).isEqualTo("5125550001");
  }

  @Test
  void fallbackAreaCodeNeverHandsOutAnotherAreaCodesNumber() {
    redis.sync(number("2145550001").inPool("east"), number("5125550001").inPool("east"));
    redis.salesAllocateFromEast(null, "area_code");

    AllocateScript.Reply local = redis.allocateFor("sales", T0, "512");
    AllocateScript.Reply none = redis.allocateFor("sales", T0 + 1, "512");

    assertThat(callerIdOf(local)).isEqualTo("5125550001");
    assertThat(reasonOf(none)).isEqualTo(Refusal.NO_LOCAL_NUMBER);
    assertThat(callerIdOf(redis.allocateFor("sales", T0 + 2, "214"))).isEqualTo("2145550001");
  }

  @Test
  void fallbackAreaCodeStillSaysWhenThePoolHasNothingLeftAtAll() {
    redis.sync(number("5125550001").inPool("east"));
    redis.salesAllocateFromEast(null, "area_code");
    redis.allocateFor("sales", T0, "512");

    assertThat(reasonOf(redis.allocateFor("sales", T0 + 1, "214"))).isEqualTo(Refusal.ALL_RESERVED);
  }

  @Test
  void fallbackPoolIgnoresTheAreaCodeAndHandsOutThePoolsLeastRecentlyUsedNumber() {
    redis.sync(number("5125550001").inPool("east").usedAt(2000), number("2145550001").inPool("east").usedAt(1000));
    redis.salesAllocateFromEast(null, "pool");

    Allocated answer = allocated(redis.allocateFor("sales", T0, "512"));

    assertThat(answer.callerId()).isEqualTo("2145550001");
    assertThat(answer.tier()).isEqualTo("pool");
    assertThat(callerIdOf(redis.allocateFor("sales", T0 + 1, "512"))).isEqualTo("5125550001");
  }

  @Test
  void aRetryWithTheSameCallKeyAnswersTheLiveReservationAgainAndCountsNothing() {
    redis.sync(number("5125550001"), number("5125550002"));

    Allocated first = allocated(redis.allocateCall(T0, "V1260930150000012345", null));
    Allocated retry = allocated(redis.allocateCall(T0 + 1000, "V1260930150000012345", null));

    assertThat(retry.callerId()).isEqualTo(first.callerId());
    assertThat(retry.allocationId()).isEqualTo(first.allocationId());
    assertThat(retry.repeat()).isTrue();
    assertThat(retry.ttlMs()).isEqualTo(TTL - 1000);
    assertThat(first.repeat()).isFalse();
    assertThat(redis.hget(RedisKeys.number(first.callerId()), "hc")).isEqualTo("1");
    assertThat(redis.send(Request.cmd(Command.ZCARD).arg(RedisKeys.reserved(DEFAULT_POOL))).toLong()).isEqualTo(1);
  }

  @Test
  void aRetryAfterTheNumberWasDeactivatedGetsAnotherNumber() {
    redis.sync(number("5125550001"), number("5125550002"));
    Allocated first = allocated(redis.allocateCall(T0, "V1260930150000012345", null));
    redis.sync(number(first.callerId()).deactivated());

    Allocated retry = allocated(redis.allocateCall(T0 + 10, "V1260930150000012345", null));

    assertThat(retry.repeat()).isFalse();
    assertThat(retry.callerId()).isNotEqualTo(first.callerId());
  }

  @Test
  void aCallKeyLivesAsLongAsItsReservationPlusTheGrace() {
    redis.sync(number("5125550001"));

    redis.allocateCall(T0, null, "1732612345.7");

    long pttl = redis.send(Request.cmd(Command.PTTL).arg(RedisKeys.uid("1732612345.7"))).toLong();
    assertThat(pttl).isBetween(TTL + GRACE - 5000, TTL + GRACE);
    assertThat(redis.send(Request.cmd(Command.GET).arg(RedisKeys.uid("1732612345.7"))).toString())
      .isEqualTo("5125550001 id-" + T0);
  }

  @Test
  void aRetryAfterTheReservationEndedGetsANewAllocation() {
    redis.sync(number("5125550001"), number("5125550002"));
    Allocated first = allocated(redis.allocateCall(T0, "V1260930150000012345", null));
    redis.release(first.callerId(), T0 + 10);

    Allocated again = allocated(redis.allocateCall(T0 + 20, "V1260930150000012345", null));

    assertThat(again.repeat()).isFalse();
    assertThat(again.allocationId()).isEqualTo("id-" + (T0 + 20));
  }
}
