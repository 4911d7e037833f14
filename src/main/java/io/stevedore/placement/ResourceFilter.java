package io.stevedore.placement;

/**
 * CPU, memory, GPUs and task ENIs left on the instance cover the task. GPUs are whole and exclusive: a GPU held
 * by one task is not available to another. ENIs count awsvpc tasks against the instance's trunking limit.
 */
public final class ResourceFilter implements PlacementFilter {
    @Override
    public String stage() {
        return "resources";
    }

    @Override
    public ReasonCode check(PlanState s, int i, PlacementRequest r) {
        TaskDemand d = r.demand();
        if (d.cpu() > s.cpu(i)) {
            return ReasonCode.RESOURCE_CPU;
        }
        if (d.memoryMiB() > s.memory(i)) {
            return ReasonCode.RESOURCE_MEMORY;
        }
        if (d.gpus() > s.gpus(i)) {
            return ReasonCode.RESOURCE_GPU;
        }
        if (d.networkMode() == NetworkMode.AWSVPC && s.enis(i) < 1) {
            return ReasonCode.RESOURCE_ENI;
        }
        return null;
    }

    @Override
    public Rejection explain(PlanState s, int i, PlacementRequest r) {
        ReasonCode c = check(s, i, r);
        TaskDemand d = r.demand();
        switch (c) {
            case RESOURCE_CPU: return rejection(c, "cpu", d.cpu(), s.cpu(i));
            case RESOURCE_MEMORY: return rejection(c, "memoryMiB", d.memoryMiB(), s.memory(i));
            case RESOURCE_GPU: return rejection(c, "gpus", d.gpus(), s.gpus(i));
            default: return rejection(c, "enis", 1, s.enis(i));
        }
    }

    /** How much of the dimension {@code c} names is left on instance {@code i}. */
    static long available(PlanState s, int i, ReasonCode c) {
        switch (c) {
            case RESOURCE_CPU: return s.cpu(i);
            case RESOURCE_MEMORY: return s.memory(i);
            case RESOURCE_GPU: return s.gpus(i);
            case RESOURCE_ENI: return s.enis(i);
            default: return 0;
        }
    }

    private Rejection rejection(ReasonCode c, String dimension, long asked, long available) {
        return new Rejection(stage(), c, dimension, Long.toString(asked), Long.toString(available));
    }
}
