package io.stevedore.control.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.control.state.DeploymentBook;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.ecs.model.Container;
import software.amazon.awssdk.services.ecs.model.DeploymentCircuitBreaker;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskStopCode;
import software.amazon.awssdk.services.ecs.model.ThresholdConfiguration;

/** The circuit breaker's threshold, what counts as a failed task, and the tally with its resets. */
class CircuitBreakerTest {
    private static final String DEPLOYMENT = "ecs-svc/1";
    private static final long WINDOW = 30_000;

    @ParameterizedTest(name = "{0} {1} of desired {2} -> {3}")
    @CsvSource({
            ",,1,3", ",,3,3", ",,7,4", ",,10,5", ",,1000,200",
            "BOUNDED_PERCENT,100,2,3", "BOUNDED_PERCENT,10,5000,200",
            "UNBOUNDED_PERCENT,50,1000,500", "UNBOUNDED_PERCENT,50,1,1",
            "COUNT,5,1,5", "COUNT,5,1000,5"})
    void threshold_typeValueDesired_asEcsComputesIt(String type, Integer value, int desired, int expected) {
        DeploymentCircuitBreaker cb = DeploymentCircuitBreaker.builder().enable(true).rollback(true)
                .thresholdConfiguration(type == null ? null
                        : ThresholdConfiguration.builder().type(type).value(value).build()).build();
        assertThat(CircuitBreaker.threshold(cb, desired)).isEqualTo(expected);
    }

    private static Task.Builder stopped(String arn, TaskStopCode code, String reason, Integer exit, Long startedAt) {
        return Task.builder().taskArn(arn).startedBy(DEPLOYMENT).desiredStatus("STOPPED").lastStatus("STOPPED")
                .stopCode(code).stoppedReason(reason).startedAt(startedAt == null ? null : Instant.ofEpochMilli(
                        startedAt)).stoppingAt(Instant.ofEpochMilli(startedAt == null ? 5 : startedAt + 1))
                .containers(Container.builder().name("web").exitCode(exit).build());
    }

    @Test
    void failed_byStopCauseWhoeverReportedIt() {
        assertThat(CircuitBreaker.failed(stopped("a", TaskStopCode.ESSENTIAL_CONTAINER_EXITED,
                "Essential container in task exited", 1, 0L).build())).isTrue();
        assertThat(CircuitBreaker.failed(stopped("b", TaskStopCode.ESSENTIAL_CONTAINER_EXITED,
                "Essential container in task exited", 0, 0L).build())).isFalse();
        assertThat(CircuitBreaker.failed(stopped("c", TaskStopCode.SERVICE_SCHEDULER_INITIATED,
                "Task failed container health checks", null, 0L).build())).isTrue();
        assertThat(CircuitBreaker.failed(stopped("d", TaskStopCode.TASK_FAILED_TO_START,
                "CannotPullContainerError: pull access denied", null, null).build())).isTrue();
        assertThat(CircuitBreaker.failed(stopped("e", null, "CannotPullContainerError", null, null).build()))
                .isTrue();
        assertThat(CircuitBreaker.failed(stopped("f", TaskStopCode.SERVICE_SCHEDULER_INITIATED,
                "Task replaced by deployment ecs-svc/2", null, 0L).build())).isFalse();
        assertThat(CircuitBreaker.failed(stopped("g", TaskStopCode.USER_INITIATED, "Task stopped by user",
                null, null).build())).isFalse();
        assertThat(CircuitBreaker.failed(stopped("h", TaskStopCode.ESSENTIAL_CONTAINER_EXITED,
                "Essential container in task exited", 1, 0L).desiredStatus("RUNNING").build())).isFalse();
    }

    private static Task running(String arn, long startedAt) {
        return Task.builder().taskArn(arn).startedBy(DEPLOYMENT).desiredStatus("RUNNING").lastStatus("RUNNING")
                .startedAt(Instant.ofEpochMilli(startedAt)).build();
    }

    private static Task crashed(String arn, long at) {
        return stopped(arn, TaskStopCode.ESSENTIAL_CONTAINER_EXITED, "Essential container in task exited", 1, at)
                .build();
    }

    @Test
    void tally_countsEachFailureOnce_andForgetsPurgedTasks() {
        DeploymentBook book = DeploymentBook.start(DEPLOYMENT, "svc", "sd", "rev", false);
        DeploymentBook one = CircuitBreaker.tally(book, List.of(crashed("a", 10), crashed("b", 20)), 100, WINDOW,
                true, t -> Long.MAX_VALUE);
        assertThat(one.failures()).isEqualTo(2);
        DeploymentBook again = CircuitBreaker.tally(one, List.of(crashed("a", 10), crashed("b", 20)), 200, WINDOW,
                true, t -> Long.MAX_VALUE);
        assertThat(again).isSameAs(one);
        DeploymentBook purged = CircuitBreaker.tally(one, List.of(crashed("c", 150)), 300, WINDOW, true,
                t -> Long.MAX_VALUE);
        assertThat(purged.failures()).isEqualTo(3);
        assertThat(purged.counted()).containsExactly("c");
    }

    @Test
    void tally_healthyTaskResetsInTimeOrder_unlessResetOff() {
        DeploymentBook book = DeploymentBook.start(DEPLOYMENT, "svc", "sd", "rev", false)
                .withTally(2, 0, List.of());
        // one task healthy from 30,000 ms on; a crash at 40,000 comes after the reset, one at 20,000 before it
        List<Task> tasks = List.of(running("ok", 0), crashed("late", 40_000), crashed("early", 19_999));
        DeploymentBook reset = CircuitBreaker.tally(book, tasks, 50_000, WINDOW, true, t -> Long.MAX_VALUE);
        assertThat(reset.failures()).isEqualTo(1);
        assertThat(reset.healthyThroughMillis()).isEqualTo(30_000);
        DeploymentBook kept = CircuitBreaker.tally(book, tasks, 50_000, WINDOW, false, t -> Long.MAX_VALUE);
        assertThat(kept.failures()).isEqualTo(4);
    }

    @Test
    void tally_crashLoopNeverLooksHealthy() {
        DeploymentBook book = DeploymentBook.start(DEPLOYMENT, "svc", "sd", "rev", false);
        // RUNNING for a moment only: due to exit 1 ms after its start, long before the window ends
        List<Task> tasks = List.of(running("r", 0), crashed("a", 5), crashed("b", 7));
        DeploymentBook after = CircuitBreaker.tally(book, tasks, 60_000, WINDOW, true,
                t -> t.taskArn().equals("r") ? 1 : Long.MAX_VALUE);
        assertThat(after.failures()).isEqualTo(2);
        assertThat(after.healthyThroughMillis()).isZero();
    }
}
