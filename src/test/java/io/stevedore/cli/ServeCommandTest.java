package io.stevedore.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The refusals of {@code serve} happen before anything listens or any state is created. */
class ServeCommandTest {
    @TempDir
    Path dir;

    @Test
    void serve_beyondLoopbackWithoutKeys_refusedWithExit2() {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("STEVEDORE_CREDENTIALS") == null,
                "operator keys in the environment would let serve start");
        java.io.PrintStream old = System.err;
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(bytes, true));
        try {
            int code = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), "serve",
                    "--host", "0.0.0.0", "--port", "0", "--data-dir", dir.resolve("data").toString());
            assertThat(code).isEqualTo(2);
            assertThat(bytes.toString()).contains("refusing to listen on 0.0.0.0").contains("--credentials-file")
                    .contains("STEVEDORE_CREDENTIALS");
            assertThat(Files.exists(dir.resolve("data"))).as("no state created").isFalse();
        } finally {
            System.setErr(old);
        }
    }

    @ParameterizedTest
    @CsvSource({"--rate-limits,sometimes,'--rate-limits is ''ecs'' or ''off'''", "--rate-limit-scale,0,positive"})
    void serve_badLimitOption_refusedWithExit2(String option, String value, String message) {
        StringWriter err = new StringWriter();
        java.io.PrintStream old = System.err;
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(bytes, true));
        try {
            int code = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err), "serve", "--port", "0",
                    "--data-dir", dir.resolve("data").toString(), option, value);
            assertThat(code).isEqualTo(2);
            assertThat(bytes.toString()).contains(message);
        } finally {
            System.setErr(old);
        }
    }

    @ParameterizedTest
    @CsvSource({"services-per-cluster=0,at least 1", "services=3,no service quota named 'services'",
        "tasks-per-service=lots,whole number"})
    void serve_badQuota_refusedWithExit2BeforeAnyStateExists(String quota, String message) {
        java.io.PrintStream old = System.err;
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(bytes, true));
        try {
            int code = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), "serve",
                    "--port", "0", "--data-dir", dir.resolve("data").toString(), "--quota", quota);
            assertThat(code).isEqualTo(2);
            assertThat(bytes.toString()).contains(message);
            assertThat(Files.exists(dir.resolve("data"))).as("no state created").isFalse();
        } finally {
            System.setErr(old);
        }
    }

    @Test
    void quotas_fileThenOptions_optionsWin() throws Exception {
        Path file = dir.resolve("quotas.txt");
        Files.writeString(file, "# test quotas\nservices-per-cluster=3\n\ntasks-per-service=7\n");
        ServeCommand cmd = new ServeCommand();
        new picocli.CommandLine(cmd).setCaseInsensitiveEnumValuesAllowed(true).parseArgs("--quota-file", file.toString(), "--quota", "tasks-per-service=9",
                "--quota", "clusters-per-account=2");
        io.stevedore.ecs.Quotas q = cmd.quotas();
        assertThat(q.get(io.stevedore.ecs.ServiceQuota.SERVICES_PER_CLUSTER)).isEqualTo(3);
        assertThat(q.get(io.stevedore.ecs.ServiceQuota.TASKS_PER_SERVICE)).isEqualTo(9);
        assertThat(q.get(io.stevedore.ecs.ServiceQuota.CLUSTERS_PER_ACCOUNT)).isEqualTo(2);
        assertThat(q.get(io.stevedore.ecs.ServiceQuota.TAGS_PER_RESOURCE)).isEqualTo(50);
        ServeCommand none = new ServeCommand();
        new picocli.CommandLine(none).setCaseInsensitiveEnumValuesAllowed(true).parseArgs();
        assertThat(none.quotas()).isEqualTo(io.stevedore.ecs.Quotas.defaults());
    }
}
