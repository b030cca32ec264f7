package io.cidrotator.history;

import io.cidrotator.AppConfig;
import io.cidrotator.Bus;
import io.cidrotator.pool.PoolClient;
import io.cidrotator.redis.CampaignReservationsScript;
import io.cidrotator.redis.TierAvailableScript;
import io.cidrotator.redis.ScriptRunner;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The dashboard's charts, read from the allocation history (allocations per hour and campaign, demand per
 * destination area code against local supply, today's busiest numbers against their caps) and one
 * number's recent allocations.
 */
public final class Charts implements Bus.Handlers {

  private static final long HOUR_S = 3600;

  private final Pool pg;
  private final ScriptRunner redis;
  private final AppConfig config;

  public Charts(Pool pg, ScriptRunner redis, AppConfig config) {
    this.pg = pg;
    this.redis = redis;
    this.config = config;
  }

  @Override
  public Map<String, Function<JsonObject, Future<JsonObject>>> handlers() {
    return Map.of(
      Bus.CHART_ALLOCATIONS, this::allocationsPerHour,
      Bus.CHART_AREA_CODES, this::areaCodes,
      Bus.CHART_USAGE_TODAY, this::usageToday,
      Bus.CHART_CAMPAIGNS, query -> campaigns(),
      Bus.CALLER_ID_HISTORY, this::history);
  }

  /** {@code {hours}}: the last N UTC hours, the current one included, oldest first. */
  private Future<JsonObject> allocationsPerHour(JsonObject query) {
    int hours = query.getInteger("hours");
    long firstHour = Instant.now().getEpochSecond() / HOUR_S - (hours - 1);
    return pg.preparedQuery(ChartSql.ALLOCATIONS_PER_HOUR)
      .execute(Tuple.of(hourStart(firstHour)))
      .map(rows -> {
        Map<String, long[]> series = new LinkedHashMap<>();
        for (Row row : rows) {
          int index = (int) (row.getLong("hour") - firstHour);
          if (index >= 0 && index < hours) {
            series.computeIfAbsent(row.getString("campaign"), c -> new long[hours])[index] = row.getLong("allocations");
          }
        }
        JsonArray starts = new JsonArray();
        for (int i = 0; i < hours; i++) {
          starts.add(hourStart(firstHour + i).toInstant().toString());
        }
        JsonArray items = new JsonArray();
        series.forEach((campaign, counts) -> {
          JsonArray values = new JsonArray();
          for (long count : counts) {
            values.add(count);
          }
          items.add(new JsonObject().put("campaign", campaign).put("counts", values));
        });
        return new JsonObject().put("hours", starts).put("series", items);
      });
  }

  /** {@code {hours}}: demand per destination area code over the last N hours. */
  private Future<JsonObject> areaCodes(JsonObject query) {
    OffsetDateTime since = OffsetDateTime.now(ZoneOffset.UTC).minusHours(query.getInteger("hours"));
    return pg.preparedQuery(ChartSql.AREA_CODES)
      .execute(Tuple.of(since))
      .map(rows -> Bus.items(rows, row -> new JsonObject()
        .put("area_code", row.getString("area_code"))
        .put("demand", row.getLong("demand"))
        .put("fallbacks", row.getLong("fallbacks"))
        .put("local_numbers", row.getLong("local_numbers"))))
      .compose(this::withAvailableNow);
  }

  /**
   * Adds available_now to each area code: the default pool's numbers of it free in Redis now (its area code tier; a
   * number whose reservation ran out without a release returns to it when an allocation reclaims it, so this may
   * count a few short). Without Redis the chart goes out without the field.
   */
  private Future<JsonObject> withAvailableNow(JsonObject chart) {
    List<JsonObject> items = chart.getJsonArray("items").stream().map(JsonObject.class::cast).toList();
    List<String> tiers = items.stream().map(item -> "a:" + item.getString("area_code")).toList();
    return TierAvailableScript.run(redis, new TierAvailableScript.Args(PoolClient.DEFAULT_POOL, tiers))
      .map(counts -> {
        for (int i = 0; i < items.size(); i++) {
          items.get(i).put("available_now", counts.get(i));
        }
        return chart;
      })
      .otherwise(chart);
  }

  /** {@code {limit}}: the numbers with the most allocations since midnight in TIMEZONE. */
  private Future<JsonObject> usageToday(JsonObject query) {
    OffsetDateTime midnight = LocalDate.now(config.timezone()).atStartOfDay(config.timezone()).toOffsetDateTime();
    return pg.preparedQuery(ChartSql.USAGE_TODAY)
      .execute(Tuple.of(midnight, config.dailyLimit(), config.hourlyLimit(), query.getInteger("limit")))
      .map(rows -> Bus.items(rows, row -> new JsonObject()
        .put("caller_id", row.getString("caller_id"))
        .put("uses_today", row.getLong("uses_today"))
        .put("daily_limit", row.getInteger("daily_limit"))
        .put("hourly_limit", row.getInteger("hourly_limit"))));
  }

  /**
   * Each campaign's load: its calls live now (reservations in Redis, every node's) and its allocations of the last
   * 60 s (the history in PostgreSQL, every node's, a second or so behind), the busiest first. Without Redis the live
   * counts are null; without PostgreSQL the chart fails.
   */
  private Future<JsonObject> campaigns() {
    long now = System.currentTimeMillis();
    Future<Map<String, Long>> live = CampaignReservationsScript.run(redis, new CampaignReservationsScript.Args(now))
      .otherwise((Map<String, Long>) null);
    Future<RowSet<Row>> minute = pg.preparedQuery(ChartSql.CAMPAIGN_ALLOCATIONS)
      .execute(Tuple.of(Instant.ofEpochMilli(now - 60_000).atOffset(ZoneOffset.UTC)));
    return Future.all(live, minute).map(all -> {
      Map<String, JsonObject> byCampaign = new HashMap<>();
      for (Row row : minute.result()) {
        byCampaign.put(orEmpty(row.getString("campaign")), new JsonObject()
          .put("allocations_last_minute", row.getLong("allocations"))
          .put("not_local_last_minute", row.getLong("not_local")));
      }
      if (live.result() != null) {
        live.result().forEach((campaign, count) ->
          byCampaign.computeIfAbsent(campaign, c -> new JsonObject()).put("live_calls", count));
      }
      List<JsonObject> items = new ArrayList<>();
      byCampaign.forEach((campaign, load) -> items.add(new JsonObject()
        .put("campaign", campaign.isEmpty() ? null : campaign)
        .put("live_calls", live.result() == null ? null : load.getLong("live_calls", 0L))
        .put("allocations_last_minute", load.getLong("allocations_last_minute", 0L))
        .put("not_local_last_minute", load.getLong("not_local_last_minute", 0L))));
      items.sort(Comparator.<JsonObject>comparingLong(item -> -item.getLong("live_calls", 0L)
          - item.getLong("allocations_last_minute"))
        .thenComparing(item -> orEmpty(item.getString("campaign"))));
      return new JsonObject().put("items", new JsonArray(items)).put("at", Instant.ofEpochMilli(now).toString());
    });
  }

  private static String orEmpty(String text) {
    return text == null ? "" : text;
  }

  /** {@code {caller_id, limit}}: fails 404 when the inventory has no such number. */
  private Future<JsonObject> history(JsonObject query) {
    String callerId = query.getString("caller_id");
    return pg.preparedQuery(ChartSql.NUMBER_EXISTS)
      .execute(Tuple.of(callerId))
      .compose(rows -> rows.iterator().next().getBoolean("known")
        ? pg.preparedQuery(ChartSql.NUMBER_HISTORY).execute(Tuple.of(callerId, query.getInteger("limit")))
        : Future.failedFuture(new Bus.Failure(404, "caller_id " + callerId + " is not in the inventory")))
      .map(rows -> Bus.items(rows, Charts::historyJson));
  }

  private static JsonObject historyJson(Row row) {
    return new JsonObject()
      .put("id", row.getUUID("id").toString())
      .put("allocated_at", text(row.getOffsetDateTime("allocated_at")))
      .put("released_at", text(row.getOffsetDateTime("released_at")))
      .put("destination", row.getString("destination"))
      .put("campaign", row.getString("campaign"))
      .put("agent", row.getString("agent"))
      .put("tier", row.getString("tier"))
      .put("outcome", row.getString("outcome"))
      .put("dial_status", row.getString("dial_status"))
      .put("answered_seconds", row.getInteger("answered_seconds"));
  }

  private static OffsetDateTime hourStart(long hour) {
    return Instant.ofEpochSecond(hour * HOUR_S).atOffset(ZoneOffset.UTC);
  }

  private static String text(OffsetDateTime time) {
    return time == null ? null : time.toInstant().truncatedTo(ChronoUnit.MILLIS).toString();
  }
}
