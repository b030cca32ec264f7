package io.cidrotator.dialer;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * VICIdial's call id, which it keeps in CALLERID(name): a letter for the call type, the date and time of the
 * call, then the lead id in 10 digits. Current VICIdial writes 20 characters ({@code VmddhhmmssLLLLLLLLLL},
 * the month in one character, e.g. {@code V1260930150000012345}: an auto-dialed call of lead 12345); a
 * 21-character form with a two-digit month is read too. {@code V} is an auto-dialed (predictive) call,
 * {@code M} and {@code Y} are manual dials.
 */
public record VicidialCallId(String callType, long leadId) {

  private static final Pattern SHAPE = Pattern.compile("([VMY])[0-9A-Za-z][0-9]{8,9}([0-9]{10})");

  /** The decoded call id, or null when {@code text} is not one (any other call key is still a valid key). */
  public static VicidialCallId parse(String text) {
    if (text == null) {
      return null;
    }
    Matcher m = SHAPE.matcher(text);
    if (!m.matches()) {
      return null;
    }
    return new VicidialCallId(m.group(1).equals("V") ? "auto" : "manual", Long.parseLong(m.group(2)));
  }
}
