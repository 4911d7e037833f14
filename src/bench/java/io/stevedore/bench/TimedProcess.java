package io.stevedore.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One command run as its own process under {@code /usr/bin/time}: what the benchmarks that time whole processes
 * ({@code bench/simulate}, {@code bench/startup}) read of it.
 *
 * @param wall      wall seconds
 * @param user      user CPU seconds
 * @param sys       system CPU seconds
 * @param maxRssKiB the maximum resident set, KiB
 */
public record TimedProcess(double wall, double user, double sys, long maxRssKiB) {
    /** User and system CPU seconds. */
    public double cpu() {
        return user + sys;
    }

    /**
     * Runs {@code command} under {@code /usr/bin/time}, its standard output to {@code out} and its standard error
     * inherited; fails, naming {@code what}, when it exits with another status than 0.
     */
    public static TimedProcess run(List<String> command, ProcessBuilder.Redirect out, String what)
            throws IOException, InterruptedException {
        Path time = Files.createTempFile("stevedore-bench", ".time");
        try {
            List<String> cmd = new ArrayList<>(List.of("/usr/bin/time", "-f", "%e %U %S %M", "-o", time.toString()));
            cmd.addAll(command);
            Process p = new ProcessBuilder(cmd).redirectOutput(out).redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException(what + " failed: exit " + p.exitValue());
            }
            String[] t = Files.readString(time).trim().split("\\s+");
            return new TimedProcess(Double.parseDouble(t[0]), Double.parseDouble(t[1]), Double.parseDouble(t[2]),
                    Long.parseLong(t[3]));
        } finally {
            Files.deleteIfExists(time);
        }
    }
}
