package io.cidrotator.reputation;

import io.cidrotator.http.Api;
import io.cidrotator.redis.RedisKeys;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A history batch written twice (what a writer killed after its commit and before trimming the stream leaves: the
 * next writer reads the same entries again) counts its call outcomes once: the release statement counts only the
 * allocations it ends.
 */
class OutcomesCountedOnceTest {

  @RegisterExtension
  static final Api api = new Api();

  private static final String SEPARATOR = "\u001f";

  @Test
  void aReleaseWrittenAgainIsNotCountedAgain() {
    api.reset();
    api.server().seed(List.of(new JsonObject().put("caller_id", "5125550001")));
    JsonObject allocation = api.nextCid("to", "5125551234", "campaign", "c1", "agent", "a1").bodyAsJsonObject();
    HttpResponse<Buffer> released = api.get("/release", "caller_id", "5125550001", "reservation",
      allocation.getString("reservation"), "dialstatus", "ANSWER", "answered", "42");
    assertThat(released.statusCode()).isEqualTo(200);
    api.awaitHistoryWritten();
    assertThat(counted()).isEqualTo(List.of(1L, 1L, 1L, 1L));

    // The same two entries again, as the stream held them.
    Row row = api.server().sql.preparedQuery("SELECT id, allocated_at, expires_at, released_at FROM allocations "
      + "WHERE caller_id = $1").execute(Tuple.of("5125550001")).await().iterator().next();
    String id = row.getUUID("id").toString();
    long at = row.getOffsetDateTime("allocated_at").toInstant().toEpochMilli();
    long expires = row.getOffsetDateTime("expires_at").toInstant().toEpochMilli();
    long end = row.getOffsetDateTime("released_at").toInstant().toEpochMilli();
    append(String.join(SEPARATOR, "a", id, "5125550001", Long.toString(at), Long.toString(expires), "5125551234",
      "c1", "a1", allocation.getString("tier"), "default", "", ""));
    append(String.join(SEPARATOR, "r", id, "5125550001", Long.toString(end), "released", "ANSWER", "42", ""));
    long writes = api.historyWrites();
    api.poll(api::historyWrites, w -> w > writes, Duration.ofSeconds(5));
    api.awaitHistoryWritten();

    assertThat(api.historyBuffered()).isZero();
    assertThat(counted()).as("calls, answered per number; calls, answered per pool").isEqualTo(List.of(1L, 1L, 1L, 1L));
  }

  private static void append(String entry) {
    api.redis(Request.cmd(Command.XADD).arg(RedisKeys.HISTORY).arg("*").arg("v").arg(entry));
  }

  private static List<Long> counted() {
    Row number = api.server().sql.query("SELECT coalesce(sum(calls), 0) AS calls, coalesce(sum(answered), 0) AS "
      + "answered FROM caller_id_hours").execute().await().iterator().next();
    Row pool = api.server().sql.query("SELECT coalesce(sum(calls), 0) AS calls, coalesce(sum(answered), 0) AS "
      + "answered FROM pool_hours").execute().await().iterator().next();
    return List.of(number.getLong("calls"), number.getLong("answered"), pool.getLong("calls"),
      pool.getLong("answered"));
  }
}
