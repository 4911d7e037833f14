package io.stevedore.sim.billing;

/**
 * One Fargate task's bill: from the start of the image download to the end of the task, rounded up to the
 * second, at least one minute (https://aws.amazon.com/fargate/pricing/). Split so a report can show why short
 * tasks cost more there:
 * the running time, the billed start-up (image download with no cache, container start) and the padding up to
 * the one-minute minimum.
 */
public record FargateTaskBill(double perHour, long startupMillis, long runMillis) {
    public FargateTaskBill {
        if (startupMillis < 0 || runMillis < 0) {
            throw new IllegalArgumentException("negative time");
        }
    }

    public long billedSeconds() {
        return Billing.billedSeconds(startupMillis + runMillis);
    }

    public double total() {
        return Billing.cost(billedSeconds(), perHour);
    }

    /** The share for the running time. */
    public double running() {
        return perHour * runMillis / 3_600_000.0;
    }

    /** The share for the billed start-up. */
    public double startup() {
        return perHour * startupMillis / 3_600_000.0;
    }

    /** The rest: rounding up to the second and to the one-minute minimum. */
    public double minimum() {
        return Math.max(0, total() - running() - startup());
    }
}
