package io.cidrotator.pool;

import io.cidrotator.http.Api;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** Pools and campaign mappings made through the API, as the starting point of a test. */
public final class PoolFixtures {

  private PoolFixtures() {
  }

  /** A pool with its own reservation TTL (seconds). */
  public static void createPool(Api api, String name, int reservationTtl) {
    HttpResponse<Buffer> response = api.admin(HttpMethod.POST, "/api/pools")
      .sendJsonObject(new JsonObject().put("name", name).put("reservation_ttl", reservationTtl)).await();
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(201);
  }

  public static void mapCampaign(Api api, String campaign, String pool) {
    HttpResponse<Buffer> response = api.admin(HttpMethod.PUT, "/api/campaigns/" + campaign)
      .sendJsonObject(new JsonObject().put("pool", pool)).await();
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
  }
}
