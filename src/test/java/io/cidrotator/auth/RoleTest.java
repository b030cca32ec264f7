package io.cidrotator.auth;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RoleTest {

  @Test
  void anAdminMayReadAndWrite() {
    assertThat(Role.ADMIN.allows(Role.VIEWER)).isTrue();
    assertThat(Role.ADMIN.allows(Role.ADMIN)).isTrue();
  }

  @Test
  void aViewerMayReadButNotWrite() {
    assertThat(Role.VIEWER.allows(Role.VIEWER)).isTrue();
    assertThat(Role.VIEWER.allows(Role.ADMIN)).isFalse();
  }

  @Test
  void onlyTheExactLowerCaseLabelsNameARole() {
    assertThat(Role.of("admin")).isEqualTo(Role.ADMIN);
    assertThat(Role.of("viewer")).isEqualTo(Role.VIEWER);
    assertThat(Role.of("Admin")).isNull();
    assertThat(Role.of("administrator")).isNull();
    assertThat(Role.of("")).isNull();
    assertThat(Role.of(null)).isNull();
  }

  @Test
  void theLabelIsWhatRoleOfReads() {
    for (Role role : Role.values()) {
      assertThat(Role.of(role.label())).isEqualTo(role);
    }
  }
}
