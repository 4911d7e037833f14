package io.stevedore.placement;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Places tasks on existing container instances: a pure decision over a {@link PlanState}; committing the plan
 * to the cluster is the caller's job. The chain is wired in {@link #standard()}.
 */
public final class PlacementEngine {
    private final List<PlacementFilter> filters;
    private final Selector selector;

    public PlacementEngine(List<PlacementFilter> filters) {
        this.filters = List.copyOf(filters);
        this.selector = new Selector(this.filters);
    }

    /**
     * The ECS pipeline, cheapest checks first so most instances are refused after a field compare:
     * <ol>
     * <li>{@link StatusFilter} — only ACTIVE instances with a connected agent (one enum compare);</li>
     * <li>{@link CapacityProviderFilter} — the provider the capacity provider strategy chose (string set);</li>
     * <li>{@link ArchitectureFilter} — {@code runtimePlatform.cpuArchitecture} (enum compare);</li>
     * <li>{@link ResourceFilter} — CPU, memory, GPUs, ENIs (four integer compares, ECS's first step);</li>
     * <li>{@link HostPortFilter} — host ports of host-mode tasks (set lookups, only when ports are bound);</li>
     * <li>{@link DistinctInstanceFilter} — one map lookup, only with the constraint;</li>
     * <li>{@link MemberOfFilter} — cluster query evaluation (may run regular expressions), last.</li>
     * </ol>
     * The first three are also precomputed as the snapshot's partitions, so the fast paths never visit
     * instances they would refuse; the filters stay in the chain for explanations and full scans.
     */
    public static PlacementEngine standard() {
        return new PlacementEngine(List.of(new StatusFilter(), new CapacityProviderFilter(), new ArchitectureFilter(),
                new ResourceFilter(), new HostPortFilter(), new DistinctInstanceFilter(), new MemberOfFilter()));
    }

    public List<PlacementFilter> filters() {
        return filters;
    }

    /**
     * Places up to {@code count} tasks of {@code request}, committing each into {@code state} so the next task
     * sees what the previous one took. Once a task fails, the rest fail for the same reason (a plan only ever
     * takes resources away), so the explanation is computed once.
     */
    public PlacementResult place(PlanState state, PlacementRequest request, int count) {
        List<TaskPlacement> placed = placeAsMany(state, request, count);
        return placed.size() == count ? new PlacementResult(placed, Optional.empty())
                : new PlacementResult(placed, Optional.of(explain(state, request, count - placed.size())));
    }

    /**
     * As {@link #place}, without explaining a shortfall: for a caller that sends the tasks left over to new
     * capacity and never reports why they did not fit here.
     */
    public List<TaskPlacement> placeAsMany(PlanState state, PlacementRequest request, int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0");
        }
        Candidates candidates = state.snapshot.candidatesFor(request.capacityProviders(),
                request.demand().architecture());
        List<PlacementScorer> scorers = new ArrayList<>(request.strategies().size());
        for (PlacementStrategy st : request.strategies()) {
            scorers.add(PlacementScorer.of(st));
        }
        List<TaskPlacement> placed = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            int i = selector.select(state, request, candidates, scorers, state.placedTasks());
            if (i < 0) {
                break;
            }
            state.commit(i, request);
            InstanceView v = state.snapshot.views[i];
            placed.add(new TaskPlacement(k, v.containerInstanceId(), v.ec2InstanceId()));
        }
        return placed;
    }

    /** Whether instance {@code i} passes every filter for {@code request} in {@code state}. */
    public boolean feasible(PlanState state, int i, PlacementRequest request) {
        return selector.feasible(state, i, request);
    }

    /** Runs the whole chain on every instance and aggregates the first refusal of each. */
    public PlacementFailure explain(PlanState state, PlacementRequest request, int tasks) {
        Map<ReasonCode, Integer> counts = new EnumMap<>(ReasonCode.class);
        Map<ReasonCode, Integer> example = new EnumMap<>(ReasonCode.class);
        Map<ReasonCode, PlacementFilter> by = new EnumMap<>(ReasonCode.class);
        for (int i = 0; i < state.snapshot.size(); i++) {
            for (PlacementFilter f : filters) {
                ReasonCode c = f.check(state, i, request);
                if (c != null) {
                    counts.merge(c, 1, Integer::sum);
                    Integer prev = example.get(c);
                    if (prev == null || ResourceFilter.available(state, i, c)
                            > ResourceFilter.available(state, prev, c)) {
                        example.put(c, i);
                        by.put(c, f);
                    }
                    break;
                }
            }
        }
        ReasonCode dominant = dominant(counts);
        if (dominant == null) {
            return new PlacementFailure(tasks, ReasonCode.MISSING, counts, null);
        }
        return new PlacementFailure(tasks, dominant, counts,
                by.get(dominant).explain(state, example.get(dominant), request));
    }

    /**
     * The reason to report: among instances of the right provider and architecture (so a cluster full of other
     * providers' instances does not hide a memory shortage), the reason that excluded the most; ties go to the
     * later stage of the chain, the more specific one.
     */
    private static ReasonCode dominant(Map<ReasonCode, Integer> counts) {
        ReasonCode best = null;
        for (Map.Entry<ReasonCode, Integer> e : counts.entrySet()) {
            if (e.getKey() == ReasonCode.AGENT || e.getKey() == ReasonCode.ATTRIBUTE) {
                continue;
            }
            if (best == null || e.getValue() >= counts.get(best)) {
                best = e.getKey();
            }
        }
        if (best != null) {
            return best;
        }
        for (ReasonCode c : new ReasonCode[] {ReasonCode.AGENT, ReasonCode.ATTRIBUTE}) {
            if (counts.containsKey(c) && (best == null || counts.get(c) >= counts.get(best))) {
                best = c;
            }
        }
        return best;
    }
}
