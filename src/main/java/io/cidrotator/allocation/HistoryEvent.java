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
  String outcome,
  Call call,
  AllocationClient.Outcome end) {

  public enum Type { ALLOCATED, RELEASED }

  /** The call an allocation was for, as far as the dialplan said: all null for an anonymous request. */
  public record Call(String callKey, String uid, String callType, Long leadId) {

    static final Call ANONYMOUS = new Call(null, null, null, null);

    static Call of(String callKey, String uid) {
      if (callKey == null && uid == null) {
        return ANONYMOUS;
      }
      VicidialCallId vicidial = VicidialCallId.parse(callKey);
      return new Call(callKey, uid, vicidial == null ? null : vicidial.callType(),
        vicidial == null ? null : vicidial.leadId());
    }
  }

  static HistoryEvent allocated(String id, String callerId, String destination, String campaign, String agent,
                                String tier, String pool, long at, Call call) {
    return new HistoryEvent(Type.ALLOCATED, id, callerId, destination, campaign, agent, tier, pool, at, null, call,
      AllocationClient.Outcome.NONE);
  }

  static HistoryEvent released(String id, String callerId, long at, String outcome) {
    return released(id, callerId, at, outcome, AllocationClient.Outcome.NONE);
  }

  static HistoryEvent released(String id, String callerId, long at, String outcome, AllocationClient.Outcome end) {
    return new HistoryEvent(Type.RELEASED, id, callerId, null, null, null, null, null, at, outcome, Call.ANONYMOUS,
      end);
  }
}
