package io.cidrotator.auth;

/**
 * Who a request authenticated as: the subject (user, JWT {@code sub}, or the admin token) and its role;
 * {@code usersFile}: a user of USERS_FILE, by name and password or by a token this server issued for that login
 * (the file must still hold the user).
 */
public record Identity(String subject, Role role, boolean usersFile) {

  /** The subject the static ADMIN_TOKEN stands for in the audit trail. */
  public static final String ADMIN_TOKEN_SUBJECT = "admin-token";

  public Identity(String subject, Role role) {
    this(subject, role, false);
  }
}
