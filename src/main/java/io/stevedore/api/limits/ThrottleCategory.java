package io.stevedore.api.limits;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ECS API throttle categories with their published token buckets (burst = bucket size, sustained = refill
 * per second; AWS page "Request throttling for the Amazon ECS API",
 * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html). {@link #OTHER} covers
 * the ECS actions the published table does not list (account settings, task definition families) and is
 * Stevedore's choice; {@link #EC2_DESCRIBE} is EC2's non-mutating-action bucket for the EC2 view.
 */
public enum ThrottleCategory {
    CLUSTER_RESOURCE_MODIFY(100, 40, "RunTask", "StartTask", "StopTask", "DeregisterContainerInstance",
            "UpdateContainerInstancesState", "ExecuteCommand", "PutAttributes", "DeleteAttributes",
            "UpdateContainerAgent"),
    CLUSTER_RESOURCE_READ(100, 20, "DescribeContainerInstances", "DescribeTasks", "ListAttributes",
            "ListContainerInstances", "ListTasks"),
    SERVICE_MODIFY(50, 5, "CreateService", "DeleteService", "UpdateService"),
    SERVICE_READ(100, 20, "DescribeServices", "ListServices"),
    CAPACITY_PROVIDER_MODIFY(10, 1, "CreateCapacityProvider", "DeleteCapacityProvider", "UpdateCapacityProvider"),
    CAPACITY_PROVIDER_READ(50, 20, "DescribeCapacityProviders"),
    CLUSTER_MODIFY(20, 1, "CreateCluster", "DeleteCluster", "UpdateCluster", "UpdateClusterSettings",
            "PutClusterCapacityProviders"),
    CLUSTER_READ(50, 20, "DescribeClusters", "ListClusters"),
    TASK_DEFINITION_MODIFY(20, 1, "RegisterTaskDefinition", "DeregisterTaskDefinition"),
    TASK_DEFINITION_READ(50, 20, "DescribeTaskDefinition", "ListTaskDefinitions"),
    TASK_DEFINITION_DELETE(5, 1, "DeleteTaskDefinitions"),
    AGENT_MODIFY(200, 120, "RegisterContainerInstance", "SubmitTaskStateChange", "SubmitContainerStateChange",
            "SubmitAttachmentStateChanges"),
    TASK_PROTECTION(200, 80, "UpdateTaskProtection", "GetTaskProtection"),
    TAG_MODIFY(20, 10, "TagResource", "UntagResource"),
    TAG_READ(50, 20, "ListTagsForResource"),
    SERVICE_DEPLOYMENTS(50, 20, "DescribeServiceDeployments", "ListServiceDeployments",
            "DescribeServiceRevisions"),
    OTHER(50, 20),
    EC2_DESCRIBE(100, 20),
    /** CloudWatch Logs' PutLogEvents: 5,000 per second per account and region, CloudWatch Logs' quota. */
    LOGS_PUT(5000, 5000),
    /** Every other CloudWatch Logs operation (Stevedore's choice: generous for CreateLogStream at task starts). */
    LOGS_OTHER(100, 50);

    private static final Map<String, ThrottleCategory> BY_ACTION = new HashMap<>();

    static {
        for (ThrottleCategory c : values()) {
            for (String a : c.actions) {
                BY_ACTION.put(a, c);
            }
        }
    }

    private final int burst;
    private final int sustained;
    private final List<String> actions;

    ThrottleCategory(int burst, int sustained, String... actions) {
        this.burst = burst;
        this.sustained = sustained;
        this.actions = List.of(actions);
    }

    public int burst() {
        return burst;
    }

    public int sustained() {
        return sustained;
    }

    public List<String> actions() {
        return actions;
    }

    /** The category of a CloudWatch Logs operation (its names overlap ECS's, e.g. TagResource). */
    public static ThrottleCategory ofLogs(String operation) {
        return "PutLogEvents".equals(operation) ? LOGS_PUT : LOGS_OTHER;
    }

    /** The category of an ECS action ({@link #OTHER} when the published table does not list it). */
    public static ThrottleCategory ofEcs(String action) {
        return BY_ACTION.getOrDefault(action, OTHER);
    }
}
