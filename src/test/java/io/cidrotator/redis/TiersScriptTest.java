package io.cidrotator.redis;

import io.cidrotator.pool.Tiers;
import io.cidrotator.redis.AllocateScript.Allocated;
import io.cidrotator.redis.AllocateScript.Refusal;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;

import static io.cidrotator.redis.ScriptFixture.T0;
import static io.cidrotator.redis.ScriptFixture.allocated;
import static io.cidrotator.redis.ScriptFixture.callerIdOf;
import static io.cidrotator.redis.ScriptFixture.number;
import static io.cidrotator.redis.ScriptFixture.reasonOf;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tiers of allocate.lua (tiers.lua) and the strategies within a tier, on a real Redis, with the locality of the
 * numbering plan: a callee in Manhattan (212-555) and numbers ever further from it.
 */
class TiersScriptTest {

  @RegisterExtension
  static final ScriptFixture redis = new ScriptFixture();

  private static final String MANHATTAN = "2125551234";
  /** Same NPA-NXX, same area code, same overlay (646), same state (518 Albany), same zone (305 Miami), elsewhere. */
  private static final List<String> NEARER_FIRST = List.of("2125550001", "2127770001", "6465550001", "5185550001",
    "3055550001", "4155550001");

  @Test
  void eachTierIsTriedInOrderWithItsExactNumber() {
    for (String callerId : NEARER_FIRST) {
      redis.sync(number(callerId));
    }

    List<String> handed = new ArrayList<>();
    List<String> tiers = new ArrayList<>();
    for (int i = 0; i < NEARER_FIRST.size(); i++) {
      Allocated allocated = allocated(redis.allocateTo(T0 + i, MANHATTAN));
      handed.add(allocated.callerId());
      tiers.add(allocated.tier());
      redis.assertSetsAndIndexesHold();
    }

    assertThat(handed).containsExactlyElementsOf(NEARER_FIRST);
    assertThat(tiers).containsExactly("prefix", "area_code", "overlay", "state", "time_zone", "pool");
    assertThat(reasonOf(redis.allocateTo(T0 + 10, MANHATTAN))).isEqualTo(Refusal.ALL_RESERVED);
  }

  @Test
  void aPoolCanReorderAndDropTiersAndBeyondThemThereIsNoLocalNumber() {
    for (String callerId : NEARER_FIRST) {
      redis.sync(number(callerId));
    }
    redis.defaultPool("state,area_code", "lru");

    // The state tier holds every New York number: its least recently used one (all unused: the first area code).
    List<String> handed = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Allocated allocated = allocated(redis.allocateTo(T0 + i, MANHATTAN));
      assertThat(allocated.tier()).isEqualTo("state");
      handed.add(allocated.callerId());
    }

    assertThat(handed).containsExactlyInAnyOrder("2125550001", "2127770001", "6465550001", "5185550001");
    // Miami and San Francisco are in the pool, but not in this pool's tiers for a New York callee.
    assertThat(reasonOf(redis.allocateTo(T0 + 5, MANHATTAN))).isEqualTo(Refusal.NO_LOCAL_NUMBER);
  }

  @Test
  void withinATierTheLeastRecentlyUsedNumberGoesFirst() {
    redis.sync(number("5185550001").usedAt(30), number("7165550001").usedAt(10), number("6075550001").usedAt(20));

    assertThat(callerIdOf(redis.allocateTo(T0, MANHATTAN))).isEqualTo("7165550001");
    assertThat(callerIdOf(redis.allocateTo(T0 + 1, MANHATTAN))).isEqualTo("6075550001");
    redis.release("7165550001", T0 + 2);
    assertThat(callerIdOf(redis.allocateTo(T0 + 3, MANHATTAN))).isEqualTo("5185550001");
    assertThat(callerIdOf(redis.allocateTo(T0 + 4, MANHATTAN))).isEqualTo("7165550001");
    redis.assertSetsAndIndexesHold();
  }

  @Test
  void anAllocationWritesNoTierIndexAndTheReadThatMeetsAnOutdatedEntrySetsItRight() {
    redis.sync(number("2125550001").usedAt(1), number("2125550002").usedAt(2), number("5185550001").usedAt(3));
    String newYork = RedisKeys.tier(ScriptFixture.DEFAULT_POOL, "s:US-NY");

    assertThat(callerIdOf(redis.allocateTo(T0, MANHATTAN))).isEqualTo("2125550001");
    // 212's first number is now 0002 (used at 2); the state index still says 1, lower, as keys.lua allows.
    assertThat(redis.zscore(newYork, "212")).isEqualTo(1L);

    // Syracuse (315) has no number of its own: the state tier, where 212 (2) goes before 518 (3).
    Allocated second = allocated(redis.allocateTo(T0 + 1, "3155551234"));
    assertThat(List.of(second.callerId(), second.tier())).containsExactly("2125550002", "state");
    redis.assertSetsAndIndexesHold();
    // 212 has no number left: the next read of the state index drops it and goes on to 518.
    assertThat(callerIdOf(redis.allocateTo(T0 + 2, "3155551234"))).isEqualTo("5185550001");
    assertThat(redis.zscore(newYork, "212")).isNull();
    redis.assertSetsAndIndexesHold();
  }

  @Test
  void anAreaCodeThatSpansZonesIsInTheTimeZoneTierOfEachOfItsNumbers() {
    // Idaho's 208: 208-215 is Pacific time, 208-221 Mountain.
    redis.sync(number("2082150001"), number("2082210001"));
    redis.assertSetsAndIndexesHold();

    // Oregon (541, Pacific) and El Paso (915, Mountain) have no number of their area code or state.
    Allocated oregon = allocated(redis.allocateTo(T0, "5415551234"));
    Allocated elPaso = allocated(redis.allocateTo(T0 + 1, "9155551234"));

    assertThat(List.of(oregon.callerId(), oregon.tier())).containsExactly("2082150001", "time_zone");
    assertThat(List.of(elPaso.callerId(), elPaso.tier())).containsExactly("2082210001", "time_zone");
    redis.assertSetsAndIndexesHold();
  }

  @Test
  void aNumberAssignedToAnotherAreaCodeIsInThatAreaCodesOverlayAndState() {
    // A Newark number (973, New Jersey) an admin assigned to Manhattan's 212.
    redis.sync(number("9735550001").inAreaCode("212"));

    Allocated queens = allocated(redis.allocateTo(T0, "6465551234"));
    redis.release("9735550001", T0);
    Allocated newark = allocated(redis.allocateTo(T0 + 1, "9735551234"));

    assertThat(queens.tier()).isEqualTo("overlay");
    // Not the prefix tier of its own digits, nor New Jersey's state tier: the zone both share.
    assertThat(List.of(newark.callerId(), newark.tier())).containsExactly("9735550001", "time_zone");
    redis.assertSetsAndIndexesHold();
  }

  @Test
  void aSyncThatPlacesAnAreaCodeElsewhereMovesItBetweenTierIndexes() {
    redis.sync(number("2125550001"), number("2125550002"));
    // As if an older numbering plan had put 212 in New Jersey: its index entry and the record of its place say so.
    redis.send(Request.cmd(Command.ZADD).arg(RedisKeys.tier(ScriptFixture.DEFAULT_POOL, "s:US-NJ")).arg(0).arg("212"));
    redis.send(Request.cmd(Command.ZREM).arg(RedisKeys.tier(ScriptFixture.DEFAULT_POOL, "s:US-NY")).arg("212"));
    redis.send(Request.cmd(Command.HSET).arg(RedisKeys.PREFIX + "u:default").arg("212")
      .arg("212,US-NJ,America/New_York,"));

    redis.sync(number("2125550001"));

    assertThat(redis.zscore(RedisKeys.tier(ScriptFixture.DEFAULT_POOL, "s:US-NJ"), "212")).isNull();
    assertThat(redis.zscore(RedisKeys.tier(ScriptFixture.DEFAULT_POOL, "s:US-NY"), "212")).isZero();
    redis.assertSetsAndIndexesHold();
  }

  @Test
  void aNewPlaceOfAnAreaCodeThatSpansZonesKeepsItsZoneEntries() {
    redis.sync(number("2082150001"), number("2082150002"), number("2082210001"));
    // An older plan gave 208 another overlay.
    redis.send(Request.cmd(Command.HSET).arg(RedisKeys.PREFIX + "u:default").arg("208").arg("999,US-ID,,1"));

    redis.sync(number("2082150001"), number("2082150002"));

    redis.assertSetsAndIndexesHold();
    Allocated oregon = allocated(redis.allocateTo(T0, "5415551234"));
    assertThat(List.of(oregon.callerId(), oregon.tier())).containsExactly("2082150001", "time_zone");
  }

  @Test
  void anAreaCodeWithAnExchangeOfAnotherZoneHasItsNumbersInTheZoneOfEach() {
    // Kentucky's 270 is Eastern, but the data puts 270-230 in Central time; the Central number was used longer ago.
    redis.sync(number("2702340001").usedAt(500), number("2702300001").usedAt(100));
    redis.assertSetsAndIndexesHold();

    // Miami (Eastern) and Chicago (Central): no number of their area code, overlay or state.
    Allocated miami = allocated(redis.allocateTo(T0, "3055551234"));
    Allocated chicago = allocated(redis.allocateTo(T0 + 1, "3125551234"));

    assertThat(List.of(miami.callerId(), miami.tier())).containsExactly("2702340001", "time_zone");
    assertThat(List.of(chicago.callerId(), chicago.tier())).containsExactly("2702300001", "time_zone");
  }

  @Test
  void aDestinationTheNumberingPlanDoesNotPlaceGetsItsAreaCodeElseThePool() {
    redis.sync(number("4155550001"), number("8005550001"));

    Allocated tollFree = allocated(redis.allocateTo(T0, "8005551234"));
    Allocated next = allocated(redis.allocateTo(T0 + 1, "8885551234"));

    assertThat(tollFree.callerId()).isEqualTo("8005550001");
    assertThat(tollFree.tier()).isEqualTo("prefix");
    assertThat(next.callerId()).isEqualTo("4155550001");
    assertThat(next.tier()).isEqualTo("pool");
  }

  @Test
  void leastUsedTodayHandsOutTheNumberUsedFewestTimesToday() {
    redis.defaultPool("area_code", "least_used_today");
    redis.sync(number("5125550001"));
    // 0001 twice (the last at T0 + 1), then 0002 once at T0 + 2.
    for (int i = 0; i < 2; i++) {
      assertThat(callerIdOf(redis.allocateTo(T0 + i, "5125551234"))).isEqualTo("5125550001");
      redis.release("5125550001", T0 + i);
    }
    redis.sync(number("5125550002"));
    assertThat(callerIdOf(redis.allocateTo(T0 + 2, "5125551234"))).isEqualTo("5125550002");
    redis.release("5125550002", T0 + 2);

    // lru would hand out 0001 (used longest ago); least_used_today the one used once today.
    assertThat(callerIdOf(redis.allocateTo(T0 + 3, "5125551234"))).isEqualTo("5125550002");
    redis.release("5125550002", T0 + 3);
    // Now both twice today: the earlier last use first.
    assertThat(callerIdOf(redis.allocateTo(T0 + 4, "5125551234"))).isEqualTo("5125550001");
    redis.assertSetsAndIndexesHold();
  }

  @Test
  void leastUsedTodayCountsEveryNumberAfreshOnANewDay() {
    redis.defaultPool("area_code", "least_used_today");
    redis.sync(number("5125550001"), number("5125550002"));
    long tomorrow = T0 + 24 * 3_600_000L;
    for (int i = 0; i < 3; i++) {
      String callerId = callerIdOf(redis.allocateTo(T0 + i, "5125551234"));
      redis.release(callerId, T0 + i);
    }
    // Today: one number used twice, the other once. Tomorrow, the first goes first again: whichever was used on
    // an earlier day comes before any used today.
    String first = callerIdOf(redis.allocateTo(tomorrow, "5125551234"));
    redis.release(first, tomorrow);
    String second = callerIdOf(redis.allocateTo(tomorrow + 1, "5125551234"));

    assertThat(second).isNotEqualTo(first);
  }

  @Test
  void roundRobinHandsOutTheNumbersInListOrderWhateverTheirLastUse() {
    redis.defaultPool("area_code", "round_robin");
    redis.sync(number("5125550003").usedAt(10), number("5125550001").usedAt(30), number("5125550002").usedAt(20));

    List<String> handed = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      String callerId = callerIdOf(redis.allocateTo(T0 + i, "5125551234"));
      handed.add(callerId);
      redis.release(callerId, T0 + i);
    }

    assertThat(handed).containsExactly("5125550001", "5125550002", "5125550003", "5125550001", "5125550002",
      "5125550003");
    redis.assertSetsAndIndexesHold();
  }

  @Test
  void roundRobinWaitsForTheRoundOfANumberOnALongCall() {
    redis.defaultPool("area_code", "round_robin");
    redis.sync(number("5125550001"), number("5125550002"), number("5125550003"));

    assertThat(callerIdOf(redis.allocateTo(T0, "5125551234"))).isEqualTo("5125550001");
    String second = callerIdOf(redis.allocateTo(T0 + 1, "5125551234"));
    redis.release(second, T0 + 1);
    String third = callerIdOf(redis.allocateTo(T0 + 2, "5125551234"));
    redis.release(third, T0 + 2);
    redis.release("5125550001", T0 + 3);

    assertThat(List.of(second, third)).containsExactly("5125550002", "5125550003");
    assertThat(callerIdOf(redis.allocateTo(T0 + 4, "5125551234"))).isEqualTo("5125550001");
    assertThat(callerIdOf(redis.allocateTo(T0 + 5, "5125551234"))).isEqualTo("5125550002");
  }

  @Test
  void aNumberMovedToAnotherAreaCodeOrPoolLeavesTheSetsOfItsOldPlace() {
    redis.sync(number("2125550001"), number("6465550001"));
    redis.sync(number("2125550001").inAreaCode("646"), number("6465550001").inPool("east"));

    redis.assertSetsAndIndexesHold();
    Allocated moved = allocated(redis.allocateTo(T0, "6465551234"));
    assertThat(moved.callerId()).isEqualTo("2125550001");
    assertThat(moved.tier()).isEqualTo("area_code");
    assertThat(reasonOf(redis.allocateTo(T0 + 1, "6465551234"))).isEqualTo(Refusal.ALL_RESERVED);
    redis.assertSetsAndIndexesHold();
  }

  // Prefixes an admin assigned numbers to (VICIdial's AC-CID)

  @Test
  void theLongestAssignedPrefixOfTheDestinationWinsAfterItsOwnExchange() {
    redis.defaultPool(Tiers.DEFAULT, "lru");
    redis.sync(number("3125550001"), number("7735550001").assignedTo("3125", "31"),
      number("4155550001").assignedTo("312"), number("3125990001"));

    // 312-599 has its own number; 312-598 has none: 3125 (assigned) beats 312 (assigned) beats the area code.
    Allocated own = allocated(redis.allocateTo(T0, "3125991234"));
    Allocated longest = allocated(redis.allocateTo(T0 + 1, "3125981234"));
    Allocated shorter = allocated(redis.allocateTo(T0 + 2, "3125981234"));
    Allocated areaCode = allocated(redis.allocateTo(T0 + 3, "3125981234"));

    assertThat(List.of(own.callerId(), own.tier())).containsExactly("3125990001", "prefix");
    assertThat(List.of(longest.callerId(), longest.tier())).containsExactly("7735550001", "prefix");
    assertThat(List.of(shorter.callerId(), shorter.tier())).containsExactly("4155550001", "prefix");
    assertThat(List.of(areaCode.callerId(), areaCode.tier())).containsExactly("3125550001", "area_code");
    redis.assertSetsAndIndexesHold();
  }

  @Test
  void aNumberAssignedToSeveralPrefixesIsHandedOutOnceAndComesBackToEach() {
    redis.defaultPool(Tiers.DEFAULT, "lru");
    redis.sync(number("7735550001").assignedTo("3125", "31"));

    assertThat(callerIdOf(redis.allocateTo(T0, "3125551234"))).isEqualTo("7735550001");
    assertThat(redis.zscore(RedisKeys.PREFIX + "x:default:31", "7735550001")).isNull();
    assertThat(reasonOf(redis.allocateTo(T0 + 1, "3199991234"))).isEqualTo(Refusal.ALL_RESERVED);
    redis.release("7735550001", T0 + 2);

    assertThat(redis.zscore(RedisKeys.PREFIX + "x:default:31", "7735550001")).isEqualTo(T0);
    assertThat(redis.zscore(RedisKeys.PREFIX + "x:default:3125", "7735550001")).isEqualTo(T0);
    Allocated again = allocated(redis.allocateTo(T0 + 3, "3199991234"));
    assertThat(List.of(again.callerId(), again.tier())).containsExactly("7735550001", "prefix");
  }

  @Test
  void unassigningAPrefixTakesTheNumberOutOfItsSetAndItsCount() {
    redis.sync(number("7735550001").assignedTo("3125"));
    redis.sync(number("7735550001"));

    assertThat(redis.zscore(RedisKeys.PREFIX + "x:default:3125", "7735550001")).isNull();
    assertThat(redis.hget(RedisKeys.poolSettings("default"), "x4")).isEqualTo("0");
    // 773 overlays 312: the number is still near, no longer assigned.
    Allocated allocated = allocated(redis.allocateTo(T0, "3125551234"));
    assertThat(allocated.tier()).isEqualTo("overlay");
  }

  // Sticky number per lead

  private static final String OTHER_CALLEE = "2125559999";

  /** The default tiers and lru, a destination keeping its number 7 days; Manhattan got 2125550001 last. */
  private void manhattanGotItsFirstNumber() {
    redis.defaultPool(Tiers.DEFAULT, "lru", 7);
    redis.sync(number("2125550001"), number("2125550002"));
    assertThat(callerIdOf(redis.allocateTo(T0, MANHATTAN))).isEqualTo("2125550001");
    redis.release("2125550001", T0 + 1);
  }

  @Test
  void aDestinationCalledAgainGetsItsLastNumberWhenItIsFree() {
    manhattanGotItsFirstNumber();

    // By lru 2125550002 would go next; Manhattan gets its own number back.
    Allocated again = allocated(redis.allocateTo(T0 + 2, MANHATTAN));
    redis.release("2125550001", T0 + 3);
    Allocated other = allocated(redis.allocateTo(T0 + 4, OTHER_CALLEE));

    assertThat(again.callerId()).isEqualTo("2125550001");
    assertThat(again.tier()).isEqualTo("sticky");
    assertThat(other.callerId()).isEqualTo("2125550002");
    assertThat(other.tier()).isEqualTo("prefix");
    Long ttl = redis.send(Request.cmd(Command.PTTL).arg(RedisKeys.PREFIX + "s:default:" + MANHATTAN)).toLong();
    assertThat(ttl).isBetween(7 * 86_400_000L - 60_000, 7 * 86_400_000L);
    redis.assertSetsAndIndexesHold();
  }

  @Test
  void aDestinationWhoseLastNumberIsOnACallGetsTheTiersAndKeepsTheNewNumber() {
    manhattanGotItsFirstNumber();
    // Manhattan on a call with its number; a second call to it meanwhile.
    assertThat(callerIdOf(redis.allocateTo(T0 + 2, MANHATTAN))).isEqualTo("2125550001");

    Allocated again = allocated(redis.allocateTo(T0 + 3, MANHATTAN));
    redis.release("2125550002", T0 + 4);
    redis.release("2125550001", T0 + 5);

    assertThat(again.callerId()).isEqualTo("2125550002");
    assertThat(again.tier()).isEqualTo("prefix");
    assertThat(callerIdOf(redis.allocateTo(T0 + 6, MANHATTAN))).isEqualTo("2125550002");
  }

  @Test
  void aDestinationWhoseLastNumberIsCappedOrInactiveGetsTheTiers() {
    redis.defaultPool(Tiers.DEFAULT, "lru", 7);
    redis.sync(number("2125550001").hourlyCap(1), number("2125550002"), number("2125550003"));
    assertThat(callerIdOf(redis.allocateTo(T0, MANHATTAN))).isEqualTo("2125550001");
    redis.release("2125550001", T0 + 1);

    Allocated capped = allocated(redis.allocateTo(T0 + 2, MANHATTAN));
    redis.release(capped.callerId(), T0 + 3);
    redis.sync(number(capped.callerId()).deactivated());
    Allocated inactive = allocated(redis.allocateTo(T0 + 4, MANHATTAN));

    assertThat(List.of(capped.callerId(), capped.tier())).containsExactly("2125550002", "prefix");
    assertThat(List.of(inactive.callerId(), inactive.tier())).containsExactly("2125550003", "prefix");
  }

  @Test
  void aDestinationWhoseMemoryExpiredGetsTheTiers() throws InterruptedException {
    manhattanGotItsFirstNumber();
    redis.send(Request.cmd(Command.PEXPIRE).arg(RedisKeys.PREFIX + "s:default:" + MANHATTAN).arg(1));
    Thread.sleep(20);

    Allocated again = allocated(redis.allocateTo(T0 + 2, MANHATTAN));

    assertThat(List.of(again.callerId(), again.tier())).containsExactly("2125550002", "prefix");
  }

  @Test
  void withoutStickyDaysNothingIsRemembered() {
    redis.sync(number("2125550001"), number("2125550002"));

    allocated(redis.allocateTo(T0, MANHATTAN));

    assertThat(redis.send(Request.cmd(Command.KEYS).arg(RedisKeys.PREFIX + "s:*")).size()).isZero();
  }
}
