import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Builds src/main/resources/nanp/locality.txt from libphonenumber's NANP data (geocoding-en-1.txt, timezones-1.txt)
 * and scripts/nanp-overlays.txt. Run by scripts/nanp-locality, which says how; a single-file Java program, so a JDK
 * is all it needs. The output is sorted and has no date in it: the same inputs always give the same file.
 *
 * What it derives:
 * - each area code's region, as ISO 3166-2 (US-NY, CA-ON) or, for the Caribbean and Pacific members of the plan,
 *   ISO 3166-1 (BS, JM); its name; its time zones (several where it spans zones, e.g. 907);
 * - each NPA-NXX prefix's town (the rate center the data names) and the prefixes whose zone differs from their area
 *   code's (the data's longer keys, 4 to 6 digits);
 * - overlay groups: area codes of one region whose prefixes' towns mostly coincide in the data (at least half of the
 *   smaller one's towns in common), joined with the groups of nanp-overlays.txt for the area codes the data names no towns
 *   for, then closed under "shares an area code with" (917 overlays both 212 and 718: one group).
 */
public final class NanpLocality {

  /** US states, DC and territories; Canadian provinces and territories: name (as the data spells it) -> code. */
  private static final Map<String, String> REGIONS = new LinkedHashMap<>();
  /** The plan's members outside the US and Canada, by area code: ISO 3166-1 code and name. */
  private static final Map<String, String[]> COUNTRIES = new HashMap<>();

  static {
    String[] us = {"AL", "Alabama", "AK", "Alaska", "AZ", "Arizona", "AR", "Arkansas", "CA", "California",
      "CO", "Colorado", "CT", "Connecticut", "DE", "Delaware", "DC", "Washington D.C.", "FL", "Florida",
      "GA", "Georgia", "HI", "Hawaii", "ID", "Idaho", "IL", "Illinois", "IN", "Indiana", "IA", "Iowa",
      "KS", "Kansas", "KY", "Kentucky", "LA", "Louisiana", "ME", "Maine", "MD", "Maryland", "MA", "Massachusetts",
      "MI", "Michigan", "MN", "Minnesota", "MS", "Mississippi", "MO", "Missouri", "MT", "Montana",
      "NE", "Nebraska", "NV", "Nevada", "NH", "New Hampshire", "NJ", "New Jersey", "NM", "New Mexico",
      "NY", "New York", "NC", "North Carolina", "ND", "North Dakota", "OH", "Ohio", "OK", "Oklahoma",
      "OR", "Oregon", "PA", "Pennsylvania", "RI", "Rhode Island", "SC", "South Carolina", "SD", "South Dakota",
      "TN", "Tennessee", "TX", "Texas", "UT", "Utah", "VT", "Vermont", "VA", "Virginia", "WA", "Washington State",
      "WV", "West Virginia", "WI", "Wisconsin", "WY", "Wyoming"};
    for (int i = 0; i < us.length; i += 2) {
      REGIONS.put(us[i + 1], "US-" + us[i]);
    }
    String[] ca = {"AB", "Alberta", "BC", "British Columbia", "MB", "Manitoba", "NB", "New Brunswick",
      "NL", "Newfoundland and Labrador", "NS", "Nova Scotia/Prince Edward Island", "ON", "Ontario", "QC", "Quebec",
      "SK", "Saskatchewan", "NT", "Northwest Territories/Nunavut/Yukon"};
    for (int i = 0; i < ca.length; i += 2) {
      REGIONS.put(ca[i + 1], "CA-" + ca[i]);
    }
    // The data's own spelling of one province.
    REGIONS.put("British Colombia", "CA-BC");
    String[] countries = {
      "242", "BS", "Bahamas", "246", "BB", "Barbados", "264", "AI", "Anguilla", "268", "AG", "Antigua and Barbuda",
      "284", "VG", "British Virgin Islands", "340", "US-VI", "U.S. Virgin Islands", "345", "KY", "Cayman Islands",
      "441", "BM", "Bermuda", "473", "GD", "Grenada", "649", "TC", "Turks and Caicos Islands",
      "658", "JM", "Jamaica", "876", "JM", "Jamaica", "664", "MS", "Montserrat",
      "670", "US-MP", "Northern Mariana Islands", "671", "US-GU", "Guam", "684", "US-AS", "American Samoa",
      "721", "SX", "Sint Maarten", "758", "LC", "Saint Lucia", "767", "DM", "Dominica",
      "784", "VC", "Saint Vincent and the Grenadines", "787", "US-PR", "Puerto Rico", "939", "US-PR", "Puerto Rico",
      "809", "DO", "Dominican Republic", "829", "DO", "Dominican Republic", "849", "DO", "Dominican Republic",
      "868", "TT", "Trinidad and Tobago", "869", "KN", "Saint Kitts and Nevis"};
    for (int i = 0; i < countries.length; i += 3) {
      COUNTRIES.put(countries[i], new String[] {countries[i + 1], countries[i + 2]});
    }
  }

  private record AreaCode(String npa, String region, String regionName, List<String> zones) {
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      System.err.println("usage: java scripts/NanpLocality.java DATA_DIR OVERLAYS_FILE OUT_FILE");
      System.exit(2);
    }
    Path data = Path.of(args[0]);
    Map<String, String> geocoding = read(data.resolve("geocoding-en-1.txt"));
    Map<String, String> timezones = read(data.resolve("timezones-1.txt"));
    List<Set<String>> curated = overlays(Path.of(args[1]));

    Map<String, String> towns = new TreeMap<>();
    geocoding.forEach((key, value) -> {
      if (key.length() == 6) {
        towns.put(key, value);
      }
    });
    Set<String> npas = new TreeSet<>();
    geocoding.keySet().forEach(key -> npas.add(key.substring(0, 3)));
    timezones.keySet().forEach(key -> {
      if (key.length() >= 3) {
        npas.add(key.substring(0, 3));
      }
    });

    Map<String, AreaCode> areaCodes = new TreeMap<>();
    for (String npa : npas) {
      String[] region = region(npa, geocoding.get(npa), towns);
      // An area code the data splits by prefix only (208) has the zones of its prefixes.
      String zones = timezones.containsKey(npa) ? timezones.get(npa) : String.join("&", new TreeSet<>(
        timezones.entrySet().stream().filter(e -> e.getKey().length() > 3 && e.getKey().startsWith(npa))
          .flatMap(e -> Arrays.stream(e.getValue().split("&"))).toList()));
      if (region == null || zones.isEmpty()) {
        throw new IllegalStateException("area code " + npa + ": no region or no time zone in the data");
      }
      areaCodes.put(npa, new AreaCode(npa, region[0], region[1], List.of(zones.split("&"))));
    }

    Map<String, String> groups = overlayGroups(areaCodes, towns, curated);
    List<String> zones = new ArrayList<>(new TreeSet<>(timezones.values().stream()
      .flatMap(z -> Arrays.stream(z.split("&"))).toList()));

    List<String> out = new ArrayList<>();
    out.add("# cid-rotator's NANP locality, generated by scripts/nanp-locality: do not edit.");
    out.add("# Derived from libphonenumber's geocoding and time zone data for country code 1 (Copyright (C) 2011-2012");
    out.add("# The Libphonenumber Authors, Apache License 2.0: LICENSE beside this file) and scripts/nanp-overlays.txt.");
    out.add("# Z|index|IANA zone");
    out.add("# A|area code|region (ISO 3166-2, or 3166-1 outside the US and Canada)|region name|zone indexes|overlay group");
    out.add("# T|4 to 6 digits|zone indexes: the zones of the numbers starting so, where they differ from their area code's");
    out.add("# P|NPA-NXX|town");
    for (int i = 0; i < zones.size(); i++) {
      out.add("Z|" + i + "|" + zones.get(i));
    }
    for (AreaCode a : areaCodes.values()) {
      out.add("A|" + a.npa() + "|" + a.region() + "|" + a.regionName() + "|" + indexes(a.zones(), zones) + "|"
        + groups.getOrDefault(a.npa(), ""));
    }
    new TreeMap<>(timezones).forEach((key, value) -> {
      if (key.length() > 3) {
        out.add("T|" + key + "|" + indexes(List.of(value.split("&")), zones));
      }
    });
    towns.forEach((prefix, town) -> out.add("P|" + prefix + "|" + town));
    Files.write(Path.of(args[2]), out, StandardCharsets.UTF_8);
    System.out.printf("%s: %d area codes, %d overlay groups, %d prefixes with a town, %d zone exceptions%n",
      args[2], areaCodes.size(), new HashSet<>(groups.values()).size(), towns.size(),
      timezones.keySet().stream().filter(k -> k.length() > 3).count());
  }

  /** The data's lines of country code 1 as key (the digits after the 1) -> value; comments and blanks skipped. */
  private static Map<String, String> read(Path file) throws IOException {
    Map<String, String> lines = new TreeMap<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      int bar = line.indexOf('|');
      if (line.startsWith("#") || bar < 2 || line.charAt(0) != '1') {
        continue;
      }
      lines.put(line.substring(1, bar), line.substring(bar + 1).trim());
    }
    return lines;
  }

  /** One set of area codes per line that is not a comment: "212 646 332 917  # source". */
  private static List<Set<String>> overlays(Path file) throws IOException {
    List<Set<String>> groups = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String text = line.replaceAll("#.*", "").trim();
      if (!text.isEmpty()) {
        groups.add(new TreeSet<>(List.of(text.split("\\s+"))));
      }
    }
    return groups;
  }

  /**
   * {code, name}: the plan's members outside the US and Canada by area code; else the region the area code's own
   * line names (a state, or "City, ST"); else the state most of its prefixes' towns are in.
   */
  private static String[] region(String npa, String own, Map<String, String> towns) {
    if (COUNTRIES.containsKey(npa)) {
      return COUNTRIES.get(npa);
    }
    if (own != null && REGIONS.containsKey(own)) {
      return new String[] {REGIONS.get(own), own};
    }
    String code = own != null && own.matches(".*, [A-Z]{2}") ? own.substring(own.length() - 2) : null;
    if (code == null) {
      Map<String, Integer> votes = new HashMap<>();
      towns.forEach((prefix, town) -> {
        if (prefix.startsWith(npa) && town.matches(".*, [A-Z]{2}")) {
          votes.merge(town.substring(town.length() - 2), 1, Integer::sum);
        }
      });
      code = votes.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
    }
    if (code == null) {
      return null;
    }
    for (Map.Entry<String, String> region : REGIONS.entrySet()) {
      if (region.getValue().endsWith("-" + code)) {
        return new String[] {region.getValue(), region.getKey()};
      }
    }
    throw new IllegalStateException("area code " + npa + ": unknown region code " + code);
  }

  /**
   * Area code -> its overlay group ("212/332/646/917"), for the area codes in a group of two or more: the data's
   * pairs and the curated groups, each within one region, joined while they share an area code.
   */
  private static Map<String, String> overlayGroups(Map<String, AreaCode> areaCodes, Map<String, String> towns,
                                                   List<Set<String>> curated) {
    Map<String, Set<String>> townsOf = new TreeMap<>();
    // Prefixes' towns only: an area code's own line names one town for a whole region at times (934, Long Island,
    // says "New York, NY").
    towns.forEach((prefix, town) -> townsOf.computeIfAbsent(prefix.substring(0, 3), n -> new HashSet<>()).add(town));
    List<Set<String>> pairs = new ArrayList<>();
    List<String> known = new ArrayList<>(townsOf.keySet());
    for (int i = 0; i < known.size(); i++) {
      for (int j = i + 1; j < known.size(); j++) {
        String a = known.get(i);
        String b = known.get(j);
        if (!areaCodes.get(a).region().equals(areaCodes.get(b).region())) {
          continue;
        }
        Set<String> common = new HashSet<>(townsOf.get(a));
        common.retainAll(townsOf.get(b));
        if (common.size() * 2 >= Math.min(townsOf.get(a).size(), townsOf.get(b).size())) {
          pairs.add(Set.of(a, b));
        }
      }
    }
    for (Set<String> group : curated) {
      for (String npa : group) {
        if (!areaCodes.containsKey(npa)) {
          throw new IllegalStateException("nanp-overlays.txt: " + npa + " is not an area code of the data");
        }
      }
      if (group.stream().map(npa -> areaCodes.get(npa).region()).distinct().count() != 1) {
        throw new IllegalStateException("nanp-overlays.txt: " + group + " spans regions");
      }
    }
    List<Set<String>> all = new ArrayList<>(pairs);
    all.addAll(curated);
    return join(all);
  }

  /** The connected groups of {@code sets}: area code -> the group's area codes joined by "/". */
  private static Map<String, String> join(Collection<Set<String>> sets) {
    Map<String, String> parent = new HashMap<>();
    for (Set<String> set : sets) {
      String first = null;
      for (String npa : set) {
        parent.putIfAbsent(npa, npa);
        if (first == null) {
          first = npa;
        } else {
          parent.put(root(parent, npa), root(parent, first));
        }
      }
    }
    Map<String, Set<String>> members = new TreeMap<>();
    parent.keySet().forEach(npa -> members.computeIfAbsent(root(parent, npa), r -> new TreeSet<>()).add(npa));
    Map<String, String> groups = new TreeMap<>();
    members.values().forEach(group -> group.forEach(npa -> groups.put(npa, String.join("/", group))));
    return groups;
  }

  private static String root(Map<String, String> parent, String npa) {
    String at = npa;
    while (!parent.get(at).equals(at)) {
      at = parent.get(at);
    }
    return at;
  }

  private static String indexes(List<String> names, List<String> zones) {
    return String.join("&", names.stream().map(name -> Integer.toString(zones.indexOf(name))).toList());
  }

  private NanpLocality() {
  }
}
