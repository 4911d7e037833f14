package io.stevedore.control.scaling;

import io.stevedore.control.state.Context;
import io.stevedore.ecs.Statuses;
import io.stevedore.control.state.ScalableTarget;
import io.stevedore.control.state.ScalingActivity;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.DeploymentRolloutState;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * Sets a scalable target's capacity: the ECS service's desired count (and its primary deployment's, as
 * UpdateService does without a new deployment), with a scaling activity recorded. The one writer of desired
 * counts for Application Auto Scaling, used by the control loop ({@link ServiceAutoScaling}) and by
 * RegisterScalableTarget.
 */
public final class Capacity {
    /** Activities kept per resource (the oldest are dropped). */
    public static final int MAX_ACTIVITIES = 100;

    private Capacity() {
    }

    /** The ACTIVE ECS service of a target's resource id, if any. */
    public static Optional<Service> service(Context ctx, String resourceId) {
        String[] cs = ScalableTarget.ecsService(resourceId);
        if (cs == null) {
            return Optional.empty();
        }
        return ctx.state().services.get(ctx.arn("service/" + cs[0] + "/" + cs[1]))
                .filter(s -> Statuses.SERVICE_ACTIVE.equals(s.status()));
    }

    /**
     * Sets the service's desired count to {@code desired} (already within the target's range) when it differs,
     * recording an activity; answers whether it changed.
     */
    public static boolean set(Context ctx, ScalableTarget t, Service s, int desired, String cause) {
        if (desired == s.desiredCount()) {
            return false;
        }
        List<Deployment> deployments = new ArrayList<>(s.deployments());
        if (!deployments.isEmpty()) {
            Deployment primary = deployments.get(0);
            deployments.set(0, primary.toBuilder().desiredCount(desired).rolloutState(
                    desired == primary.runningCount() ? primary.rolloutStateAsString()
                            : DeploymentRolloutState.IN_PROGRESS.toString()).build());
        }
        ctx.state().services.put(s.serviceArn(), s.toBuilder().desiredCount(desired).deployments(deployments).build());
        record(ctx, t, "Setting desired count to " + desired + ".", cause,
                "Successfully set desired count to " + desired + ". Change successfully fulfilled by ecs.");
        return true;
    }

    /** Brings the desired count into {@code [min, max]} (a new target, a scheduled action); whether it changed. */
    public static boolean clamp(Context ctx, ScalableTarget t, String why) {
        Optional<Service> s = service(ctx, t.resourceId());
        if (s.isEmpty()) {
            return false;
        }
        int d = s.get().desiredCount();
        if (d < t.minCapacity()) {
            return set(ctx, t, s.get(), t.minCapacity(), why + " (minimum capacity " + t.minCapacity() + ")");
        }
        if (d > t.maxCapacity()) {
            return set(ctx, t, s.get(), t.maxCapacity(), why + " (maximum capacity " + t.maxCapacity() + ")");
        }
        return false;
    }

    /** Records a completed activity and keeps the resource's latest {@link #MAX_ACTIVITIES}. */
    public static void record(Context ctx, ScalableTarget t, String description, String cause, String message) {
        var st = ctx.state();
        long now = ctx.now().toEpochMilli();
        String hex = st.newId("scaling-activity");
        String id = hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-"
                + hex.substring(16, 20) + "-" + hex.substring(20);
        ScalingActivity a = new ScalingActivity(id, st.next("scaling-activity-seq"), t.namespace(), t.resourceId(),
                t.dimension(), description, cause, now, now, "Successful", message);
        st.scalingActivities.put(a.key(), a);
        List<ScalingActivity> all = st.activitiesByResource.values(t.resourceId());
        if (all.size() > MAX_ACTIVITIES) {
            all.stream().sorted(java.util.Comparator.comparingLong(ScalingActivity::seq))
                    .limit(all.size() - MAX_ACTIVITIES).forEach(old -> st.scalingActivities.remove(old.key()));
        }
    }
}
