package io.cidrotator.locality;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.ZoneId;
import java.util.List;

/**
 * Where a number is.
 *
 * @param prefix its NPA-NXX
 * @param town   the town (rate center) of its NPA-NXX, {@code City, ST}; null where the data names none
 * @param zones  its time zones: its prefix's where the data says so, else its area code's
 */
public record Place(String prefix, String town, AreaCode area, List<ZoneId> zones) {

  /** The overlay it is in, named by its lowest area code ({@code 212} for 917); empty where it has none. */
  public String overlayGroup() {
    return area.overlay().size() > 1 ? area.overlay().get(0) : "";
  }

  /** Its time zone for the {@code time_zone} tier: the first of its zones (one, unless its prefix is unresolved). */
  public String zone() {
    return zones.get(0).getId();
  }

  /** {@code {town, state, region, region_name, zones, overlay}}, as the admin API shows it. */
  public JsonObject toJson() {
    return new JsonObject()
      .put("town", town)
      .put("state", area.state())
      .put("region", area.region())
      .put("region_name", area.regionName())
      .put("zones", new JsonArray(zones.stream().map(ZoneId::getId).toList()))
      .put("overlay", new JsonArray(area.overlay()));
  }
}
