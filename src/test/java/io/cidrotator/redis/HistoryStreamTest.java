package io.cidrotator.redis;

import io.cidrotator.dialer.CallEnd;
import io.cidrotator.history.HistoryEvent;
import io.cidrotator.redis.AllocateScript.Allocated;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static io.cidrotator.redis.ScriptFixture.CAMPAIGN;
import static io.cidrotator.redis.ScriptFixture.DEFAULT_POOL;
import static io.cidrotator.redis.ScriptFixture.HISTORY_LIMIT;
import static io.cidrotator.redis.ScriptFixture.T0;
import static io.cidrotator.redis.ScriptFixture.TTL;
import static io.cidrotator.redis.ScriptFixture.allocated;
import static io.cidrotator.redis.ScriptFixture.number;
import static io.cidrotator.redis.ScriptFixture.windows;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The history stream ({@link HistoryStream}, lua/history*.lua): what the allocate, release and undo scripts append
 * in the same call, the limit, and what the writer reads, trims and watches (lease, epoch, how far written).
 */
class HistoryStreamTest {

  @RegisterExtension
  static final ScriptFixture redis = new ScriptFixture();

  /** The writer these tests read as: it holds the lease, so no history writer of a server elsewhere trims meanwhile. */
  private static final String WRITER = "test-writer";
  private static final String CALL_KEY = "V1260930150000012345";

  @BeforeEach
  void holdTheLease() {
    redis.send(Request.cmd(Command.SET).arg(RedisKeys.HISTORY_WRITER).arg(WRITER).arg("PX").arg(60_000));
  }

  @Test
  void anAllocationIsAppendedWithWhatTheHistoryNeedsAndItsReplyNamesTheEntry() {
    redis.sync(number("5125550001"));

    Allocated allocated = allocated(redis.allocateCall(T0, CALL_KEY, "1732612345.7"));
    List<HistoryStream.Entry> entries = read().entries();

    assertThat(entries).hasSize(1);
    assertThat(entries.get(0).id()).isEqualTo(allocated.historyEntry());
    assertThat(entries.get(0).event()).isEqualTo(HistoryEvent.allocated(allocated.allocationId(), "5125550001",
      "5125551234", null, null, "prefix", DEFAULT_POOL, T0, T0 + TTL,
      HistoryEvent.Call.of(CALL_KEY, "1732612345.7")));
    assertThat(entries.get(0).event().call().leadId()).isEqualTo(12345L);
  }

  @Test
  void theCampaignAndAgentOfAnAllocationAreInItsEntry() {
    redis.sync(number("5125550001"));

    Allocated allocated = allocated(AllocateScript.run(redis.runner(), new AllocateScript.Args(T0, DEFAULT_POOL, TTL,
      windows(T0), "1001", 100, CAMPAIGN, "5125551234", "id-1", 8, null, null, 900_000, HISTORY_LIMIT)).await());

    HistoryEvent event = read().entries().get(0).event();
    assertThat(event.campaign()).isEqualTo(CAMPAIGN);
    assertThat(event.agent()).isEqualTo("1001");
    assertThat(event.id()).isEqualTo(allocated.allocationId());
    assertThat(event.call()).isEqualTo(HistoryEvent.Call.of(null, null));
  }

  @Test
  void aRetryOfTheSameCallAndARefusalAppendNothing() {
    redis.sync(number("5125550001"));

    Allocated first = allocated(redis.allocateCall(T0, CALL_KEY, null));
    Allocated retry = allocated(redis.allocateCall(T0 + 1, CALL_KEY, null));
    AllocateScript.Reply refused = redis.allocate(T0 + 2, "512");

    assertThat(retry.repeat()).isTrue();
    assertThat(retry.historyEntry()).isNull();
    assertThat(refused).isInstanceOf(AllocateScript.Refused.class);
    assertThat(read().entries()).extracting(HistoryStream.Entry::id).containsExactly(first.historyEntry());
  }

  @Test
  void aReleaseIsAppendedWithTheCallsEndAndASecondReleaseAppendsNothing() {
    redis.sync(number("5125550001"));
    Allocated allocated = allocated(redis.allocate(T0, "512"));
    CallEnd end = new CallEnd("ANSWER", 23, 16);

    ReleaseScript.Reply released = redis.release(new ReleaseScript.Args("5125550001", T0 + 30_000,
      windows(T0 + 30_000), null, null, null, end, HISTORY_LIMIT));
    redis.release("5125550001", T0 + 30_001);

    List<HistoryStream.Entry> entries = read().entries();
    assertThat(entries).hasSize(2);
    assertThat(entries.get(1).id()).isEqualTo(released.historyEntry());
    assertThat(entries.get(1).event()).isEqualTo(HistoryEvent.released(allocated.allocationId(), "5125550001",
      T0 + 30_000, "released", end));
  }

  @Test
  void anUnansweredTakeBackIsAppendedAsUndoneAndAnAnsweredOneAsAReleaseTakenBack() {
    redis.sync(number("5125550001"), number("5125550002"));
    Allocated neverAnswered = allocated(redis.allocate(T0, "512"));
    Allocated answeredLate = allocated(redis.allocate(T0 + 1, "512"));

    UndoScript.Result undone = undo(neverAnswered, T0 + 10, false);
    UndoScript.Result takenBack = undo(answeredLate, T0 + 11, true);

    List<HistoryStream.Entry> entries = read().entries();
    assertThat(entries).extracting(entry -> entry.event().type()).containsExactly(HistoryEvent.Type.ALLOCATED,
      HistoryEvent.Type.ALLOCATED, HistoryEvent.Type.UNDONE, HistoryEvent.Type.RELEASED);
    assertThat(entries.get(2).id()).isEqualTo(undone.historyEntry());
    assertThat(entries.get(2).event()).isEqualTo(HistoryEvent.undone(neverAnswered.allocationId()));
    assertThat(entries.get(3).id()).isEqualTo(takenBack.historyEntry());
    assertThat(entries.get(3).event()).isEqualTo(HistoryEvent.released(answeredLate.allocationId(),
      answeredLate.callerId(), T0 + 11, "taken_back", CallEnd.UNKNOWN));
  }

  @Test
  void releasingACampaignAppendsEachRelease() {
    redis.sync(number("5125550001"), number("5125550002"));
    Allocated one = allocated(redis.allocateFor("stop-me", T0, "512"));
    Allocated two = allocated(redis.allocateFor("stop-me", T0 + 1, "512"));

    List<ReleaseCampaignScript.Released> released = ReleaseCampaignScript.run(redis.runner(),
      new ReleaseCampaignScript.Args("stop-me", T0 + 5, windows(T0 + 5), HISTORY_LIMIT)).await();

    List<HistoryStream.Entry> releases = read().entries().subList(2, 4);
    assertThat(releases).extracting(HistoryStream.Entry::id)
      .containsExactlyElementsOf(released.stream().map(ReleaseCampaignScript.Released::historyEntry).toList());
    assertThat(releases).extracting(entry -> entry.event().id())
      .containsExactlyInAnyOrder(one.allocationId(), two.allocationId());
    assertThat(releases).allSatisfy(entry -> assertThat(entry.event().outcome()).isEqualTo("released"));
  }

  @Test
  void atItsLimitTheStreamKeepsWhatItHoldsAndCountsNewEntriesAsDropped() {
    redis.sync(number("5125550001"), number("5125550002"));

    Allocated kept = allocated(allocateWithLimit(T0, 1));
    Allocated dropped = allocated(allocateWithLimit(T0 + 1, 1));
    HistoryStream.Read read = read();

    assertThat(dropped.callerId()).isEqualTo("5125550002");
    assertThat(dropped.historyEntry()).isNull();
    assertThat(read.entries()).extracting(HistoryStream.Entry::id).containsExactly(kept.historyEntry());
    assertThat(read.backlog()).isEqualTo(1);
    assertThat(read.dropped()).isEqualTo(1);
  }

  @Test
  void onlyTheWriterHoldingTheLeaseReadsEntriesAndEveryWriterSeesTheBacklog() {
    redis.sync(number("5125550001"));
    redis.allocate(T0, "512");

    HistoryStream.Read holder = read();
    HistoryStream.Read other = HistoryStream.read(redis.runner(), "other-writer", 3000, 10, "e").await();

    assertThat(holder.leased()).isTrue();
    assertThat(holder.entries()).hasSize(1);
    assertThat(other.leased()).isFalse();
    assertThat(other.entries()).isEmpty();
    assertThat(other.backlog()).isEqualTo(1);
  }

  @Test
  void aWriterThatLeavesLetsAnotherTakeTheLeaseAtOnce() {
    redis.sync(number("5125550001"));
    redis.allocate(T0, "512");

    HistoryStream.leave(redis.runner(), "not-the-holder").await();
    boolean stillHeld = !HistoryStream.read(redis.runner(), "other-writer", 3000, 10, "e").await().leased();
    HistoryStream.leave(redis.runner(), WRITER).await();
    HistoryStream.Read other = HistoryStream.read(redis.runner(), "other-writer", 3000, 10, "e").await();

    assertThat(stillHeld).isTrue();
    assertThat(other.leased()).isTrue();
    assertThat(other.entries()).hasSize(1);
  }

  @Test
  void writtenTrimsUpToAndIncludingTheEntryAndEveryReadThenSaysHowFarItIsWritten() {
    redis.sync(number("5125550001"), number("5125550002"), number("5125550003"));
    redis.allocate(T0, "512");
    Allocated second = allocated(redis.allocate(T0 + 1, "512"));
    Allocated third = allocated(redis.allocate(T0 + 2, "512"));

    long left = HistoryStream.written(redis.runner(), WRITER, second.historyEntry()).await();
    HistoryStream.Read read = read();

    assertThat(left).isEqualTo(1);
    assertThat(read.entries()).extracting(HistoryStream.Entry::id).containsExactly(third.historyEntry());
    assertThat(read.written()).isEqualTo(second.historyEntry());
  }

  @Test
  void theEpochIsSetByTheFirstReadAndChangesOnlyWhenTheStreamIsLost() {
    String first = HistoryStream.read(redis.runner(), WRITER, 3000, 10, "epoch-1").await().epoch();
    String second = HistoryStream.read(redis.runner(), WRITER, 3000, 10, "epoch-2").await().epoch();
    redis.send(Request.cmd(Command.FLUSHDB));
    String afterLoss = HistoryStream.read(redis.runner(), WRITER, 3000, 10, "epoch-3").await().epoch();

    assertThat(first).isEqualTo("epoch-1");
    assertThat(second).isEqualTo("epoch-1");
    assertThat(afterLoss).isEqualTo("epoch-3");
  }

  @Test
  void anEntryThatNoScriptOfOursWroteReadsAsNoEvent() {
    redis.send(Request.cmd(Command.XADD).arg(RedisKeys.HISTORY).arg("*").arg("something").arg("else"));

    List<HistoryStream.Entry> entries = read().entries();

    assertThat(entries).hasSize(1);
    assertThat(entries.get(0).event()).isNull();
  }

  @Test
  void entryIdsOrderAsRedisAppendsThem() {
    HistoryStream.EntryId earlier = HistoryStream.EntryId.parse("1764086400000-9");
    HistoryStream.EntryId later = HistoryStream.EntryId.parse("1764086400000-10");
    HistoryStream.EntryId laterStill = HistoryStream.EntryId.parse("1764086400001-0");

    assertThat(earlier).isLessThan(later);
    assertThat(later).isLessThan(laterStill);
    assertThat(later.toString()).isEqualTo("1764086400000-10");
    assertThat(earlier.successor()).isEqualTo(later);
    assertThat(HistoryStream.EntryId.parse("")).isNull();
  }

  private static HistoryStream.Read read() {
    return HistoryStream.read(redis.runner(), WRITER, 60_000, 100, "epoch").await();
  }

  private static AllocateScript.Reply allocateWithLimit(long now, int limit) {
    return AllocateScript.run(redis.runner(), new AllocateScript.Args(now, DEFAULT_POOL, TTL, windows(now), null, 100,
      null, "5125551234", "id-" + now, 8, null, null, 900_000, limit)).await();
  }

  private static UndoScript.Result undo(Allocated allocation, long now, boolean answered) {
    return UndoScript.run(redis.runner(), new UndoScript.Args(allocation.callerId(), allocation.allocationId(),
      allocation.previousLastUse(), now, windows(now), null, windows(T0).minuteId(), answered, HISTORY_LIMIT))
      .await();
  }

  @Test
  void aWriterCountsAsBehindUntilItReadsSayingItsNodeWroteItsCopiesForTheCurrentEpoch() {
    String epoch = HistoryStream.read(redis.runner(), "writer-1", 3000, 10, "epoch-1", null).await().epoch();
    HistoryStream.read(redis.runner(), "writer-2", 3000, 10, "unused", epoch).await();

    HistoryStream.Writers oneBehind = HistoryStream.writers(redis.runner(), 10_000).await();
    HistoryStream.read(redis.runner(), "writer-1", 3000, 10, "unused", epoch).await();
    HistoryStream.Writers noneBehind = HistoryStream.writers(redis.runner(), 10_000).await();
    HistoryStream.leave(redis.runner(), "writer-2").await();
    HistoryStream.Writers afterLeaving = HistoryStream.writers(redis.runner(), 10_000).await();

    assertThat(oneBehind).isEqualTo(new HistoryStream.Writers(2, 1));
    assertThat(noneBehind).isEqualTo(new HistoryStream.Writers(2, 0));
    assertThat(afterLeaving).isEqualTo(new HistoryStream.Writers(1, 0));
  }

  @Test
  void aWriterThatHasNotReadLatelyIsNotWaitedFor() throws InterruptedException {
    HistoryStream.read(redis.runner(), "writer-1", 3000, 10, "epoch-1", "epoch-0").await();
    Thread.sleep(50);

    assertThat(HistoryStream.writers(redis.runner(), 10).await()).isEqualTo(new HistoryStream.Writers(0, 0));
  }
}
