package io.cidrotator.callerid;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The prefixes an admin assigns a number to (VICIdial's AC-CID): 2 to 5 digits, the first 2-9, at most
 * {@value #MAX} a number; the one check of the admin API and the CSV import.
 */
public final class AssignedPrefixes {

  static final int MAX = 20;

  private AssignedPrefixes() {
  }

  /**
   * {@code given}, stripped, duplicates dropped, in order.
   *
   * @throws IllegalArgumentException {@code prefixes: ...} naming the first bad one
   */
  public static List<String> parse(List<String> given) {
    Set<String> prefixes = new LinkedHashSet<>();
    for (String prefix : given) {
      String text = prefix.strip();
      if (!text.matches("[2-9][0-9]{1,4}")) {
        throw new IllegalArgumentException("prefixes: '" + text + "' is not a prefix of 2 to 5 digits starting 2-9");
      }
      prefixes.add(text);
    }
    if (prefixes.size() > MAX) {
      throw new IllegalArgumentException("prefixes: at most " + MAX + " per number, got " + prefixes.size());
    }
    return List.copyOf(prefixes);
  }
}
