package io.cidrotator.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** hash-password from a pipe (no terminal): the line it prints is one USERS_FILE reads; bad input says why. */
class HashPasswordTest {

  private record Run(int exit, String out, String err) {
  }

  private static Run run(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = HashPassword.run(List.of(args), null, new BufferedReader(new StringReader(stdin)),
      new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void theLineItPrintsSignsTheUserInWithThatPassword() throws Exception {
    Run run = run("correct horse battery\nignored\n", "ops@example.com", "viewer");

    assertThat(run.exit()).as(run.err()).isZero();
    String line = run.out().strip();
    assertThat(line).startsWith("ops@example.com:viewer:$2a$12$");
    assertThat(BCrypt.verifyer().verify("correct horse battery".toCharArray(), line.split(":", 3)[2]).verified)
      .isTrue();
    Path file = Files.createTempFile("users", ".txt");
    try {
      Files.writeString(file, line + "\n");
      assertThat(Users.load(null, file.toString()).roleOf("ops@example.com")).isEqualTo(Role.VIEWER);
    } finally {
      Files.delete(file);
    }
  }

  @Test
  void badArgumentsAreUsageErrorsNamingTheProblem() {
    assertThat(run("long enough password\n", "alice")).isEqualTo(new Run(2, "",
      "usage: hash-password NAME ROLE   (ROLE admin or viewer; the password is asked for)\n"));
    assertThat(run("long enough password\n", "al:ice", "admin").err()).contains("NAME must be 1-64 letters");
    assertThat(run("long enough password\n", "alice", "root")).isEqualTo(new Run(2, "",
      "hash-password: ROLE must be admin or viewer, not 'root'\n"));
  }

  @Test
  void aShortOrMissingPasswordIsRefused() {
    assertThat(run("short\n", "alice", "admin")).isEqualTo(new Run(1, "",
      "hash-password: use at least 10 characters\n"));
    assertThat(run("", "alice", "admin")).isEqualTo(new Run(1, "",
      "hash-password: no password on standard input\n"));
  }
}
