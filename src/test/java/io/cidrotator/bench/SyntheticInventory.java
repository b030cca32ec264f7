package io.cidrotator.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The made-up inventory of the benchmarks: {@code numbers} caller-IDs dealt round-robin over
 * {@code areaCodeCount} area codes, identical on every run so runs compare. Numbers are
 * {@code NPA + exchange (200-999) + line (0000-9999)}; area codes are 200-999 without the N11 service
 * codes, so each passes the schema's CHECK and {@code NanpNumber.parse}.
 */
final class SyntheticInventory {

  static final int MAX_AREA_CODES = 792;
  private static final int LINES_PER_EXCHANGE = 10_000;
  private static final int EXCHANGES = 800;

  private final int numbers;
  private final List<String> areaCodes;

  SyntheticInventory(int numbers, int areaCodeCount) {
    if (numbers < 1) {
      throw new IllegalArgumentException("--numbers: must be at least 1, got " + numbers);
    }
    if (areaCodeCount < 1 || areaCodeCount > MAX_AREA_CODES) {
      throw new IllegalArgumentException("--area-codes: must be between 1 and " + MAX_AREA_CODES + ", got "
        + areaCodeCount);
    }
    this.numbers = numbers;
    this.areaCodes = areaCodes(areaCodeCount);
  }

  int numbers() {
    return numbers;
  }

  /** The area code of number {@code i}. */
  String areaCodeOf(int i) {
    return areaCodes.get(i % areaCodes.size());
  }

  /** Caller-ID number {@code i}, 0 <= i < numbers. */
  String callerId(int i) {
    int rank = i / areaCodes.size();
    int exchange = 200 + (rank / LINES_PER_EXCHANGE) % EXCHANGES;
    int line = rank % LINES_PER_EXCHANGE;
    return areaCodeOf(i) + exchange + String.format("%04d", line);
  }

  /** The area codes that hold at least one number: destinations are drawn from these. */
  List<String> seededAreaCodes() {
    return areaCodes.subList(0, Math.min(numbers, areaCodes.size()));
  }

  /** A random 10-digit NANP destination in a seeded area code. */
  String randomDestination(Random random) {
    List<String> seeded = seededAreaCodes();
    return seeded.get(random.nextInt(seeded.size())) + (200 + random.nextInt(800))
      + String.format("%04d", random.nextInt(10_000));
  }

  private static List<String> areaCodes(int count) {
    List<String> codes = new ArrayList<>(count);
    for (int npa = 200; npa <= 999 && codes.size() < count; npa++) {
      if (npa % 100 != 11) {
        codes.add(Integer.toString(npa));
      }
    }
    return codes;
  }
}
