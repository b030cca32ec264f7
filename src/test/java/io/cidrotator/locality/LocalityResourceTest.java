package io.cidrotator.locality;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The resource in the jar is what scripts/nanp-locality makes of the numbering plan data, nothing edited by hand.
 * The data lives beside the repository (../shared/data/nanp, or NANP_DATA): where it is absent, the test is
 * skipped, saying so.
 */
class LocalityResourceTest {

  private static final Path DATA = Path.of(System.getenv().getOrDefault("NANP_DATA", "../shared/data/nanp"));

  @Test
  void theResourceIsTheGeneratorsOutput(@TempDir Path temp) throws Exception {
    assumeTrue(Files.isRegularFile(DATA.resolve("geocoding-en-1.txt")),
      "the NANP data is not at " + DATA.toAbsolutePath() + " (set NANP_DATA)");
    Path out = temp.resolve("locality.txt");
    String java = ProcessHandle.current().info().command().orElse("java");
    Process process = new ProcessBuilder(java, "scripts/NanpLocality.java", DATA.toString(),
      "scripts/nanp-overlays.txt", out.toString()).redirectErrorStream(true).start();
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String said = new String(process.getInputStream().readAllBytes());

    assertThat(process.exitValue()).as(said).isZero();
    assertThat(Files.readString(out)).isEqualTo(Files.readString(Path.of("src/main/resources", Locality.RESOURCE)));
    assertThat(Files.readString(Path.of("src/main/resources/nanp/LICENSE")))
      .isEqualTo(Files.readString(DATA.resolve("LICENSE")));
  }
}
