package io.cidrotator.allocation;

/**
 * One entry of the allocation history: an allocation, or the release that ended one. Plain data handed
 * from the allocators to the admin verticle, which writes it to PostgreSQL in batches.
 */
public record HistoryEvent(
  Type type,
  String id,
  String callerId,
  String destination,
  String campaign,
  String agent,
  String tier,
  String pool,
  long at,
  String outcome) {

  public enum Type { ALLOCATED, RELEASED }

  static HistoryEvent allocated(String id, String callerId, String destination, String campaign, String agent,
                                String tier, String pool, long at) {
    return new HistoryEvent(Type.ALLOCATED, id, callerId, destination, campaign, agent, tier, pool, at, null);
  }

  static HistoryEvent released(String id, String callerId, long at, String outcome) {
    return new HistoryEvent(Type.RELEASED, id, callerId, null, null, null, null, null, at, outcome);
  }
}
