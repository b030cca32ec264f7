package io.cidrotator.redis;

import io.cidrotator.dialer.CallEnd;
import io.cidrotator.redis.AllocateScript.Allocated;
import io.cidrotator.redis.AllocateScript.Refusal;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.cidrotator.redis.ScriptFixture.DEFAULT_POOL;
import static io.cidrotator.redis.ScriptFixture.T0;
import static io.cidrotator.redis.ScriptFixture.TTL;
import static io.cidrotator.redis.ScriptFixture.allocated;
import static io.cidrotator.redis.ScriptFixture.callerIdOf;
import static io.cidrotator.redis.ScriptFixture.number;
import static io.cidrotator.redis.ScriptFixture.reasonOf;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * sync.lua through {@link SyncScript}: upserts numbers from PostgreSQL, keeps their live state (reservation,
 * counts, a newer last use), moves them between area codes and pools, and takes deactivated ones out of service.
 */
class SyncScriptTest {

  @RegisterExtension
  static final ScriptFixture redis = new ScriptFixture();

  @Test
  void aNumberMovedOrPrunedOutOfAnAreaCodeNoLongerLeadsTheFallback() {
    redis.sync(number("2145550001").usedAt(1), number("3125550001").usedAt(2));
    redis.sync(number("2145550001").deactivated());

    assertThat(callerIdOf(redis.allocate(T0, "512"))).isEqualTo("3125550001");
    assertThat(reasonOf(redis.allocate(T0 + 1, "512"))).isEqualTo(Refusal.ALL_RESERVED);
  }

  @Test
  void aDeactivatedNumberIsNeverHandedOut() {
    redis.sync(number("5125550001"));
    redis.sync(number("5125550001").deactivated());

    assertThat(reasonOf(redis.allocate(T0, "512"))).isEqualTo(Refusal.POOL_EMPTY);
  }

  @Test
  void syncKeepsCountsAndMovesANumberToItsNewAreaCode() {
    redis.sync(number("5125550001").hourlyCap(2));
    redis.allocate(T0, "512");
    redis.release("5125550001", T0 + 1);
    redis.sync(number("5125550001").inAreaCode("214").hourlyCap(2));

    Allocated moved = allocated(redis.allocate(T0 + 2, "214"));
    redis.release("5125550001", T0 + 3);

    assertThat(moved.callerId()).isEqualTo("5125550001");
    assertThat(moved.tier()).isEqualTo("area_code");
    assertThat(reasonOf(redis.allocate(T0 + 4, "214"))).isEqualTo(Refusal.ALL_CAPPED);
  }

  @Test
  void syncKeepsALiveReservationAndCarriesItToTheNumbersNewPool() {
    redis.sync(number("5125550001"));
    Allocated allocated = allocated(redis.allocate(T0, "512"));

    int written = redis.sync(number("5125550001").inPool("east"));

    assertThat(written).isEqualTo(1);
    assertThat(redis.zscore(RedisKeys.reserved(DEFAULT_POOL), "5125550001")).isNull();
    assertThat(redis.zscore(RedisKeys.reserved("east"), "5125550001")).isEqualTo(T0 + TTL);
    StateScript.Reply state = redis.state("5125550001", T0 + 1);
    assertThat(state.state()).isEqualTo("reserved");
    assertThat(state.pool()).isEqualTo("east");
    assertThat(state.reservation().id()).isEqualTo(allocated.allocationId());
    assertThat(redis.release("5125550001", T0 + 2).result()).isEqualTo(ReleaseScript.Result.RELEASED);
    assertThat(redis.zscore(RedisKeys.available("east", "512"), "5125550001")).isEqualTo(T0);
  }

  @Test
  void syncKeepsALastUseNewerThanPostgresqlsAndTheOrderItGives() {
    redis.sync(number("5125550001").usedAt(0), number("5125550002").usedAt(500));
    redis.allocate(T0, "512");
    redis.release("5125550001", T0 + 1);

    redis.sync(number("5125550001").usedAt(0), number("5125550002").usedAt(500));

    assertThat(redis.state("5125550001", T0 + 2).lastUse()).isEqualTo(T0);
    assertThat(callerIdOf(redis.allocate(T0 + 2, "512"))).isEqualTo("5125550002");
    assertThat(callerIdOf(redis.allocate(T0 + 3, "512"))).isEqualTo("5125550001");
  }

  // A number the index lost (Redis restarted empty), restored with what its history says

  @Test
  void aNumberTheIndexLostComesBackWithItsUseOfTheHourAndDay() {
    redis.syncRestoring(number("5125550001").hourlyCap(3), new SyncScript.Restore(3, 5, null));

    assertThat(reasonOf(redis.allocate(T0, "512"))).isEqualTo(Refusal.ALL_CAPPED);
    assertThat(redis.hash(RedisKeys.number("5125550001")))
      .containsEntry("hc", "3").containsEntry("dc", "5")
      .containsEntry("hw", ScriptFixture.windows(T0).hourId()).containsEntry("dw", ScriptFixture.windows(T0).dayId());
  }

  @Test
  void aNumberTheIndexLostComesBackReservedWhileItsCallIsLiveAndItsCallKeyStillReleasesIt() {
    SyncScript.Reservation live = new SyncScript.Reservation("id-live", "sales", "1001", "5125551234", T0 - 1000,
      T0 + TTL, "area_code", "V1260930150000012345", "1732612345.7", TTL + 1000);
    redis.syncRestoring(number("5125550001"), new SyncScript.Restore(1, 1, live));

    AllocateScript.Reply whileLive = redis.allocate(T0, "512");
    ReleaseScript.Reply released = redis.release(new ReleaseScript.Args(null, T0 + 10, ScriptFixture.windows(T0 + 10),
      null, "V1260930150000012345", null, CallEnd.UNKNOWN, ScriptFixture.HISTORY_LIMIT));

    assertThat(reasonOf(whileLive)).isEqualTo(Refusal.ALL_RESERVED);
    assertThat(ScriptFixture.withoutEntry(released))
      .isEqualTo(new ReleaseScript.Reply(ReleaseScript.Result.RELEASED, "id-live", "5125550001", null));
    assertThat(callerIdOf(redis.allocate(T0 + 20, "512"))).isEqualTo("5125550001");
  }

  @Test
  void aReservationTheHistoryHasButThatIsOverIsNotRestored() {
    SyncScript.Reservation over = new SyncScript.Reservation("id-over", null, null, "5125551234", T0 - TTL, T0,
      "area_code", null, null, 1000);
    redis.syncRestoring(number("5125550001"), new SyncScript.Restore(1, 1, over));

    assertThat(callerIdOf(redis.allocate(T0, "512"))).isEqualTo("5125550001");
  }

  @Test
  void aNumberTheIndexHoldsKeepsItsOwnStateWhateverTheHistorySays() {
    redis.sync(number("5125550001"));
    Allocated allocated = allocated(redis.allocate(T0, "512"));
    SyncScript.Reservation other = new SyncScript.Reservation("id-other", null, null, "5125559999", T0, T0 + TTL,
      "pool", null, null, TTL);

    redis.syncRestoring(number("5125550001"), new SyncScript.Restore(50, 50, other));

    assertThat(redis.hash(RedisKeys.number("5125550001")))
      .containsEntry("hc", "1").containsEntry("dc", "1").containsEntry("rid", allocated.allocationId());
  }

  // A merge: the index came from another server (a failover) and may lack the last writes of the one before

  /**
   * Two nodes reconcile the same new master: once one of them marked it whole, allocations and releases move on, and
   * the other's merge (its history read before they did) must not bring back a reservation ended meanwhile.
   */
  @Test
  void aMergeForAServerAnotherNodeAlreadyMadeWholeWritesNothing() {
    redis.sync(number("5125550001"));
    redis.send(Request.cmd(Command.SET).arg(RedisKeys.ORIGIN).arg(ScriptFixture.SERVER));
    SyncScript.Reservation ended = new SyncScript.Reservation("id-ended", "sales", "1001", "5125551234", T0 - 1000,
      T0 + TTL, "area_code", null, "1732612345.7", TTL + 1000);

    int written = redis.syncMerging(number("5125550001"), new SyncScript.Restore(5, 5, ended,
      new SyncScript.Latest("id-ended", T0 - 1000, false)));

    assertThat(written).isEqualTo(SyncScript.ALREADY_WHOLE);
    assertThat(redis.hash(RedisKeys.number("5125550001"))).doesNotContainKey("rid").doesNotContainEntry("hc", "5");
    assertThat(callerIdOf(redis.allocate(T0, "512"))).isEqualTo("5125550001");
  }

  @Test
  void aMergeRaisesTheCountsToTheHistorysWhenTheIndexLostSomeUses() {
    redis.sync(number("5125550001").hourlyCap(3));
    allocated(redis.allocate(T0, "512"));
    redis.release(new ReleaseScript.Args("5125550001", T0 + 1, ScriptFixture.windows(T0 + 1), null, null, null,
      CallEnd.UNKNOWN, ScriptFixture.HISTORY_LIMIT));

    redis.syncMerging(number("5125550001").hourlyCap(3), new SyncScript.Restore(3, 7, null));

    assertThat(redis.hash(RedisKeys.number("5125550001"))).containsEntry("hc", "3").containsEntry("dc", "7");
    assertThat(reasonOf(redis.allocate(T0 + 2, "512"))).isEqualTo(Refusal.ALL_CAPPED);
  }

  @Test
  void aMergeKeepsTheIndexsCountsWhenTheyAreHigher() {
    redis.sync(number("5125550001"));
    allocated(redis.allocate(T0, "512"));

    redis.syncMerging(number("5125550001"), new SyncScript.Restore(0, 0, null));

    assertThat(redis.hash(RedisKeys.number("5125550001"))).containsEntry("hc", "1").containsEntry("dc", "1");
  }

  @Test
  void aMergeRestoresALiveReservationTheIndexNeverReceived() {
    redis.sync(number("5125550001"), number("5125550002"));
    SyncScript.Reservation lost = new SyncScript.Reservation("id-lost", "sales", "1001", "5125551234", T0 - 1000,
      T0 + TTL, "area_code", null, "1732612345.7", TTL + 1000);

    redis.syncMerging(number("5125550001"), new SyncScript.Restore(1, 1, lost,
      new SyncScript.Latest("id-lost", T0 - 1000, false)));

    assertThat(callerIdOf(redis.allocate(T0, "512"))).isEqualTo("5125550002");
    assertThat(reasonOf(redis.allocate(T0 + 1, "512"))).isEqualTo(Refusal.ALL_RESERVED);
    assertThat(redis.hash(RedisKeys.number("5125550001"))).containsEntry("rid", "id-lost");
  }

  @Test
  void aMergeKeepsTheIndexsReservationWhenItIsLaterThanTheHistorys() {
    redis.sync(number("5125550001"));
    Allocated own = allocated(redis.allocate(T0, "512"));
    SyncScript.Reservation older = new SyncScript.Reservation("id-older", null, null, "5125551234", T0 - 5000,
      T0 + TTL, "area_code", null, null, TTL);

    redis.syncMerging(number("5125550001"), new SyncScript.Restore(1, 1, older,
      new SyncScript.Latest("id-older", T0 - 5000, false)));

    assertThat(redis.hash(RedisKeys.number("5125550001"))).containsEntry("rid", own.allocationId());
  }

  @Test
  void aMergeEndsAReservationWhoseReleaseTheIndexNeverReceived() {
    redis.sync(number("5125550001"));
    Allocated own = allocated(redis.allocate(T0, "512"));

    redis.syncMerging(number("5125550001"), new SyncScript.Restore(1, 1, null,
      new SyncScript.Latest(own.allocationId(), T0, true)));

    assertThat(callerIdOf(redis.allocate(T0 + 1, "512"))).isEqualTo("5125550001");
  }

  @Test
  void aMergeEndsAReservationThatALaterAllocationFollowed() {
    redis.sync(number("5125550001"));
    allocated(redis.allocate(T0, "512"));

    redis.syncMerging(number("5125550001"), new SyncScript.Restore(2, 2, null,
      new SyncScript.Latest("id-later", T0 + 500, true)));

    assertThat(callerIdOf(redis.allocate(T0 + 1000, "512"))).isEqualTo("5125550001");
  }
}
