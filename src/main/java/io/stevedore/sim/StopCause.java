package io.stevedore.sim;

import java.util.Locale;
import software.amazon.awssdk.services.ecs.model.TaskStopCode;

/**
 * Why a task stopped, read from its {@code stopCode} and {@code stoppedReason}. The first five are disruptions
 * (the platform, not the user, ended a healthy task); the others are the workload's own doing.
 */
public enum StopCause {
    OPTIMIZATION("optimization", true), REPLACEMENT("replacement", true), SPOT("spot", true),
    REPAIR("repair", true), INSTANCE_LOST("instanceLost", true), DEPLOYMENT("deployment", false),
    SCALE_IN("scaleIn", false), COMPLETED("completed", false), FAILED_TO_START("failedToStart", false),
    OTHER("other", false);

    private final String label;
    private final boolean disruption;

    StopCause(String label, boolean disruption) {
        this.label = label;
        this.disruption = disruption;
    }

    public String label() {
        return label;
    }

    public boolean disruption() {
        return disruption;
    }

    /** Classifies a stopped task. */
    public static StopCause of(String stopCode, String reason) {
        String r = reason == null ? "" : reason.toLowerCase(Locale.ROOT);
        if (TaskStopCode.ESSENTIAL_CONTAINER_EXITED.toString().equals(stopCode)) {
            return COMPLETED;
        }
        if (TaskStopCode.TASK_FAILED_TO_START.toString().equals(stopCode)) {
            return FAILED_TO_START;
        }
        if (TaskStopCode.SPOT_INTERRUPTION.toString().equals(stopCode) || r.contains("spot")) {
            return SPOT;
        }
        if (r.contains("repair") || r.contains("impair") || r.contains("unhealthy")) {
            return REPAIR;
        }
        if (r.contains("lifetime") || r.contains("patch") || r.contains("maintenance") || r.contains("expire")
                || r.contains("replac") && !r.contains("deployment")) {
            return REPLACEMENT;
        }
        if (r.contains("optimiz") || r.contains("compact") || r.contains("consolidat") || r.contains("underutil")
                || r.contains("draining")) {
            return OPTIMIZATION;
        }
        if (r.contains("terminated") || r.contains("instance lost") || r.contains("host")) {
            return INSTANCE_LOST;
        }
        if (r.contains("deployment")) {
            return r.contains("scaling activity") ? SCALE_IN : DEPLOYMENT;
        }
        if (r.contains("scaling")) {
            return SCALE_IN;
        }
        return OTHER;
    }
}
