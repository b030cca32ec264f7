package io.cidrotator.phone;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;

import java.util.List;

/**
 * A phone number reduced to its 10 NANP digits. VICIdial dials an outside-line prefix and the
 * country code ({@code 9} + {@code 1} + 10 digits), so a raw dialed string's first three digits are
 * not the area code.
 */
public record NanpNumber(String digits) {

  private static final PhoneNumberUtil PHONE = PhoneNumberUtil.getInstance();

  public String areaCode() {
    return digits.substring(0, 3);
  }

  /** Whether {@code text} has an area code's shape: 3 digits, the first 2-9. */
  public static boolean isAreaCode(String text) {
    return text.length() == 3 && text.charAt(0) >= '2' && text.charAt(0) <= '9'
      && text.charAt(1) >= '0' && text.charAt(1) <= '9' && text.charAt(2) >= '0' && text.charAt(2) <= '9';
  }

  /**
   * Strips non-digits, one configured dial prefix (only when the number is too long without it) and the
   * country code, then checks the NANP shape: NPA and exchange both start with 2-9. Whether an area code
   * is assigned today is deliberately not checked: a stale list must never stop a floor from dialing.
   *
   * @param field the parameter name the error message starts with
   * @throws IllegalArgumentException naming the field and what is wrong
   */
  public static NanpNumber parse(String field, String raw, List<String> dialPrefixes) {
    String digits = digitsOf(raw);
    if (digits.isEmpty()) {
      throw new IllegalArgumentException(field + ": no digits in '" + printable(raw) + "'");
    }
    if (digits.length() > 11) {
      for (String prefix : dialPrefixes) {
        if (digits.startsWith(prefix) && digits.length() - prefix.length() >= 10) {
          digits = digits.substring(prefix.length());
          break;
        }
      }
    } else if (digits.length() == 11 && digits.charAt(0) != '1') {
      // 9 + 10 digits: an outside-line prefix without the country code.
      for (String prefix : dialPrefixes) {
        if (digits.startsWith(prefix) && digits.length() - prefix.length() == 10) {
          digits = digits.substring(prefix.length());
          break;
        }
      }
    }
    String national = nationalNumber(field, digits, raw);
    if (national.charAt(0) < '2' || national.charAt(3) < '2') {
      throw new IllegalArgumentException(field + ": '" + printable(raw) + "' is not a NANP number "
        + "(area code and exchange must start with 2-9)");
    }
    return new NanpNumber(national);
  }

  /**
   * The digits are already clean, so libphonenumber's string parser (regex-heavy: a tenth of the server's
   * CPU on the hot path when measured) is not needed; its length check against the NANP metadata is.
   */
  private static String nationalNumber(String field, String digits, String raw) {
    String national = digits.length() == 11 && digits.charAt(0) == '1' ? digits.substring(1) : digits;
    if (national.length() != 10) {
      throw new IllegalArgumentException(field + ": '" + printable(raw) + "' is not a 10-digit NANP number");
    }
    PhoneNumber number = new PhoneNumber()
      .setCountryCode(1)
      .setNationalNumber(Long.parseLong(national));
    if (!PHONE.isPossibleNumber(number)) {
      throw new IllegalArgumentException(field + ": '" + printable(raw) + "' is not a 10-digit NANP number");
    }
    return national;
  }

  private static String digitsOf(String raw) {
    StringBuilder digits = new StringBuilder(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c >= '0' && c <= '9') {
        digits.append(c);
      }
    }
    return digits.toString();
  }

  /** Echoes input back in an error without letting it forge log lines or grow unbounded. */
  static String printable(String raw) {
    String shortened = raw.length() > 32 ? raw.substring(0, 32) + "..." : raw;
    return shortened.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
