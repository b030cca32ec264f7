package io.cidrotator.bench;

import io.cidrotator.locality.Locality;

import java.util.concurrent.ThreadLocalRandom;

/**
 * What the numbering plan's locality costs the server (scripts/bench locality): its load at start in this fresh JVM
 * (cold, as the server pays it), the heap it keeps, and the time of one lookup of a destination. Prints one line.
 */
public final class LocalityLoad {

  private LocalityLoad() {
  }

  public static void main(String[] args) throws InterruptedException {
    Runtime runtime = Runtime.getRuntime();
    long before = settledHeap(runtime);
    long started = System.nanoTime();
    Locality locality = Locality.nanp();
    long loadMs = (System.nanoTime() - started) / 1_000_000;
    long kept = settledHeap(runtime) - before;

    String[] numbers = new String[100_000];
    for (int i = 0; i < numbers.length; i++) {
      numbers[i] = (200 + ThreadLocalRandom.current().nextInt(800)) + String.format("%07d",
        ThreadLocalRandom.current().nextInt(2_000_000, 10_000_000));
    }
    // Warm-up: the JIT compiles the lookup, as it has in a server that has been running.
    for (int round = 0; round < 5; round++) {
      for (String number : numbers) {
        locality.of(number);
      }
    }
    int placed = 0;
    started = System.nanoTime();
    for (String number : numbers) {
      placed += locality.of(number) == null ? 0 : 1;
    }
    double lookupNs = (System.nanoTime() - started) / (double) numbers.length;
    System.out.printf("load %d ms (cold), heap kept %.1f MB, lookup %.0f ns (%d area codes, %d towns; %d of %d random "
        + "numbers placed)%n", loadMs, kept / 1e6, lookupNs, locality.areaCodeCount(), locality.townCount(), placed,
      numbers.length);
  }

  private static long settledHeap(Runtime runtime) throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return runtime.totalMemory() - runtime.freeMemory();
  }
}
