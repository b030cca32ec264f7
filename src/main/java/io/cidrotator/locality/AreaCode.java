package io.cidrotator.locality;

import java.time.ZoneId;
import java.util.List;

/**
 * An area code as the numbering plan data knows it.
 *
 * @param region     ISO 3166-2 ({@code US-NY}, {@code CA-ON}), or 3166-1 outside the US and Canada ({@code BS})
 * @param regionName the state, province or country, as the data spells it ({@code New York})
 * @param zones      its time zones: more than one where it spans zones (907, 208); the first is not preferred
 * @param overlay    the area codes serving the same towns, itself included, in order ({@code 212, 332, 646, ...});
 *                   only itself when it has no overlay
 */
public record AreaCode(String npa, String region, String regionName, List<ZoneId> zones, List<String> overlay) {

  /** The state or province code without its country ({@code NY}); the country code outside the US and Canada. */
  public String state() {
    int dash = region.indexOf('-');
    return dash < 0 ? region : region.substring(dash + 1);
  }
}
