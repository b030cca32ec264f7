package io.cidrotator.allocation;

import io.cidrotator.dialer.CallEnd;
import io.cidrotator.metrics.Metrics;
import io.cidrotator.redis.AllocateScript;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The allocators' Prometheus counters of what /next-cid and the releases did: allocations by pool, tier and outcome;
 * the calls for an area code that found no free number of it (the signal of an area code to buy numbers in); and the
 * releases by call outcome. A counter is made once per label set and kept (label values are bounded: pools, tiers,
 * refusals, area codes, Asterisk's dial statuses).
 */
public final class AllocationMeters {

  /** The tiers that give the callee a number of its own area code. */
  private static final Set<String> LOCAL_TIERS = Set.of("prefix", "area_code");
  /** Asterisk's DIALSTATUS values; anything else is counted as OTHER. */
  private static final Set<String> DIAL_STATUSES = Set.of("ANSWER", "BUSY", "NOANSWER", "CANCEL", "CONGESTION",
    "CHANUNAVAIL", "DONTCALL", "TORTURE", "INVALIDARGS");

  private final MeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  public AllocationMeters() {
    this(Metrics.registry());
  }

  AllocationMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  /** A number handed out (a retry's repeat counted apart: it reserved nothing new). */
  void allocated(AllocateScript.Allocated allocated, String areaCode) {
    String outcome = allocated.repeat() ? "repeat" : "allocated";
    allocations(allocated.pool(), allocated.tier(), outcome).increment();
    if (!allocated.repeat() && !LOCAL_TIERS.contains(allocated.tier()) && !"sticky".equals(allocated.tier())) {
      notLocal(allocated.pool(), areaCode).increment();
    }
  }

  /** No number handed out, and why. */
  void refused(AllocateScript.Refused refused, String areaCode) {
    allocations(refused.pool(), "none", refused.reason().name().toLowerCase(Locale.ROOT)).increment();
    if (refused.reason() == AllocateScript.Refusal.NO_LOCAL_NUMBER) {
      notLocal(refused.pool(), areaCode).increment();
    }
  }

  /** A release that ended a live reservation, by how the call ended. */
  void released(CallEnd end) {
    String status = end.dialStatus() == null ? "NONE"
      : DIAL_STATUSES.contains(end.dialStatus().toUpperCase(Locale.ROOT)) ? end.dialStatus().toUpperCase(Locale.ROOT)
      : "OTHER";
    boolean answered = "ANSWER".equals(status) || end.answeredSeconds() != null && end.answeredSeconds() > 0;
    String outcome = answered ? "answered" : end.dialStatus() == null && end.answeredSeconds() == null ? "unknown"
      : "unanswered";
    counters.computeIfAbsent("o|" + outcome + "|" + status, key -> Counter.builder("cidrotator_call_outcomes")
        .description("Calls released, by outcome (answered: DIALSTATUS ANSWER or answered seconds; unknown: released "
          + "without either) and Asterisk's DIALSTATUS (NONE: not sent, OTHER: not one of Asterisk's)")
        .tag("outcome", outcome)
        .tag("dial_status", status)
        .register(registry))
      .increment();
  }

  private Counter allocations(String pool, String tier, String outcome) {
    return counters.computeIfAbsent("a|" + pool + "|" + tier + "|" + outcome,
      key -> Counter.builder("cidrotator_allocations")
        .description("/next-cid allocations by pool, tier and outcome (allocated, repeat: a retry answered with its "
          + "first reservation, or why none: pool_empty, all_reserved, all_capped, all_reserved_or_capped, "
          + "no_local_number, outside_calling_window, rate_limited, not_loaded; tier none)")
        .tag("pool", pool)
        .tag("tier", tier)
        .tag("outcome", outcome)
        .register(registry));
  }

  private Counter notLocal(String pool, String areaCode) {
    return counters.computeIfAbsent("n|" + pool + "|" + areaCode, key -> Counter.builder("cidrotator_not_local")
      .description("Calls to an area code that got no number of it (a wider tier's, or none: no_local_number): the "
        + "area codes with demand and no free local number")
      .tag("pool", pool)
      .tag("area_code", areaCode)
      .register(registry));
  }
}
