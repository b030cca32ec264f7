package io.cidrotator.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(VertxExtension.class)
class UsersTest {

  private static Vertx vertx;

  @TempDir
  Path dir;

  /** VertxExtension closes it after the last test. */
  @BeforeAll
  static void shareVertx(Vertx shared) {
    vertx = shared;
  }

  /** A bcrypt hash of {@code password} at cost 4 (the minimum: the tests stay fast). */
  static String hash(String password) {
    return BCrypt.withDefaults().hashToString(4, password.toCharArray());
  }

  private Users load(String... lines) throws IOException {
    Path file = Files.write(dir.resolve("users"), String.join("\n", lines).getBytes());
    return Users.load(vertx, file.toString());
  }

  @Test
  void aUserWithTheRightPasswordGetsTheRoleOfTheFile() throws IOException {
    Users users = load("alice:admin:" + hash("alice-pw"), "bob:viewer:" + hash("bob-pw"));

    assertThat(users.check("alice", "alice-pw").await()).isEqualTo(new Identity("alice", Role.ADMIN, true));
    assertThat(users.check("bob", "bob-pw").await()).isEqualTo(new Identity("bob", Role.VIEWER, true));
  }

  @Test
  void aWrongPasswordMatchesNobody() throws IOException {
    Users users = load("alice:admin:" + hash("alice-pw"));

    assertThat(users.check("alice", "bob-pw").await()).isNull();
  }

  @Test
  void anotherUsersPasswordMatchesNobody() throws IOException {
    Users users = load("alice:admin:" + hash("alice-pw"), "bob:viewer:" + hash("bob-pw"));

    assertThat(users.check("alice", "bob-pw").await()).isNull();
  }

  @Test
  void anUnknownUserMatchesNobody() throws IOException {
    Users users = load("alice:admin:" + hash("alice-pw"));

    assertThat(users.check("mallory", "alice-pw").await()).isNull();
  }

  @Test
  void theDecoyIsABcryptHashOfTheCostScriptsCidctlUsesSoAnUnknownNameTakesAsLongAsAWrongPassword() {
    BCrypt.Result decoy = BCrypt.verifyer().verify("decoy".toCharArray(), Users.DECOY);

    assertThat(decoy.verified).isTrue();
    assertThat(decoy.details.cost).isEqualTo(12);
  }

  @Test
  void theDecoyPasswordOfUnknownNamesMatchesNobody() throws IOException {
    Users users = load("alice:admin:" + hash("alice-pw"));

    assertThat(users.check("mallory", "decoy").await()).isNull();
  }

  @Test
  void aPasswordLongerThanBcryptTakesIsWrongRatherThanAnError() throws IOException {
    Users users = load("alice:admin:" + hash("alice-pw"));

    assertThat(users.check("alice", "x".repeat(200)).await()).isNull();
  }

  @Test
  void namesAreCaseSensitive() throws IOException {
    Users users = load("alice:admin:" + hash("alice-pw"));

    assertThat(users.check("Alice", "alice-pw").await()).isNull();
  }

  @Test
  void commentsAndBlankLinesAreSkipped() throws IOException {
    Users users = load("# name:role:bcrypt-hash", "", "   ", "alice:admin:" + hash("alice-pw"), "  # bob left");

    assertThat(users.size()).isEqualTo(1);
  }

  @Test
  void withoutAFileThereAreNoUsers() {
    Users users = Users.load(vertx, null);

    assertThat(users.size()).isZero();
    assertThat(users.check("alice", "alice-pw").await()).isNull();
  }

  @Test
  void aLineWithAnUnknownRoleIsRefusedNamingTheLine() {
    assertThatThrownBy(() -> load("# users", "alice:admin:" + hash("a"), "bob:owner:" + hash("b")))
      .isInstanceOf(IllegalArgumentException.class)
      .hasMessageStartingWith("USERS_FILE: line 3 ");
  }

  @Test
  void aUserNamedTwiceIsRefusedNamingTheSecondLine() {
    assertThatThrownBy(() -> load("alice:admin:" + hash("a"), "alice:viewer:" + hash("b")))
      .hasMessageStartingWith("USERS_FILE: line 2 names alice again");
  }

  @Test
  void aLineWithoutAHashIsRefusedNamingTheLine() {
    assertThatThrownBy(() -> load("alice:admin"))
      .hasMessageStartingWith("USERS_FILE: line 1 ");
  }

  @Test
  void aPlainTextPasswordInPlaceOfTheHashIsRefusedNamingTheLine() {
    assertThatThrownBy(() -> load("", "alice:admin:alice-pw"))
      .hasMessageStartingWith("USERS_FILE: line 2 ");
  }

  @Test
  void aNameWithSpacesIsRefusedNamingTheLine() {
    assertThatThrownBy(() -> load("alice smith:admin:" + hash("a")))
      .hasMessageStartingWith("USERS_FILE: line 1 ");
  }

  @Test
  void theErrorNeverShowsTheHash() {
    String hash = hash("a");

    assertThatThrownBy(() -> load("alice:owner:" + hash))
      .message()
      .doesNotContain(hash);
  }

  @Test
  void anUnreadableFileIsRefusedNamingTheSetting() {
    assertThatThrownBy(() -> Users.load(vertx, dir.resolve("missing").toString()))
      .hasMessageStartingWith("USERS_FILE: ");
  }
}
