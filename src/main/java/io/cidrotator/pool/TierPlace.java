package io.cidrotator.pool;

import io.cidrotator.locality.AreaCode;
import io.cidrotator.locality.Locality;
import io.cidrotator.locality.Place;

import java.util.List;

/**
 * Where a number stands for the tiers: the area code it is assigned to, that area code's overlay and region, its zone
 * (its NPA-NXX's when its own digits are in that area code, else the area code's first), empty where the numbering
 * plan does not place them, and the prefixes an admin assigned it to. Redis holds the same for every number
 * (sync.lua); two places share a tier when its key is the same for both.
 *
 * @param number   the 10 digits
 * @param areaCode the area code the number is assigned to (a destination's own)
 * @param overlay  its overlay, named by its lowest area code
 * @param prefixes the 2- to 5-digit prefixes an admin assigned the number to (none for a destination)
 */
public record TierPlace(String number, String areaCode, String overlay, String region, String zone,
                        List<String> prefixes) {

  /** {@code number} assigned to {@code areaCode} and {@code prefixes}, placed by the numbering plan. */
  public static TierPlace of(String number, String areaCode, List<String> prefixes) {
    AreaCode area = Locality.nanp().areaCode(areaCode);
    if (area == null) {
      return new TierPlace(number, areaCode, "", "", "", prefixes);
    }
    Place own = number.startsWith(areaCode) ? Locality.nanp().of(number) : null;
    String zone = own != null ? own.zone() : area.zones().isEmpty() ? "" : area.zones().get(0).getId();
    String overlay = area.overlay().size() > 1 ? area.overlay().get(0) : "";
    return new TierPlace(number, areaCode, overlay, area.region(), zone, prefixes);
  }

  /**
   * Whether the numbers of its area code are not all in one zone ({@link Locality#zonesVary}): the time_zone tier then
   * holds them per zone (keys.lua's {@code a:<pool>:<npa>@<zone>}). The same for every number of an area code.
   */
  public boolean zoneApart() {
    return !zone.isEmpty() && Locality.nanp().zonesVary(areaCode);
  }

  /** A destination: {@code number} in its own area code. */
  public static TierPlace of(String number) {
    return of(number, number.substring(0, 3), List.of());
  }

  /**
   * Whether a number standing at {@code other} is in {@code tier} for a destination standing here (the prefix tier:
   * the same NPA-NXX, or a prefix of the destination the number is assigned to).
   */
  public boolean reaches(String tier, TierPlace other) {
    return switch (tier) {
      case "prefix" -> areaCode.equals(other.areaCode) && number.regionMatches(0, other.number, 0, 6)
        || other.prefixes.stream().anyMatch(number::startsWith);
      case "area_code" -> areaCode.equals(other.areaCode);
      case "overlay" -> !overlay.isEmpty() && overlay.equals(other.overlay);
      case "state" -> !region.isEmpty() && region.equals(other.region);
      case "time_zone" -> !zone.isEmpty() && zone.equals(other.zone);
      case "pool" -> true;
      default -> throw new IllegalArgumentException("not a tier: " + tier);
    };
  }

  /** What a destination standing here looks for in {@code tier}: {@code 212-555}, {@code US-NY}; null for none. */
  public String key(String tier) {
    return switch (tier) {
      case "prefix" -> areaCode + "-" + number.substring(3, 6);
      case "area_code" -> areaCode;
      case "overlay" -> overlay.isEmpty() ? null : overlay;
      case "state" -> region.isEmpty() ? null : region;
      case "time_zone" -> zone.isEmpty() ? null : zone;
      default -> null;
    };
  }
}
