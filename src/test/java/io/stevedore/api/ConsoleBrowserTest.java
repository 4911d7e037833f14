package io.stevedore.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stevedore.catalog.PriceBook;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * The console in headless Chromium against a real server holding the seed's cluster (the seed walkthrough's
 * capacity provider requirements, an ARM64 awsvpc service) plus a GPU service no instance of that provider can run:
 * the page shows the fleet's instance types and counts and the hourly cost that the SDK and the price book give,
 * scales a service with its own form and shows the new tasks without a reload, and explains the PENDING task.
 * Screenshots (desktop and phone width) are saved under target/console/.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {
    static final Path OUT = Path.of("target", "console");
    static final String CLUSTER = "ec2-managed";
    static Path dir;
    static EcsServerFixture f;
    static Chromium browser;
    static String page;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("console-test");
        f = new EcsServerFixture(dir.resolve("data"));
        f.miCluster(CLUSTER);
        f.register(EcsServerFixture.nginx("test-ecs-task"));
        f.ecs.createService(b -> b.cluster(CLUSTER).serviceName("web").taskDefinition("test-ecs-task").desiredCount(3)
                .networkConfiguration(f.awsvpc()));
        f.register(EcsServerFixture.nginx("whisper").containerDefinitions(ContainerDefinition.builder().name("asr")
                .image("public.ecr.aws/example/whisper:latest").essential(true)
                .resourceRequirements(r -> r.type("GPU").value("4")).build()));
        f.ecs.createService(b -> b.cluster(CLUSTER).serviceName("transcribe").taskDefinition("whisper")
                .desiredCount(1).networkConfiguration(f.awsvpc()));
        f.waiter.waitUntilServicesStable(b -> b.cluster(CLUSTER).services("web"));
        browser = new Chromium(dir.resolve("chromium"));
        page = f.endpoint() + "/console/#/cluster/" + CLUSTER;
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (f != null) {
            f.close();
        }
        if (dir != null) {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (java.io.IOException ignored) {
                // a leftover temporary directory is harmless
            }
        }
    }

    /** The fleet as the SDK describes it: instance type → registered container instances. */
    static Map<String, Integer> sdkFleet() {
        Map<String, Integer> fleet = new TreeMap<>();
        List<String> arns = f.ecs.listContainerInstances(b -> b.cluster(CLUSTER)).containerInstanceArns();
        if (arns.isEmpty()) {
            return fleet;
        }
        for (ContainerInstance ci : f.ecs.describeContainerInstances(b -> b.cluster(CLUSTER)
                .containerInstances(arns)).containerInstances()) {
            String type = ci.attributes().stream().filter(a -> "ecs.instance-type".equals(a.name())).findFirst()
                    .orElseThrow().value();
            fleet.merge(type, 1, Integer::sum);
        }
        return fleet;
    }

    /** The fleet table and the cost card, read in one evaluation (a refresh cannot land between them). */
    record Shown(Map<String, Integer> fleet, String cost) {
    }

    static Shown shown() throws Exception {
        JsonNode page = browser.eval("({rows: [...document.querySelectorAll('#fleet tbody tr[data-type]')]"
                + ".map(r => [r.dataset.type, Number(r.cells[1].textContent)]),"
                + " cost: document.querySelector('#cost-now .value').textContent})");
        Map<String, Integer> fleet = new TreeMap<>();
        page.get("rows").forEach(r -> fleet.put(r.get(0).asText(), r.get(1).asInt()));
        return new Shown(fleet, page.get("cost").asText());
    }

    @Test
    @Order(1)
    void clusterPage_showsTheSeedFleetTypesCountsAndHourlyCost() throws Exception {
        browser.viewport(1280, 900, false);
        browser.open(page);
        browser.waitFor("document.querySelectorAll('#fleet tbody tr[data-type]').length > 0", Duration.ofSeconds(30));
        // The page refreshes every few seconds; the fleet may still move (compaction), so compare once both agree.
        Map<String, Integer> sdk = Map.of();
        Shown shown = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        while (System.nanoTime() < deadline) {
            sdk = sdkFleet();
            shown = shown();
            if (!sdk.isEmpty() && sdk.equals(shown.fleet())) {
                break;
            }
            Thread.sleep(500);
        }
        assertThat(sdk).as("the fleet DescribeContainerInstances gives").isNotEmpty();
        assertThat(shown.fleet()).as("instance types and counts on the page").isEqualTo(sdk);
        assertThat(sdk.keySet()).as("the seed provider's types: AWS Graviton, 2-4 vCPU")
                .allSatisfy(t -> assertThat(t).matches("[a-z]+\\d+g[a-z]*\\..+"));

        PriceBook prices = PriceBook.load();
        double hourly = 0;
        for (Map.Entry<String, Integer> e : sdk.entrySet()) {
            hourly += e.getValue() * (prices.onDemand("us-east-1", e.getKey()).orElseThrow()
                    + prices.managementFee("us-east-1", e.getKey()).orElseThrow());
        }
        String cost = shown.cost();
        assertThat(cost).matches("\\$\\d+\\.\\d+/h");
        assertThat(Double.parseDouble(cost.substring(1, cost.length() - 2))).as("cost now on the page")
                .isCloseTo(hourly, org.assertj.core.data.Offset.offset(hourly < 1 ? 0.0001 : 0.005));
        assertThat(browser.eval("document.querySelector('#fargate-now .sub').textContent").asText())
                .as("the three web tasks can run on Fargate; the GPU task, not placed, is not priced")
                .isEqualTo("3 of 3 running tasks can run there");
        assertThat(browser.eval("document.getElementById('verdict').textContent").asText())
                .isEqualTo("Fargate could run every running task.");
        assertThat(browser.eval("document.getElementById('providers').textContent").asText())
                .contains(CLUSTER + "-mi").contains("matching instance types").contains("t4g.");
        browser.screenshot(OUT.resolve("cluster-1280.png"));
        assertThat(Files.size(OUT.resolve("cluster-1280.png"))).isGreaterThan(30_000);
    }

    @Test
    @Order(2)
    void pendingTask_showsTheSchedulersExplanation() throws Exception {
        browser.open(page);
        browser.waitFor("document.getElementById('task-status')", Duration.ofSeconds(30));
        browser.eval("(() => { const s = document.getElementById('task-status'); s.value = 'PENDING';"
                + " s.dispatchEvent(new Event('change')); })()");
        browser.waitFor("document.querySelector('#tasks caption').textContent.endsWith('tasks (pending)')"
                + " && [...document.querySelectorAll('#tasks tr[data-task]')].some(r => r.dataset.status ==="
                + " 'PROVISIONING' && r.querySelector('.explain').textContent.includes('was unable to place a task'))",
                Duration.ofSeconds(40));
        String explanation = browser.eval("[...document.querySelectorAll('#tasks tr[data-task]')].find(r =>"
                + " r.dataset.status === 'PROVISIONING').querySelector('.explain').textContent").asText();
        assertThat(explanation).startsWith("Not placed: was unable to place a task").contains("GPU");
        assertThat(browser.eval("[...document.querySelectorAll('#tasks tr[data-task]')].every(r =>"
                + " r.dataset.status !== 'RUNNING')").asBoolean()).as("the filter shows pending tasks only").isTrue();
    }

    @Test
    @Order(3)
    void scaleFromThePage_newTasksAppearWithoutAReload() throws Exception {
        browser.open(page);
        browser.waitFor("document.getElementById('scale-web') && [...document.querySelectorAll('#tasks tr[data-task]')]"
                + ".filter(r => r.cells[2].textContent === 'web').length === 3", Duration.ofSeconds(30));
        browser.eval("window.stillTheSamePage = 'yes'");
        JsonNode before = browser.eval("[...document.querySelectorAll('#tasks tr[data-task]')].map(r => r.dataset.task)");
        browser.eval("(() => { const i = document.getElementById('scale-web'); i.value = '6';"
                + " i.closest('form').querySelector('button').click(); })()");
        browser.waitFor("document.getElementById('notice').textContent.includes('desired count set to 6')",
                Duration.ofSeconds(20));
        Service s = f.ecs.describeServices(b -> b.cluster(CLUSTER).services("web")).services().get(0);
        assertThat(s.desiredCount()).as("UpdateService ran through the API").isEqualTo(6);
        browser.waitFor("[...document.querySelectorAll('#tasks tr[data-task]')].filter(r => r.cells[2].textContent"
                + " === 'web' && r.dataset.status === 'RUNNING').length === 6", Duration.ofSeconds(60));
        assertThat(browser.eval("window.stillTheSamePage").asText()).as("no reload").isEqualTo("yes");
        JsonNode added = browser.eval("(() => { const before = " + before + "; return [...document.querySelectorAll("
                + "'#tasks tr[data-task]')].map(r => r.dataset.task).filter(t => !before.includes(t)); })()");
        assertThat(added).as("tasks the page did not show before the scale").hasSize(3);
        String first = added.get(0).asText().substring(0, 12);
        browser.waitFor("[...document.querySelectorAll('#events li')].some(li => li.textContent.includes('"
                + first + " RUNNING'))", Duration.ofSeconds(20));
    }

    @Test
    @Order(4)
    void page_isAccessibleSelfContainedAndFitsAPhone() throws Exception {
        browser.open(page);
        browser.waitFor("document.querySelectorAll('#instances tr[data-instance]').length > 0", Duration.ofSeconds(30));
        assertThat(browser.eval("[...document.querySelectorAll('input, select')].filter(e => e.labels.length === 0)"
                + ".map(e => e.id)")).as("form controls without a label").isEmpty();
        assertThat(browser.eval("[...document.querySelectorAll('button')].filter(b => !b.textContent.trim())"
                + ".length").asInt()).as("buttons without text").isZero();
        assertThat(browser.eval("document.querySelectorAll('table th[scope=col]').length").asInt()).isPositive();
        JsonNode resources = browser.eval("performance.getEntriesByType('resource').map(r => r.name)");
        assertThat(resources).as("resources the page loaded").isNotEmpty();
        resources.forEach(r -> assertThat(r.asText()).startsWith(f.endpoint().toString() + "/console/"));
        browser.screenshot(OUT.resolve("cluster-desktop-full.png"));

        browser.viewport(390, 844, true);
        browser.open(page);
        browser.waitFor("document.querySelectorAll('#instances tr[data-instance]').length > 0", Duration.ofSeconds(30));
        assertThat(browser.eval("document.documentElement.scrollWidth").asInt()).as("no sideways scrolling at 390 px;"
                + " too wide: " + browser.eval("[...document.querySelectorAll('body *')].filter(e =>"
                + " e.getBoundingClientRect().right > 391 && !e.closest('.table-wrap table')).slice(0, 8).map(e =>"
                + " e.tagName + '.' + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right))"))
                .isLessThanOrEqualTo(390);
        browser.screenshot(OUT.resolve("cluster-phone.png"));
        browser.viewport(1280, 900, false);
        assertThat(browser.errors()).as("errors the page logged").isEmpty();
    }
}
