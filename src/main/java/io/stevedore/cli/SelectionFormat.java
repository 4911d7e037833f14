package io.stevedore.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stevedore.catalog.Architecture;
import io.stevedore.catalog.InstanceType;
import io.stevedore.catalog.Offering;
import io.stevedore.catalog.PriceProtection;
import io.stevedore.catalog.PurchaseOption;
import io.stevedore.catalog.Selection;
import java.util.Locale;
import java.util.stream.Collectors;

/** Renders a {@link Selection} as a text table or as JSON for machines. */
final class SelectionFormat {
    static final String NO_PRICE = "no price";
    private static final String ROW = "%-22s %5s %10s %6s %5s %-13s %10s %9s %12s%n";

    private SelectionFormat() {
    }

    static String table(Selection s) {
        StringBuilder b = new StringBuilder();
        if (!s.offerings().isEmpty() || !s.unpriced().isEmpty()) {
            b.append(String.format(Locale.ROOT, ROW, "TYPE", "VCPU", "MEMORY", "AWSVPC", "GPUS", "ARCHITECTURE",
                    "EC2 $/H", "FEE $/H", "EFFECTIVE $/H"));
        }
        for (Offering o : s.offerings()) {
            b.append(row(o.type(), money(o.pricePerHour()), money(o.feePerHour()), money(o.effectivePerHour())));
        }
        for (InstanceType t : s.unpriced()) {
            b.append(row(t, NO_PRICE, NO_PRICE, NO_PRICE));
        }
        b.append(String.format(Locale.ROOT, "%d instance types in %s (%s)%s%n", s.offerings().size(), s.query().region(),
                s.query().purchaseOption(), s.unpriced().isEmpty() ? "" : ", " + s.unpriced().size() + " without a price"));
        if (s.query().purchaseOption() == PurchaseOption.SPOT) {
            b.append("Spot prices are estimates (On-Demand x (1 - published savings), see prices-spot.json)\n");
        }
        s.priceProtection().ifPresent(p -> b.append("price protection: ").append(p.describe()).append('\n'));
        s.noMatchReason().ifPresent(r -> b.append("no match: ").append(r).append('\n'));
        return b.toString();
    }

    private static String row(InstanceType t, String price, String fee, String effective) {
        return String.format(Locale.ROOT, ROW, t.name(), t.vcpus(), gib(t.memoryMiB()), t.trunking().awsvpcTaskLimit(),
                t.gpus(), architectures(t), price, fee, effective);
    }

    static String json(Selection s) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("region", s.query().region());
        root.put("capacityOption", s.query().purchaseOption().name());
        root.put("ec2PriceBasis", s.query().purchaseOption() == PurchaseOption.SPOT ? "spot-estimate" : "on-demand");
        s.query().architecture().ifPresent(a -> root.put("architecture", a.name()));
        ArrayNode offerings = root.putArray("instanceTypes");
        for (Offering o : s.offerings()) {
            ObjectNode n = facts(offerings.addObject(), o.type());
            n.put("ec2PricePerHour", o.pricePerHour());
            n.put("feePerHour", o.feePerHour());
            n.put("effectivePricePerHour", o.effectivePerHour());
        }
        ArrayNode unpriced = root.putArray("withoutPrice");
        for (InstanceType t : s.unpriced()) {
            facts(unpriced.addObject(), t).put("price", NO_PRICE);
        }
        s.priceProtection().ifPresent(p -> priceProtection(root.putObject("priceProtection"), p));
        s.noMatchReason().ifPresent(r -> root.put("noMatchReason", r));
        ArrayNode funnel = root.putArray("funnel");
        for (Selection.Stage stage : s.funnel()) {
            funnel.addObject().put("criterion", stage.criterion()).put("remaining", stage.remaining());
        }
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode facts(ObjectNode n, InstanceType t) {
        n.put("instanceType", t.name());
        n.put("vCpu", t.vcpus());
        n.put("memoryMiB", t.memoryMiB());
        n.put("awsvpcTasks", t.trunking().awsvpcTaskLimit());
        n.put("gpus", t.gpus());
        ArrayNode arches = n.putArray("architectures");
        t.architectures().stream().map(Architecture::name).sorted().forEach(arches::add);
        return n;
    }

    private static void priceProtection(ObjectNode n, PriceProtection p) {
        n.put("field", p.field());
        n.put("percent", p.percent());
        n.put("applied", p.applied());
        n.put("referenceInstanceType", p.referenceType());
        n.put("referencePricePerHour", p.referencePrice());
        n.put("thresholdPerHour", p.threshold());
    }

    private static String architectures(InstanceType t) {
        return t.architectures().stream().map(Architecture::name).sorted().collect(Collectors.joining(","));
    }

    private static String money(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    private static String gib(long mib) {
        double g = mib / 1024.0;
        return (g == Math.rint(g) ? String.format(Locale.ROOT, "%d", (long) g) : String.format(Locale.ROOT, "%.1f", g))
                + " GiB";
    }
}
