package io.cidrotator.csv;

/**
 * The first line of each caller-ID seen in one CSV file, to reject later duplicates. Open addressing on
 * the 10 digits as a long: about 24 bytes a number, where a {@code HashMap<String, Integer>} takes
 * over 100, which matters for a million-row file.
 */
final class LineIndex {

  private long[] keys = new long[1 << 14];
  private int[] lines = new int[1 << 14];
  private int size;

  /**
   * Records {@code line} for {@code callerId} (10 digits, never zero) unless it is known; answers the line
   * recorded first, or 0 when this is the first.
   */
  int putIfAbsent(long callerId, int line) {
    int slot = find(keys, callerId);
    if (keys[slot] == callerId) {
      return lines[slot];
    }
    keys[slot] = callerId;
    lines[slot] = line;
    if (++size * 2 > keys.length) {
      grow();
    }
    return 0;
  }

  private void grow() {
    long[] oldKeys = keys;
    int[] oldLines = lines;
    keys = new long[oldKeys.length * 2];
    lines = new int[oldKeys.length * 2];
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != 0) {
        int slot = find(keys, oldKeys[i]);
        keys[slot] = oldKeys[i];
        lines[slot] = oldLines[i];
      }
    }
  }

  /** The slot holding {@code key}, else the empty slot where it belongs (linear probing). */
  private static int find(long[] table, long key) {
    int mask = table.length - 1;
    int slot = Long.hashCode(key * 0x9E3779B97F4A7C15L) & mask;
    while (table[slot] != 0 && table[slot] != key) {
      slot = (slot + 1) & mask;
    }
    return slot;
  }
}
