package io.cidrotator.redis;

import io.cidrotator.AppConfig;
import io.cidrotator.EmbeddedServices;
import io.cidrotator.dialer.CallEnd;
import io.cidrotator.locality.AreaCode;
import io.cidrotator.locality.Locality;
import io.cidrotator.locality.Place;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.time.ZoneId;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real Redis the script tests run against, registered as an extension
 * ({@code @RegisterExtension static final ScriptFixture redis = new ScriptFixture();}): connects a
 * {@link ScriptRunner} to the shared test Redis once per class, and before each test empties the database and
 * sets the loaded mark (an index after a completed load). The helpers call the scripts through their typed
 * wrappers with the clock passed in, never the wall clock.
 */
final class ScriptFixture implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {

  static final ZoneId ZONE = ZoneId.of("America/Chicago");
  /** 2025-11-25 10:00:00 America/Chicago: the start of an hour, far from the end of the day. */
  static final long T0 = 1_764_086_400_000L;
  /** The reservation TTL of a pool without its own. */
  static final long TTL = 60_000;
  /** How long a call key outlives its reservation. */
  static final long GRACE = 900_000;
  static final String DEFAULT_POOL = "default";
  /** The campaign of an allocation that names none in particular (it has no mapping: the default pool). */
  static final String CAMPAIGN = "campaign-1";
  private static final int RECLAIM_BATCH = 8;
  /** The history stream's limit: far above what a test appends. */
  static final int HISTORY_LIMIT = 100_000;
  private static final int NO_AGENT_LIMIT = 100;

  private Vertx vertx;
  private ScriptRunner runner;

  @Override
  public void beforeAll(ExtensionContext context) {
    JsonObject services = EmbeddedServices.forTests().put("ADMIN_TOKEN", "unused-in-this-test-0000");
    AppConfig config = AppConfig.from(services);
    vertx = Vertx.vertx();
    runner = new ScriptRunner(vertx, config.redisConnectionString(), "test");
    runner.connect().await();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (runner != null) {
      // Leaves nothing for the servers of the next test class (its history stream holds test-only ids).
      send(Request.cmd(Command.FLUSHDB));
      runner.close().await();
    }
    if (vertx != null) {
      vertx.close().await();
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    send(Request.cmd(Command.FLUSHDB));
    send(Request.cmd(Command.SET).arg(RedisKeys.LOADED).arg("1"));
  }

  /** The runner, for a script a test calls itself. */
  ScriptRunner runner() {
    return runner;
  }

  /** A plain command, awaited. */
  Response send(Request request) {
    return runner.send(request).await();
  }

  String hget(String key, String field) {
    Response value = send(Request.cmd(Command.HGET).arg(key).arg(field));
    return value == null ? null : value.toString();
  }

  /** A hash's fields and values; empty when there is no such key. */
  Map<String, String> hash(String key) {
    Map<String, String> hash = new TreeMap<>();
    Response reply = send(Request.cmd(Command.HGETALL).arg(key));
    reply.getKeys().forEach(field -> hash.put(field, reply.get(field).toString()));
    return hash;
  }

  /** The score of {@code member} in a sorted set, null when it is not there. */
  Long zscore(String key, String member) {
    Response value = send(Request.cmd(Command.ZSCORE).arg(key).arg(member));
    return value == null ? null : value.toLong();
  }

  static CapWindows windows(long now) {
    return CapWindows.at(now, ZONE);
  }

  // sync.lua

  /** A number of the default pool in the area code its caller-ID starts with: caps 100/h and 500/day, never used. */
  static NumberRow number(String callerId) {
    return new NumberRow(callerId, DEFAULT_POOL, callerId.substring(0, 3), 100, 500, true, 0, List.of());
  }

  /** A number as PostgreSQL holds it; each method returns a copy with one column changed. */
  record NumberRow(String callerId, String pool, String areaCode, int hourlyLimit, int dailyLimit, boolean active,
                   long lastUsedMs, List<String> prefixes) {

    NumberRow usedAt(long ms) {
      return new NumberRow(callerId, pool, areaCode, hourlyLimit, dailyLimit, active, ms, prefixes);
    }

    NumberRow hourlyCap(int limit) {
      return new NumberRow(callerId, pool, areaCode, limit, dailyLimit, active, lastUsedMs, prefixes);
    }

    NumberRow dailyCap(int limit) {
      return new NumberRow(callerId, pool, areaCode, hourlyLimit, limit, active, lastUsedMs, prefixes);
    }

    NumberRow inPool(String name) {
      return new NumberRow(callerId, name, areaCode, hourlyLimit, dailyLimit, active, lastUsedMs, prefixes);
    }

    NumberRow inAreaCode(String npa) {
      return new NumberRow(callerId, pool, npa, hourlyLimit, dailyLimit, active, lastUsedMs, prefixes);
    }

    NumberRow deactivated() {
      return new NumberRow(callerId, pool, areaCode, hourlyLimit, dailyLimit, false, lastUsedMs, prefixes);
    }

    /** Assigned by an admin to {@code assigned} (2 to 5 digits each). */
    NumberRow assignedTo(String... assigned) {
      return new NumberRow(callerId, pool, areaCode, hourlyLimit, dailyLimit, active, lastUsedMs, List.of(assigned));
    }

    SyncScript.Number toSync() {
      return new SyncScript.Number(callerId, pool, areaCode, "carrier-x", hourlyLimit, dailyLimit, active,
        lastUsedMs, null, prefixes);
    }
  }

  /** Syncs {@code number} at T0 with what its history says ({@code restore}: for an index that lost it). */
  int syncRestoring(NumberRow number, SyncScript.Restore restore) {
    return syncWithHistory(number, restore, null);
  }

  /**
   * Syncs {@code number} at T0 with what its history says, merged into the index's own state (the index came from
   * another server: a failover); returns how many sync.lua wrote.
   */
  /** A merge for the server whose run id is {@link #SERVER}. */
  int syncMerging(NumberRow number, SyncScript.Restore restore) {
    return syncWithHistory(number, restore, SERVER);
  }

  /** The run id the merges of {@link #syncMerging} name. */
  static final String SERVER = "0123456789abcdef0123456789abcdef01234567";

  private int syncWithHistory(NumberRow number, SyncScript.Restore restore, String merge) {
    SyncScript.Number row = number.toSync();
    SyncScript.Number restoring = new SyncScript.Number(row.callerId(), row.pool(), row.areaCode(), row.carrier(),
      row.hourlyLimit(), row.dailyLimit(), row.active(), row.lastUsedMs(), restore, row.prefixes());
    return SyncScript.run(runner, new SyncScript.Args(T0, windows(T0), List.of(restoring), merge)).await();
  }

  /** Syncs {@code numbers} at T0; returns how many sync.lua wrote. */
  int sync(NumberRow... numbers) {
    List<SyncScript.Number> rows = Arrays.stream(numbers).map(NumberRow::toSync).toList();
    return SyncScript.run(runner, new SyncScript.Args(T0, windows(T0), rows)).await();
  }

  // allocate.lua

  /** An allocation for destination {@code npa}5551234 of the default campaign, id {@code "id-" + now}. */
  AllocateScript.Reply allocate(long now, String npa) {
    return allocate(now, npa, null, NO_AGENT_LIMIT, CAMPAIGN, null, null);
  }

  /** The same by {@code agent}, who may allocate {@code agentLimit} times a minute. */
  AllocateScript.Reply allocate(long now, String npa, String agent, int agentLimit) {
    return allocate(now, npa, agent, agentLimit, CAMPAIGN, null, null);
  }

  /** An allocation for the 10-digit {@code destination}, placed where the numbering plan places it. */
  AllocateScript.Reply allocateTo(long now, String destination) {
    return AllocateScript.run(runner, new AllocateScript.Args(now, DEFAULT_POOL, TTL, windows(now), null,
      NO_AGENT_LIMIT, CAMPAIGN, destination, "id-" + now, RECLAIM_BATCH, null, null, GRACE, HISTORY_LIMIT)).await();
  }

  /**
   * Checks keys.lua's invariant of the available sets and tier indexes: each number of an area code's set is in its
   * zone's, NPA-NXX's and assigned prefixes' sets with the same score, and those hold no other; each tier index holds
   * every area code (or area code and zone) of its tier with a number available, scored by its first score or lower,
   * and nothing but such names.
   */
  void assertSetsAndIndexesHold() {
    Map<String, Map<String, Double>> expected = new TreeMap<>();
    Map<String, Map<String, Double>> actual = new TreeMap<>();
    // index key -> (entry -> the first score of its set) for every set not empty
    Map<String, Map<String, Double>> heads = new TreeMap<>();
    for (Response key : send(Request.cmd(Command.KEYS).arg(RedisKeys.PREFIX + "*"))) {
      String name = key.toString();
      if (name.startsWith(RedisKeys.PREFIX + "p:") || name.startsWith(RedisKeys.PREFIX + "x:")
        || name.startsWith(RedisKeys.PREFIX + "a:") && name.contains("@")) {
        actual.put(name, scores(name, -1));
      }
      if (!name.startsWith(RedisKeys.PREFIX + "a:") || name.contains("@")) {
        continue;
      }
      String pool = name.substring((RedisKeys.PREFIX + "a:").length(), name.lastIndexOf(':'));
      String npa = name.substring(name.lastIndexOf(':') + 1);
      Map<String, Double> members = scores(name, -1);
      Map<String, String> first = hash(RedisKeys.number(members.keySet().iterator().next()));
      double head = members.values().iterator().next();
      Map<String, Double> zoneHeads = new TreeMap<>();
      members.forEach((cid, score) -> {
        Map<String, String> f = hash(RedisKeys.number(cid));
        assertThat(f).as(cid).containsEntry("pool", pool).containsEntry("npa", npa);
        for (String field : "1".equals(f.get("zs")) ? List.of("ov", "st", "zs") : List.of("ov", "st", "tz", "zs")) {
          assertThat(f.get(field)).as("%s of %s, as the first number of its area code's", field, cid)
            .isEqualTo(first.get(field));
        }
        if (cid.startsWith(npa)) {
          expected.computeIfAbsent(RedisKeys.town(pool, cid.substring(0, 6)), k -> new TreeMap<>()).put(cid, score);
        }
        if ("1".equals(f.get("zs"))) {
          expected.computeIfAbsent(RedisKeys.available(pool, npa + "@" + f.get("tz")), k -> new TreeMap<>())
            .put(cid, score);
          zoneHeads.merge(f.get("tz"), score, Math::min);
        }
        for (String prefix : f.getOrDefault("px", "").split(",")) {
          if (!prefix.isEmpty()) {
            expected.computeIfAbsent(RedisKeys.PREFIX + "x:" + pool + ":" + prefix, k -> new TreeMap<>())
              .put(cid, score);
          }
        }
      });
      heads.computeIfAbsent(RedisKeys.poolTier(pool), k -> new TreeMap<>()).put(npa, head);
      if (!first.getOrDefault("ov", "").isEmpty()) {
        heads.computeIfAbsent(RedisKeys.tier(pool, "o:" + first.get("ov")), k -> new TreeMap<>()).put(npa, head);
      }
      if (!first.getOrDefault("st", "").isEmpty()) {
        heads.computeIfAbsent(RedisKeys.tier(pool, "s:" + first.get("st")), k -> new TreeMap<>()).put(npa, head);
      }
      if (!first.getOrDefault("tz", "").isEmpty() && !"1".equals(first.get("zs"))) {
        heads.computeIfAbsent(RedisKeys.tier(pool, "z:" + first.get("tz")), k -> new TreeMap<>()).put(npa, head);
      }
      zoneHeads.forEach((zone, score) -> heads.computeIfAbsent(RedisKeys.tier(pool, "z:" + zone),
        k -> new TreeMap<>()).put(npa + "@" + zone, score));
    }
    assertThat(actual).as("the zone, NPA-NXX and assigned-prefix sets").isEqualTo(expected);
    heads.forEach((index, entries) -> {
      Map<String, Double> held = scores(index, -1);
      entries.forEach((entry, head) -> assertThat(held.get(entry)).as("%s in %s", entry, index).isNotNull()
        .isLessThanOrEqualTo(head));
    });
    for (Response key : send(Request.cmd(Command.KEYS).arg(RedisKeys.PREFIX + "t:*"))) {
      String name = key.toString();
      scores(name, -1).keySet().forEach(entry -> assertThat(entry).as("an entry of %s", name)
        .matches(name.contains(":z:") ? "[0-9]{3}(@.+)?" : "[0-9]{3}"));
    }
  }

  /** The members of a sorted set up to rank {@code last} (-1: all) with their scores, in order. */
  Map<String, Double> scores(String key, int last) {
    Map<String, Double> scores = new LinkedHashMap<>();
    Response reply = send(Request.cmd(Command.ZRANGE).arg(key).arg(0).arg(last).arg("WITHSCORES"));
    // RESP3 pairs each member with its score.
    reply.forEach(pair -> scores.put(pair.get(0).toString(), pair.get(1).toDouble()));
    return scores;
  }

  /** The same for {@code campaign} ('' = none). */
  AllocateScript.Reply allocateFor(String campaign, long now, String npa) {
    return allocate(now, npa, null, NO_AGENT_LIMIT, campaign, null, null);
  }

  /** An allocation in area code 512 for a callee in {@code region} whose local time is {@code minutes} (one per zone). */
  AllocateScript.Reply allocateCallee(long now, String region, Integer... minutes) {
    return AllocateScript.run(runner, new AllocateScript.Args(now, DEFAULT_POOL, TTL, windows(now), null,
      NO_AGENT_LIMIT, null, "5125551234", "id-" + now, RECLAIM_BATCH, null, null, GRACE, HISTORY_LIMIT,
      calleeIn(region), List.of(minutes))).await();
  }

  /** A callee of area code 512 placed in {@code region} (as if its area code were there), null for none. */
  private static Place calleeIn(String region) {
    if (region == null) {
      return null;
    }
    Place austin = Locality.nanp().of("5125551234");
    AreaCode area = austin.area();
    return new Place(austin.prefix(), austin.town(),
      new AreaCode(area.npa(), region, area.regionName(), area.zones(), area.overlay()), austin.zones());
  }

  /** An identified call's allocation in area code 512 without a campaign: {@code callKey} and {@code uid} (null = none). */
  AllocateScript.Reply allocateCall(long now, String callKey, String uid) {
    return allocate(now, "512", null, NO_AGENT_LIMIT, null, callKey, uid);
  }

  private AllocateScript.Reply allocate(long now, String npa, String agent, int agentLimit, String campaign,
                                        String callKey, String uid) {
    return AllocateScript.run(runner, new AllocateScript.Args(now, DEFAULT_POOL, TTL, windows(now), agent,
      agentLimit, campaign, npa + "5551234", "id-" + now, RECLAIM_BATCH, callKey, uid, GRACE, HISTORY_LIMIT)).await();
  }

  /** The number handed out; fails the test when the reply is a refusal. */
  static AllocateScript.Allocated allocated(AllocateScript.Reply reply) {
    assertThat(reply).as("allocation reply").isInstanceOf(AllocateScript.Allocated.class);
    return (AllocateScript.Allocated) reply;
  }

  static String callerIdOf(AllocateScript.Reply reply) {
    return allocated(reply).callerId();
  }

  /** The refusal; fails the test when a number was handed out. */
  static AllocateScript.Refused refused(AllocateScript.Reply reply) {
    assertThat(reply).as("allocation reply").isInstanceOf(AllocateScript.Refused.class);
    return (AllocateScript.Refused) reply;
  }

  static AllocateScript.Refusal reasonOf(AllocateScript.Reply reply) {
    return refused(reply).reason();
  }

  // release.lua

  /** Ends whatever reservation of {@code callerId} is live. */
  ReleaseScript.Reply release(String callerId, long now) {
    return release(callerId, now, null);
  }

  /** Ends the reservation {@code reservation} (an allocation id) of {@code callerId}, if it is still the live one. */
  ReleaseScript.Reply release(String callerId, long now, String reservation) {
    return release(new ReleaseScript.Args(callerId, now, windows(now), reservation, null, null, CallEnd.UNKNOWN,
      HISTORY_LIMIT));
  }

  /** {@code reply} without its history entry id, which Redis's clock decides: for comparing whole replies. */
  static ReleaseScript.Reply withoutEntry(ReleaseScript.Reply reply) {
    return new ReleaseScript.Reply(reply.result(), reply.allocationId(), reply.callerId(), null);
  }

  ReleaseScript.Reply release(ReleaseScript.Args args) {
    return ReleaseScript.run(runner, args).await();
  }

  // settings.lua

  /** Writes {@code pools} and the campaigns: {@code campaignPools} as campaign, pool pairs, in that order. */
  SettingsScript.Reply settings(List<SettingsScript.PoolSettings> pools, String... campaignPools) {
    Map<String, String> campaigns = new LinkedHashMap<>();
    for (int i = 0; i + 1 < campaignPools.length; i += 2) {
      campaigns.put(campaignPools[i], campaignPools[i + 1]);
    }
    return SettingsScript.run(runner, new SettingsScript.Args(pools, campaigns)).await();
  }

  /** The default pool alone, with the server's TTL, {@code tiers} and {@code strategy}. */
  void defaultPool(String tiers, String strategy) {
    defaultPool(tiers, strategy, 0);
  }

  /** The same, a destination keeping its number {@code stickyDays}. */
  void defaultPool(String tiers, String strategy, int stickyDays) {
    settings(List.of(new SettingsScript.PoolSettings(DEFAULT_POOL, null, tiers, strategy, stickyDays, null,
      Map.of())));
  }

  /**
   * The settings most campaign tests need: the default pool with the server's TTL and the usual fallback, and
   * the pool "east" with {@code ttlMs} (null = the server's) and {@code fallback}, which campaign "sales" uses.
   */
  void salesAllocateFromEast(Long ttlMs, String fallback) {
    settings(List.of(new SettingsScript.PoolSettings(DEFAULT_POOL, null, "area_code,pool"),
      new SettingsScript.PoolSettings("east", ttlMs, fallback)), "sales", "east");
  }

  // state.lua

  /** The number's state at {@code now}; null when the index does not hold it. */
  StateScript.Reply state(String callerId, long now) {
    return StateScript.run(runner, new StateScript.Args(callerId, now)).await();
  }
}
