package io.cidrotator.dialer;

import io.cidrotator.TestServer;
import io.cidrotator.http.Api;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A pool's calling window through the API: set on the pool, checked on the callee's local time at /next-cid, which
 * refuses with 451 and reason outside_calling_window in every format, reserving and counting nothing.
 */
class CallingWindowApiTest {

  @RegisterExtension
  static final Api api = new Api();

  /** 512 is Austin: America/Chicago. */
  private static final ZoneId CALLEE_ZONE = ZoneId.of("America/Chicago");

  /** reset() also takes the pool default's windows away. */
  @BeforeEach
  void oneNumberAndNoWindow() {
    api.reset();
    api.server().seed(TestServer.numbers("512", 1));
  }

  private static HttpResponse<Buffer> patchDefault(JsonObject changes) {
    return api.admin(HttpMethod.PATCH, "/api/pools/default").sendJsonObject(changes).await();
  }

  /** A window that leaves the callee's present local time out (an hour ago, or the first hour of the day). */
  private static String windowExcludingNow() {
    int now = LocalTime.now(CALLEE_ZONE).toSecondOfDay() / 60;
    return now >= 120 ? "00:00-01:00" : "22:00-23:00";
  }

  @Test
  void outsideTheWindowEveryFormatRefusesWith451AndNothingIsReserved() {
    String window = windowExcludingNow();
    assertThat(patchDefault(new JsonObject().put("calling_window", window)).statusCode()).isEqualTo(200);

    HttpResponse<Buffer> json = api.nextCid("to", "5125559876", "campaign", "sales", "agent", "a1");
    HttpResponse<Buffer> kv = api.nextCid("to", "5125559876", "format", "kv");
    HttpResponse<Buffer> text = api.nextCid("to", "5125559876", "format", "text");

    assertThat(json.statusCode()).isEqualTo(451);
    assertThat(json.bodyAsJsonObject().getString("reason")).isEqualTo("outside_calling_window");
    assertThat(json.bodyAsJsonObject().getString("detail")).startsWith("pool 'default' calls between " + window
      + " in the callee's local time, and it is ").contains("(America/Chicago) there: nothing reserved");
    assertThat(kv.statusCode()).isEqualTo(451);
    assertThat(kv.bodyAsString()).startsWith("error=outside_calling_window&detail=");
    assertThat(text.statusCode()).isEqualTo(451);
    assertThat(text.bodyAsString()).isNullOrEmpty();
    assertThat(api.reservedCount()).isZero();
    JsonObject live = api.admin(HttpMethod.GET, "/api/caller-ids/5125550100").send().await().bodyAsJsonObject()
      .getJsonObject("live");
    assertThat(live.getInteger("uses_this_hour")).isZero();
  }

  @Test
  void insideTheWindowOrWithoutOneTheNumberIsHandedOut() {
    assertThat(patchDefault(new JsonObject().put("calling_window", "00:00-24:00")).statusCode()).isEqualTo(200);
    assertThat(api.nextCid("to", "5125559876").statusCode()).isEqualTo(200);

    api.release("5125550100");
    assertThat(patchDefault(new JsonObject().putNull("calling_window")).statusCode()).isEqualTo(200);
    assertThat(api.nextCid("to", "5125559876").statusCode()).isEqualTo(200);
  }

  @Test
  void aRegionsWindowAppliesToItsCalleesOnly() {
    String window = windowExcludingNow();
    assertThat(patchDefault(new JsonObject().put("calling_window_by_region", new JsonObject().put("US-TX", window)))
      .statusCode()).isEqualTo(200);

    assertThat(api.nextCid("to", "5125559876").statusCode()).as("Texas").isEqualTo(451);
    assertThat(api.nextCid("to", "2125559876").statusCode()).as("New York: no window").isEqualTo(200);
  }

  @Test
  void tollFreeDestinationsHaveNoLocalTimeAndAreNotChecked() {
    assertThat(patchDefault(new JsonObject().put("calling_window", windowExcludingNow())).statusCode()).isEqualTo(200);

    assertThat(api.nextCid("to", "8005559876").statusCode()).isEqualTo(200);
  }

  /** The windows live in PostgreSQL: Redis losing its data gets them back with the rebuild, before any allocation. */
  @Test
  void aWindowHoldsAfterRedisLostItsData() {
    assertThat(patchDefault(new JsonObject().put("calling_window", windowExcludingNow())).statusCode()).isEqualTo(200);
    api.redis(Request.cmd(Command.FLUSHDB));

    HttpResponse<Buffer> after = api.poll(() -> api.nextCid("to", "5125559876"),
      r -> r.statusCode() != 503, Duration.ofSeconds(5));

    assertThat(after.statusCode()).isEqualTo(451);
    assertThat(api.reservedCount()).isZero();
  }

  @Test
  void thePoolShowsItsWindows() {
    patchDefault(new JsonObject().put("calling_window", "08:00-21:00")
      .put("calling_window_by_region", new JsonObject().put("US-TX", "09:00-20:00")));

    JsonObject pool = api.admin(HttpMethod.GET, "/api/pools/default").send().await().bodyAsJsonObject();

    assertThat(pool.getString("calling_window")).isEqualTo("08:00-21:00");
    assertThat(pool.getJsonObject("calling_window_by_region")).isEqualTo(new JsonObject().put("US-TX", "09:00-20:00"));
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "{\"calling_window\": \"21:00-08:00\"}|calling_window: the end must come after the start",
    "{\"calling_window\": \"8am-9pm\"}|calling_window: HH:MM-HH:MM",
    "{\"calling_window\": 8}|calling_window: HH:MM-HH:MM or null",
    "{\"calling_window_by_region\": {\"TX\": \"09:00-20:00\"}}|calling_window_by_region.TX: not a region",
    "{\"calling_window_by_region\": {\"US-TX\": \"late\"}}|calling_window_by_region.US-TX: HH:MM-HH:MM",
    "{\"calling_window_by_region\": [\"US-TX\"]}|calling_window_by_region: an object"})
  void badWindowsAre400NamingThemAndChangeNothing(String bodyAndDetail) {
    String[] parts = bodyAndDetail.split("\\|");

    HttpResponse<Buffer> response = api.admin(HttpMethod.PATCH, "/api/pools/default")
      .putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(parts[0])).await();

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.bodyAsJsonObject().getString("detail")).startsWith(parts[1]);
    JsonObject pool = api.admin(HttpMethod.GET, "/api/pools/default").send().await().bodyAsJsonObject();
    assertThat(pool.getValue("calling_window")).isNull();
    assertThat(pool.getJsonObject("calling_window_by_region")).isEmpty();
  }
}
