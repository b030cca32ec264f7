package io.cidrotator.redis;

import io.cidrotator.redis.AllocateScript.Allocated;
import io.cidrotator.redis.SettingsScript.PoolSettings;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;

import static io.cidrotator.redis.ScriptFixture.DEFAULT_POOL;
import static io.cidrotator.redis.ScriptFixture.HISTORY_LIMIT;
import static io.cidrotator.redis.ScriptFixture.T0;
import static io.cidrotator.redis.ScriptFixture.allocated;
import static io.cidrotator.redis.ScriptFixture.number;
import static io.cidrotator.redis.ScriptFixture.windows;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link ScriptRunner#run}: a script the server's cache lost (NOSCRIPT) runs by EVAL, then is cached again. */
class ScriptRunnerTest {

  private static final List<LuaScript> EVERY_SCRIPT = List.of(AllocateScript.LUA, ReleaseScript.LUA, UndoScript.LUA,
    SyncScript.LUA, PruneScript.LUA, ReservationCountScript.LUA, StateScript.LUA, SettingsScript.LUA,
    PoolCountsScript.LUA, LiveReservationsScript.LUA, ReleaseCampaignScript.LUA);

  @RegisterExtension
  static final ScriptFixture redis = new ScriptFixture();

  @Test
  void everyScriptStillRunsAfterTheServerLostItsScriptCache() {
    redis.send(Request.cmd(Command.SCRIPT).arg("FLUSH"));
    assertThat(cached()).as("cached after SCRIPT FLUSH").containsOnly(false);

    assertThat(redis.sync(number("5125550001"), number("5125550002"), number("5125550003"))).isEqualTo(3);
    assertThat(redis.settings(List.of(new PoolSettings(DEFAULT_POOL, null, "area_code,pool"))))
      .isEqualTo(new SettingsScript.Reply(1, 0));
    Allocated taken = allocated(redis.allocate(T0, "512"));
    assertThat(taken.callerId()).isEqualTo("5125550001");
    assertThat(UndoScript.run(redis.runner(), new UndoScript.Args(taken.callerId(), taken.allocationId(),
      taken.previousLastUse(), T0 + 1, windows(T0 + 1), null, windows(T0).minuteId(), false, HISTORY_LIMIT)).await().undone()).isTrue();
    Allocated call = allocated(redis.allocate(T0 + 2, "512"));
    assertThat(redis.release(call.callerId(), T0 + 3).result()).isEqualTo(ReleaseScript.Result.RELEASED);
    Allocated campaignCall = allocated(redis.allocateFor("stop-me", T0 + 4, "512"));
    assertThat(ReleaseCampaignScript.run(redis.runner(), new ReleaseCampaignScript.Args("stop-me", T0 + 5,
      windows(T0 + 5), HISTORY_LIMIT)).await()).extracting(ReleaseCampaignScript.Released::callerId).containsExactly(
      campaignCall.callerId());
    assertThat(redis.state("5125550001", T0 + 6).state()).isEqualTo("available");
    assertThat(PoolCountsScript.run(redis.runner(), new PoolCountsScript.Args(DEFAULT_POOL, T0 + 6)).await())
      .isEqualTo(new PoolCountsScript.Reply(3, 0, 0));
    assertThat(LiveReservationsScript.run(redis.runner(), new LiveReservationsScript.Args(T0 + 6, null, null, 0, 10))
      .await().total()).isZero();
    assertThat(ReservationCountScript.run(redis.runner(), new ReservationCountScript.Args(T0 + 6)).await()).isZero();
    assertThat(PruneScript.run(redis.runner(), new PruneScript.Args(List.of("5125550003"))).await()).isEqualTo(1);

    assertThat(cached()).as("cached after running each once").containsOnly(true);
  }

  /** Whether the server's script cache holds each of the eleven scripts, in EVERY_SCRIPT's order. */
  private static List<Boolean> cached() {
    Request exists = Request.cmd(Command.SCRIPT).arg("EXISTS");
    EVERY_SCRIPT.forEach(script -> exists.arg(script.sha()));
    List<Boolean> cached = new ArrayList<>();
    for (Response one : redis.send(exists)) {
      cached.add(one.toInteger() == 1);
    }
    assertThat(cached).hasSize(EVERY_SCRIPT.size());
    return cached;
  }
}
