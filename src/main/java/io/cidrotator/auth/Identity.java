package io.cidrotator.auth;

/** Who a request authenticated as: the subject (user, JWT {@code sub}, or the admin token) and its role. */
public record Identity(String subject, Role role) {

  /** The subject the static ADMIN_TOKEN stands for in the audit trail. */
  public static final String ADMIN_TOKEN_SUBJECT = "admin-token";
}
