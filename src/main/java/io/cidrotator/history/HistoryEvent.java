package io.cidrotator.history;

import io.cidrotator.dialer.CallEnd;
import io.cidrotator.dialer.VicidialCallId;

/**
 * One entry of the allocation history: an allocation, or the release that ended one. Plain data: the history
 * stream's entries as the {@link HistoryWriter} reads them ({@link io.cidrotator.redis.HistoryStream}), and what
 * the allocators publish to the live streams and keep for a while ({@link AllocatorHistory}).
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
  long expiresAt,
  String outcome,
  Call call,
  CallEnd end) {

  /** UNDONE: an allocation taken back before any caller was answered with it; it leaves the history. */
  public enum Type { ALLOCATED, RELEASED, UNDONE }

  /** The call an allocation was for, as far as the dialplan said: all null for an anonymous request. */
  public record Call(String callKey, String uid, String callType, Long leadId) {

    static final Call ANONYMOUS = new Call(null, null, null, null);

    public static Call of(String callKey, String uid) {
      if (callKey == null && uid == null) {
        return ANONYMOUS;
      }
      VicidialCallId vicidial = VicidialCallId.parse(callKey);
      return new Call(callKey, uid, vicidial == null ? null : vicidial.callType(),
        vicidial == null ? null : vicidial.leadId());
    }
  }

  /** The destination's area code (allocations only; null for a release). */
  public String areaCode() {
    return destination == null ? null : destination.substring(0, 3);
  }

  /** An allocation at {@code at} whose reservation lasts until {@code expiresAt} (ms) unless released first. */
  public static HistoryEvent allocated(String id, String callerId, String destination, String campaign, String agent,
                                       String tier, String pool, long at, long expiresAt, Call call) {
    return new HistoryEvent(Type.ALLOCATED, id, callerId, destination, campaign, agent, tier, pool, at, expiresAt,
      null, call, CallEnd.UNKNOWN);
  }

  /** The end of an allocation: {@code outcome} is released (a hangup or an admin) or taken_back. */
  public static HistoryEvent released(String id, String callerId, long at, String outcome) {
    return released(id, callerId, at, outcome, CallEnd.UNKNOWN);
  }

  public static HistoryEvent released(String id, String callerId, long at, String outcome, CallEnd end) {
    return new HistoryEvent(Type.RELEASED, id, callerId, null, null, null, null, null, at, 0, outcome,
      Call.ANONYMOUS, end);
  }

  /** The allocation {@code id} was taken back before anyone was answered with it: it leaves the history. */
  public static HistoryEvent undone(String id) {
    return new HistoryEvent(Type.UNDONE, id, null, null, null, null, null, null, 0, 0, null, Call.ANONYMOUS,
      CallEnd.UNKNOWN);
  }
}
