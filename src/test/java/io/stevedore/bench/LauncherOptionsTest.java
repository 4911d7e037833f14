package io.stevedore.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** How benchmarks read the JVM options of a command off the {@code stevedore} launcher. */
class LauncherOptionsTest {
    private static final String LAUNCHER = "case \"${1:-}\" in\n"
            + "  instance-types|help|--help|-h|--version|-V) "
            + "default_opts=\"-XX:TieredStopAtLevel=1 -XX:+UseSerialGC\" ;;\n"
            + "  simulate) default_opts=\"-XX:+UseParallelGC  -XX:FreqInlineSize=100\" ;;\n"
            + "  *) default_opts=\"\" ;;\n"
            + "esac\n";

    @Test
    void findsTheCaseLineThatNamesTheCommand() {
        assertThat(LauncherOptions.of(LAUNCHER, "instance-types"))
                .containsExactly("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
        assertThat(LauncherOptions.of(LAUNCHER, "--version")).containsExactly("-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC");
        assertThat(LauncherOptions.of(LAUNCHER, "simulate")).containsExactly("-XX:+UseParallelGC",
                "-XX:FreqInlineSize=100");
    }

    @Test
    void aCommandNoLineNamesOrWithoutOptionsFails() {
        assertThatThrownBy(() -> LauncherOptions.of(LAUNCHER, "serve")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no JVM options for serve");
        assertThatThrownBy(() -> LauncherOptions.of(LAUNCHER, "instance")) // a prefix of a name is not the name
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> LauncherOptions.of("  simulate) default_opts=\" \" ;;\n", "simulate"))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void readsTheProjectsLauncher() {
        assertThat(LauncherOptions.of(Path.of("stevedore"), "instance-types")).contains("-XX:TieredStopAtLevel=1");
        assertThat(LauncherOptions.of(Path.of("stevedore"), "simulate")).contains("-XX:+UseParallelGC");
    }
}
