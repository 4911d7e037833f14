package io.stevedore.bench.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import io.stevedore.api.EcsServerFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short fuzz run of the test suite: a seeded sample of model-generated invalid inputs for every implemented
 * operation (bounded to 45 s of sending). The long run is {@code bench/fuzz}.
 */
class FuzzTest {
    @TempDir
    Path dir;

    @Test
    void everyOperation_invalidInputs_answered4xxWithAwsErrorsAndStateUnchanged() throws Exception {
        try (EcsServerFixture f = new EcsServerFixture(dir, false)) {
            FuzzPlan.seed(f);
            CaseGenerator gen = new CaseGenerator(ServiceModel.load());
            List<String> ops = List.copyOf(f.plane.api().operations());
            List<FuzzCase> cases = FuzzPlan.interleaved(ops, gen, 7, 80);
            FuzzRunner.Report report = new FuzzRunner.Report();
            new FuzzRunner(f).run(cases, Instant.now().plus(Duration.ofSeconds(45)), report);
            assertThat(report.violations).as("violations").isEmpty();
            assertThat(report.server5xx).isZero();
            assertThat(report.casesByOperation.keySet()).as("every operation was driven").containsAll(ops);
            assertThat(report.rejected4xx).isGreaterThan(report.cases / 2);
        }
    }
}
