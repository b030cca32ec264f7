package io.cidrotator.redis;

import io.cidrotator.redis.AllocateScript.Allocated;
import io.cidrotator.redis.AllocateScript.Refusal;
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
}
