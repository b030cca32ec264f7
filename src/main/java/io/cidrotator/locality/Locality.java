package io.cidrotator.locality;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where a NANP number is: its area code's region (state or province), overlay group and time zones, and its
 * NPA-NXX's town, from {@code nanp/locality.txt} (built by scripts/nanp-locality from libphonenumber's public data).
 * Immutable once loaded; read by any thread. One per JVM ({@link #nanp()}), loaded at start off the event loops.
 */
public final class Locality {

  static final String RESOURCE = "nanp/locality.txt";
  private static volatile Locality nanp;

  private final Map<String, AreaCode> areaCodes;
  /** NPA-NXX prefixes (as numbers, sorted) and their towns, looked up by binary search. */
  private final int[] prefixes;
  private final String[] towns;
  /** The 4- to 6-digit starts whose zones differ from their area code's. */
  private final Map<String, List<ZoneId>> zoneExceptions;
  /** The area codes whose numbers are not all in one zone: several zones, or starts with zones of their own. */
  private final Set<String> zonesVary;

  private Locality(Map<String, AreaCode> areaCodes, int[] prefixes, String[] towns,
                   Map<String, List<ZoneId>> zoneExceptions) {
    this.areaCodes = areaCodes;
    this.prefixes = prefixes;
    this.towns = towns;
    this.zoneExceptions = zoneExceptions;
    Set<String> vary = new HashSet<>();
    areaCodes.values().stream().filter(area -> area.zones().size() != 1).forEach(area -> vary.add(area.npa()));
    zoneExceptions.keySet().forEach(start -> vary.add(start.substring(0, 3)));
    this.zonesVary = Set.copyOf(vary);
  }

  /**
   * The plan's locality, read at the first call (blocking, 20-300 ms: MainVerticle makes that call off the event
   * loops at start), the same instance after.
   */
  public static Locality nanp() {
    Locality loaded = nanp;
    if (loaded == null) {
      synchronized (Locality.class) {
        loaded = nanp;
        if (loaded == null) {
          loaded = load();
          nanp = loaded;
        }
      }
    }
    return loaded;
  }

  /** Reads the resource; blocking: call it off the event loops. */
  static Locality load() {
    try (InputStream in = Locality.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the class path");
      }
      return read(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Locality read(BufferedReader reader) throws IOException {
    List<ZoneId> zones = new ArrayList<>();
    Map<String, AreaCode> areaCodes = new HashMap<>();
    Map<String, List<ZoneId>> exceptions = new HashMap<>();
    Map<String, String> interned = new HashMap<>();
    int[] prefixes = new int[40_000];
    String[] towns = new String[prefixes.length];
    int count = 0;
    String line;
    while ((line = reader.readLine()) != null) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\\|", -1);
      switch (f[0]) {
        case "Z" -> zones.add(ZoneId.of(f[2]));
        case "A" -> areaCodes.put(f[1], new AreaCode(f[1], f[2], f[3], zones(f[4], zones),
          f[5].isEmpty() ? List.of(f[1]) : List.of(f[5].split("/"))));
        case "T" -> exceptions.put(f[1], zones(f[2], zones));
        case "P" -> {
          if (count == prefixes.length) {
            prefixes = Arrays.copyOf(prefixes, count * 2);
            towns = Arrays.copyOf(towns, count * 2);
          }
          prefixes[count] = Integer.parseInt(f[1]);
          towns[count] = interned.computeIfAbsent(f[2], town -> town);
          count++;
        }
        default -> throw new IllegalStateException(RESOURCE + ": unknown line " + line);
      }
    }
    return new Locality(Map.copyOf(areaCodes), Arrays.copyOf(prefixes, count), Arrays.copyOf(towns, count),
      Map.copyOf(exceptions));
  }

  private static List<ZoneId> zones(String indexes, List<ZoneId> zones) {
    return Arrays.stream(indexes.split("&")).map(i -> zones.get(Integer.parseInt(i))).toList();
  }

  /** The area code {@code npa} as the data knows it; null for one it does not (toll-free 8XX, unassigned). */
  public AreaCode areaCode(String npa) {
    return areaCodes.get(npa);
  }

  /** Where the 10-digit {@code number} is; null when its area code has no locality (toll-free, unassigned). */
  public Place of(String number) {
    AreaCode area = areaCodes.get(number.substring(0, 3));
    if (area == null) {
      return null;
    }
    String prefix = number.substring(0, 6);
    int at = Arrays.binarySearch(prefixes, Integer.parseInt(prefix));
    return new Place(prefix, at < 0 ? null : towns[at], area, zonesOf(number, area));
  }

  /** The zones of the longest start of {@code number} the data names, else its area code's. */
  private List<ZoneId> zonesOf(String number, AreaCode area) {
    for (int length = 6; length > 3; length--) {
      List<ZoneId> zones = zoneExceptions.get(number.substring(0, length));
      if (zones != null) {
        return zones;
      }
    }
    return area.zones();
  }

  /**
   * Whether the numbers of area code {@code npa} are not all in one time zone: it spans zones (907, 208), or the data
   * gives some of its NPA-NXX a zone of their own (270, 541).
   */
  public boolean zonesVary(String npa) {
    return zonesVary.contains(npa);
  }

  /** Whether {@code region} (ISO 3166-2 as {@link AreaCode#region()} names it, e.g. US-TX) is one of the plan's. */
  public boolean hasRegion(String region) {
    return areaCodes.values().stream().anyMatch(area -> area.region().equals(region));
  }

  /** How many area codes and NPA-NXX towns the data holds. */
  public int areaCodeCount() {
    return areaCodes.size();
  }

  public int townCount() {
    return prefixes.length;
  }
}
