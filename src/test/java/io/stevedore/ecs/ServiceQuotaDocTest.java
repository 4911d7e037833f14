package io.stevedore.ecs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/operations.md "Service quotas" against {@link ServiceQuota}: every quota listed once, in the enum's order,
 * with its default and whether AWS adjusts it, so that the page never shows a second, different copy.
 */
class ServiceQuotaDocTest {
    private static final Pattern ROW = Pattern.compile("^\\| `([a-z-]+)` \\| [^|]+ \\| (\\d+) \\| (yes|no) \\|",
            Pattern.MULTILINE);

    @Test
    void operationsDoc_listsEveryQuotaWithItsDefaultAndAdjustability() throws Exception {
        String doc = Files.readString(Path.of("docs/operations.md"));
        int start = doc.indexOf("\n## Service quotas\n");
        assertThat(start).isPositive();
        int end = doc.indexOf("\n## ", start + 1);
        Matcher m = ROW.matcher(doc.substring(start, end));
        Map<String, String> documented = new LinkedHashMap<>();
        while (m.find()) {
            assertThat(documented.put(m.group(1), m.group(2) + " " + m.group(3))).as(m.group(1)).isNull();
        }
        Map<String, String> table = new LinkedHashMap<>();
        for (ServiceQuota q : ServiceQuota.values()) {
            table.put(q.key(), q.defaultValue() + " " + (q.adjustable() ? "yes" : "no"));
        }
        assertThat(documented).containsExactlyEntriesOf(table);
    }

    @Test
    void workloadSchema_namesEveryQuota() throws Exception {
        var schema = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                Path.of("docs/simulation-workload.schema.json").toFile());
        java.util.List<String> names = new java.util.ArrayList<>();
        schema.path("properties").path("quotas").path("properties").fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactly(java.util.Arrays.stream(ServiceQuota.values()).map(ServiceQuota::key)
                .toArray(String[]::new));
    }
}
