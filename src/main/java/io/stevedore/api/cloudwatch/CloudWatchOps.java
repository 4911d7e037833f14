package io.stevedore.api.cloudwatch;

import io.stevedore.control.scaling.MetricStore;
import io.stevedore.control.state.Context;
import io.stevedore.control.state.EcsState;
import io.stevedore.wire.AwsException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import software.amazon.awssdk.services.cloudwatch.model.Datapoint;
import software.amazon.awssdk.services.cloudwatch.model.DeleteAlarmsRequest;
import software.amazon.awssdk.services.cloudwatch.model.DeleteAlarmsResponse;
import software.amazon.awssdk.services.cloudwatch.model.DescribeAlarmsRequest;
import software.amazon.awssdk.services.cloudwatch.model.DescribeAlarmsResponse;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.DimensionFilter;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricStatisticsRequest;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricStatisticsResponse;
import software.amazon.awssdk.services.cloudwatch.model.ListMetricsRequest;
import software.amazon.awssdk.services.cloudwatch.model.ListMetricsResponse;
import software.amazon.awssdk.services.cloudwatch.model.Metric;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricAlarmRequest;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricAlarmResponse;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.ScanBy;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.cloudwatch.model.StatusCode;

/**
 * The CloudWatch operations Service Auto Scaling needs: metric data in (PutMetricData) and out (GetMetricStatistics,
 * GetMetricData, ListMetrics), and metric alarms (PutMetricAlarm, DescribeAlarms, DeleteAlarms) whose actions
 * run step scaling policies. Metric math, percentiles and composite alarms are refused with
 * InvalidParameterValue. Data lives in the control loop's {@link MetricStore}; alarms are durable rows.
 */
final class CloudWatchOps {
    /** CloudWatch's limit of datapoints in one GetMetricStatistics answer. */
    private static final int MAX_DATAPOINTS = 1440;
    private static final int LIST_PAGE = 500;
    private static final int ALARM_PAGE = 100;

    private final Context ctx;
    private final MetricStore metrics;

    CloudWatchOps(Context ctx, MetricStore metrics) {
        this.ctx = ctx;
        this.metrics = metrics;
    }

    void register(CloudWatchApi api) {
        api.register("PutMetricData", PutMetricDataRequest::builder, PutMetricDataRequest.class, this::putMetricData);
        api.register("GetMetricStatistics", GetMetricStatisticsRequest::builder, GetMetricStatisticsRequest.class,
                this::getMetricStatistics);
        api.register("GetMetricData", GetMetricDataRequest::builder, GetMetricDataRequest.class,
                this::getMetricData);
        api.register("ListMetrics", ListMetricsRequest::builder, ListMetricsRequest.class, this::listMetrics);
        api.register("PutMetricAlarm", PutMetricAlarmRequest::builder, PutMetricAlarmRequest.class,
                this::putMetricAlarm);
        api.register("DescribeAlarms", DescribeAlarmsRequest::builder, DescribeAlarmsRequest.class,
                this::describeAlarms);
        api.register("DeleteAlarms", DeleteAlarmsRequest::builder, DeleteAlarmsRequest.class, this::deleteAlarms);
    }

    /**
     * A datapoint into the metric store and into the state (so an acknowledged PutMetricData survives a restart);
     * stored datapoints older than the retention are dropped once many have piled up.
     */
    private void record(MetricStore.MetricKey key, long at, MetricStore.Stat stat, String unit) {
        metrics.put(key, at, stat, unit);
        var rows = ctx.state().customDatapoints;
        String id = ctx.state().newId("datapoint");
        rows.put(id, new io.stevedore.control.state.CustomDatapoint(id, key.namespace(), key.name(), key.dimensions(), at,
                stat.sampleCount(), stat.sum(), stat.minimum(), stat.maximum(), unit));
        if (rows.size() > MAX_STORED) {
            long oldest = ctx.now().toEpochMilli() - metrics.retentionMillis();
            for (var d : rows.values(d -> d.atMillis() < oldest)) {
                rows.remove(d.id());
            }
        }
    }

    /** Stored datapoints beyond which those past the retention are dropped. */
    static final int MAX_STORED = 20_000;

    private PutMetricDataResponse putMetricData(PutMetricDataRequest r) {
        if (r.namespace().startsWith("AWS/")) {
            throw invalid("The value " + r.namespace() + " for parameter Namespace is invalid.");
        }
        if (!r.hasMetricData() || r.metricData().isEmpty()) {
            throw new AwsException("MissingRequiredParameterException", 400,
                    "The parameter MetricData is required.");
        }
        if (r.metricData().size() > 1000) {
            throw invalid("The collection MetricData must not have a size greater than 1000.");
        }
        long now = ctx.now().toEpochMilli();
        for (MetricDatum d : r.metricData()) {
            MetricStore.MetricKey key = key(r.namespace(), d.metricName(), d.dimensions());
            long at = d.timestamp() == null ? now : d.timestamp().toEpochMilli();
            String unit = d.unitAsString();
            if (d.value() != null) {
                finite(d.value(), "Value");
                record(key, at, new MetricStore.Stat(1, d.value(), d.value(), d.value()), unit);
            } else if (d.statisticValues() != null) {
                var s = d.statisticValues();
                for (Double v : List.of(s.sampleCount(), s.sum(), s.minimum(), s.maximum())) {
                    finite(v, "StatisticValues");
                }
                record(key, at, new MetricStore.Stat(s.sampleCount(), s.sum(), s.minimum(), s.maximum()), unit);
            } else if (d.hasValues() && !d.values().isEmpty()) {
                if (d.hasCounts() && d.counts().size() != d.values().size()) {
                    throw invalid("The parameters Values and Counts must be of the same size.");
                }
                for (int i = 0; i < d.values().size(); i++) {
                    double v = finite(d.values().get(i), "Values");
                    double c = d.hasCounts() ? d.counts().get(i) : 1;
                    record(key, at, new MetricStore.Stat(c, v * c, v, v), unit);
                }
            } else {
                throw new AwsException("InvalidParameterCombinationException", 400, "One of the parameters Value,"
                        + " StatisticValues or Values must be specified for metric " + d.metricName() + ".");
            }
        }
        return PutMetricDataResponse.builder().build();
    }

    private GetMetricStatisticsResponse getMetricStatistics(GetMetricStatisticsRequest r) {
        if (!r.hasStatistics() && !r.hasExtendedStatistics()) {
            throw new AwsException("InvalidParameterCombinationException", 400,
                    "Must specify either Statistics or ExtendedStatistics.");
        }
        if (r.hasExtendedStatistics() && !r.extendedStatistics().isEmpty()) {
            throw invalid("Extended statistics (percentiles) are not supported by Stevedore.");
        }
        int period = checkPeriod(r.period());
        long from = r.startTime().toEpochMilli();
        long to = r.endTime().toEpochMilli();
        if (to <= from) {
            throw invalid("The parameter StartTime must be less than the parameter EndTime.");
        }
        long n = (to - from + period * 1000L - 1) / (period * 1000L);
        if (n > MAX_DATAPOINTS) {
            throw new AwsException("InvalidParameterCombinationException", 400, "You have requested up to " + n
                    + " datapoints, which exceeds the limit of " + MAX_DATAPOINTS + ". You may reduce the datapoints"
                    + " requested by increasing Period, or decreasing the time range.");
        }
        MetricStore.MetricKey key = key(r.namespace(), r.metricName(), r.dimensions());
        String unit = r.unitAsString() != null ? r.unitAsString() : metrics.unit(key);
        if (r.unitAsString() != null && metrics.unit(key) != null && !r.unitAsString().equals(metrics.unit(key))) {
            return GetMetricStatisticsResponse.builder().label(r.metricName()).datapoints(List.of()).build();
        }
        List<Datapoint> points = new ArrayList<>();
        for (Map.Entry<Long, MetricStore.Stat> e : metrics.periods(key, from, to, period * 1000L).entrySet()) {
            MetricStore.Stat s = e.getValue();
            Datapoint.Builder b = Datapoint.builder().timestamp(Instant.ofEpochMilli(e.getKey())).unit(
                    unit == null ? "None" : unit);
            for (String stat : r.statisticsAsStrings()) {
                switch (stat) {
                    case "SampleCount" -> b.sampleCount(s.sampleCount());
                    case "Average" -> b.average(s.average());
                    case "Sum" -> b.sum(s.sum());
                    case "Minimum" -> b.minimum(s.minimum());
                    case "Maximum" -> b.maximum(s.maximum());
                    default -> {
                    }
                }
            }
            points.add(b.build());
        }
        return GetMetricStatisticsResponse.builder().label(r.metricName()).datapoints(points).build();
    }

    private GetMetricDataResponse getMetricData(GetMetricDataRequest r) {
        long from = r.startTime().toEpochMilli();
        long to = r.endTime().toEpochMilli();
        if (to <= from) {
            throw invalid("The parameter StartTime must be less than the parameter EndTime.");
        }
        if (r.metricDataQueries().isEmpty() || r.metricDataQueries().size() > 500) {
            throw invalid("MetricDataQueries must contain between 1 and 500 queries.");
        }
        boolean descending = r.scanBy() != ScanBy.TIMESTAMP_ASCENDING;
        List<MetricDataResult> results = new ArrayList<>();
        for (MetricDataQuery q : r.metricDataQueries()) {
            if (q.expression() != null || q.metricStat() == null) {
                throw invalid("Query " + q.id() + ": metric math expressions are not supported by Stevedore; give a"
                        + " MetricStat.");
            }
            var ms = q.metricStat();
            int period = checkPeriod(ms.period());
            String stat = ms.stat();
            if (!List.of("SampleCount", "Average", "Sum", "Minimum", "Maximum").contains(stat)) {
                throw invalid("Query " + q.id() + ": the statistic " + stat + " is not supported by Stevedore.");
            }
            MetricStore.MetricKey key = key(ms.metric().namespace(), ms.metric().metricName(),
                    ms.metric().dimensions());
            NavigableMap<Long, MetricStore.Stat> p = metrics.periods(key, from, to, period * 1000L);
            if (descending) {
                p = p.descendingMap();
            }
            List<Instant> times = new ArrayList<>();
            List<Double> values = new ArrayList<>();
            p.forEach((t, s) -> {
                times.add(Instant.ofEpochMilli(t));
                values.add(s.get(stat));
            });
            if (Boolean.FALSE.equals(q.returnData())) {
                continue;
            }
            results.add(MetricDataResult.builder().id(q.id()).label(q.label() != null ? q.label()
                    : ms.metric().metricName()).timestamps(times).values(values).statusCode(StatusCode.COMPLETE)
                    .build());
        }
        return GetMetricDataResponse.builder().metricDataResults(results).messages(List.of()).build();
    }

    private ListMetricsResponse listMetrics(ListMetricsRequest r) {
        List<Metric> all = new ArrayList<>();
        for (MetricStore.MetricKey k : metrics.metrics()) {
            if (r.namespace() != null && !r.namespace().equals(k.namespace())
                    || r.metricName() != null && !r.metricName().equals(k.name()) || !matches(k, r.dimensions())) {
                continue;
            }
            List<Dimension> dims = new ArrayList<>();
            k.dimensions().forEach((n, v) -> dims.add(Dimension.builder().name(n).value(v).build()));
            all.add(Metric.builder().namespace(k.namespace()).metricName(k.name()).dimensions(dims).build());
        }
        int start = token(r.nextToken(), all.size());
        int end = Math.min(all.size(), start + LIST_PAGE);
        return ListMetricsResponse.builder().metrics(all.subList(start, end))
                .nextToken(end < all.size() ? token(end) : null).build();
    }

    private static boolean matches(MetricStore.MetricKey k, List<DimensionFilter> filters) {
        for (DimensionFilter f : filters) {
            String v = k.dimensions().get(f.name());
            if (v == null || f.value() != null && !f.value().equals(v)) {
                return false;
            }
        }
        return true;
    }

    private PutMetricAlarmResponse putMetricAlarm(PutMetricAlarmRequest r) {
        if (r.hasMetrics() && !r.metrics().isEmpty()) {
            throw invalid("Metric math alarms (Metrics) are not supported by Stevedore: give MetricName, Namespace"
                    + " and Statistic.");
        }
        if (r.metricName() == null || r.namespace() == null || r.statistic() == null || r.period() == null
                || r.evaluationPeriods() == null || r.threshold() == null || r.comparisonOperator() == null) {
            throw new AwsException("MissingRequiredParameterException", 400, "MetricName, Namespace, Statistic,"
                    + " Period, EvaluationPeriods, Threshold and ComparisonOperator are required.");
        }
        checkPeriod(r.period());
        if (r.evaluationPeriods() < 1 || r.datapointsToAlarm() != null
                && (r.datapointsToAlarm() < 1 || r.datapointsToAlarm() > r.evaluationPeriods())) {
            throw invalid("DatapointsToAlarm must be between 1 and EvaluationPeriods.");
        }
        if (r.comparisonOperator().toString().contains("LowerOrGreater")
                || r.comparisonOperator().toString().contains("Band")) {
            throw invalid("Anomaly detection alarms are not supported by Stevedore.");
        }
        for (String action : r.alarmActions()) {
            if (!action.startsWith("arn:aws:autoscaling:") || ctx.state().scalingPolicies.get(action).isEmpty()) {
                throw invalid("Invalid alarm action " + action + ": Stevedore's alarms act on Application Auto"
                        + " Scaling policies (arn:aws:autoscaling:…:scalingPolicy:…) that exist.");
            }
        }
        EcsState st = ctx.state();
        MetricAlarm old = st.metricAlarms.get(r.alarmName()).orElse(null);
        String arn = "arn:aws:cloudwatch:" + ctx.config().region() + ":" + ctx.config().accountId() + ":alarm:"
                + r.alarmName();
        MetricAlarm a = MetricAlarm.builder().alarmName(r.alarmName()).alarmArn(arn)
                .alarmDescription(r.alarmDescription()).actionsEnabled(r.actionsEnabled() == null || r.actionsEnabled())
                .alarmActions(r.alarmActions()).okActions(r.okActions())
                .insufficientDataActions(r.insufficientDataActions()).metricName(r.metricName())
                .namespace(r.namespace()).statistic(r.statistic()).dimensions(r.dimensions()).period(r.period())
                .unit(r.unitAsString()).evaluationPeriods(r.evaluationPeriods()).datapointsToAlarm(r.datapointsToAlarm())
                .threshold(r.threshold()).comparisonOperator(r.comparisonOperator())
                .treatMissingData(r.treatMissingData())
                .stateValue(old == null ? StateValue.INSUFFICIENT_DATA : old.stateValue())
                .stateReason(old == null ? "Unchecked: Initial alarm creation" : old.stateReason())
                .stateUpdatedTimestamp(old == null ? ctx.now() : old.stateUpdatedTimestamp())
                .alarmConfigurationUpdatedTimestamp(ctx.now()).build();
        st.metricAlarms.put(a.alarmName(), a);
        return PutMetricAlarmResponse.builder().build();
    }

    private DescribeAlarmsResponse describeAlarms(DescribeAlarmsRequest r) {
        List<MetricAlarm> all = ctx.state().metricAlarms.values(a ->
                (!r.hasAlarmNames() || r.alarmNames().isEmpty() || r.alarmNames().contains(a.alarmName()))
                        && (r.alarmNamePrefix() == null || a.alarmName().startsWith(r.alarmNamePrefix()))
                        && (r.stateValue() == null || r.stateValue() == a.stateValue())
                        && (r.actionPrefix() == null || a.alarmActions().stream()
                        .anyMatch(x -> x.startsWith(r.actionPrefix()))));
        all.sort(Comparator.comparing(MetricAlarm::alarmName));
        int max = r.maxRecords() == null ? ALARM_PAGE : r.maxRecords();
        if (max < 1 || max > ALARM_PAGE) {
            throw invalid("MaxRecords must be between 1 and " + ALARM_PAGE + ".");
        }
        int start = token(r.nextToken(), all.size());
        int end = Math.min(all.size(), start + max);
        return DescribeAlarmsResponse.builder().metricAlarms(all.subList(start, end)).compositeAlarms(List.of())
                .nextToken(end < all.size() ? token(end) : null).build();
    }

    private DeleteAlarmsResponse deleteAlarms(DeleteAlarmsRequest r) {
        EcsState st = ctx.state();
        for (String name : r.alarmNames()) {
            if (st.metricAlarms.get(name).isEmpty()) {
                throw new AwsException("ResourceNotFound", 404, "The alarm " + name + " does not exist.");
            }
        }
        r.alarmNames().forEach(st.metricAlarms::remove);
        return DeleteAlarmsResponse.builder().build();
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private static MetricStore.MetricKey key(String namespace, String name, List<Dimension> dimensions) {
        TreeMap<String, String> dims = new TreeMap<>();
        for (Dimension d : dimensions) {
            if (dims.put(d.name(), d.value()) != null) {
                throw invalid("The dimension " + d.name() + " is given twice.");
            }
        }
        if (dims.size() > 30) {
            throw invalid("A metric has at most 30 dimensions.");
        }
        return new MetricStore.MetricKey(namespace, name, dims);
    }

    /** CloudWatch's periods: 1, 5, 10, 20, 30 (high resolution) or a multiple of 60 seconds. */
    private static int checkPeriod(Integer period) {
        if (period == null || !(period % 60 == 0 || List.of(1, 5, 10, 20, 30).contains(period)) || period < 1) {
            throw invalid("The parameter Period must be 1, 5, 10, 20, 30 or a multiple of 60.");
        }
        return period;
    }

    private static double finite(Double v, String member) {
        if (v == null || !Double.isFinite(v)) {
            throw invalid("The value " + v + " for parameter " + member + " is invalid.");
        }
        return v;
    }

    private static int token(String token, int size) {
        if (token == null) {
            return 0;
        }
        try {
            int i = Integer.parseInt(new String(Base64.getDecoder().decode(token)).replace("o:", ""));
            if (i >= 0 && i <= size) {
                return i;
            }
        } catch (IllegalArgumentException e) {
            // below
        }
        throw new AwsException("InvalidNextToken", 400, "The service returned an invalid pagination token.");
    }

    private static String token(int offset) {
        return Base64.getEncoder().encodeToString(("o:" + offset).getBytes());
    }

    static AwsException invalid(String message) {
        return new AwsException("InvalidParameterValueException", 400, message);
    }
}
