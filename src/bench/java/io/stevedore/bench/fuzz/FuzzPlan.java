package io.stevedore.bench.fuzz;

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

    /**
     * A random variant of a random generated case: 1 to 8 bytes replaced, deleted or inserted (bodies above the
     * size limit are not used: their answer does not depend on the content).
     */
    static FuzzCase byteFlips(List<FuzzCase> cases, Random random) {
        FuzzCase c;
        do {
            c = cases.get(random.nextInt(cases.size()));
        } while (c.body().length > 200_000);
        byte[] b = c.body();
        int flips = 1 + random.nextInt(8);
        for (int i = 0; i < flips && b.length > 0; i++) {
            int at = random.nextInt(b.length);
            switch (random.nextInt(3)) {
                case 0 -> {
                    b = b.clone();
                    b[at] = (byte) random.nextInt(256);
                }
                case 1 -> {
                    byte[] shorter = new byte[b.length - 1];
                    System.arraycopy(b, 0, shorter, 0, at);
                    System.arraycopy(b, at + 1, shorter, at, b.length - at - 1);
                    b = shorter;
                }
                default -> {
                    byte[] longer = new byte[b.length + 1];
                    System.arraycopy(b, 0, longer, 0, at);
                    longer[at] = (byte) "{}[]\":,0\\ ".charAt(random.nextInt(10));
                    System.arraycopy(b, at, longer, at + 1, b.length - at);
                    b = longer;
                }
            }
        }
        return new FuzzCase(c.operation(), FuzzCase.Kind.BYTE_FLIPS, flips + " byte flips of [" + c.description()
                + "]", b);
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
