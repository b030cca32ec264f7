package io.cidrotator.bench;

import io.cidrotator.EmbeddedServices;
import io.cidrotator.dialer.CallEnd;
import io.cidrotator.pool.Tiers;
import io.cidrotator.redis.AllocateScript;
import io.cidrotator.redis.CapWindows;
import io.cidrotator.redis.RedisKeys;
import io.cidrotator.redis.ReleaseScript;
import io.cidrotator.redis.ScriptRunner;
import io.cidrotator.redis.SettingsScript;
import io.cidrotator.redis.SyncScript;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * Redis CPU per allocation as the pool grows: for each size, seeds that many numbers with the sync
 * script, then runs the allocate and release scripts in rounds (a batch of allocations, then their
 * releases: like that many calls in progress) and reads {@code INFO commandstats} between phases, so
 * the {@code cmdstat_evalsha} deltas of the allocate phases hold allocations only. The usec Redis
 * reports is the time spent executing the script, without protocol parsing or network I/O.
 *
 * <p>Embedded Redis unless REDIS_URL is set (then FLUSHDB is run on it: needs --allow-wipe).
 */
public final class RedisCost {

  private static final String POOL = "default";
  private static final int SEED_BATCH = 1000;
  private static final int SEED_PIPELINE = 8;
  /** Long enough that no reservation expires mid-run: reclaim is not what is measured here. */
  private static final long TTL_MS = 600_000;
  private static final int RECLAIM_BATCH = 8;
  private static final int HISTORY_LIMIT = 2_000_000;
  private static final int HOURLY_LIMIT = 1_000_000;
  private static final int DAILY_LIMIT = 10_000_000;

  private final ScriptRunner redis;
  private final Options options;
  private final ZoneId zone = ZoneId.systemDefault();
  private final Random random = new Random(42);

  private RedisCost(ScriptRunner redis, Options options) {
    this.redis = redis;
    this.options = options;
  }

  public static void main(String[] args) {
    Options options;
    try {
      options = Options.parse(args);
      if (System.getenv("REDIS_URL") != null && !options.allowWipe) {
        throw new IllegalArgumentException("REDIS_URL: this tool runs FLUSHDB on that database; "
          + "pass --allow-wipe if it is a throwaway");
      }
    } catch (IllegalArgumentException e) {
      System.err.println("RedisCost: " + e.getMessage());
      System.exit(2);
      return;
    }
    String url = System.getenv("REDIS_URL");
    if (url == null) {
      url = "redis://127.0.0.1:" + EmbeddedServices.startRedis(null).getInteger("REDIS_PORT");
    }
    Vertx vertx = Vertx.vertx();
    ScriptRunner redis = new ScriptRunner(vertx, url, "redis-cost");
    Promise<List<Result>> measured = Promise.promise();
    // One event loop owns the connection: pipelined sends and their replies stay on one thread.
    vertx.getOrCreateContext().runOnContext(v -> new RedisCost(redis, options).measureAll().onComplete(measured));
    int status = 0;
    try {
      report(options, measured.future().await());
    } catch (RuntimeException e) {
      System.err.println("RedisCost failed: " + e.getMessage());
      status = 1;
    }
    redis.close().await();
    vertx.close().await();
    System.exit(status);
  }

  private Future<List<Result>> measureAll() {
    Future<List<Result>> chain = redis.connect()
      .compose(v -> redis.loadScripts(SyncScript.LUA, SettingsScript.LUA, AllocateScript.LUA, ReleaseScript.LUA))
      .map(v -> new ArrayList<>());
    for (int size : options.sizes) {
      chain = chain.compose(results -> measure(size).map(result -> {
        results.add(result);
        return results;
      }));
    }
    return chain;
  }

  private Future<Result> measure(int size) {
    SyntheticInventory inventory = new SyntheticInventory(size, options.areaCodes);
    long seedStart = System.nanoTime();
    int warmUp = Math.min(options.calls / 10, 10_000);
    System.err.printf("redis-cost: %,d numbers: seeding...%n", size);
    return redis.send(Request.cmd(Command.FLUSHDB))
      .compose(v -> redis.send(Request.cmd(Command.SET).arg(RedisKeys.LOADED).arg("bench")))
      .compose(v -> seed(inventory, 0))
      .compose(v -> mapCampaign())
      .compose(v -> {
        long seedMs = (System.nanoTime() - seedStart) / 1_000_000;
        System.err.printf("redis-cost: %,d numbers: seeded in %,d ms; %,d allocations (each released)...%n",
          size, seedMs, options.calls);
        return usedMemory()
          .compose(memory -> commandStat()
            .compose(start -> rounds(inventory, warmUp, start, new Totals()))
            .compose(warm -> rounds(inventory, options.calls, warm.last, new Totals()))
            .map(totals -> new Result(size, seedMs, memory, totals)));
      });
  }

  /**
   * Maps the allocations' campaign onto the pool and gives the pool its own TTL, so each allocation reads
   * both, as a production allocation of a mapped campaign does.
   */
  private Future<SettingsScript.Reply> mapCampaign() {
    return SettingsScript.run(redis, new SettingsScript.Args(
      List.of(new SettingsScript.PoolSettings(POOL, TTL_MS, options.tiers)), Map.of("bench", POOL)));
  }

  /** Upserts numbers [from, numbers) with the sync script, SEED_PIPELINE batches in flight. */
  private Future<Void> seed(SyntheticInventory inventory, int from) {
    if (from >= inventory.numbers()) {
      return Future.succeededFuture();
    }
    List<Future<?>> window = new ArrayList<>();
    int next = from;
    while (window.size() < SEED_PIPELINE && next < inventory.numbers()) {
      int end = Math.min(next + SEED_BATCH, inventory.numbers());
      window.add(SyncScript.run(redis, syncArgs(inventory, next, end)));
      next = end;
    }
    int after = next;
    return Future.all(window).compose(v -> seed(inventory, after));
  }

  /** Numbers [from, to) of the inventory, active, never used. */
  private SyncScript.Args syncArgs(SyntheticInventory inventory, int from, int to) {
    long now = System.currentTimeMillis();
    List<SyncScript.Number> numbers = new ArrayList<>(to - from);
    for (int i = from; i < to; i++) {
      numbers.add(new SyncScript.Number(inventory.callerId(i), POOL, inventory.areaCodeOf(i), "bench-carrier",
        HOURLY_LIMIT, DAILY_LIMIT, true, 0));
    }
    return new SyncScript.Args(now, CapWindows.at(now, zone), numbers);
  }

  /**
   * {@code remaining} allocations in rounds of {@code --batch}: allocate, read the stats, release what
   * was allocated, read the stats. The INFO call is pipelined behind the scripts on the one connection,
   * so Redis answers it after they ran.
   */
  private Future<Totals> rounds(SyntheticInventory inventory, int remaining, Stat start, Totals totals) {
    if (remaining <= 0) {
      totals.last = start;
      return Future.succeededFuture(totals);
    }
    int n = Math.min(options.batch, remaining);
    List<Future<AllocateScript.Reply>> allocations = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      allocations.add(AllocateScript.run(redis, allocateArgs(inventory.randomDestination(random))));
    }
    Future<Stat> allocated = commandStat();
    return Future.join(allocations)
      .transform(ar -> allocated)
      .compose(afterAllocate -> {
        totals.addAllocations(afterAllocate.calls - start.calls, afterAllocate.usec - start.usec);
        return release(allocations, totals)
          .compose(afterRelease -> {
            totals.releaseCalls += afterRelease.calls - afterAllocate.calls;
            totals.releaseUsec += afterRelease.usec - afterAllocate.usec;
            // Emptied as the history writer would, between rounds (not counted: not a script). Pipelined, not
            // awaited: one more future per round nests the chain of 1,500 rounds too deep for the stack.
            redis.send(Request.cmd(Command.DEL).arg(RedisKeys.HISTORY));
            return rounds(inventory, remaining - n, afterRelease, totals);
          });
      });
  }

  /** Releases what the round allocated; resolves with the stats read right behind the releases. */
  private Future<Stat> release(List<Future<AllocateScript.Reply>> allocations, Totals totals) {
    List<Future<ReleaseScript.Reply>> releases = new ArrayList<>(allocations.size());
    for (Future<AllocateScript.Reply> allocation : allocations) {
      if (allocation.failed() || !(allocation.result() instanceof AllocateScript.Allocated allocated)) {
        totals.failures++;
        totals.lastFailure = allocation.failed() ? allocation.cause().getMessage()
          : ((AllocateScript.Refused) allocation.result()).reason().toString();
        continue;
      }
      releases.add(ReleaseScript.run(redis, releaseArgs(allocated.callerId())));
    }
    Future<Stat> released = commandStat();
    return Future.all(releases).compose(v -> released);
  }

  /**
   * An allocation as VICIdial's request makes it (campaign and agent: the campaign's pool, its settings and
   * the agent's rate count are read and written), with a long TTL.
   */
  private AllocateScript.Args allocateArgs(String destination) {
    long now = System.currentTimeMillis();
    String agent = Integer.toString(1001 + random.nextInt(200));
    return new AllocateScript.Args(now, POOL, TTL_MS, CapWindows.at(now, zone), agent, 1_000_000, "bench",
      destination, UUID.randomUUID().toString(), RECLAIM_BATCH, null, null, 15 * 60_000L, HISTORY_LIMIT);
  }

  private ReleaseScript.Args releaseArgs(String callerId) {
    long now = System.currentTimeMillis();
    return new ReleaseScript.Args(callerId, now, CapWindows.at(now, zone), null, null, null, CallEnd.UNKNOWN,
      HISTORY_LIMIT);
  }

  /** calls and usec of cmdstat_evalsha (both 0 before the first EVALSHA). */
  private Future<Stat> commandStat() {
    return redis.send(Request.cmd(Command.INFO).arg("commandstats"))
      .map(reply -> {
        for (String line : reply.toString().split("\r?\n")) {
          if (line.startsWith("cmdstat_evalsha:")) {
            return new Stat(field(line, "calls"), field(line, "usec"));
          }
        }
        return new Stat(0, 0);
      });
  }

  private Future<String> usedMemory() {
    return redis.send(Request.cmd(Command.INFO).arg("memory"))
      .map(reply -> Arrays.stream(reply.toString().split("\r?\n"))
        .filter(line -> line.startsWith("used_memory_human:"))
        .map(line -> line.substring(line.indexOf(':') + 1).trim())
        .findFirst()
        .orElse("?"));
  }

  private static long field(String line, String name) {
    for (String part : line.substring(line.indexOf(':') + 1).split(",")) {
      if (part.startsWith(name + "=")) {
        return Long.parseLong(part.substring(name.length() + 1));
      }
    }
    throw new IllegalStateException("no " + name + " in " + line);
  }

  private static void report(Options options, List<Result> results) {
    System.out.printf("%nRedis CPU per call (INFO commandstats: cmdstat_evalsha usec / calls), %d area codes, "
      + "%,d allocations per size in rounds of %d, tiers %s%n", options.areaCodes, options.calls, options.batch,
      options.tiers);
    System.out.printf("%10s %7s %9s %12s %13s %11s %13s %16s %9s%n", "numbers", "seed s", "memory",
      "allocate us", "alloc med us", "release us", "alloc+rel us", "allocs/s ceiling", "failures");
    for (Result r : results) {
      System.out.printf("%10d %7.1f %9s %12.2f %13.2f %11.2f %13.2f %16.0f %9d%n", r.size, r.seedMs / 1000.0,
        r.memory, r.totals.allocateUs(), r.totals.medianAllocateUs(), r.totals.releaseUs(),
        r.totals.allocateUs() + r.totals.releaseUs(),
        1_000_000 / (r.totals.allocateUs() + r.totals.releaseUs()), r.totals.failures);
      if (r.totals.failures > 0) {
        System.out.println("  last failure: " + r.totals.lastFailure);
      }
    }
    if (results.size() > 1) {
      Result smallest = results.stream().min((a, b) -> Integer.compare(a.size, b.size)).orElseThrow();
      Result largest = results.stream().max((a, b) -> Integer.compare(a.size, b.size)).orElseThrow();
      double ratio = largest.totals.allocateUs() / smallest.totals.allocateUs();
      double medianRatio = largest.totals.medianAllocateUs() / smallest.totals.medianAllocateUs();
      double pairRatio = (largest.totals.allocateUs() + largest.totals.releaseUs())
        / (smallest.totals.allocateUs() + smallest.totals.releaseUs());
      System.out.printf("REDIS_COST_RATIO allocate=%.2f allocate_median=%.2f alloc_release=%.2f largest=%d smallest=%d "
          + "target<=1.30 %s%n", ratio, medianRatio, pairRatio, largest.size, smallest.size,
        ratio <= 1.3 ? "OK" : "ABOVE_TARGET");
    }
    System.out.println("allocate us: mean over all measured calls; alloc med us: median of the per-round means "
      + "(robust to rounds where Redis lost the CPU);");
    System.out.println("allocs/s ceiling = 1e6 / (allocate us + release us): allocations, each released, per second "
      + "of Redis CPU alone (one core, no network)");
  }

  private record Stat(long calls, long usec) {
  }

  private record Result(int size, long seedMs, String memory, Totals totals) {
  }

  private static final class Totals {
    long allocateCalls;
    long allocateUsec;
    long releaseCalls;
    long releaseUsec;
    long failures;
    String lastFailure;
    Stat last;

    /** usec per allocate call of each round: their median shrugs off rounds where Redis was preempted. */
    final List<Double> roundAllocateUs = new ArrayList<>();

    void addAllocations(long calls, long usec) {
      allocateCalls += calls;
      allocateUsec += usec;
      if (calls > 0) {
        roundAllocateUs.add((double) usec / calls);
      }
    }

    double allocateUs() {
      return allocateCalls == 0 ? Double.NaN : (double) allocateUsec / allocateCalls;
    }

    double medianAllocateUs() {
      if (roundAllocateUs.isEmpty()) {
        return Double.NaN;
      }
      List<Double> sorted = roundAllocateUs.stream().sorted().toList();
      return sorted.get(sorted.size() / 2);
    }

    double releaseUs() {
      return releaseCalls == 0 ? Double.NaN : (double) releaseUsec / releaseCalls;
    }
  }

  private record Options(List<Integer> sizes, int areaCodes, int calls, int batch, String tiers, boolean allowWipe) {

    static Options parse(String[] args) {
      List<Integer> sizes = List.of(1_000, 10_000, 100_000, 1_000_000);
      int areaCodes = 100;
      int calls = 100_000;
      int batch = 64;
      String tiers = Tiers.DEFAULT;
      boolean allowWipe = false;
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        switch (arg) {
          case "--sizes" -> sizes = Arrays.stream(value(args, ++i, arg).split(","))
            .map(String::trim)
            .map(s -> positive(arg, s.replace("_", "")))
            .toList();
          case "--area-codes" -> areaCodes = positive(arg, value(args, ++i, arg));
          case "--calls" -> calls = positive(arg, value(args, ++i, arg));
          case "--batch" -> batch = positive(arg, value(args, ++i, arg));
          case "--tiers" -> tiers = value(args, ++i, arg);
          case "--allow-wipe" -> allowWipe = true;
          default -> throw new IllegalArgumentException("unknown option " + arg);
        }
      }
      if (areaCodes > SyntheticInventory.MAX_AREA_CODES) {
        throw new IllegalArgumentException("--area-codes: at most " + SyntheticInventory.MAX_AREA_CODES);
      }
      return new Options(sizes, areaCodes, calls, batch, tiers, allowWipe);
    }

    private static String value(String[] args, int i, String option) {
      if (i >= args.length) {
        throw new IllegalArgumentException(option + ": missing value");
      }
      return args[i];
    }

    private static int positive(String option, String value) {
      try {
        int parsed = Integer.parseInt(value);
        if (parsed > 0) {
          return parsed;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new IllegalArgumentException(option + ": expected a positive integer, got '" + value + "'");
    }
  }
}
