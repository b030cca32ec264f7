package io.cidrotator.agi;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AgiEnvironmentTest {

  @Test
  void readsTheVariablesUntilTheEmptyLine() {
    AgiEnvironment.Reader reader = new AgiEnvironment.Reader();

    assertThat(reader.add("agi_network_script: next-cid?campaign=sales%20east&key=k")).isNull();
    assertThat(reader.add("agi_extension: 915125551234")).isNull();
    assertThat(reader.add("agi_accountcode: ")).isNull();
    assertThat(reader.add("agi_arg_1: 5125551234")).isNull();
    AgiEnvironment env = reader.add("");

    assertThat(env).isNotNull();
    assertThat(env.get("extension")).isEqualTo("915125551234");
    assertThat(env.get("accountcode")).as("blank is absent").isNull();
    assertThat(env.arg(1)).isEqualTo("5125551234");
    assertThat(env.arg(2)).isNull();
    assertThat(env.script()).isEqualTo("next-cid");
    assertThat(env.query("campaign")).isEqualTo("sales east");
    assertThat(env.query("key")).isEqualTo("k");
    assertThat(env.query("agent")).isNull();
  }

  @Test
  void aScriptWithALeadingSlashOrNoQueryIsTheSameScript() {
    AgiEnvironment.Reader reader = new AgiEnvironment.Reader();
    reader.add("agi_network_script: /release");

    AgiEnvironment env = reader.add("");

    assertThat(env.script()).isEqualTo("release");
    assertThat(env.query("campaign")).isNull();
  }

  @Test
  void noScriptIsAnEmptyOne() {
    assertThat(new AgiEnvironment.Reader().add("").script()).isEmpty();
  }

  @Test
  void aLineThatIsNotAnAgiVariableIsRefused() {
    AgiEnvironment.Reader reader = new AgiEnvironment.Reader();

    assertThatThrownBy(() -> reader.add("GET / HTTP/1.1"))
      .isInstanceOf(IllegalArgumentException.class)
      .hasMessage("environment line 1 is not 'agi_name: value'");
  }

  @Test
  void moreThanTwoHundredLinesAreRefused() {
    AgiEnvironment.Reader reader = new AgiEnvironment.Reader();
    for (int i = 0; i < AgiEnvironment.MAX_LINES; i++) {
      reader.add("agi_arg_" + i + ": x");
    }

    assertThatThrownBy(() -> reader.add("agi_arg_x: x"))
      .isInstanceOf(IllegalArgumentException.class)
      .hasMessage("more than 200 environment lines");
  }

  @Test
  void aBadlyEncodedQueryStringIsRefused() {
    AgiEnvironment.Reader reader = new AgiEnvironment.Reader();
    reader.add("agi_network_script: next-cid?campaign=%zz");
    AgiEnvironment env = reader.add("");

    assertThatThrownBy(() -> env.query("campaign")).isInstanceOf(IllegalArgumentException.class);
  }
}
