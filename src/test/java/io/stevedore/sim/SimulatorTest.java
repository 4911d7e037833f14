package io.stevedore.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stevedore.sim.report.JsonReport;
import io.stevedore.sim.workload.SimWorkload;
import io.stevedore.sim.workload.SimWorkloadReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SimulatorTest {

    static SimWorkload workload(String resource) throws Exception {
        try (var in = SimulatorTest.class.getResourceAsStream(resource)) {
            return new SimWorkloadReader().read("mixed-small", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    static JsonNode run(SimWorkload w, long seed) {
        return new Simulator(w, SimOptions.of(w.duration(), seed)).run(Progress.NONE);
    }

    @Test
    void run_sameWorkloadAndSeed_byteIdenticalJson() throws Exception {
        SimWorkload w = workload("/sim/mixed-small.yaml");
        String first = JsonReport.write(run(w, 42));
        String second = JsonReport.write(run(w, 42));
        assertThat(second).isEqualTo(first);
        String otherSeed = JsonReport.write(run(w, 43));
        assertThat(otherSeed).as("another seed draws other arrivals").isNotEqualTo(first);
    }

    @Test
    void run_mixedWorkload_reportsEveryPart() throws Exception {
        JsonNode r = run(workload("/sim/mixed-small.yaml"), 7);
        JsonNode mi = r.path("summary").path("managedInstances");
        assertThat(mi.path("cost").path("total").asDouble()).isPositive();
        assertThat(mi.path("cost").path("total").asDouble()).isCloseTo(mi.path("cost").path("ec2").asDouble()
                + mi.path("cost").path("managementFee").asDouble(), org.assertj.core.data.Offset.offset(0.0002));
        assertThat(mi.path("tasksStarted").asInt()).isGreaterThan(100);
        JsonNode fg = r.path("summary").path("fargate");
        assertThat(fg.path("unrunnable")).hasSize(1);
        assertThat(fg.path("unrunnable").get(0).path("taskDefinition").asText()).isEqualTo("gpu-job");
        assertThat(fg.path("unrunnable").get(0).path("reason").asText()).contains("GPU");
        assertThat(fg.path("cost").path("minimumBilling").asDouble()).as("40 s jobs pay the minute").isPositive();
        double miTotal = mi.path("cost").path("total").asDouble();
        double fgTotal = fg.path("cost").path("total").asDouble();
        String verdict = r.path("summary").path("verdict").asText();
        assertThat(verdict).as("Fargate, which cannot run the GPU jobs, is never called cheaper")
                .doesNotStartWith("Fargate is cheaper");
        assertThat(verdict).startsWith(miTotal > fgTotal ? "No like-for-like verdict: Fargate cannot run "
                : "Managed Instances is cheaper");
        assertThat(r.path("startLatencySeconds").path("managedInstances").path("warm").path("count").asInt())
                .isPositive();
        assertThat(r.path("startLatencySeconds").path("managedInstances").path("newInstance").path("p50")
                .asDouble()).isGreaterThan(r.path("startLatencySeconds").path("managedInstances").path("warm")
                .path("p50").asDouble());
        assertThat(r.path("taskStops").path("deployment").asInt()).as("the 2h deployment replaced tasks")
                .isGreaterThanOrEqualTo(4);
        assertThat(r.path("taskStops").path("completed").asInt()).isGreaterThan(100);
        assertThat(r.path("faults")).hasSize(3);
        assertThat(r.path("series").path("t")).hasSize(r.path("series").path("pendingTasks").size());
        assertThat(r.path("availability").path("overall").asDouble()).isGreaterThan(0.9);
    }

    /**
     * The GPU example's verdict (seed 1) compares no unlike bills: Fargate cannot run the transcription jobs, so it is
     * not called cheaper, and the sentence says how many tasks it leaves out and why.
     */
    @Test
    void run_gpuExample_verdictSaysWhatFargateCannotRun() throws Exception {
        SimWorkload w = new SimWorkloadReader().read("gpu-transcription",
                Files.readString(Path.of("examples/gpu-transcription.yaml")));
        String verdict = run(w, 1).path("summary").path("verdict").asText();
        assertThat(verdict).startsWith("No like-for-like verdict: Fargate cannot run 97 of the workload's tasks"
                + " (transcriber (97): GPU: Fargate has no GPUs (the task asks for 1)), so its $1.10 bills only the"
                + " part it can run, while Managed Instances ran all of them for $54.76.");
        assertThat(verdict).doesNotContain("Fargate is cheaper");
    }

    /**
     * The GPU example's start latency (seed 1), split by capacity provider: a worker that scaling adds on fresh GPU
     * capacity starts after 3–4 minutes (the podcast's figure: a g4dn boots, then pulls the 7 GiB image), one that
     * lands on a warm GPU instance with the image cached in seconds; Fargate runs none of the GPU jobs (listed, no latency invented) and
     * starts the API service's tasks in its assumed 30–60 s.
     */
    @Test
    void run_gpuExample_freshGpuCapacityMinutes_warmSeconds_byCapacityProvider() throws Exception {
        SimWorkload w = new SimWorkloadReader().read("gpu-transcription",
                Files.readString(Path.of("examples/gpu-transcription.yaml")));
        JsonNode lat = run(w, 1).path("startLatencySeconds");
        JsonNode gpu = lat.path("byCapacityProvider").path("gpu");
        JsonNode fresh = gpu.path("managedInstances").path("newInstance");
        JsonNode warm = gpu.path("managedInstances").path("warm");
        assertThat(fresh.path("count").asInt()).isPositive();
        assertThat(fresh.path("p50").asDouble()).isBetween(180.0, 240.0);
        assertThat(fresh.path("max").asDouble()).isLessThanOrEqualTo(240.0);
        assertThat(warm.path("count").asInt()).as("workers that land on a warm GPU instance").isPositive();
        assertThat(warm.path("max").asDouble()).isLessThan(15.0);
        assertThat(gpu.path("fargate").path("count").asInt()).isZero();
        assertThat(gpu.path("fargateCannotRun").asInt()).isEqualTo(fresh.path("count").asInt()
                + warm.path("count").asInt() + gpu.path("managedInstances").path("coldPull").path("count").asInt());
        JsonNode api = lat.path("byCapacityProvider").path("general");
        assertThat(api.path("managedInstances").path("newInstance").path("p50").asDouble()).isBetween(30.0, 40.0);
        assertThat(api.path("fargate").path("count").asInt()).isPositive();
        assertThat(api.path("fargate").path("p50").asDouble()).isBetween(30.0, 60.0);
        assertThat(lat.path("fargate").path("count").asInt()).as("Fargate's overall figures leave out what it cannot"
                + " run").isEqualTo(api.path("fargate").path("count").asInt());
    }

    /**
     * The queue-driven worker (examples/queue-worker.yaml, seed 1): step scaling on the queue depth the simulator
     * publishes adds workers as the day's arrivals grow and removes them as they fall, the scheduled night cap holds,
     * target tracking on CPU follows the API's load, and the same happens to the Fargate twins; same seed, same
     * report byte for byte.
     */
    @Test
    void run_queueWorker_scalesOnQueueDepth_onBothSides() throws Exception {
        SimWorkload w = new SimWorkloadReader().read("queue-worker",
                Files.readString(Path.of("examples/queue-worker.yaml")));
        JsonNode r = run(w, 1);
        assertThat(JsonReport.write(run(w, 1))).isEqualTo(JsonReport.write(r));
        JsonNode groups = r.path("autoScaling");
        assertThat(groups).hasSize(2);
        JsonNode worker = groups.get(0);
        assertThat(worker.path("service").asText()).isEqualTo("worker");
        for (String side : new String[] {"managedInstances", "fargate"}) {
            JsonNode s = worker.path(side);
            assertThat(s.path("activities").path("scaleOut").asInt()).as(side).isGreaterThan(5);
            assertThat(s.path("activities").path("scaleIn").asInt()).as(side).isGreaterThan(5);
            assertThat(s.path("firstActivities").get(0).path("cause").asText()).as(side)
                    .startsWith("monitor alarm queue-deep-").endsWith("in state ALARM triggered policy queue-out");
            int[] desired = ints(s.path("desired"));
            int[] running = ints(s.path("running"));
            assertThat(desired).hasSize(r.path("series").path("t").size());
            int peak = java.util.Arrays.stream(desired).max().orElse(0);
            assertThat(peak).as(side + " peak").isBetween(6, 20);
            long step = r.path("sampleSeconds").asLong();
            for (int i = 0; i < desired.length; i++) {
                long hour = i * step / 3600;
                if (hour >= 23) { // the night cap (22:00) leaves at most 6 by 23:00
                    assertThat(desired[i]).as(side + " at sample " + i).isLessThanOrEqualTo(6);
                }
                assertThat(running[i]).isLessThanOrEqualTo(Math.max(desired[i], 20));
            }
            assertThat(desired[(int) (4 * 3600 / step)]).as(side + " at 04:00, few arrivals").isLessThan(peak);
        }
        JsonNode api = groups.get(1);
        assertThat(api.path("managedInstances").path("firstActivities").get(0).path("cause").asText())
                .contains("-AlarmHigh-").contains("triggered policy cpu50");
        assertThat(ints(api.path("managedInstances").path("desired"))).contains(2, 5).doesNotContain(1, 11);
    }

    private static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asInt();
        }
        return out;
    }

    @Test
    void run_planWorkload_seedScenarioRunsAllTasks() throws Exception {
        SimWorkload w = new SimWorkloadReader().read("a", Files.readString(Path.of("examples/seed-scale-up-a.yaml")));
        JsonNode r = new Simulator(w, SimOptions.of(Duration.ofHours(1), 1)).run(Progress.NONE);
        assertThat(r.path("summary").path("managedInstances").path("tasksStarted").asInt()).isEqualTo(30);
        JsonNode running = r.path("series").path("runningTasks");
        assertThat(running.get(running.size() - 1).asInt()).isEqualTo(30);
    }
}
