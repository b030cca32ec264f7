package io.cidrotator.auth;

/** {@code admin} reads and writes; {@code viewer} reads only. */
public enum Role {
  ADMIN,
  VIEWER;

  /** Whether a holder of this role may do what {@code required} allows. */
  public boolean allows(Role required) {
    return this == ADMIN || required == VIEWER;
  }

  public String label() {
    return name().toLowerCase();
  }

  /** The role named {@code text}, or null. */
  public static Role of(String text) {
    return switch (text == null ? "" : text) {
      case "admin" -> ADMIN;
      case "viewer" -> VIEWER;
      default -> null;
    };
  }
}
