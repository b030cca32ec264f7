package io.cidrotator.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * {@code java -jar cid-rotator.jar hash-password NAME ROLE}: prints a USERS_FILE line ({@code NAME:ROLE:bcrypt-hash}).
 * The password is asked twice on the terminal, or read as the first line of standard input when that is no terminal
 * (a script's pipe); never from the command line, which {@code ps} shows. The jar is all it needs, so it runs in the
 * container image too ({@code docker compose run --rm --no-deps api hash-password NAME ROLE}).
 */
public final class HashPassword {

  /** The command's name, the first argument of the jar that runs it. */
  public static final String COMMAND = "hash-password";
  /** bcrypt's cost: 2^12 rounds, about 0.25 s a check on the machines measured; {@link Users#DECOY} has the same. */
  static final int COST = 12;
  static final int MIN_LENGTH = 10;

  private HashPassword() {
  }

  /** Runs the command with the jar's arguments after {@link #COMMAND}; exits 0 done, 1 refused, 2 usage error. */
  public static void main(String[] args) {
    BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    System.exit(run(List.of(args), System.console(), stdin, System.out, System.err));
  }

  static int run(List<String> args, Console console, BufferedReader stdin, PrintStream out, PrintStream err) {
    if (args.size() != 2) {
      err.println("usage: hash-password NAME ROLE   (ROLE admin or viewer; the password is asked for)");
      return 2;
    }
    String name = args.get(0);
    if (!name.matches(Users.NAME)) {
      err.println("hash-password: NAME must be 1-64 letters, digits, _ . @ -");
      return 2;
    }
    Role role = Role.of(args.get(1));
    if (role == null) {
      err.println("hash-password: ROLE must be admin or viewer, not '" + args.get(1) + "'");
      return 2;
    }
    char[] password = console != null ? askTwice(console, name, err) : firstLine(stdin);
    if (password == null) {
      err.println(console != null ? "hash-password: the passwords differ" : "hash-password: no password on standard input");
      return 1;
    }
    if (password.length < MIN_LENGTH) {
      err.println("hash-password: use at least " + MIN_LENGTH + " characters");
      return 1;
    }
    out.println(name + ":" + role.label() + ":" + BCrypt.withDefaults().hashToString(COST, password));
    Arrays.fill(password, '\0');
    return 0;
  }

  private static char[] askTwice(Console console, String name, PrintStream err) {
    char[] first = console.readPassword("password for %s: ", name);
    char[] again = console.readPassword("again: ");
    if (first == null || again == null || !Arrays.equals(first, again)) {
      return null;
    }
    Arrays.fill(again, '\0');
    return first;
  }

  private static char[] firstLine(BufferedReader stdin) {
    try {
      String line = stdin.readLine();
      return line == null || line.isEmpty() ? null : line.toCharArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
