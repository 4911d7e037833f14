package io.stevedore.api.scaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stevedore.control.scaling.Capacity;
import io.stevedore.control.scaling.Schedules;
import io.stevedore.control.scaling.ServiceAutoScaling;
import io.stevedore.control.state.Context;
import io.stevedore.control.state.EcsState;
import io.stevedore.control.state.ScalableTarget;
import io.stevedore.control.state.ScalingActivity;
import io.stevedore.control.state.ScalingPolicy;
import io.stevedore.control.state.ScheduledAction;
import io.stevedore.wire.AwsException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;

/**
 * The Application Auto Scaling operations for ECS services ({@code ecs:service:DesiredCount}): scalable targets,
 * scaling policies (target tracking with its own CloudWatch alarms, step scaling triggered by PutMetricAlarm's
 * alarms), scheduled actions and the activity history. The control loop acts on these rows
 * ({@link ServiceAutoScaling}). Errors are Application Auto Scaling's: ValidationException,
 * ObjectNotFoundException, InvalidNextTokenException.
 */
final class ScalingOps {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Application Auto Scaling's default and largest page. */
    private static final int MAX_PAGE = 50;
    private static final Set<String> ECS_METRICS = Set.of("ECSServiceAverageCPUUtilization",
            "ECSServiceAverageMemoryUtilization", "ALBRequestCountPerTarget");

    private final Context ctx;

    ScalingOps(Context ctx) {
        this.ctx = ctx;
    }

    void register(Map<String, Function<JsonNode, ObjectNode>> h) {
        h.put("RegisterScalableTarget", this::registerTarget);
        h.put("DeregisterScalableTarget", this::deregisterTarget);
        h.put("DescribeScalableTargets", this::describeTargets);
        h.put("PutScalingPolicy", this::putPolicy);
        h.put("DeleteScalingPolicy", this::deletePolicy);
        h.put("DescribeScalingPolicies", this::describePolicies);
        h.put("DescribeScalingActivities", this::describeActivities);
        h.put("PutScheduledAction", this::putScheduledAction);
        h.put("DeleteScheduledAction", this::deleteScheduledAction);
        h.put("DescribeScheduledActions", this::describeScheduledActions);
    }

    // ---- scalable targets ----------------------------------------------------------------------------------------

    private ObjectNode registerTarget(JsonNode r) {
        String ns = r.get("ServiceNamespace").asText();
        String id = r.get("ResourceId").asText();
        String dim = r.get("ScalableDimension").asText();
        checkEcs(ns, id, dim);
        if (Capacity.service(ctx, id).isEmpty()) {
            throw validation("ECS service doesn't exist: " + id);
        }
        EcsState st = ctx.state();
        Optional<ScalableTarget> old = st.scalableTargets.get(ScalableTarget.key(ns, id, dim));
        if (old.isEmpty() && (!r.has("MinCapacity") || !r.has("MaxCapacity"))) {
            throw validation("MinCapacity and MaxCapacity are required when registering a new scalable target.");
        }
        int min = r.has("MinCapacity") ? r.get("MinCapacity").asInt() : old.get().minCapacity();
        int max = r.has("MaxCapacity") ? r.get("MaxCapacity").asInt() : old.get().maxCapacity();
        if (min < 0 || max < 0) {
            throw validation("Minimum and maximum capacity must be greater than or equal to 0.");
        }
        if (min > max) {
            throw validation("Minimum capacity cannot be greater than maximum capacity");
        }
        JsonNode susp = r.path("SuspendedState");
        ScalableTarget t;
        if (old.isPresent()) {
            ScalableTarget o = old.get();
            t = o.withCapacity(min, max).withSuspended(
                    susp.path("DynamicScalingInSuspended").asBoolean(o.scaleInSuspended()),
                    susp.path("DynamicScalingOutSuspended").asBoolean(o.scaleOutSuspended()),
                    susp.path("ScheduledScalingSuspended").asBoolean(o.scheduledSuspended()));
        } else {
            String role = r.has("RoleARN") ? r.get("RoleARN").asText() : "arn:aws:iam::" + ctx.config().accountId()
                    + ":role/aws-service-role/ecs.application-autoscaling.amazonaws.com/"
                    + "AWSServiceRoleForApplicationAutoScaling_ECSService";
            t = new ScalableTarget(ns, id, dim, min, max, role, arn("scalable-target/0e" + st.newId("scalable-target")
                    .substring(0, 30)), now(), susp.path("DynamicScalingInSuspended").asBoolean(false),
                    susp.path("DynamicScalingOutSuspended").asBoolean(false),
                    susp.path("ScheduledScalingSuspended").asBoolean(false), 0, 0);
        }
        st.scalableTargets.put(t.key(), t);
        Capacity.clamp(ctx, t, "a scalable target was registered with minimum " + min + " and maximum " + max);
        ObjectNode out = NODES.objectNode();
        out.put("ScalableTargetARN", t.arn());
        return out;
    }

    private ObjectNode deregisterTarget(JsonNode r) {
        String ns = r.get("ServiceNamespace").asText();
        String id = r.get("ResourceId").asText();
        String dim = r.get("ScalableDimension").asText();
        EcsState st = ctx.state();
        String key = ScalableTarget.key(ns, id, dim);
        if (st.scalableTargets.get(key).isEmpty()) {
            throw notFound("No scalable target found for service namespace: " + ns + ", resource ID: " + id
                    + ", scalable dimension: " + dim);
        }
        for (ScalingPolicy p : st.policiesByTarget.values(key)) {
            removePolicy(p);
        }
        for (ScheduledAction a : st.scheduledActions.values(a -> a.targetKey().equals(key))) {
            st.scheduledActions.remove(a.key());
        }
        st.scalableTargets.remove(key);
        return NODES.objectNode();
    }

    private ObjectNode describeTargets(JsonNode r) {
        String ns = r.get("ServiceNamespace").asText();
        Set<String> ids = strings(r.path("ResourceIds"));
        String dim = r.path("ScalableDimension").asText(null);
        List<ScalableTarget> all = ctx.state().scalableTargets.values(t -> t.namespace().equals(ns)
                && (ids.isEmpty() || ids.contains(t.resourceId())) && (dim == null || dim.equals(t.dimension())));
        all.sort(Comparator.comparing(ScalableTarget::key));
        ArrayNode items = NODES.arrayNode();
        ObjectNode out = NODES.objectNode();
        for (ScalableTarget t : page(all, r, out)) {
            ObjectNode o = items.addObject();
            o.put("ServiceNamespace", t.namespace());
            o.put("ResourceId", t.resourceId());
            o.put("ScalableDimension", t.dimension());
            o.put("MinCapacity", t.minCapacity());
            o.put("MaxCapacity", t.maxCapacity());
            o.put("RoleARN", t.roleArn());
            o.set("CreationTime", time(t.createdMillis()));
            ObjectNode s = o.putObject("SuspendedState");
            s.put("DynamicScalingInSuspended", t.scaleInSuspended());
            s.put("DynamicScalingOutSuspended", t.scaleOutSuspended());
            s.put("ScheduledScalingSuspended", t.scheduledSuspended());
            o.put("ScalableTargetARN", t.arn());
        }
        out.set("ScalableTargets", items);
        return out;
    }

    // ---- scaling policies ----------------------------------------------------------------------------------------

    private ObjectNode putPolicy(JsonNode r) {
        String ns = r.get("ServiceNamespace").asText();
        String id = r.get("ResourceId").asText();
        String dim = r.get("ScalableDimension").asText();
        String name = r.get("PolicyName").asText();
        checkEcs(ns, id, dim);
        EcsState st = ctx.state();
        ScalableTarget t = st.scalableTargets.get(ScalableTarget.key(ns, id, dim)).orElseThrow(() -> notFound(
                "No scalable target registered for service namespace: " + ns + ", resource ID: " + id
                        + ", scalable dimension: " + dim));
        String type = r.path("PolicyType").asText(ScalingPolicy.STEP);
        ObjectNode config;
        if (ScalingPolicy.TARGET_TRACKING.equals(type)) {
            if (!r.has("TargetTrackingScalingPolicyConfiguration")) {
                throw validation("TargetTrackingScalingPolicyConfiguration is required for a policy of type"
                        + " TargetTrackingScaling.");
            }
            config = targetTracking((ObjectNode) r.get("TargetTrackingScalingPolicyConfiguration").deepCopy());
        } else if (ScalingPolicy.STEP.equals(type)) {
            if (!r.has("StepScalingPolicyConfiguration")) {
                throw validation("StepScalingPolicyConfiguration is required for a policy of type StepScaling.");
            }
            config = step((ObjectNode) r.get("StepScalingPolicyConfiguration").deepCopy());
        } else {
            throw validation("Unsupported policy type " + type + " for ECS services in Stevedore: use"
                    + " TargetTrackingScaling or StepScaling.");
        }
        Optional<ScalingPolicy> old = st.policiesByTarget.values(t.key(), p -> p.name().equals(name)).stream().findFirst();
        String policyArn = old.map(ScalingPolicy::arn).orElseGet(() -> "arn:aws:autoscaling:" + ctx.config().region()
                + ":" + ctx.config().accountId() + ":scalingPolicy:" + uuid(st.newId("scaling-policy"))
                + ":resource/" + ns + "/" + id + ":policyName/" + name);
        old.ifPresent(this::removePolicy);
        List<ScalingPolicy.AlarmRef> alarms = new ArrayList<>();
        if (ScalingPolicy.TARGET_TRACKING.equals(type)) {
            alarms.add(trackingAlarm(t, policyArn, config, true));
            if (!config.path("DisableScaleIn").asBoolean(false)) {
                alarms.add(trackingAlarm(t, policyArn, config, false));
            }
        }
        ScalingPolicy p = new ScalingPolicy(policyArn, name, ns, id, dim, type, config.toString(),
                old.map(ScalingPolicy::createdMillis).orElse(now()), alarms, 0, 0);
        st.scalingPolicies.put(p.arn(), p);
        ObjectNode out = NODES.objectNode();
        out.put("PolicyARN", policyArn);
        if (!alarms.isEmpty()) {
            ArrayNode a = out.putArray("Alarms");
            alarms.forEach(x -> a.addObject().put("AlarmName", x.name()).put("AlarmARN", x.arn()));
        }
        return out;
    }

    private ObjectNode targetTracking(ObjectNode c) {
        boolean predefined = c.has("PredefinedMetricSpecification");
        boolean customized = c.has("CustomizedMetricSpecification");
        if (predefined == customized) {
            throw validation("Exactly one of PredefinedMetricSpecification and CustomizedMetricSpecification must"
                    + " be specified.");
        }
        if (predefined) {
            JsonNode pm = c.get("PredefinedMetricSpecification");
            String metric = pm.get("PredefinedMetricType").asText();
            if (!ECS_METRICS.contains(metric)) {
                throw validation("Predefined metric " + metric + " is not supported for service namespace ecs.");
            }
            if ("ALBRequestCountPerTarget".equals(metric) != pm.has("ResourceLabel")) {
                throw validation("ResourceLabel is required for (and only for) ALBRequestCountPerTarget.");
            }
        } else {
            JsonNode cm = c.get("CustomizedMetricSpecification");
            if (cm.has("Metrics")) {
                throw validation("Metric math (CustomizedMetricSpecification.Metrics) is not supported by Stevedore:"
                        + " give MetricName, Namespace and Statistic.");
            }
            if (!cm.has("MetricName") || !cm.has("Namespace") || !cm.has("Statistic")) {
                throw validation("CustomizedMetricSpecification needs MetricName, Namespace and Statistic.");
            }
        }
        for (String f : List.of("ScaleOutCooldown", "ScaleInCooldown")) {
            if (c.has(f) && (c.get(f).asInt() < 0 || c.get(f).asInt() > 86400)) {
                throw validation(f + " must be between 0 and 86400 seconds.");
            }
            if (!c.has(f)) {
                c.put(f, ServiceAutoScaling.DEFAULT_COOLDOWN);
            }
        }
        if (!c.has("DisableScaleIn")) {
            c.put("DisableScaleIn", false);
        }
        return c;
    }

    private ObjectNode step(ObjectNode c) {
        if (!c.has("AdjustmentType")) {
            throw validation("AdjustmentType is required for a new step scaling policy configuration.");
        }
        if (!c.has("StepAdjustments") || c.get("StepAdjustments").isEmpty()) {
            throw validation("StepAdjustments must contain at least one step adjustment.");
        }
        int open = 0;
        for (JsonNode s : c.get("StepAdjustments")) {
            if (!s.has("MetricIntervalLowerBound") || !s.has("MetricIntervalUpperBound")) {
                open++;
            }
            if (s.has("MetricIntervalLowerBound") && s.has("MetricIntervalUpperBound")
                    && s.get("MetricIntervalLowerBound").asDouble() >= s.get("MetricIntervalUpperBound").asDouble()) {
                throw validation("Step adjustment lower bound must be less than its upper bound.");
            }
        }
        if (open == 0) {
            throw validation("At least one step adjustment must have an open (null) bound.");
        }
        if (c.has("Cooldown") && c.get("Cooldown").asInt() < 0) {
            throw validation("Cooldown must be greater than or equal to 0.");
        }
        if (!c.has("Cooldown")) {
            c.put("Cooldown", ServiceAutoScaling.DEFAULT_COOLDOWN);
        }
        if (!c.has("MetricAggregationType")) {
            c.put("MetricAggregationType", "Average");
        }
        return c;
    }

    /**
     * Target tracking's own alarm, as AWS creates it: AlarmHigh above the target for 3 of 3 one-minute periods,
     * AlarmLow below 90 % of it for 15 of 15 (docs/decisions.md, "Service Auto Scaling").
     */
    private ScalingPolicy.AlarmRef trackingAlarm(ScalableTarget t, String policyArn, JsonNode c, boolean high) {
        String name = "TargetTracking-" + t.resourceId() + (high ? "-AlarmHigh-" : "-AlarmLow-")
                + uuid(ctx.state().newId("alarm"));
        String alarmArn = "arn:aws:cloudwatch:" + ctx.config().region() + ":" + ctx.config().accountId() + ":alarm:"
                + name;
        double target = c.get("TargetValue").asDouble();
        String namespace;
        String metric;
        String statistic = "Average";
        List<Dimension> dims = new ArrayList<>();
        if (c.has("PredefinedMetricSpecification")) {
            String type = c.get("PredefinedMetricSpecification").get("PredefinedMetricType").asText();
            String[] cs = ScalableTarget.ecsService(t.resourceId());
            if ("ALBRequestCountPerTarget".equals(type)) {
                namespace = "AWS/ApplicationELB";
                metric = "RequestCountPerTarget";
                statistic = "Sum";
                String label = c.get("PredefinedMetricSpecification").get("ResourceLabel").asText();
                dims.add(Dimension.builder().name("TargetGroup").value(label.substring(label.indexOf("targetgroup/")
                        < 0 ? 0 : label.indexOf("targetgroup/"))).build());
            } else {
                namespace = "AWS/ECS";
                metric = type.equals("ECSServiceAverageCPUUtilization") ? "CPUUtilization" : "MemoryUtilization";
                dims.add(Dimension.builder().name("ClusterName").value(cs[0]).build());
                dims.add(Dimension.builder().name("ServiceName").value(cs[1]).build());
            }
        } else {
            JsonNode cm = c.get("CustomizedMetricSpecification");
            namespace = cm.get("Namespace").asText();
            metric = cm.get("MetricName").asText();
            statistic = cm.get("Statistic").asText();
            for (JsonNode d : cm.path("Dimensions")) {
                dims.add(Dimension.builder().name(d.path("Name").asText()).value(d.path("Value").asText()).build());
            }
        }
        MetricAlarm a = MetricAlarm.builder().alarmName(name).alarmArn(alarmArn)
                .alarmDescription("DO NOT EDIT OR DELETE. For TargetTrackingScaling policy " + policyArn + ".")
                .actionsEnabled(true).alarmActions(policyArn).namespace(namespace).metricName(metric)
                .dimensions(dims).statistic(Statistic.fromValue(statistic)).period(60)
                .evaluationPeriods(high ? 3 : 15).datapointsToAlarm(high ? 3 : 15)
                .threshold(high ? target : target * 0.9)
                .comparisonOperator(high ? ComparisonOperator.GREATER_THAN_THRESHOLD
                        : ComparisonOperator.LESS_THAN_THRESHOLD)
                .stateValue(StateValue.INSUFFICIENT_DATA).stateReason("Unchecked: Initial alarm creation")
                .stateUpdatedTimestamp(ctx.now()).alarmConfigurationUpdatedTimestamp(ctx.now()).build();
        ctx.state().metricAlarms.put(name, a);
        return new ScalingPolicy.AlarmRef(name, alarmArn);
    }

    /** Removes a policy, its own alarms, and its ARN from other alarms' actions. */
    private void removePolicy(ScalingPolicy p) {
        EcsState st = ctx.state();
        p.alarms().forEach(a -> st.metricAlarms.remove(a.name()));
        for (MetricAlarm a : st.metricAlarms.values(a -> a.alarmActions().contains(p.arn()))) {
            List<String> actions = new ArrayList<>(a.alarmActions());
            actions.remove(p.arn());
            st.metricAlarms.put(a.alarmName(), a.toBuilder().alarmActions(actions).build());
        }
        st.scalingPolicies.remove(p.arn());
    }

    private ObjectNode deletePolicy(JsonNode r) {
        String ns = r.get("ServiceNamespace").asText();
        String id = r.get("ResourceId").asText();
        String dim = r.get("ScalableDimension").asText();
        String name = r.get("PolicyName").asText();
        String key = ScalableTarget.key(ns, id, dim);
        ScalingPolicy p = ctx.state().policiesByTarget.values(key, x -> x.name().equals(name))
                .stream().findFirst().orElseThrow(() -> notFound("No scaling policy found for service namespace: "
                        + ns + ", resource ID: " + id + ", scalable dimension: " + dim + ", policy name: " + name));
        removePolicy(p);
        return NODES.objectNode();
    }

    private ObjectNode describePolicies(JsonNode r) {
        String ns = r.get("ServiceNamespace").asText();
        Set<String> names = strings(r.path("PolicyNames"));
        String id = r.path("ResourceId").asText(null);
        String dim = r.path("ScalableDimension").asText(null);
        List<ScalingPolicy> all = ctx.state().scalingPolicies.values(p -> p.namespace().equals(ns)
                && (names.isEmpty() || names.contains(p.name())) && (id == null || id.equals(p.resourceId()))
                && (dim == null || dim.equals(p.dimension())));
        all.sort(Comparator.comparing(ScalingPolicy::resourceId).thenComparing(ScalingPolicy::name));
        ArrayNode items = NODES.arrayNode();
        ObjectNode out = NODES.objectNode();
        for (ScalingPolicy p : page(all, r, out)) {
            ObjectNode o = items.addObject();
            o.put("PolicyARN", p.arn());
            o.put("PolicyName", p.name());
            o.put("ServiceNamespace", p.namespace());
            o.put("ResourceId", p.resourceId());
            o.put("ScalableDimension", p.dimension());
            o.put("PolicyType", p.type());
            o.set(ScalingPolicy.TARGET_TRACKING.equals(p.type()) ? "TargetTrackingScalingPolicyConfiguration"
                    : "StepScalingPolicyConfiguration", ServiceAutoScaling.config(p));
            if (!p.alarms().isEmpty()) {
                ArrayNode a = o.putArray("Alarms");
                p.alarms().forEach(x -> a.addObject().put("AlarmName", x.name()).put("AlarmARN", x.arn()));
            }
            o.set("CreationTime", time(p.createdMillis()));
        }
        out.set("ScalingPolicies", items);
        return out;
    }

    // ---- activities ----------------------------------------------------------------------------------------------

    private ObjectNode describeActivities(JsonNode r) {
        String ns = r.get("ServiceNamespace").asText();
        String id = r.path("ResourceId").asText(null);
        String dim = r.path("ScalableDimension").asText(null);
        EcsState st = ctx.state();
        List<ScalingActivity> all = id != null ? new ArrayList<>(st.activitiesByResource.values(id))
                : st.scalingActivities.values();
        all.removeIf(a -> !a.namespace().equals(ns) || dim != null && !dim.equals(a.dimension()));
        all.sort(Comparator.comparingLong(ScalingActivity::seq).reversed());
        ArrayNode items = NODES.arrayNode();
        ObjectNode out = NODES.objectNode();
        for (ScalingActivity a : page(all, r, out)) {
            ObjectNode o = items.addObject();
            o.put("ActivityId", a.activityId());
            o.put("ServiceNamespace", a.namespace());
            o.put("ResourceId", a.resourceId());
            o.put("ScalableDimension", a.dimension());
            o.put("Description", a.description());
            o.put("Cause", a.cause());
            o.set("StartTime", time(a.startMillis()));
            o.set("EndTime", time(a.endMillis()));
            o.put("StatusCode", a.statusCode());
            o.put("StatusMessage", a.statusMessage());
        }
        out.set("ScalingActivities", items);
        return out;
    }

    // ---- scheduled actions ---------------------------------------------------------------------------------------

    private ObjectNode putScheduledAction(JsonNode r) {
        String ns = r.get("ServiceNamespace").asText();
        String id = r.get("ResourceId").asText();
        String dim = r.get("ScalableDimension").asText();
        String name = r.get("ScheduledActionName").asText();
        checkEcs(ns, id, dim);
        EcsState st = ctx.state();
        st.scalableTargets.get(ScalableTarget.key(ns, id, dim)).orElseThrow(() -> notFound(
                "No scalable target registered for service namespace: " + ns + ", resource ID: " + id
                        + ", scalable dimension: " + dim));
        Optional<ScheduledAction> old = st.scheduledActions.get(ScheduledAction.key(ns, id, dim, name));
        String schedule = r.has("Schedule") ? r.get("Schedule").asText() : old.map(ScheduledAction::schedule)
                .orElseThrow(() -> validation("Schedule is required for a new scheduled action."));
        String tz = r.has("Timezone") ? r.get("Timezone").asText() : old.map(ScheduledAction::timezone).orElse("UTC");
        String problem = Schedules.problem(schedule, tz);
        if (problem != null) {
            throw validation(problem);
        }
        JsonNode action = r.path("ScalableTargetAction");
        Integer min = action.has("MinCapacity") ? Integer.valueOf(action.get("MinCapacity").asInt())
                : old.map(ScheduledAction::minCapacity).orElse(null);
        Integer max = action.has("MaxCapacity") ? Integer.valueOf(action.get("MaxCapacity").asInt())
                : old.map(ScheduledAction::maxCapacity).orElse(null);
        if (min == null && max == null) {
            throw validation("ScalableTargetAction must specify MinCapacity, MaxCapacity or both.");
        }
        if (min != null && max != null && min > max) {
            throw validation("Minimum capacity cannot be greater than maximum capacity");
        }
        long start = r.has("StartTime") ? millis(r.get("StartTime")) : old.map(ScheduledAction::startMillis)
                .orElse(0L);
        long end = r.has("EndTime") ? millis(r.get("EndTime")) : old.map(ScheduledAction::endMillis).orElse(0L);
        if (start > 0 && end > 0 && start > end) {
            throw validation("StartTime must be before EndTime.");
        }
        long created = old.map(ScheduledAction::createdMillis).orElse(now());
        String arn = old.map(ScheduledAction::arn).orElseGet(() -> "arn:aws:autoscaling:" + ctx.config().region()
                + ":" + ctx.config().accountId() + ":scheduledAction:" + uuid(st.newId("scheduled-action"))
                + ":resource/" + ns + "/" + id + ":scheduledActionName/" + name);
        long next = Schedules.next(schedule, tz, now(), created, start, end);
        ScheduledAction a = new ScheduledAction(arn, name, ns, id, dim, schedule, tz, start, end, min, max, created,
                next);
        st.scheduledActions.put(a.key(), a);
        return NODES.objectNode();
    }

    private ObjectNode deleteScheduledAction(JsonNode r) {
        String ns = r.get("ServiceNamespace").asText();
        String id = r.get("ResourceId").asText();
        String dim = r.get("ScalableDimension").asText();
        String name = r.get("ScheduledActionName").asText();
        String key = ScheduledAction.key(ns, id, dim, name);
        if (ctx.state().scheduledActions.get(key).isEmpty()) {
            throw notFound("No scheduled action found for service namespace: " + ns + ", resource ID: " + id
                    + ", scalable dimension: " + dim + ", scheduled action name: " + name);
        }
        ctx.state().scheduledActions.remove(key);
        return NODES.objectNode();
    }

    private ObjectNode describeScheduledActions(JsonNode r) {
        String ns = r.get("ServiceNamespace").asText();
        Set<String> names = strings(r.path("ScheduledActionNames"));
        String id = r.path("ResourceId").asText(null);
        String dim = r.path("ScalableDimension").asText(null);
        List<ScheduledAction> all = ctx.state().scheduledActions.values(a -> a.namespace().equals(ns)
                && (names.isEmpty() || names.contains(a.name())) && (id == null || id.equals(a.resourceId()))
                && (dim == null || dim.equals(a.dimension())));
        all.sort(Comparator.comparing(ScheduledAction::key));
        ArrayNode items = NODES.arrayNode();
        ObjectNode out = NODES.objectNode();
        for (ScheduledAction a : page(all, r, out)) {
            ObjectNode o = items.addObject();
            o.put("ScheduledActionName", a.name());
            o.put("ScheduledActionARN", a.arn());
            o.put("ServiceNamespace", a.namespace());
            o.put("Schedule", a.schedule());
            o.put("Timezone", a.timezone());
            o.put("ResourceId", a.resourceId());
            o.put("ScalableDimension", a.dimension());
            if (a.startMillis() > 0) {
                o.set("StartTime", time(a.startMillis()));
            }
            if (a.endMillis() > 0) {
                o.set("EndTime", time(a.endMillis()));
            }
            ObjectNode act = o.putObject("ScalableTargetAction");
            if (a.minCapacity() != null) {
                act.put("MinCapacity", a.minCapacity());
            }
            if (a.maxCapacity() != null) {
                act.put("MaxCapacity", a.maxCapacity());
            }
            o.set("CreationTime", time(a.createdMillis()));
        }
        out.set("ScheduledActions", items);
        return out;
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private static void checkEcs(String ns, String id, String dim) {
        if (!ScalableTarget.ECS_NAMESPACE.equals(ns)) {
            throw validation("Unsupported service namespace: " + ns + " (Stevedore scales ECS services: ecs).");
        }
        if (!ScalableTarget.ECS_DESIRED_COUNT.equals(dim)) {
            throw validation("Unsupported scalable dimension " + dim + " for service namespace ecs: use "
                    + ScalableTarget.ECS_DESIRED_COUNT + ".");
        }
        if (ScalableTarget.ecsService(id) == null) {
            throw validation("Unsupported resource ID " + id + " for service namespace ecs: use"
                    + " service/<cluster-name>/<service-name>.");
        }
    }

    /** One page of {@code all}; sets NextToken on {@code out} when more follow. */
    private static <T> List<T> page(List<T> all, JsonNode r, ObjectNode out) {
        int max = r.has("MaxResults") ? r.get("MaxResults").asInt() : MAX_PAGE;
        if (max < 1 || max > MAX_PAGE) {
            throw validation("MaxResults must be between 1 and " + MAX_PAGE + ".");
        }
        int from = 0;
        if (r.has("NextToken")) {
            String token = r.get("NextToken").asText();
            try {
                from = Integer.parseInt(new String(java.util.Base64.getDecoder().decode(token)).replace("o:", ""));
            } catch (IllegalArgumentException e) {
                throw new AwsException("InvalidNextTokenException", 400, "Invalid token");
            }
            if (from < 0 || from > all.size()) {
                throw new AwsException("InvalidNextTokenException", 400, "Invalid token");
            }
        }
        int to = Math.min(all.size(), from + max);
        if (to < all.size()) {
            out.put("NextToken", java.util.Base64.getEncoder().encodeToString(("o:" + to).getBytes()));
        }
        return all.subList(from, to);
    }

    private static Set<String> strings(JsonNode list) {
        Set<String> out = new HashSet<>();
        list.forEach(n -> out.add(n.asText()));
        return out;
    }

    private long now() {
        return ctx.now().toEpochMilli();
    }

    private String arn(String resource) {
        return "arn:aws:application-autoscaling:" + ctx.config().region() + ":" + ctx.config().accountId() + ":"
                + resource;
    }

    private static String uuid(String hex) {
        return hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-"
                + hex.substring(16, 20) + "-" + hex.substring(20);
    }

    private static JsonNode time(long millis) {
        return NODES.numberNode(BigDecimal.valueOf(millis, 3).stripTrailingZeros());
    }

    private static long millis(JsonNode epochSeconds) {
        return epochSeconds.decimalValue().movePointRight(3).longValue();
    }

    static AwsException validation(String message) {
        return new AwsException("ValidationException", 400, message);
    }

    static AwsException notFound(String message) {
        return new AwsException("ObjectNotFoundException", 400, message);
    }
}
