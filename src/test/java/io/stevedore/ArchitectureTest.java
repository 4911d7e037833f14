package io.stevedore;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Holds the architecture of docs/architecture.md against the code: the direction of dependencies between the
 * top-level packages, no cycle between any two packages (sub-packages included), the edge ({@code api}) above the
 * control loop ({@code control}) and never the reverse, the wall clock out of every package that runs on both clocks,
 * and the simulator reading the control plane through its typed change feed, not through table names.
 *
 * <p>A dependency is an import or a fully qualified name in code (comments and string literals do not count).
 */
class ArchitectureTest {
    private static final Path SRC = Path.of("src/main/java/io/stevedore");
    private static final Pattern REFERENCE = Pattern.compile("(?<![\\w.])io\\.stevedore\\.([a-z][\\w.]*?)\\.[A-Z]");
    private static final Pattern PACKAGE = Pattern.compile("^package io\\.stevedore\\.([\\w.]+);", Pattern.MULTILINE);

    /** For each top-level package, the top-level packages it may depend on (besides itself). */
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("time", Set.of()),
            Map.entry("catalog", Set.of("time")),
            Map.entry("placement", Set.of("catalog", "time")),
            Map.entry("provisioning", Set.of("placement", "catalog", "time")),
            Map.entry("store", Set.of("time")),
            Map.entry("wire", Set.of("catalog")),
            Map.entry("cloud", Set.of("store", "provisioning", "placement", "catalog", "time")),
            Map.entry("lifecycle", Set.of("provisioning", "placement", "catalog", "time")),
            Map.entry("ecs", Set.of("wire", "store", "provisioning", "placement", "catalog", "time")),
            Map.entry("control", Set.of("ecs", "wire", "store", "lifecycle", "cloud", "provisioning", "placement",
                    "catalog", "time")),
            Map.entry("api", Set.of("control", "ecs", "wire", "store", "lifecycle", "cloud", "provisioning",
                    "placement", "catalog", "time")),
            Map.entry("assembly", Set.of("api", "control", "ecs", "wire", "store", "lifecycle", "cloud",
                    "provisioning", "placement", "catalog", "time")),
            Map.entry("agent", Set.of("wire", "catalog", "time")),
            Map.entry("sim", Set.of("assembly", "api", "control", "ecs", "wire", "store", "lifecycle", "cloud",
                    "provisioning", "placement", "catalog", "time")),
            Map.entry("cli", Set.of("agent", "sim", "assembly", "api", "control", "ecs", "wire", "store", "lifecycle",
                    "cloud", "provisioning", "placement", "catalog", "time")));

    /** Packages that run on both clocks (server and simulator): no wall clock, no sleeping, no unseeded randomness. */
    private static final Set<String> TWO_CLOCKS = Set.of("catalog", "placement", "provisioning", "lifecycle", "control");
    private static final Pattern WALL_CLOCK = Pattern.compile(
            "Instant\\.now\\(|System\\.currentTimeMillis\\(|System\\.nanoTime\\(|Thread\\.sleep\\(|LocalDateTime\\.now\\("
                    + "|new java\\.util\\.Random\\(\\)|ThreadLocalRandom|Math\\.random\\(|Clock\\.system");

    /** Package (relative to io.stevedore) → the packages it depends on. */
    private static final Map<String, Set<String>> GRAPH = new TreeMap<>();
    /** "from -> to" → one file that makes the dependency, for the messages. */
    private static final Map<String, String> WHERE = new HashMap<>();
    private static final Map<Path, String> CODE = new TreeMap<>();

    @BeforeAll
    static void readSources() throws IOException {
        try (Stream<Path> s = Files.walk(SRC)) {
            for (Path file : s.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                String text = Files.readString(file);
                String code = codeOnly(text);
                CODE.put(file, code);
                Matcher p = PACKAGE.matcher(text);
                if (!p.find()) {
                    continue;
                }
                String pkg = p.group(1);
                GRAPH.computeIfAbsent(pkg, k -> new TreeSet<>());
                Matcher m = REFERENCE.matcher(code);
                while (m.find()) {
                    if (!m.group(1).equals(pkg)) {
                        GRAPH.get(pkg).add(m.group(1));
                        WHERE.putIfAbsent(pkg + " -> " + m.group(1), SRC.relativize(file).toString());
                    }
                }
            }
        }
    }

    @Test
    void topLevelPackages_dependOnlyDownstream() {
        assertThat(GRAPH).containsKeys("control", "control.state", "api", "assembly", "sim");
        List<String> violations = new ArrayList<>();
        GRAPH.forEach((from, tos) -> {
            String top = top(from);
            Set<String> allowed = ALLOWED.get(top);
            if (allowed == null) {
                violations.add(from + ": top-level package not declared in ArchitectureTest");
                return;
            }
            for (String to : tos) {
                if (!top(to).equals(top) && !allowed.contains(top(to))) {
                    violations.add(from + " -> " + to + " (" + WHERE.get(from + " -> " + to) + ")");
                }
            }
        });
        assertThat(violations).isEmpty();
    }

    @Test
    void noCycleBetweenAnyTwoPackages() {
        List<List<String>> cycles = stronglyConnected().stream().filter(c -> c.size() > 1).toList();
        assertThat(cycles).as("package cycles").isEmpty();
    }

    @Test
    void cycleCheck_findsACycle() {
        Map<String, Set<String>> g = Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a"));
        assertThat(stronglyConnected(g)).anySatisfy(c -> assertThat(c).containsExactlyInAnyOrder("a", "b", "c"));
    }

    @Test
    void controlNeverDependsOnTheEdge() {
        List<String> violations = new ArrayList<>();
        GRAPH.forEach((from, tos) -> {
            if (top(from).equals("control")) {
                tos.stream().filter(t -> Set.of("api", "assembly", "sim", "cli").contains(top(t)))
                        .forEach(t -> violations.add(from + " -> " + t + " (" + WHERE.get(from + " -> " + t) + ")"));
            }
        });
        assertThat(violations).isEmpty();
    }

    @Test
    void twoClockPackages_neverReadTheWallClock() {
        assertThat(CODE.keySet()).anySatisfy(f -> assertThat(top(SRC.relativize(f))).isEqualTo("control"));
        List<String> violations = new ArrayList<>();
        CODE.forEach((file, code) -> {
            boolean unseededRandom = code.contains("import java.util.Random;") && code.contains("new Random()");
            if (TWO_CLOCKS.contains(top(SRC.relativize(file))) && (WALL_CLOCK.matcher(code).find() || unseededRandom)) {
                violations.add(SRC.relativize(file).toString());
            }
        });
        assertThat(violations).isEmpty();
    }

    @Test
    void simulator_namesNoTable() throws IOException {
        Set<String> tables = new TreeSet<>();
        Pattern declared = Pattern.compile("(?:\\.table\\(|new RowKind<>\\()\\s*\"([^\"]+)\"");
        for (Path file : CODE.keySet()) {
            Matcher m = declared.matcher(Files.readString(file));
            while (m.find()) {
                tables.add(m.group(1));
            }
        }
        assertThat(tables).contains("ecs.task", "ec2.instance");
        List<String> violations = new ArrayList<>();
        for (Path file : CODE.keySet()) {
            if (top(SRC.relativize(file)).equals("sim")) {
                String text = Files.readString(file);
                tables.stream().filter(t -> text.contains("\"" + t + "\"")).forEach(t -> violations.add(
                        SRC.relativize(file) + " names table " + t));
            }
        }
        assertThat(violations).isEmpty();
    }

    private static String top(String pkg) {
        int dot = pkg.indexOf('.');
        return dot < 0 ? pkg : pkg.substring(0, dot);
    }

    private static String top(Path relative) {
        return relative.getName(0).toString();
    }

    private static List<List<String>> stronglyConnected() {
        return stronglyConnected(GRAPH);
    }

    /** Tarjan's strongly connected components. */
    static List<List<String>> stronglyConnected(Map<String, Set<String>> g) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<List<String>> out = new ArrayList<>();
        for (String v : new TreeSet<>(g.keySet())) {
            if (!index.containsKey(v)) {
                connect(v, g, index, low, stack, onStack, out);
            }
        }
        return out;
    }

    private static void connect(String v, Map<String, Set<String>> g, Map<String, Integer> index,
                                Map<String, Integer> low, Deque<String> stack, Set<String> onStack,
                                List<List<String>> out) {
        index.put(v, index.size());
        low.put(v, index.get(v));
        stack.push(v);
        onStack.add(v);
        for (String w : g.getOrDefault(v, Set.of())) {
            if (!index.containsKey(w)) {
                connect(w, g, index, low, stack, onStack, out);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            List<String> component = new ArrayList<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            out.add(component);
        }
    }

    /** The source without comments and with string and character literals emptied. */
    static String codeOnly(String src) {
        StringBuilder b = new StringBuilder(src.length());
        int i = 0;
        int n = src.length();
        while (i < n) {
            char c = src.charAt(i);
            if (c == '/' && i + 1 < n && src.charAt(i + 1) == '/') {
                while (i < n && src.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < n && src.charAt(i + 1) == '*') {
                int end = src.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
                b.append(' ');
            } else if (src.startsWith("\"\"\"", i)) {
                int end = src.indexOf("\"\"\"", i + 3);
                i = end < 0 ? n : end + 3;
                b.append("\"\"");
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < n && src.charAt(j) != c) {
                    j += src.charAt(j) == '\\' ? 2 : 1;
                }
                i = j + 1;
                b.append(c).append(c);
            } else {
                b.append(c);
                i++;
            }
        }
        return b.toString();
    }
}
