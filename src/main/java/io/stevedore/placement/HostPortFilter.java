package io.stevedore.placement;

import java.util.TreeSet;

/** In host network mode a host port serves one task per instance. */
public final class HostPortFilter implements PlacementFilter {
    @Override
    public String stage() {
        return "hostPorts";
    }

    @Override
    public ReasonCode check(PlanState s, int i, PlacementRequest r) {
        for (int port : r.demand().hostPorts()) {
            if (!s.hostPortFree(i, port)) {
                return ReasonCode.RESOURCE_PORTS;
            }
        }
        return null;
    }

    @Override
    public Rejection explain(PlanState s, int i, PlacementRequest r) {
        TreeSet<Integer> busy = new TreeSet<>();
        for (int port : r.demand().hostPorts()) {
            if (!s.hostPortFree(i, port)) {
                busy.add(port);
            }
        }
        return new Rejection(stage(), ReasonCode.RESOURCE_PORTS, "hostPort",
                new TreeSet<>(r.demand().hostPorts()).toString(), "in use " + busy);
    }
}
