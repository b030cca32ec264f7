package io.cidrotator.pool;

import io.vertx.core.json.JsonArray;
import io.vertx.ext.web.handler.HttpException;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A pool's tiers: where {@code /next-cid} looks for a number, in order, each a step further from the destination
 * (lua/tiers.lua reads them), and its strategy, the order within a tier.
 */
public final class Tiers {

  /** Every tier, nearest first: the default order. */
  public static final List<String> ALL = List.of("prefix", "area_code", "overlay", "state", "time_zone", "pool");
  public static final String DEFAULT = String.join(",", ALL);
  public static final Set<String> STRATEGIES = Set.of("lru", "least_used_today", "round_robin");
  /** What the {@code fallback} of pools before tiers meant, still accepted as a tier list. */
  static final Set<String> FALLBACKS = Set.of("area_code,pool", "area_code", "pool");

  private Tiers() {
  }

  /**
   * {@code value} as a tier list: a comma-separated string or an array of tier names, each at most once, at least
   * one; returned comma-separated without spaces.
   *
   * @throws HttpException 400 naming {@code field} and what is wrong
   */
  static String parse(String field, Object value) {
    List<String> names = new ArrayList<>();
    if (value instanceof String text) {
      for (String name : text.split(",", -1)) {
        names.add(name.strip());
      }
    } else if (value instanceof JsonArray array) {
      for (Object name : array) {
        names.add(name instanceof String text ? text.strip() : String.valueOf(name));
      }
    } else {
      throw new HttpException(400, field + ": a list of tiers such as \"" + DEFAULT + "\", got " + value);
    }
    List<String> tiers = new ArrayList<>();
    for (String name : names) {
      if (!ALL.contains(name)) {
        throw new HttpException(400, field + ": '" + name + "' is not a tier (one of " + DEFAULT + ")");
      }
      if (tiers.contains(name)) {
        throw new HttpException(400, field + ": '" + name + "' is listed twice");
      }
      tiers.add(name);
    }
    return String.join(",", tiers);
  }

  /**
   * @throws HttpException 400 naming {@code field} unless {@code value} is one of {@link #STRATEGIES}
   */
  static String strategy(String field, Object value) {
    if (!(value instanceof String text) || !STRATEGIES.contains(text)) {
      throw new HttpException(400, field + ": one of lru, least_used_today, round_robin, got " + value);
    }
    return text;
  }
}
