package io.stevedore.cli;

import io.stevedore.catalog.Architecture;
import io.stevedore.catalog.InstanceRequirements;
import io.stevedore.catalog.InstanceSelector;
import io.stevedore.catalog.PurchaseOption;
import io.stevedore.catalog.Selection;
import io.stevedore.catalog.SelectionQuery;
import io.stevedore.ecs.InstanceRequirementsMapper;
import io.stevedore.wire.AwsException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code stevedore instance-types}: which EC2 instance types an ECS {@code instanceRequirements} object selects. */
@Command(name = "instance-types", mixinStandardHelpOptions = true,
        description = {"Lists the EC2 instance types that Managed Instances may launch for an ECS instanceRequirements"
                + " object, cheapest effective hourly price (EC2 + management fee) first.",
                "Exit codes: 0 = types listed, 1 = no type matches (the reason is printed), 2 = invalid input."})
public final class InstanceTypesCommand implements Callable<Integer> {
    static final int NO_MATCH = 1;
    static final int INVALID_INPUT = 2;

    @Spec
    CommandSpec spec;

    @Option(names = "--requirements", required = true, paramLabel = "<JSON>|@file",
            description = "The ECS instanceRequirements object (camelCase JSON), inline or @path/to/file.json.")
    String requirements;

    @Option(names = "--region", defaultValue = "us-east-1", description = "AWS Region for prices (default: ${DEFAULT-VALUE}).")
    String region;

    @Option(names = "--architecture", paramLabel = "ARM64|X86_64",
            description = "The task's CPU architecture (runtimePlatform.cpuArchitecture); default: either.")
    Architecture architecture;

    @Option(names = "--capacity-option", defaultValue = "ON_DEMAND", paramLabel = "ON_DEMAND|SPOT|RESERVED",
            description = "The provider's capacityOptionType (default: ${DEFAULT-VALUE}); SPOT prices are estimates.")
    PurchaseOption capacityOption;

    @Option(names = "--output", defaultValue = "table", paramLabel = "table|json",
            description = "Output format (default: ${DEFAULT-VALUE}).")
    OutputFormat output;

    enum OutputFormat { table, json }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        InstanceRequirements parsed;
        try {
            parsed = new InstanceRequirementsMapper().parse(readRequirements());
        } catch (AwsException e) {
            err.println(e.errorType() + ": " + e.getMessage());
            err.flush();
            return INVALID_INPUT;
        }
        InstanceSelector selector = InstanceSelector.load();
        if (!selector.prices().hasRegion(region)) {
            err.println("InvalidParameterException: --region " + region + " has no prices; known regions: "
                    + String.join(", ", selector.prices().regions()));
            err.flush();
            return INVALID_INPUT;
        }
        Selection selection = selector.select(new SelectionQuery(parsed, Optional.ofNullable(architecture), region,
                capacityOption));
        if (output == OutputFormat.json) {
            out.println(SelectionFormat.json(selection));
        } else {
            out.print(SelectionFormat.table(selection));
        }
        out.flush();
        if (selection.isEmpty()) {
            err.println(selection.noMatchMessage().orElse(Selection.NO_MATCH_MESSAGE));
            err.flush();
            return NO_MATCH;
        }
        return 0;
    }

    private String readRequirements() {
        if (!requirements.startsWith("@")) {
            return requirements;
        }
        Path file = Path.of(requirements.substring(1));
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw AwsException.invalidParameter("--requirements: cannot read " + file + " (" + e.getClass().getSimpleName()
                    + ")");
        }
    }
}
