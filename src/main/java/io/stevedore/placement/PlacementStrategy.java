package io.stevedore.placement;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A task placement strategy. Strategies apply in order: the first decides, later ones only break its ties
 * (docs/decisions.md, "Placement").
 */
public sealed interface PlacementStrategy {
    /** ECS allows at most 5 strategies. */
    int MAX_STRATEGIES = 5;

    /**
     * Stevedore's default when a request gives none: spread over AZs, then pack (docs/decisions.md "Placement";
     * https://aws.amazon.com/blogs/containers/deep-dive-amazon-ecs-managed-instances-provisioning-and-optimization/).
     */
    List<PlacementStrategy> DEFAULT = List.of(new Spread("attribute:" + InstanceView.ATTR_AZ),
            new Binpack(Binpack.Field.MEMORY));

    /** Fewest remaining units of {@code field} first: fills instances before using new ones. */
    record Binpack(Field field) implements PlacementStrategy {
        public enum Field { CPU, MEMORY }

        public Binpack {
            Objects.requireNonNull(field);
        }
    }

    /**
     * Evenly over the values of {@code field}: {@code instanceId} (or {@code host}) or {@code attribute:<name>}.
     * Counts the tasks of the same task group.
     */
    record Spread(String field) implements PlacementStrategy {
        public Spread {
            Objects.requireNonNull(field);
        }

        public boolean byInstance() {
            return field.equalsIgnoreCase("instanceId") || field.equalsIgnoreCase("host");
        }

        /** The attribute spread over ({@code null} when spreading by instance). */
        public String attribute() {
            return byInstance() ? null : field.substring("attribute:".length());
        }
    }

    /** A uniformly random feasible instance, from the request's seed (replays bit for bit). */
    record Random() implements PlacementStrategy {
    }

    /** From the wire shape ({@code type}, {@code field}) with ECS's rules. */
    static PlacementStrategy of(String type, String field) {
        if ("random".equals(type)) {
            if (field != null && !field.isEmpty()) {
                throw new PlacementValidationException("The random placement strategy does not take a field.");
            }
            return new Random();
        }
        if ("binpack".equals(type)) {
            String f = field == null ? "" : field.toLowerCase(Locale.ROOT);
            if (f.equals("cpu")) {
                return new Binpack(Binpack.Field.CPU);
            }
            if (f.equals("memory")) {
                return new Binpack(Binpack.Field.MEMORY);
            }
            throw new PlacementValidationException("Invalid field '" + field
                    + "' for the binpack placement strategy. Valid fields: cpu, memory.");
        }
        if ("spread".equals(type)) {
            if (field == null || field.isBlank()) {
                throw new PlacementValidationException("The spread placement strategy requires a field.");
            }
            Spread s = new Spread(field);
            if (!s.byInstance() && (!field.startsWith("attribute:") || field.length() == "attribute:".length())) {
                throw new PlacementValidationException("Invalid field '" + field
                        + "' for the spread placement strategy. Valid fields: instanceId, host, attribute:<name>.");
            }
            return s;
        }
        throw new PlacementValidationException("Invalid placement strategy type '" + type
                + "'. Valid types: random, spread, binpack.");
    }
}
