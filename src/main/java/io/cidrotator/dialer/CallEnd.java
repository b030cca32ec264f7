package io.cidrotator.dialer;

/**
 * How a call ended, as the hangup handler knows it: ${DIALSTATUS} (ANSWER, BUSY, NOANSWER, ...), ${ANSWEREDTIME}
 * in seconds and ${HANGUPCAUSE} (a Q.850 code); each null when unknown.
 */
public record CallEnd(String dialStatus, Integer answeredSeconds, Integer hangupCause) {

  public static final CallEnd UNKNOWN = new CallEnd(null, null, null);
}
