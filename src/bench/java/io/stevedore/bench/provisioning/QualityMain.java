package io.stevedore.bench.provisioning;

import io.stevedore.catalog.Offering;
import java.util.List;

final class QualityMain {
    public static void main(String[] args) {
        List<Offering> offerings = io.stevedore.control.scheduling.CapacityOfferings.load().everyType("us-east-1", io.stevedore.catalog.PurchaseOption.ON_DEMAND);
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        for (long seed = 1; seed <= n; seed++) {
            long t0 = System.nanoTime();
            QualityBench.Row r = QualityBench.run(seed, offerings, 10);
            System.out.printf("seed %2d shapes %d tasks %4d %-13s ours %.4f lb %.4f best %.4f ours/lb %.4f "
                    + "ours/best %.4f proven %s %.0fms total %.1fs%n", r.seed(), r.shapes(), r.tasks(), r.arch(),
                    r.ours(), r.lowerBound(), r.solverBest(), r.ratioToBound(), r.ratioToBest(), r.proven(), r.ms(),
                    (System.nanoTime() - t0) / 1e9);
        }
    }
}
