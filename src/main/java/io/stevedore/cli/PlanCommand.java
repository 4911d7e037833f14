package io.stevedore.cli;

import io.stevedore.catalog.Offering;
import io.stevedore.catalog.Selection;
import io.stevedore.control.scheduling.CapacityOfferings;
import io.stevedore.provisioning.LaunchPlan;
import io.stevedore.provisioning.PendingGroup;
import io.stevedore.provisioning.Provisioner;
import io.stevedore.provisioning.ProvisioningRequest;
import io.stevedore.provisioning.Unplaceable;
import io.stevedore.sim.workload.WorkloadError;
import io.stevedore.wire.AwsException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code stevedore plan}: the cheapest new fleet for a workload file (docs/workload-format.md). */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = {"Plans the cheapest Managed Instances fleet (EC2 + management fee per hour) for the task groups"
                + " of a workload file: instance types and counts per subnet, cost, utilization and the groups that"
                + " cannot be placed, with reasons.",
                "Exit codes: 0 = every task planned, 1 = some tasks cannot be placed (reasons printed),"
                        + " 2 = invalid workload."})
public final class PlanCommand implements Callable<Integer> {
    static final int UNPLACEABLE = 1;
    static final int INVALID_INPUT = 2;

    @Spec
    CommandSpec spec;

    @Option(names = "--workload", required = true, paramLabel = "FILE", description = "Workload file, YAML or JSON.")
    Path workload;

    @Option(names = "--region", paramLabel = "R",
            description = "AWS Region for prices; overrides the file's region (default: the file's, else us-east-1).")
    String region;

    @Option(names = "--output", defaultValue = "table", paramLabel = "table|json",
            description = "Output format (default: ${DEFAULT-VALUE}).")
    PlanFormat.Output output;

    /** One capacity provider's share of the plan. */
    record ProviderPlan(Workload.Provider provider, int offerings, LaunchPlan plan) {
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<ProviderPlan> plans;
        Workload w;
        try {
            String text = Files.readString(workload, StandardCharsets.UTF_8);
            WorkloadReader reader = new WorkloadReader();
            w = reader.read(text, "us-east-1");
            if (region != null) {
                w = new Workload(region, w.providers(), w.groups());
            }
            plans = plan(w, reader, CapacityOfferings.load());
        } catch (IOException e) {
            err.println("stevedore plan: cannot read " + workload + ": " + e.getMessage());
            return INVALID_INPUT;
        } catch (WorkloadError e) {
            err.println(workload + ": " + e.getMessage());
            return INVALID_INPUT;
        }
        PlanFormat.print(out, output, w, plans);
        out.flush();
        return plans.stream().anyMatch(p -> !p.plan().unplaceable().isEmpty()) ? UNPLACEABLE : 0;
    }

    /** Plans every provider's groups; groups with the same placement constraints are packed together. */
    static List<ProviderPlan> plan(Workload w, WorkloadReader reader, CapacityOfferings source) {
        List<ProviderPlan> out = new ArrayList<>();
        int index = 0;
        for (Workload.Provider p : w.providers().values()) {
            Selection selection;
            try {
                selection = source.select(p.requirements(), w.region(), p.capacityOptionType());
            } catch (AwsException | IllegalArgumentException e) {
                throw reader.error("/capacityProviders/" + index + "/instanceRequirements", e.getMessage());
            }
            index++;
            Map<String, List<PendingGroup>> parts = new LinkedHashMap<>();
            Map<String, GroupPlacement> placements = new LinkedHashMap<>();
            for (int i = 0; i < w.groups().size(); i++) {
                Workload.Group g = w.groups().get(i);
                if (!g.provider().equals(p.name())) {
                    continue;
                }
                GroupPlacement gp;
                try {
                    gp = GroupPlacement.of(g.constraints(), p.zones(), selection.offerings(),
                            g.demand().architecture());
                } catch (IllegalArgumentException e) { // incl. PlacementValidationException (ECS messages)
                    throw reader.error("/taskGroups/" + i + "/placementConstraints", e.getMessage());
                }
                placements.putIfAbsent(gp.key(), gp);
                parts.computeIfAbsent(gp.key(), k -> new ArrayList<>()).add(
                        new PendingGroup(g.name(), g.demand(), g.count()));
            }
            List<LaunchPlan> partial = new ArrayList<>();
            for (Map.Entry<String, List<PendingGroup>> e : parts.entrySet()) {
                GroupPlacement gp = placements.get(e.getKey());
                List<Offering> offerings = gp.offerings();
                LaunchPlan plan = new Provisioner().plan(new ProvisioningRequest(e.getValue(), offerings, gp.zones(),
                        w.overhead(p.name())));
                if (offerings.isEmpty() && selection.noMatchReason().isPresent()) {
                    plan = withReason(plan, selection.noMatchReason().get());
                }
                partial.add(plan);
            }
            out.add(new ProviderPlan(p, selection.offerings().size(), LaunchPlan.merge(partial)));
        }
        return out;
    }

    private static LaunchPlan withReason(LaunchPlan plan, String reason) {
        List<Unplaceable> u = new ArrayList<>();
        for (Unplaceable x : plan.unplaceable()) {
            u.add(new Unplaceable(x.groupKey(), x.count(), x.dimension(), x.reason() + " (" + reason + ")"));
        }
        return new LaunchPlan(plan.instances(), plan.ec2PerHour(), plan.feePerHour(), plan.cpuAllocated(),
                plan.cpuRegistered(), plan.memAllocated(), plan.memRegistered(), u);
    }
}
