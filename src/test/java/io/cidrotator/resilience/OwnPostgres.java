package io.cidrotator.resilience;

import io.vertx.core.json.JsonObject;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A PostgreSQL of the test's own (embedded), which the test stops and starts again on the same port and data
 * directory, for the tests of PostgreSQL outages. {@link #settings()} points a server at it.
 */
final class OwnPostgres implements AutoCloseable {

  final int port;
  private final Path dataDir;
  private EmbeddedPostgres pg;

  private OwnPostgres(Path dataDir, EmbeddedPostgres pg) {
    this.dataDir = dataDir;
    this.pg = pg;
    this.port = pg.getPort();
  }

  static OwnPostgres start() {
    try {
      Path dataDir = Files.createTempDirectory("cidrotator-own-pg");
      return new OwnPostgres(dataDir, EmbeddedPostgres.builder()
        .setDataDirectory(dataDir)
        .setCleanDataDirectory(false)
        .start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The server settings that name it. POSTGRES_URL too: when the run points the shared services at an external
   * PostgreSQL (PG_URL), that URL wins over POSTGRES_HOST.
   */
  JsonObject settings() {
    return new JsonObject()
      .put("POSTGRES_URL", "postgresql://postgres@127.0.0.1:" + port + "/postgres")
      .put("POSTGRES_HOST", "127.0.0.1")
      .put("POSTGRES_PORT", port)
      .put("POSTGRES_USER", "postgres")
      .put("POSTGRES_PASSWORD", "")
      .put("POSTGRES_DB", "postgres");
  }

  boolean running() {
    return pg != null;
  }

  /** Stops it (a clean shutdown: its connections are closed). */
  void stop() {
    try {
      pg.close();
      pg = null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts it again on the same port with the same data (zonky skips initdb when postgresql.conf exists). */
  void startAgain() {
    try {
      pg = EmbeddedPostgres.builder()
        .setPort(port)
        .setDataDirectory(dataDir)
        .setCleanDataDirectory(false)
        .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The postmaster (its pid is the first line of postmaster.pid) and every backend it forked. */
  List<ProcessHandle> processes() throws IOException {
    long pid = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
    ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
    List<ProcessHandle> all = new ArrayList<>(postmaster.descendants().toList());
    all.add(postmaster);
    return all;
  }

  @Override
  public void close() throws IOException {
    if (pg != null) {
      pg.close();
    }
    try (Stream<Path> files = Files.walk(dataDir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    }
  }
}
