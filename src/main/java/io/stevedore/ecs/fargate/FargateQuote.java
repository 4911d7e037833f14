package io.stevedore.ecs.fargate;

/** Whether and at what size and rate a task runs on Fargate. */
public sealed interface FargateQuote {

    /** It runs at {@code size} for {@code perHour} USD (Fargate Spot when {@code spot}). */
    record Runs(FargateSize size, double perHour, boolean spot) implements FargateQuote {
    }

    /** It cannot run on Fargate, for {@code reason}. */
    record Unrunnable(String reason) implements FargateQuote {
    }
}
