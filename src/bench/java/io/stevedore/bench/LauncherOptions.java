package io.stevedore.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JVM options the {@code stevedore} launcher starts a command with: its {@code case} lines
 * {@code a|b|c) default_opts="…" ;;}. Benchmarks that time a command read them here, so they time what
 * {@code ./stevedore COMMAND} runs.
 */
public final class LauncherOptions {
    private static final Pattern CASE =
            Pattern.compile("(?m)^[ \\t]*([^\\s)][^)\\n]*)\\)[ \\t]*default_opts=\"([^\"\\n]*)\"");

    private LauncherOptions() {
    }

    /** The options of {@code command} in the launcher file {@code script}. */
    public static List<String> of(Path script, String command) {
        try {
            return of(Files.readString(script), command);
        } catch (IOException e) {
            throw new IllegalStateException("the JVM options of `stevedore " + command + "` are read from "
                    + script.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    /** The options of {@code command} in a launcher's text; fails when no case line names it or names none. */
    public static List<String> of(String launcher, String command) {
        Matcher m = CASE.matcher(launcher);
        while (m.find()) {
            if (Arrays.asList(m.group(1).trim().split("\\|")).contains(command)) {
                if (m.group(2).isBlank()) {
                    break;
                }
                return List.of(m.group(2).trim().split("\\s+"));
            }
        }
        throw new IllegalStateException("the stevedore launcher names no JVM options for " + command + " (a line `"
                + command + ") default_opts=\"…\" ;;`)");
    }
}
