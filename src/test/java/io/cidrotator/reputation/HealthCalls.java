package io.cidrotator.reputation;

import io.cidrotator.Bus;
import io.cidrotator.BusCalls;
import io.cidrotator.http.Api;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The calls the number health tests make of a running server. */
record HealthCalls(Api api) {

  /** One round of the rest ladder as of {@code at} (the bus address the minute timer uses). */
  JsonObject round(Instant at) {
    return new BusCalls(api.server().vertx).answer(Bus.HEALTH_ROUND, new JsonObject().put("at", at.toEpochMilli()));
  }

  /** GET /api/caller-ids/{cid}, which must answer 200. */
  JsonObject detail(String cid) {
    HttpResponse<Buffer> response = api.admin(HttpMethod.GET, "/api/caller-ids/" + cid).send().await();
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  /** The numbers in the state {@code health}. */
  List<String> numbersIn(String health) {
    JsonArray items = api.admin(HttpMethod.GET, "/api/caller-ids?size=100&health=" + health).send().await()
      .bodyAsJsonObject().getJsonArray("items");
    return items.stream().map(item -> ((JsonObject) item).getString("caller_id")).toList();
  }

  List<JsonObject> audited(String action, String target) {
    JsonArray items = api.admin(HttpMethod.GET, "/api/audit?action=" + action + "&target=" + target).send().await()
      .bodyAsJsonObject().getJsonArray("items");
    return items.stream().map(JsonObject.class::cast).toList();
  }

  /** The numbers handed out for 512-555-1234 by {@code calls} allocations, {@code inFlight} at a time, released. */
  Set<String> handedOutUnderLoad(int calls, int inFlight) {
    Set<String> handed = new HashSet<>();
    for (int done = 0; done < calls; done += inFlight) {
      List<Future<HttpResponse<Buffer>>> batch = new ArrayList<>();
      for (int i = 0; i < inFlight; i++) {
        batch.add(api.server().http.get("/next-cid").addQueryParam("to", "5125551234")
          .addQueryParam("agent", "load" + i).send());
      }
      List<String> cids = new ArrayList<>();
      for (Future<HttpResponse<Buffer>> answer : batch) {
        HttpResponse<Buffer> response = answer.await();
        if (response.statusCode() == 200) {
          cids.add(response.bodyAsJsonObject().getString("caller_id"));
        }
      }
      handed.addAll(cids);
      cids.forEach(api::release);
    }
    return handed;
  }
}
