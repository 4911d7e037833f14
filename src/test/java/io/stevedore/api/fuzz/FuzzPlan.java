package io.stevedore.api.fuzz;

import io.stevedore.api.EcsServerFixture;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

/** The cases for every operation, interleaved round-robin so that a time limit still covers every operation. */
final class FuzzPlan {
    private FuzzPlan() {
    }

    /** Resources the plausible bodies name ("fuzz" cluster, task definition family, …) so that checks run deep. */
    static void seed(EcsServerFixture f) {
        f.miCluster("fuzz");
        f.register(EcsServerFixture.nginx("fuzz"));
    }

    /**
     * All cases of {@code operations}; at most {@code perOperation} per operation (a seeded sample that keeps every
     * kind), interleaved.
     */
    static List<FuzzCase> interleaved(Collection<String> operations, CaseGenerator gen, long seed, int perOperation) {
        TreeMap<String, List<FuzzCase>> byOp = new TreeMap<>();
        for (String op : operations) {
            List<FuzzCase> cases = gen.cases(op, seed ^ op.hashCode());
            if (cases.size() > perOperation) {
                cases = sample(cases, new Random(seed ^ op.hashCode()), perOperation);
            }
            byOp.put(op, cases);
        }
        List<FuzzCase> out = new ArrayList<>();
        for (int i = 0; ; i++) {
            boolean any = false;
            for (List<FuzzCase> cases : byOp.values()) {
                if (i < cases.size()) {
                    out.add(cases.get(i));
                    any = true;
                }
            }
            if (!any) {
                return out;
            }
        }
    }

    /** {@code n} cases: the first of every kind, then a seeded shuffle of the rest. */
    static List<FuzzCase> sample(List<FuzzCase> cases, Random random, int n) {
        List<FuzzCase> first = new ArrayList<>();
        List<FuzzCase> rest = new ArrayList<>();
        java.util.EnumSet<FuzzCase.Kind> seen = java.util.EnumSet.noneOf(FuzzCase.Kind.class);
        for (FuzzCase c : cases) {
            (seen.add(c.kind()) ? first : rest).add(c);
        }
        Collections.shuffle(rest, random);
        first.addAll(rest.subList(0, Math.max(0, Math.min(rest.size(), n - first.size()))));
        return first;
    }
}
