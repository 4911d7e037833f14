package io.stevedore.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stevedore.provisioning.LaunchPlan;
import io.stevedore.provisioning.PlannedInstance;
import io.stevedore.provisioning.TaskAssignment;
import io.stevedore.provisioning.Unplaceable;
import io.stevedore.provisioning.Zone;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Renders {@code stevedore plan} results as a table or as JSON. */
final class PlanFormat {
    enum Output { table, json }

    private PlanFormat() {
    }

    static void print(PrintWriter out, Output format, Workload w, List<PlanCommand.ProviderPlan> plans) {
        if (format == Output.json) {
            out.println(json(w, plans));
        } else {
            table(out, w, plans);
        }
    }

    private static void table(PrintWriter out, Workload w, List<PlanCommand.ProviderPlan> plans) {
        int tasks = w.groups().stream().mapToInt(Workload.Group::count).sum();
        out.printf(Locale.ROOT, "Launch plan: region %s, %d task group(s), %d task(s)%n", w.region(),
                w.groups().size(), tasks);
        LaunchPlan total = LaunchPlan.merge(plans.stream().map(PlanCommand.ProviderPlan::plan).toList());
        for (PlanCommand.ProviderPlan pp : plans) {
            Workload.Provider p = pp.provider();
            out.printf(Locale.ROOT, "%nCapacity provider %s (%s, %d subnet(s), %d offering(s) match its requirements)%n",
                    p.name(), p.capacityOptionType(), p.zones().size(), pp.offerings());
            var overhead = w.overhead(p.name());
            if (overhead.cpu() > 0 || overhead.memoryMiB() > 0) {
                out.printf(Locale.ROOT, "Daemons %s reserve %d CPU units and %d MiB on every instance%n",
                        w.daemons().stream().filter(d -> d.providers().contains(p.name())).map(Workload.Daemon::name)
                                .toList(), overhead.cpu(), overhead.memoryMiB());
            }
            fleetTable(out, p.zones(), pp.plan());
        }
        out.println();
        out.printf(Locale.ROOT, "Instances:    %d for %d task(s)%n", total.instances().size(), total.plannedTasks());
        out.printf(Locale.ROOT, "Cost per hour: EC2 $%.4f + management fee $%.4f = $%.4f%n", total.ec2PerHour(),
                total.feePerHour(), total.totalPerHour());
        out.printf(Locale.ROOT, "Utilization:  CPU %d / %d units (%.1f%%), memory %d / %d MiB (%.1f%%) allocated vs"
                + " registered%n", total.cpuAllocated(), total.cpuRegistered(), 100 * total.cpuUtilization(),
                total.memAllocated(), total.memRegistered(), 100 * total.memoryUtilization());
        if (total.unplaceable().isEmpty()) {
            out.println("Unplaceable:  none");
        } else {
            out.println("Unplaceable:");
            for (Unplaceable u : total.unplaceable()) {
                out.printf(Locale.ROOT, "  %s: %d task(s) [%s] %s%n", u.groupKey(), u.count(), u.dimension(),
                        u.reason());
            }
        }
    }

    private static void fleetTable(PrintWriter out, List<Zone> zones, LaunchPlan plan) {
        if (plan.instances().isEmpty()) {
            out.println("  no instances");
            return;
        }
        Map<String, int[]> rows = new TreeMap<>();
        Map<String, PlannedInstance> sample = new TreeMap<>();
        for (PlannedInstance i : plan.instances()) {
            String t = i.offering().type().name();
            rows.computeIfAbsent(t, k -> new int[zones.size() + 1]);
            rows.get(t)[zones.indexOf(i.zone())]++;
            rows.get(t)[zones.size()]++;
            sample.putIfAbsent(t, i);
        }
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "  %-16s %5s %10s %10s", "TYPE", "COUNT",
                "EC2 $/h", "FEE $/h"));
        for (Zone z : zones) {
            head.append(String.format(Locale.ROOT, " %12s", z.availabilityZone()));
        }
        out.println(head);
        rows.forEach((t, n) -> {
            PlannedInstance s = sample.get(t);
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "  %-16s %5d %10.4f %10.4f", t,
                    n[zones.size()], s.offering().pricePerHour(), s.offering().feePerHour()));
            for (int z = 0; z < zones.size(); z++) {
                row.append(String.format(Locale.ROOT, " %12d", n[z]));
            }
            out.println(row);
        });
    }

    private static String json(Workload w, List<PlanCommand.ProviderPlan> plans) {
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = m.createObjectNode();
        root.put("region", w.region());
        LaunchPlan total = LaunchPlan.merge(plans.stream().map(PlanCommand.ProviderPlan::plan).toList());
        ArrayNode providers = root.putArray("capacityProviders");
        for (PlanCommand.ProviderPlan pp : plans) {
            ObjectNode p = providers.addObject();
            p.put("name", pp.provider().name());
            p.put("capacityOptionType", pp.provider().capacityOptionType().name());
            p.put("matchingOfferings", pp.offerings());
            ObjectNode fleet = p.putObject("fleet");
            pp.plan().fleet().forEach(fleet::put);
            ArrayNode instances = p.putArray("instances");
            for (PlannedInstance i : pp.plan().instances()) {
                ObjectNode n = instances.addObject();
                n.put("instanceType", i.offering().type().name());
                n.put("purchaseOption", i.offering().purchaseOption().name());
                n.put("subnetId", i.zone().subnetId());
                n.put("availabilityZone", i.zone().availabilityZone());
                n.put("ec2PerHour", round(i.offering().pricePerHour()));
                n.put("feePerHour", round(i.offering().feePerHour()));
                ObjectNode t = n.putObject("tasks");
                for (TaskAssignment a : i.tasks()) {
                    t.put(a.groupKey(), a.count());
                }
            }
        }
        ObjectNode cost = root.putObject("costPerHour");
        cost.put("ec2", round(total.ec2PerHour()));
        cost.put("managementFee", round(total.feePerHour()));
        cost.put("total", round(total.totalPerHour()));
        ObjectNode util = root.putObject("utilization");
        util.put("cpuAllocated", total.cpuAllocated());
        util.put("cpuRegistered", total.cpuRegistered());
        util.put("memoryAllocatedMiB", total.memAllocated());
        util.put("memoryRegisteredMiB", total.memRegistered());
        ObjectNode fleet = root.putObject("fleet");
        total.fleet().forEach(fleet::put);
        ArrayNode un = root.putArray("unplaceable");
        List<Unplaceable> list = new ArrayList<>(total.unplaceable());
        for (Unplaceable u : list) {
            un.addObject().put("taskGroup", u.groupKey()).put("count", u.count()).put("dimension", u.dimension())
                    .put("reason", u.reason());
        }
        try {
            return m.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double round(double v) {
        return Math.round(v * 1e6) / 1e6;
    }
}
