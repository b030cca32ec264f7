package io.cidrotator.bench;

import io.cidrotator.EmbeddedServices;
import io.cidrotator.TestServer;
import io.cidrotator.stats.RequestStats;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The benchmark's direct route serves the production dialer routes (dialer check included) on its own port, with
 * an allocator called in place: what scripts/bench compares the bus against.
 */
class DirectRouteVerticleTest {

  private static final String KEY = "dialer-key-one-0123456789";

  private static TestServer server;
  private static WebClient direct;

  @BeforeAll
  static void start() {
    server = TestServer.start(new JsonObject().put("DIALER_KEYS", KEY));
    int port = EmbeddedServices.freePort();
    server.vertx.deployVerticle(new DirectRouteVerticle(server.config, port, new RequestStats(new SimpleMeterRegistry())))
      .await();
    direct = WebClient.create(server.vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @BeforeEach
  void oneNumber() {
    server.reset().seed(TestServer.numbers("512", 1));
  }

  @Test
  void theDirectRouteNeedsTheDialerKeyLikeTheServersOwn() {
    assertThat(get("/next-cid", "to", "5125551234").statusCode()).isEqualTo(401);
    assertThat(get("/release", "caller_id", "5125550100").statusCode()).isEqualTo(401);
  }

  @Test
  void theDirectRouteAllocatesAndReleasesWithTheKey() {
    HttpResponse<Buffer> allocated = get("/next-cid", "to", "915125551234", "campaign", "SALESA", "agent", "1001",
      "key", KEY);
    HttpResponse<Buffer> released = get("/release", "caller_id", "5125550100", "key", KEY);

    assertThat(allocated.statusCode()).as(allocated.bodyAsString()).isEqualTo(200);
    assertThat(allocated.bodyAsJsonObject().getString("caller_id")).isEqualTo("5125550100");
    assertThat(allocated.bodyAsJsonObject().getString("tier")).isEqualTo("prefix");
    assertThat(released.bodyAsJsonObject()).isEqualTo(new JsonObject()
      .put("success", true).put("caller_id", "5125550100").put("released", true));
  }

  private static HttpResponse<Buffer> get(String path, String... params) {
    HttpRequest<Buffer> request = direct.get(path);
    for (int i = 0; i < params.length; i += 2) {
      request.addQueryParam(params[i], params[i + 1]);
    }
    return request.send().await();
  }
}
