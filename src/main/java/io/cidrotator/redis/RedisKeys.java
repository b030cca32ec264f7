package io.cidrotator.redis;

import java.util.List;

/**
 * The names of the Redis keys, for the Java that reads or writes them outside a script (and the tests). The layout
 * (every key, every field, the invariants) is documented once, in {@code resources/lua/keys.lua}, which builds the
 * same names for the scripts; the two must agree ({@code RedisKeysTest}). A {@code "*"} argument makes a KEYS
 * pattern.
 */
public final class RedisKeys {

  /** Every key starts with this; its hash tag keeps all of them in one Redis Cluster slot. KEYS[1] of every script. */
  public static final String PREFIX = "{cr}:";

  /** SET of every number the index holds. */
  public static final String ALL = PREFIX + "all";
  /** Set once a full load from PostgreSQL completed (the layout keys.lua documents). */
  public static final String LOADED = PREFIX + "loaded:v3";
  /** The load marks of the layouts before it: a load that finds one deletes that layout's keys. */
  public static final List<String> OLD_LOADED = List.of(PREFIX + "loaded", PREFIX + "loaded:v2");
  /** SET of every pool name the index holds. */
  public static final String POOLS = PREFIX + "pools";
  /** HASH campaign -> pool. */
  public static final String CAMPAIGNS = PREFIX + "campaigns";
  /** STREAM: the allocation history not yet written to PostgreSQL ({@link HistoryStream}). */
  public static final String HISTORY = PREFIX + "history";
  /** STRING: history entries not appended because the stream was at its limit. */
  public static final String HISTORY_DROPPED = PREFIX + "history:dropped";
  /** STRING: the id of the history writer holding the lease. */
  public static final String HISTORY_WRITER = PREFIX + "history:writer";
  /** STRING: the history stream's epoch token; a new one means the stream was lost. */
  public static final String HISTORY_EPOCH = PREFIX + "history:epoch";
  /** STRING: the id of the last history entry written to PostgreSQL. */
  public static final String HISTORY_WRITTEN = PREFIX + "history:written";
  /** HASH: each node's history writer, its last read and the epoch it wrote its node's copies for. */
  public static final String HISTORY_WRITERS = PREFIX + "history:writers";
  /** STRING: the run id of the Redis server the index was last made whole on ({@link Origin}). */
  public static final String ORIGIN = PREFIX + "origin";
  /** STRING: the run id whose arrival already renewed the history's epoch. */
  public static final String ORIGIN_CHANGED = PREFIX + "origin:changed";

  private RedisKeys() {
  }

  /** HASH of one number. */
  public static String number(String callerId) {
    return PREFIX + "n:" + callerId;
  }

  /** ZSET of the available numbers of a pool assigned to {@code areaCode}, in the pool's order. */
  public static String available(String pool, String areaCode) {
    return PREFIX + "a:" + pool + ":" + areaCode;
  }

  /** ZSET of the available numbers of a pool assigned to their own area code whose NPA-NXX is {@code prefix}. */
  public static String town(String pool, String prefix) {
    return PREFIX + "p:" + pool + ":" + prefix;
  }

  /**
   * ZSET of the area codes of a pool's tier with an available number ({@code tier}: "s:US-TX", "o:212", ...), each
   * scored by its first number's score or lower.
   */
  public static String tier(String pool, String tier) {
    return PREFIX + "t:" + pool + ":" + tier;
  }

  /** ZSET of the area codes of a pool with an available number (its 'pool' tier). */
  public static String poolTier(String pool) {
    return PREFIX + "t:" + pool;
  }

  /** ZSET of a pool's reserved numbers, by expiry. */
  public static String reserved(String pool) {
    return PREFIX + "r:" + pool;
  }

  /** ZSET of a pool's capped numbers, by the end of the cap. */
  public static String capped(String pool) {
    return PREFIX + "c:" + pool;
  }

  /** HASH of a pool's settings. */
  public static String poolSettings(String pool) {
    return PREFIX + "pool:" + pool;
  }

  /** STRING: an agent's allocations in one minute window (the rate limit). */
  public static String rate(String agent, String minuteId) {
    return PREFIX + "rl:" + agent + ":" + minuteId;
  }

  /** STRING: the call a VICIdial call id was allocated for. */
  public static String callKey(String callKey) {
    return PREFIX + "k:c:" + callKey;
  }

  /** STRING: the call an Asterisk UNIQUEID was allocated for. */
  public static String uid(String uid) {
    return PREFIX + "k:u:" + uid;
  }
}
