package io.stevedore.sim.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stevedore.sim.Progress;
import io.stevedore.sim.SimOptions;
import io.stevedore.sim.Simulator;
import io.stevedore.sim.workload.SimWorkload;
import io.stevedore.sim.workload.SimWorkloadReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens the HTML report in headless Chromium (Debian's {@code chromium}; .ci/run installs it): the page renders,
 * every chart is there with its drawing, the browser logs no console message, and a screenshot is saved under
 * target/sim-report/.
 */
class HtmlReportBrowserTest {
    private static final Path OUT = Path.of("target", "sim-report");
    private static final Pattern CONSOLE = Pattern.compile(":CONSOLE[:(]\\d+\\)?\\] (.*)");
    private static Path page;

    record Browser(String dom, List<String> console) {
    }

    @BeforeAll
    static void render() throws Exception {
        SimWorkload w;
        try (var in = HtmlReportBrowserTest.class.getResourceAsStream("/sim/mixed-small.yaml")) {
            w = new SimWorkloadReader().read("mixed-small", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        JsonNode r = new Simulator(w, SimOptions.of(Duration.ofHours(3), 1)).run(Progress.NONE);
        Files.createDirectories(OUT);
        page = OUT.resolve("mixed-small.html");
        Files.writeString(page, HtmlReport.render(r), StandardCharsets.UTF_8);
    }

    static Path chromium() {
        return io.stevedore.api.Chromium.binary();
    }

    static Browser open(Path html, Path profile, String... extra) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(chromium().toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile.toAbsolutePath(), "--enable-logging=stderr", "--v=0"));
        cmd.addAll(List.of(extra));
        cmd.add(html.toAbsolutePath().toUri().toString());
        Path stdout = Files.createTempFile(profile, "out", ".txt");
        Path stderr = Files.createTempFile(profile, "err", ".txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 120 s");
        }
        List<String> console = new ArrayList<>();
        for (String line : Files.readAllLines(stderr)) {
            Matcher m = CONSOLE.matcher(line);
            if (m.find()) {
                console.add(m.group(1));
            }
        }
        return new Browser(Files.readString(stdout), console);
    }

    @Test
    void report_inHeadlessChromium_rendersEveryChartWithoutConsoleErrors(@TempDir Path profile) throws Exception {
        Browser b = open(page, profile, "--dump-dom");
        assertThat(b.console()).as("console messages").isEmpty();
        assertThat(b.dom()).contains("<h1>Stevedore simulation: mixed-small</h1>");
        for (String id : HtmlReport.CHARTS) {
            int at = b.dom().indexOf("id=\"" + id + "\"");
            assertThat(at).as(id).isPositive();
            String section = b.dom().substring(at, b.dom().indexOf("</section>", at));
            assertThat(section).as(id + " has a drawing").contains("<svg").containsPattern("class=\"series\"");
        }
        assertThat(b.dom()).contains("id=\"unrunnable\"").contains("GPU");
        assertThat(b.dom()).as("start latency by capacity provider").contains("id=\"latency-by-provider\"")
                .contains("<td class=\"l\">general</td><td class=\"l\">MI newInstance</td>")
                .contains("<td class=\"l\">spot</td><td class=\"l\">MI warm</td>");
        assertThat(b.dom()).as("nothing fetched: the page is self-contained")
                .doesNotContainPattern("(src|href)=\"(https?:)?//").doesNotContain("<link", "<script", "@import");
    }

    @Test
    void report_screenshot_savedUnderTarget(@TempDir Path profile) throws Exception {
        Path png = OUT.resolve("mixed-small.png").toAbsolutePath();
        Files.deleteIfExists(png);
        open(page, profile, "--screenshot=" + png, "--window-size=1200,5200", "--hide-scrollbars");
        assertThat(png).exists();
        assertThat(Files.size(png)).isGreaterThan(20_000);
    }

    @Test
    void consoleCheck_pageWithScriptError_isCaught(@TempDir Path profile) throws Exception {
        Path bad = profile.resolve("bad.html");
        Files.writeString(bad, "<html><body><script>console.error('boom'); missing();</script></body></html>");
        Browser b = open(bad, profile, "--dump-dom");
        assertThat(b.console()).anySatisfy(l -> assertThat(l).contains("boom"))
                .anySatisfy(l -> assertThat(l).contains("Uncaught ReferenceError"));
    }
}
