package io.cidrotator.locality;

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
}
