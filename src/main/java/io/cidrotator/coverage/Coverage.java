package io.cidrotator.coverage;

import io.cidrotator.AppConfig;
import io.cidrotator.Bus;
import io.cidrotator.locality.AreaCode;
import io.cidrotator.locality.Locality;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The coverage report: for each destination area code a pool was asked for, its demand (from the history), the
 * pool's numbers that look local to it (its area code, its overlay, its state, its time zone) and how many numbers
 * of that area code to buy so its busiest hour is served locally within the caps and the calls' hold time.
 */
public final class Coverage implements Bus.Handlers {

  private final Pool pg;
  private final AppConfig config;

  public Coverage(Pool pg, AppConfig config) {
    this.pg = pg;
    this.config = config;
  }

  @Override
  public Map<String, Function<JsonObject, Future<JsonObject>>> handlers() {
    return Map.of(Bus.COVERAGE, this::coverage);
  }

  /** {@code {pool, days}}: fails 404 for an unknown pool. */
  private Future<JsonObject> coverage(JsonObject query) {
    String pool = query.getString("pool");
    int days = query.getInteger("days");
    Instant since = Instant.now().minus(days, ChronoUnit.DAYS);
    Tuple window = Tuple.of(pool, since.atOffset(ZoneOffset.UTC));
    return pg.preparedQuery(CoverageSql.POOL).execute(Tuple.of(pool))
      .compose(rows -> {
        if (rows.size() == 0) {
          return Future.failedFuture(new Bus.Failure(404, "pool '" + pool + "' does not exist"));
        }
        Integer poolCap = rows.iterator().next().getInteger("hourly_limit");
        int capPerNumber = poolCap != null ? poolCap : config.hourlyLimit();
        return Future.all(pg.preparedQuery(CoverageSql.DEMAND).execute(window),
            pg.preparedQuery(CoverageSql.PEAK_HOURS).execute(window),
            pg.preparedQuery(CoverageSql.SUPPLY).execute(Tuple.of(pool, config.hourlyLimit())))
          .map(all -> report(all.resultAt(0), all.resultAt(1), all.resultAt(2), capPerNumber)
            .put("pool", pool).put("days", days).put("since", since.toString())
            .put("hourly_cap_per_new_number", capPerNumber));
      });
  }

  /** An area code's active numbers in the pool and the allocations an hour their caps allow. */
  record Supply(long numbers, long hourlyCapacity) {
  }

  private static JsonObject report(RowSet<Row> demand, RowSet<Row> peaks, RowSet<Row> supplyRows, int capPerNumber) {
    Map<String, Row> peakOf = new HashMap<>();
    peaks.forEach(row -> peakOf.put(row.getString("area_code"), row));
    Map<String, Supply> supply = new HashMap<>();
    supplyRows.forEach(row -> supply.put(row.getString("area_code"),
      new Supply(row.getLong("numbers"), row.getLong("hourly_capacity"))));
    Locality locality = Locality.nanp();
    List<JsonObject> items = new ArrayList<>();
    for (Row row : demand) {
      String npa = row.getString("area_code");
      Row peak = peakOf.get(npa);
      long peakAllocations = peak.getLong("allocations");
      Double hold = row.getDouble("hold_seconds");
      Supply local = supply.getOrDefault(npa, new Supply(0, 0));
      AreaCode area = locality.areaCode(npa);
      long demanded = row.getLong("demand");
      items.add(new JsonObject()
        .put("area_code", npa)
        .put("region", area == null ? null : area.region())
        .put("demand", demanded)
        .put("served_in_area_code", row.getLong("local"))
        .put("outside_share", Math.round((demanded - row.getLong("local")) * 1000.0 / demanded) / 1000.0)
        .put("peak_hour", peak.getOffsetDateTime("hour").toInstant().toString())
        .put("peak_hour_allocations", peakAllocations)
        .put("mean_hold_seconds", hold == null ? null : Math.round(hold * 10) / 10.0)
        .put("supply", supplyByTier(npa, area, supply))
        .put("local_hourly_capacity", local.hourlyCapacity())
        .put("headroom_at_peak", local.hourlyCapacity() - peakAllocations)
        .put("numbers_to_buy", toBuy(peakAllocations, hold, local, capPerNumber)));
    }
    items.sort(Comparator.<JsonObject>comparingLong(item -> -item.getLong("numbers_to_buy"))
      .thenComparingLong(item -> -item.getLong("demand"))
      .thenComparing(item -> item.getString("area_code")));
    return new JsonObject().put("items", new JsonArray(items));
  }

  /**
   * The pool's active numbers that look local to a destination of {@code npa}, by tier: its area code, its overlay
   * (the area codes of the same towns), its state or province, its time zone(s); each counts the narrower ones too.
   * Toll-free and area codes the numbering plan data does not place have only their own.
   */
  private static JsonObject supplyByTier(String npa, AreaCode area, Map<String, Supply> supply) {
    long own = supply.getOrDefault(npa, new Supply(0, 0)).numbers();
    if (area == null) {
      return new JsonObject().put("area_code", own).putNull("overlay").putNull("state").putNull("time_zone");
    }
    return new JsonObject()
      .put("area_code", own)
      .put("overlay", numbers(supply, other -> area.overlay().contains(other.npa())))
      .put("state", numbers(supply, other -> other.region().equals(area.region())))
      .put("time_zone", numbers(supply, other -> other.zones().stream().anyMatch(area.zones()::contains)));
  }

  private static long numbers(Map<String, Supply> supply, Predicate<AreaCode> local) {
    Locality locality = Locality.nanp();
    long numbers = 0;
    for (Map.Entry<String, Supply> entry : supply.entrySet()) {
      AreaCode other = locality.areaCode(entry.getKey());
      if (other != null && local.test(other)) {
        numbers += entry.getValue().numbers();
      }
    }
    return numbers;
  }

  /**
   * Numbers of the area code to buy so its busiest hour is served there: enough hourly cap for the hour's
   * allocations, and enough numbers for the calls live at once (the hour's allocations times the mean hold, Little's
   * law), whichever needs more; less the numbers it has.
   */
  static long toBuy(long peakAllocations, Double holdSeconds, Supply local, int capPerNumber) {
    long missingCapacity = Math.max(0, peakAllocations - local.hourlyCapacity());
    long forCapacity = (missingCapacity + capPerNumber - 1) / capPerNumber;
    long concurrent = holdSeconds == null ? 0 : (long) Math.ceil(peakAllocations * holdSeconds / 3600.0);
    long forConcurrency = Math.max(0, concurrent - local.numbers());
    return Math.max(forCapacity, forConcurrency);
  }
}
