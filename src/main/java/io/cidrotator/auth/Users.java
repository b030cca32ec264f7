package io.cidrotator.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import at.favre.lib.crypto.bcrypt.LongPasswordStrategies;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The dashboard's users, from USERS_FILE: one {@code name:role:bcrypt-hash} per line ({@code #} starts a
 * comment), e.g. made with {@link HashPassword}. Read at start-up (a bad file stops the start), then
 * again whenever it changes ({@link #watch()}): a removed or demoted user's tokens stop working within seconds. A
 * change that does not read keeps the users read before, with a warning.
 */
public final class Users {

  /**
   * Checked when the name is unknown, so a wrong name costs the same time as a wrong password: the same cost (12)
   * as the hashes scripts/cidctl makes. A constant, not hashed at class loading: that took 380 ms of an event loop
   * at start (seconds on a starved machine), in MainVerticle's start.
   */
  static final String DECOY = "$2a$12$G/.le6ee60CIpxLJOTL6L.MK3FUYIuUQE205zVYrYZ0b5QZ4zBn8G";

  /**
   * bcrypt reads 72 bytes of a password; a longer one is compared on those, as htpasswd and OpenBSD do,
   * rather than failing the request.
   */
  private static final BCrypt.Verifyer VERIFYER =
    BCrypt.verifyer(null, LongPasswordStrategies.truncate(BCrypt.Version.VERSION_2A));

  /** A user's name: what a USERS_FILE line may start with. */
  static final String NAME = "[A-Za-z0-9_.@-]{1,64}";

  private static final Logger LOG = LoggerFactory.getLogger(Users.class);
  /** How often USERS_FILE is looked at for a change. */
  static final long WATCH_MS = 1000;

  private final Vertx vertx;
  private final String file;
  private volatile Map<String, User> users;
  private volatile String stamp;

  private record User(String name, Role role, String hash) {
  }

  private Users(Vertx vertx, String file, Map<String, User> users, String stamp) {
    this.vertx = vertx;
    this.file = file;
    this.users = users;
    this.stamp = stamp;
  }

  /** The users of {@code file} (null = none); fails naming the line that is wrong. */
  public static Users load(Vertx vertx, String file) {
    if (file == null) {
      return new Users(vertx, null, new HashMap<>(), null);
    }
    String stamp = stampOf(file);
    return new Users(vertx, file, read(file), stamp);
  }

  /** Reads USERS_FILE again whenever its size or modification time changes; call once, from a verticle's start. */
  public void watch() {
    if (file == null) {
      return;
    }
    vertx.setPeriodic(WATCH_MS, id -> vertx.executeBlocking(this::reloadIfChanged, false));
  }

  private Void reloadIfChanged() {
    String now = stampOf(file);
    if (now.equals(stamp)) {
      return null;
    }
    stamp = now;
    try {
      Map<String, User> read = read(file);
      users = read;
      LOG.info("USERS_FILE changed: {} users now", read.size());
    } catch (RuntimeException e) {
      LOG.warn("USERS_FILE changed but cannot be used ({}): keeping the {} users read before", e.getMessage(),
        users.size());
    }
    return null;
  }

  /** What tells a change: size and modification time; "missing" when the file cannot be read. */
  private static String stampOf(String file) {
    try {
      Path path = Path.of(file);
      return Files.size(path) + "@" + Files.getLastModifiedTime(path).toMillis();
    } catch (IOException e) {
      return "missing";
    }
  }

  private static Map<String, User> read(String file) {
    Map<String, User> users = new HashMap<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(Path.of(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("USERS_FILE: cannot read " + file, e);
    }
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split(":", 3);
      Role role = parts.length == 3 ? Role.of(parts[1]) : null;
      if (role == null || !parts[0].matches(NAME) || !parts[2].matches("\\$2[aby]\\$\\d\\d\\$.{53}")) {
        throw new IllegalArgumentException("USERS_FILE: line " + (i + 1)
          + " is not name:role:bcrypt-hash with role admin or viewer");
      }
      if (users.put(parts[0], new User(parts[0], role, parts[2])) != null) {
        throw new IllegalArgumentException("USERS_FILE: line " + (i + 1) + " names " + parts[0]
          + " again: one line per user");
      }
    }
    return users;
  }

  /** The role {@code name} has in the file now; null when the file has no such user. */
  public Role roleOf(String name) {
    User user = users.get(name);
    return user == null ? null : user.role();
  }

  public int size() {
    return users.size();
  }

  /** The identity of a name and password, or null when they do not match; bcrypt runs off the event loop. */
  public Future<Identity> check(String name, String password) {
    User user = users.get(name);
    String hash = user == null ? DECOY : user.hash();
    return vertx.executeBlocking(() -> VERIFYER.verify(password.toCharArray(), hash).verified, false)
      .map(verified -> verified && user != null ? new Identity(user.name(), user.role(), true) : null);
  }
}
