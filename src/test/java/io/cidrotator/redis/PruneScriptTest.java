package io.cidrotator.redis;

import io.cidrotator.redis.AllocateScript.Refusal;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static io.cidrotator.redis.ScriptFixture.DEFAULT_POOL;
import static io.cidrotator.redis.ScriptFixture.T0;
import static io.cidrotator.redis.ScriptFixture.callerIdOf;
import static io.cidrotator.redis.ScriptFixture.number;
import static io.cidrotator.redis.ScriptFixture.reasonOf;
import static org.assertj.core.api.Assertions.assertThat;

/** prune.lua through {@link PruneScript}: numbers PostgreSQL no longer holds leave every index, live or not. */
class PruneScriptTest {

  @RegisterExtension
  static final ScriptFixture redis = new ScriptFixture();

  @Test
  void pruneRemovesTheNumbersItIsGivenFromEveryIndex() {
    redis.sync(number("5125550001"), number("5125550002"));

    int pruned = prune("5125550001", "9995550000");

    assertThat(pruned).isEqualTo(1);
    assertThat(callerIdOf(redis.allocate(T0, "512"))).isEqualTo("5125550002");
    assertThat(reasonOf(redis.allocate(T0 + 1, "512"))).isEqualTo(Refusal.ALL_RESERVED);
  }

  @Test
  void aPrunedReservedOrCappedNumberLeavesItsPoolsSetsAndItsReservationEnds() {
    redis.sync(number("5125550001").hourlyCap(1).usedAt(1), number("5125550002").usedAt(2));
    redis.allocate(T0, "512");
    redis.release("5125550001", T0 + 1);
    redis.allocate(T0 + 2, "512");
    assertThat(redis.state("5125550001", T0 + 3).state()).isEqualTo("capped");
    assertThat(redis.state("5125550002", T0 + 3).state()).isEqualTo("reserved");

    int pruned = prune("5125550001", "5125550002");

    assertThat(pruned).isEqualTo(2);
    assertThat(redis.state("5125550001", T0 + 3)).isNull();
    assertThat(redis.state("5125550002", T0 + 3)).isNull();
    assertThat(redis.send(Request.cmd(Command.SCARD).arg(RedisKeys.ALL)).toLong()).isZero();
    assertThat(redis.zscore(RedisKeys.capped(DEFAULT_POOL), "5125550001")).isNull();
    assertThat(redis.zscore(RedisKeys.reserved(DEFAULT_POOL), "5125550002")).isNull();
    assertThat(reasonOf(redis.allocate(T0 + 4, "512"))).isEqualTo(Refusal.POOL_EMPTY);
  }

  private static int prune(String... callerIds) {
    return PruneScript.run(redis.runner(), new PruneScript.Args(List.of(callerIds))).await();
  }
}
