package io.stevedore.catalog;

/**
 * How many {@code awsvpc} tasks an instance type can host, per the ECS Developer Guide's ENI trunking table.
 *
 * @param supported        whether the type supports a trunk ENI
 * @param withoutTrunking  awsvpc tasks without trunking (maximum ENIs minus the primary ENI)
 * @param withTrunking     awsvpc tasks with a trunk ENI (0 when not supported)
 * @param published        true when the figure is from the published table, false when inferred
 *                         (see docs/data-sources.md for the inference rule)
 */
public record EniTrunking(boolean supported, int withoutTrunking, int withTrunking, boolean published) {
    public EniTrunking {
        if (withoutTrunking < 0 || withTrunking < 0) {
            throw new IllegalArgumentException("negative task limit");
        }
        if (supported && withTrunking == 0) {
            throw new IllegalArgumentException("trunking supported without a limit");
        }
    }

    /**
     * The awsvpc task limit on Managed Instances: MI attaches a trunk ENI as the primary interface wherever the
     * type supports it, otherwise one ENI per task besides the primary one:
     * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/managed-instances-awsvpc-mode.html
     */
    public int awsvpcTaskLimit() {
        return supported ? withTrunking : withoutTrunking;
    }
}
