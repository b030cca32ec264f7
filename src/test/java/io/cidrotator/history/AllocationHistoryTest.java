package io.cidrotator.history;

import io.cidrotator.TestServer;
import io.cidrotator.http.Api;
import io.cidrotator.redis.RedisKeys;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What /next-cid and /release leave in PostgreSQL's {@code allocations} table. History is written in
 * batches off the hot path (about every 250 ms), so the tests poll with a deadline.
 */
class AllocationHistoryTest {

  private static final Duration FLUSH_DEADLINE = Duration.ofSeconds(5);
  private static final Duration TRAFFIC = Duration.ofMillis(1500);

  @RegisterExtension
  static final Api api = new Api(new JsonObject().put("LAST_USED_FLUSH_SECONDS", 1));

  @BeforeEach
  void emptyInventoryAndHistory() {
    api.reset();
  }

  @Test
  void historyRecordsAnAllocationAndItsRelease() {
    api.server().seed(TestServer.numbers("512", 1));
    OffsetDateTime before = OffsetDateTime.now().minusSeconds(1);
    JsonObject allocated = api.nextCid("to", "915125551234", "campaign", "sales", "agent", "alice")
      .bodyAsJsonObject();
    api.release("5125550100");

    List<Row> rows = api.poll(this::allocations,
      r -> r.size() == 1 && "released".equals(r.get(0).getString("outcome")), FLUSH_DEADLINE);

    assertThat(rows).hasSize(1);
    Row row = rows.get(0);
    assertThat(row.getUUID("id")).isEqualTo(UUID.fromString(allocated.getString("reservation")));
    assertThat(List.of(row.getString("caller_id"), row.getString("destination"), row.getString("area_code"),
      row.getString("campaign"), row.getString("agent"), row.getString("tier"), row.getString("pool"),
      row.getString("outcome")))
      .containsExactly("5125550100", "5125551234", "512", "sales", "alice", "prefix", "default", "released");
    assertThat(row.getOffsetDateTime("allocated_at")).isBetween(before, OffsetDateTime.now());
    assertThat(row.getOffsetDateTime("released_at")).isAfterOrEqualTo(row.getOffsetDateTime("allocated_at"));
  }

  @Test
  void historyRecordsAnAllocationStillLiveWithoutOutcome() {
    api.server().seed(TestServer.numbers("212", 1));
    api.nextCid("to", "5125551234", "campaign", "sales");

    List<Row> rows = api.poll(this::allocations, r -> r.size() == 1, FLUSH_DEADLINE);

    assertThat(rows).hasSize(1);
    Row row = rows.get(0);
    assertThat(row.getString("caller_id")).isEqualTo("2125550100");
    assertThat(row.getString("tier")).isEqualTo("pool");
    assertThat(row.getString("agent")).isNull();
    assertThat(row.getOffsetDateTime("released_at")).isNull();
    assertThat(row.getString("outcome")).isNull();
  }

  @Test
  void historyRecordsNothingForRejectedRequests() {
    api.server().seed(TestServer.numbers("512", 1));
    api.nextCid("to", "123", "agent", "alice");
    api.nextCid("agent", "alice");
    api.allocate("5125551234");
    api.nextCid("to", "5125551234");

    List<Row> rows = api.poll(this::allocations, r -> !r.isEmpty(), FLUSH_DEADLINE);

    assertThat(rows).extracting(r -> r.getString("caller_id")).containsExactly("5125550100");
  }

  @Test
  void historyKeepsLastUsedOfTheNumberInPostgresql() {
    api.server().seed(TestServer.numbers("512", 1));
    OffsetDateTime before = OffsetDateTime.now().minusSeconds(1);
    api.allocate("5125551234");

    List<Row> rows = api.poll(() -> api.rows("SELECT last_used FROM caller_ids WHERE last_used IS NOT NULL"),
      r -> !r.isEmpty(), FLUSH_DEADLINE);

    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).getOffsetDateTime("last_used")).isBetween(before, OffsetDateTime.now());
  }

  @Test
  void historyRecordsTheReleaseOfEveryAllocationUnderSteadyTraffic() {
    List<JsonObject> numbers = TestServer.numbers("512", 2);
    numbers.forEach(n -> n.put("hourly_limit", 1_000_000).put("daily_limit", 1_000_000));
    api.server().seed(numbers);
    // Short calls back to back for a while, so allocations and releases span several history batches.
    Instant end = Instant.now().plus(TRAFFIC);
    int calls = 0;
    while (Instant.now().isBefore(end)) {
      api.release(api.allocate("5125551234"));
      calls++;
    }
    int allocated = calls;

    List<Row> rows = api.poll(this::allocations,
      r -> r.size() == allocated && r.stream().allMatch(row -> "released".equals(row.getString("outcome"))),
      FLUSH_DEADLINE);

    assertThat(rows).hasSize(allocated);
    assertThat(rows).filteredOn(row -> !"released".equals(row.getString("outcome")))
      .extracting(row -> row.getString("caller_id") + " allocated at " + row.getOffsetDateTime("allocated_at"))
      .isEmpty();
  }

  @Test
  void historyIsWrittenFromTheAllocatorsCopiesWhenRedisLosesItsStreamBeforeItWasWritten() {
    api.server().seed(TestServer.numbers("512", 3));
    // Another writer holds the lease: this server's writer cannot write the stream, as if Redis died before it did.
    api.redis(Request.cmd(Command.SET).arg(RedisKeys.HISTORY_WRITER).arg("elsewhere").arg("PX").arg(60_000));
    JsonObject first = api.nextCid("to", "5125551234", "campaign", "sales").bodyAsJsonObject();
    JsonObject second = api.nextCid("to", "5125551234", "campaign", "sales").bodyAsJsonObject();
    api.release(first.getString("caller_id"));
    // Nothing written while the lease is held elsewhere.
    api.poll(api::historyBuffered, n -> n == 3, FLUSH_DEADLINE);
    assertThat(allocations()).isEmpty();

    // Redis restarts empty: the stream, and the lease, are gone.
    api.redis(Request.cmd(Command.FLUSHDB));

    List<Row> rows = api.poll(this::allocations,
      r -> r.size() == 2 && r.stream().anyMatch(row -> "released".equals(row.getString("outcome"))), FLUSH_DEADLINE);
    assertThat(rows).extracting(row -> row.getUUID("id").toString())
      .containsExactly(first.getString("reservation"), second.getString("reservation"));
    assertThat(rows.get(0).getString("outcome")).isEqualTo("released");
    assertThat(rows.get(1).getString("outcome")).isNull();
  }

  @Test
  void whileAnotherNodesWriterHoldsTheLeaseThisOneWaitsThenTakesOverWhenItLapses() {
    api.server().seed(TestServer.numbers("512", 1));
    api.redis(Request.cmd(Command.SET).arg(RedisKeys.HISTORY_WRITER).arg("elsewhere").arg("PX").arg(1500));
    api.nextCid("to", "5125551234");

    assertThat(api.poll(api::historyBuffered, n -> n == 1, FLUSH_DEADLINE)).isEqualTo(1);
    assertThat(allocations()).isEmpty();
    List<Row> rows = api.poll(this::allocations, r -> r.size() == 1, FLUSH_DEADLINE);
    assertThat(rows).hasSize(1);
    assertThat(api.historyBuffered()).isZero();
  }

  @Test
  void anEntryOfTheStreamThatIsNotOursIsSkippedAndDoesNotHoldUpTheHistory() {
    api.server().seed(TestServer.numbers("512", 1));
    api.redis(Request.cmd(Command.XADD).arg(RedisKeys.HISTORY).arg("*").arg("e").arg("a").arg("id").arg("not-a-uuid"));
    api.nextCid("to", "5125551234");

    List<Row> rows = api.poll(this::allocations, r -> r.size() == 1, FLUSH_DEADLINE);

    assertThat(rows).hasSize(1);
    api.awaitHistoryWritten();
    assertThat(api.get("/metrics").bodyAsString()).containsPattern("(?m)^cidrotator_history_skipped_total [1-9]");
  }

  private List<Row> allocations() {
    return api.rows("SELECT * FROM allocations ORDER BY allocated_at");
  }
}
