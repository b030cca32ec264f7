package io.cidrotator.redis;

import io.cidrotator.dialer.CallEnd;
import io.cidrotator.redis.AllocateScript.Allocated;
import io.cidrotator.redis.AllocateScript.Refusal;
import io.cidrotator.redis.ReleaseScript.Result;
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
import static io.cidrotator.redis.ScriptFixture.TTL;
import static io.cidrotator.redis.ScriptFixture.allocated;
import static io.cidrotator.redis.ScriptFixture.callerIdOf;
import static io.cidrotator.redis.ScriptFixture.number;
import static io.cidrotator.redis.ScriptFixture.reasonOf;
import static io.cidrotator.redis.ScriptFixture.windows;
import static io.cidrotator.redis.ScriptFixture.withoutEntry;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * release.lua through {@link ReleaseScript}: a hangup ends the live reservation at once, idempotently, by
 * caller-ID (optionally naming the reservation) or by the call's key; the number keeps its LRU place.
 */
class ReleaseScriptTest {

  @RegisterExtension
  static final ScriptFixture redis = new ScriptFixture();

  @Test
  void releaseFreesTheNumberAtOnceAndIsIdempotent() {
    redis.sync(number("5125550001"));
    Allocated allocated = allocated(redis.allocate(T0, "512"));

    ReleaseScript.Reply first = redis.release("5125550001", T0 + 1);
    ReleaseScript.Reply second = redis.release("5125550001", T0 + 2);

    assertThat(withoutEntry(first)).isEqualTo(new ReleaseScript.Reply(Result.RELEASED, allocated.allocationId(),
      "5125550001", null));
    assertThat(first.historyEntry()).as("the release's history entry").isNotNull();
    assertThat(second).isEqualTo(new ReleaseScript.Reply(Result.NOTHING_LIVE, null, "5125550001", null));
    assertThat(callerIdOf(redis.allocate(T0 + 3, "512"))).isEqualTo("5125550001");
  }

  @Test
  void releaseOfANumberOutsideTheInventoryIsAnUnknownNumber() {
    assertThat(redis.release("9995550001", T0))
      .isEqualTo(new ReleaseScript.Reply(Result.UNKNOWN_NUMBER, null, null, null));
  }

  @Test
  void aLateHangupNamingAnExpiredReservationCannotEndTheNextCallsReservation() {
    redis.sync(number("5125550001"));
    String firstCall = allocated(redis.allocate(T0, "512")).allocationId();
    redis.allocate(T0 + TTL, "512");

    ReleaseScript.Reply late = redis.release("5125550001", T0 + TTL + 1, firstCall);

    assertThat(late.result()).isEqualTo(Result.NOTHING_LIVE);
    assertThat(reasonOf(redis.allocate(T0 + TTL + 2, "512"))).isEqualTo(Refusal.ALL_RESERVED);
  }

  @Test
  void aReleasedNumberGoesBehindTheNumbersUsedLessRecently() {
    redis.sync(number("5125550001").usedAt(1000), number("5125550002").usedAt(2000));
    redis.allocate(T0, "512");
    redis.release("5125550001", T0 + 1);

    assertThat(callerIdOf(redis.allocate(T0 + 2, "512"))).isEqualTo("5125550002");
    assertThat(callerIdOf(redis.allocate(T0 + 3, "512"))).isEqualTo("5125550001");
  }

  @Test
  void aNumberDeactivatedDuringItsCallDoesNotComeBackOnRelease() {
    redis.sync(number("5125550001"));
    redis.allocate(T0, "512");
    redis.sync(number("5125550001").deactivated());
    redis.release("5125550001", T0 + 1);

    assertThat(reasonOf(redis.allocate(T0 + 2, "512"))).isEqualTo(Refusal.POOL_EMPTY);
  }

  @Test
  void releasingAReservationAlreadyOverByItsTtlReleasesNothingButReturnsTheNumber() {
    redis.sync(number("5125550001"));
    redis.allocate(T0, "512");

    ReleaseScript.Reply late = redis.release("5125550001", T0 + TTL);

    assertThat(late).isEqualTo(new ReleaseScript.Reply(Result.NOTHING_LIVE, null, "5125550001", null));
    assertThat(redis.state("5125550001", T0 + TTL).state()).isEqualTo("available");
    assertThat(redis.zscore(RedisKeys.reserved(DEFAULT_POOL), "5125550001")).isNull();
  }

  @Test
  void releaseByCallKeyEndsThatCallsReservationAndAnUnknownKeyIsAnUnknownCall() {
    redis.sync(number("5125550001"));
    Allocated allocated = allocated(redis.allocateCall(T0, "V1260930150000012345", null));
    ReleaseScript.Args byKey = new ReleaseScript.Args(null, T0 + 10, windows(T0 + 10), null,
      "V1260930150000012345", null, CallEnd.UNKNOWN, HISTORY_LIMIT);
    ReleaseScript.Args unknown = new ReleaseScript.Args(null, T0 + 10, windows(T0 + 10), null, null, "1.1", CallEnd.UNKNOWN,
      HISTORY_LIMIT);

    ReleaseScript.Reply released = redis.release(byKey);
    ReleaseScript.Reply again = redis.release(byKey);

    assertThat(withoutEntry(released)).isEqualTo(new ReleaseScript.Reply(Result.RELEASED, allocated.allocationId(),
      "5125550001", null));
    assertThat(again.result()).isEqualTo(Result.NOTHING_LIVE);
    assertThat(redis.release(unknown).result()).isEqualTo(Result.UNKNOWN_CALL);
  }

  @Test
  void releaseByUidEndsThatCallsReservationButNotTheNextCallsOfTheSameNumber() {
    redis.sync(number("5125550001"));
    Allocated first = allocated(redis.allocateCall(T0, null, "1732612345.7"));
    redis.release("5125550001", T0 + 10);
    Allocated next = allocated(redis.allocateCall(T0 + 20, null, "1732612399.1"));
    ReleaseScript.Args firstCall = new ReleaseScript.Args(null, T0 + 30, windows(T0 + 30), null, null,
      "1732612345.7", CallEnd.UNKNOWN, HISTORY_LIMIT);
    ReleaseScript.Args nextCall = new ReleaseScript.Args(null, T0 + 40, windows(T0 + 40), null, null,
      "1732612399.1", CallEnd.UNKNOWN, HISTORY_LIMIT);

    ReleaseScript.Reply lateHangup = redis.release(firstCall);
    ReleaseScript.Reply hangup = redis.release(nextCall);

    assertThat(first.callerId()).isEqualTo(next.callerId());
    assertThat(lateHangup).isEqualTo(new ReleaseScript.Reply(Result.NOTHING_LIVE, null, "5125550001", null));
    assertThat(withoutEntry(hangup)).isEqualTo(new ReleaseScript.Reply(Result.RELEASED, next.allocationId(), "5125550001",
      null));
  }

  @Test
  void aKeptReleaseEndsOnlyAReservationMadeBeforeTheHangupAskedAndTheHistorySaysWhenItAsked() {
    // The stream is read below: no history writer of a server elsewhere in this JVM may trim it meanwhile.
    redis.send(Request.cmd(Command.SET).arg(RedisKeys.HISTORY_WRITER).arg("test").arg("PX").arg(60_000));
    redis.sync(number("5125550001"));
    redis.allocate(T0, "512");
    // Asked at T0 + 10 while Redis was away, applied at T0 + 50.
    ReleaseScript.Args keptRelease = new ReleaseScript.Args("5125550001", T0 + 50, windows(T0 + 50), null, null, null,
      CallEnd.UNKNOWN, HISTORY_LIMIT, T0 + 10);

    ReleaseScript.Reply applied = redis.release(keptRelease);
    Allocated next = allocated(redis.allocate(T0 + 60, "512"));
    ReleaseScript.Reply appliedAgain = redis.release(keptRelease);

    assertThat(applied.result()).isEqualTo(Result.RELEASED);
    assertThat(appliedAgain.result()).as("the same release, applied again after the next call took the number")
      .isEqualTo(Result.NOTHING_LIVE);
    assertThat(redis.zscore(RedisKeys.reserved(DEFAULT_POOL), "5125550001")).as("the next call's reservation")
      .isEqualTo(T0 + 60 + TTL);
    assertThat(next.callerId()).isEqualTo("5125550001");
    List<String> entries = new ArrayList<>();
    for (Response entry : redis.send(Request.cmd(Command.XRANGE).arg(RedisKeys.HISTORY).arg("-").arg("+"))) {
      entries.add(entry.get(1).get(1).toString());
    }
    assertThat(entries.get(1)).startsWith("r").contains("\u001f" + (T0 + 10) + "\u001f");
  }
}
