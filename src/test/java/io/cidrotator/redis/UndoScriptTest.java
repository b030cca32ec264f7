package io.cidrotator.redis;

import io.cidrotator.redis.AllocateScript.Allocated;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.cidrotator.redis.ScriptFixture.DEFAULT_POOL;
import static io.cidrotator.redis.ScriptFixture.HISTORY_LIMIT;
import static io.cidrotator.redis.ScriptFixture.T0;
import static io.cidrotator.redis.ScriptFixture.allocated;
import static io.cidrotator.redis.ScriptFixture.callerIdOf;
import static io.cidrotator.redis.ScriptFixture.number;
import static io.cidrotator.redis.ScriptFixture.windows;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * undo.lua through {@link UndoScript}: an allocation whose answer came too late is taken back completely (count,
 * reservation, LRU place, the agent's rate count), unless it no longer holds the number or a retry of the same
 * call was answered with it.
 */
class UndoScriptTest {

  @RegisterExtension
  static final ScriptFixture redis = new ScriptFixture();

  @Test
  void undoTakesBackAnAllocationCompletelyCountsLruPlaceAndRate() {
    redis.sync(number("5125550001").usedAt(1000).hourlyCap(1), number("5125550002").usedAt(2000));
    Allocated late = allocated(redis.allocate(T0, "512", "agent7", 1));

    boolean undone = undo(late, T0 + 5, "agent7");

    assertThat(late.callerId()).isEqualTo("5125550001");
    assertThat(undone).isTrue();
    // Not capped (its one use was taken back), first in LRU order again, and the agent may allocate again.
    assertThat(callerIdOf(redis.allocate(T0 + 6, "512", "agent7", 1))).isEqualTo("5125550001");
  }

  @Test
  void aLateAnswerToTheFirstRequestCannotTakeBackWhatItsRetryHandedOut() {
    redis.sync(number("5125550001"), number("5125550002"));
    Allocated first = allocated(redis.allocateCall(T0, "V1260930150000012345", null));
    redis.allocateCall(T0 + 600, "V1260930150000012345", null);

    boolean undone = undo(first, T0 + 700, null);

    assertThat(undone).isFalse();
    assertThat(redis.zscore(RedisKeys.reserved(DEFAULT_POOL), first.callerId())).isNotNull();
  }

  @Test
  void anAllocationAlreadyReleasedIsNotTakenBack() {
    redis.sync(number("5125550001").usedAt(1000));
    Allocated late = allocated(redis.allocate(T0, "512"));
    redis.release(late.callerId(), T0 + 1);

    boolean undone = undo(late, T0 + 5, null);

    StateScript.Reply state = redis.state(late.callerId(), T0 + 6);
    assertThat(undone).isFalse();
    assertThat(state.state()).isEqualTo("available");
    assertThat(state.hourCount()).isEqualTo(1);
    assertThat(state.lastUse()).isEqualTo(T0);
  }

  /** Takes back {@code allocation} at {@code now}; it was made by {@code agent} (null = none) in the minute of T0. */
  private static boolean undo(Allocated allocation, long now, String agent) {
    return UndoScript.run(redis.runner(), new UndoScript.Args(allocation.callerId(), allocation.allocationId(),
      allocation.previousLastUse(), now, windows(now), agent, windows(T0).minuteId(), false, HISTORY_LIMIT))
      .await().undone();
  }
}
