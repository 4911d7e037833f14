package io.stevedore.ecs;

import io.stevedore.wire.AwsException;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * The ECS service quotas Stevedore enforces: the one table of their default values, with where each value and each
 * refusal comes from. {@link Quotas} holds the values a plane runs with (these defaults, changed by
 * {@code serve --quota NAME=VALUE}); docs/operations.md "Service quotas" lists this table and
 * {@code ServiceQuotaDocTest} keeps the two equal.
 *
 * <p>Sources: "facts §7" is /work/shared/reference/ecs-mi-facts.md section 7 (D-QUOTA = the developer guide's
 * "Amazon ECS service quotas" page; BC = the botocore ECS model). Refusals are ECS's own words where a public
 * report shows them; the others follow the nearest confirmed message and are docs/decisions.md "Service quotas".
 */
public enum ServiceQuota {
    CLUSTERS_PER_ACCOUNT("Clusters per account", 10_000, true, "facts §7 D-QUOTA",
            "clusters in the account and Region (ACTIVE or PROVISIONING); CreateCluster",
            limit -> Errors.invalid("The maximum number of clusters per account has been exceeded.")),
    SERVICES_PER_CLUSTER("Services per cluster", 5_000, true, "facts §7 (INFERRED); developer guide table",
            "services of a cluster not yet INACTIVE; CreateService",
            limit -> Errors.invalid("The maximum number of services per cluster has been exceeded.")),
    TASKS_PER_SERVICE("Tasks per service", 5_000, true, "facts §7 (INFERRED); developer guide table",
            "a service's desiredCount; CreateService, UpdateService",
            // containers-roadmap#768: InvalidParameterException "Desired count exceeds limit."
            limit -> Errors.invalid("Desired count exceeds limit.")),
    CONTAINER_INSTANCES_PER_CLUSTER("Container instances per cluster", 5_000, false, "facts §7 D-QUOTA",
            "registered container instances of a cluster; RegisterContainerInstance, and the Managed Instances"
                    + " a cluster's providers launch (tasks wait beyond it)",
            limit -> Errors.invalid("The maximum number of container instances per cluster has been exceeded.")),
    CAPACITY_PROVIDERS_PER_CLUSTER("Capacity providers per cluster", 20, false, "facts §7 D-QUOTA",
            "capacity providers of a cluster (its Managed Instances providers included); CreateCluster,"
                    + " PutClusterCapacityProviders, CreateCapacityProvider",
            // cloudformation-coverage-roadmap#1086: InvalidParameterException with these words
            limit -> Errors.invalid("The maximum number of capacity providers per cluster has been exceeded.")),
    CONTAINERS_PER_TASK_DEFINITION("Containers per task definition", 10, false, "facts §7 D-QUOTA",
            "containerDefinitions of a task definition; RegisterTaskDefinition",
            // amazon-ecs-cli#184 and #951: ClientException "Too many containers."
            limit -> Errors.client("Too many containers.")),
    CONTAINER_INSTANCES_PER_START_TASK("Container instances per start-task", 10, false, "facts §7 D-QUOTA",
            "containerInstances of one StartTask call",
            limit -> Errors.invalid("containerInstances can have at most " + limit + " items.")),
    TASKS_PER_RUN_TASK("Tasks launched (count) per run-task", 10, false, "facts §7 BC RunTaskRequest.count",
            "RunTask's count",
            // artillery#595: InvalidParameterException "Task count can not be greater than 10"
            limit -> Errors.invalid("Task count can not be greater than " + limit)),
    REVISIONS_PER_TASK_DEFINITION_FAMILY("Revisions per task definition family", 1_000_000, false,
            "developer guide table (deregistered revisions count)", "RegisterTaskDefinition",
            limit -> Errors.of("LimitExceededException", "The maximum number of revisions per task definition"
                    + " family has been exceeded.")),
    SUBNETS_PER_AWSVPC_CONFIGURATION("Subnets specified in an awsvpcConfiguration", 16, false,
            "developer guide table", "subnets of a task's or service's awsvpcConfiguration",
            limit -> Errors.invalid("subnets can have at most " + limit + " items.")),
    SECURITY_GROUPS_PER_AWSVPC_CONFIGURATION("Security groups specified in an awsvpcConfiguration", 5, false,
            "developer guide table", "securityGroups of a task's or service's awsvpcConfiguration",
            limit -> Errors.invalid("securityGroups can have at most " + limit + " items.")),
    TAGS_PER_RESOURCE("Tags per resource", 50, false, "facts §7 BC; D-TS",
            "tags of a cluster, service, task, task definition, container instance, Auto Scaling group capacity"
                    + " provider or daemon; every call that tags",
            limit -> Errors.invalid("Tags cannot have number of tags exceeding maximum allowed value (" + limit
                    + ").")),
    TAGS_PER_MANAGED_INSTANCES_CAPACITY_PROVIDER("Tags per Managed Instances capacity provider", 45, false,
            "facts §7 BC; D-TS", "tags of a Managed Instances capacity provider; CreateCapacityProvider,"
                    + " TagResource",
            limit -> Errors.invalid("Tags cannot have number of tags exceeding maximum allowed value (" + limit
                    + ")."));

    private final String awsName;
    private final int defaultValue;
    private final boolean adjustable;
    private final String source;
    private final String counts;
    private final IntFunction<AwsException> refusal;

    ServiceQuota(String awsName, int defaultValue, boolean adjustable, String source, String counts,
                 IntFunction<AwsException> refusal) {
        this.awsName = awsName;
        this.defaultValue = defaultValue;
        this.adjustable = adjustable;
        this.source = source;
        this.counts = counts;
        this.refusal = refusal;
    }

    /** The name {@code --quota} takes: the constant in lower case with hyphens ({@code services-per-cluster}). */
    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The quota's name in AWS's table. */
    public String awsName() {
        return awsName;
    }

    /** AWS's default value, which Stevedore uses unless configured otherwise. */
    public int defaultValue() {
        return defaultValue;
    }

    /** Whether AWS adjusts it on request (Stevedore lets any value be configured). */
    public boolean adjustable() {
        return adjustable;
    }

    /** Where the default value comes from. */
    public String source() {
        return source;
    }

    /** What is counted, and by which operations. */
    public String counts() {
        return counts;
    }

    /** The error ECS answers when a call would exceed {@code limit}. */
    public AwsException exceeded(int limit) {
        return refusal.apply(limit);
    }

    /** The quota a {@link #key()} names, or IllegalArgumentException listing the names. */
    public static ServiceQuota ofKey(String key) {
        for (ServiceQuota q : values()) {
            if (q.key().equals(key)) {
                return q;
            }
        }
        StringBuilder names = new StringBuilder();
        for (ServiceQuota q : values()) {
            names.append(names.length() == 0 ? "" : ", ").append(q.key());
        }
        throw new IllegalArgumentException("no service quota named '" + key + "'; the quotas are " + names);
    }
}
