package io.stevedore;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Holds the direction of dependencies between the top-level packages (DEVELOPERS.md: the tree shows the flow
 * catalog → placement → provisioning → lifecycle → api → store → sim → cli), and keeps the system clock out of
 * engine code.
 */
class ArchitectureTest {
    private static final Path SRC = Path.of("src/main/java/io/stevedore");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?io\\.stevedore\\.([a-z]+)\\.", Pattern.MULTILINE);

    /** For each package, the Stevedore packages it may import (besides itself). */
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("time", Set.of()),
            Map.entry("catalog", Set.of("time")),
            Map.entry("placement", Set.of("catalog", "time")),
            Map.entry("provisioning", Set.of("placement", "catalog", "time")),
            Map.entry("cloud", Set.of("store", "provisioning", "placement", "catalog", "time")),
            Map.entry("lifecycle", Set.of("cloud", "provisioning", "placement", "catalog", "time")),
            Map.entry("controlplane", Set.of("lifecycle", "cloud", "provisioning", "placement", "catalog", "time",
                    "store", "api")),
            Map.entry("api", Set.of("controlplane", "lifecycle", "cloud", "provisioning", "placement", "catalog",
                    "time", "store")),
            Map.entry("store", Set.of("time")),
            Map.entry("sim", Set.of("controlplane", "api", "store", "lifecycle", "cloud", "provisioning", "placement",
                    "catalog", "time")),
            Map.entry("cli", Set.of("sim", "controlplane", "api", "store", "lifecycle", "cloud", "provisioning",
                    "placement", "catalog", "time")));

    /** Engine packages run on both clocks: they must not read the wall clock or sleep. */
    private static final Set<String> ENGINE = Set.of("catalog", "placement", "provisioning", "lifecycle");
    private static final Pattern WALL_CLOCK = Pattern.compile(
            "Instant\\.now\\(|System\\.currentTimeMillis\\(|System\\.nanoTime\\(|Thread\\.sleep\\(|LocalDateTime\\.now\\("
                    + "|new java\\.util\\.Random\\(\\)|ThreadLocalRandom|Math\\.random\\(");

    @Test
    void packages_importOnlyDownstream() throws IOException {
        List<String> violations = new ArrayList<>();
        for (Path file : javaFiles()) {
            String pkg = SRC.relativize(file).getName(0).toString();
            if (!Files.isDirectory(SRC.resolve(pkg))) {
                continue;
            }
            Set<String> allowed = ALLOWED.get(pkg);
            if (allowed == null) {
                violations.add(pkg + ": top-level package not declared in ArchitectureTest");
                continue;
            }
            Matcher m = IMPORT.matcher(Files.readString(file));
            while (m.find()) {
                String target = m.group(1);
                if (!target.equals(pkg) && !allowed.contains(target)) {
                    violations.add(SRC.relativize(file) + " imports io.stevedore." + target);
                }
            }
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void enginePackages_neverReadTheWallClock() throws IOException {
        List<String> violations = new ArrayList<>();
        for (Path file : javaFiles()) {
            String pkg = SRC.relativize(file).getName(0).toString();
            String text = Files.readString(file);
            boolean unseededRandom = text.contains("import java.util.Random;") && text.contains("new Random()");
            if (ENGINE.contains(pkg) && (WALL_CLOCK.matcher(text).find() || unseededRandom)) {
                violations.add(SRC.relativize(file).toString());
            }
        }
        assertThat(violations).isEmpty();
    }

    private static List<Path> javaFiles() throws IOException {
        try (Stream<Path> s = Files.walk(SRC)) {
            return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }
}
