package io.stevedore.api.ec2;

import io.stevedore.cloud.CloudProvider;
import io.stevedore.cloud.InstanceEventWindow;
import io.stevedore.cloud.InstanceEventWindow.Tag;
import io.stevedore.cloud.InstanceEventWindow.TimeRange;
import io.stevedore.control.fleet.InstanceEventWindows;
import io.stevedore.lifecycle.EventWindow;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * EC2 instance event windows through EC2's Query API: CreateInstanceEventWindow, AssociateInstanceEventWindow,
 * DisassociateInstanceEventWindow, DescribeInstanceEventWindows, ModifyInstanceEventWindow and
 * DeleteInstanceEventWindow, with EC2's rules (UTC; time ranges or a cron expression, not both; each range at least
 * 2 hours and 4 hours a week; one target kind per window; a target in one window only; at most 100 instance ids,
 * 50 instance tags or 50 Dedicated Host ids per window; 200 windows per region). The lifecycle reads the windows
 * as the maintenance windows of the instances they are associated with (docs/lifecycle.md).
 */
final class Ec2EventWindows {
    static final int MAX_WINDOWS = 200;
    static final int MAX_INSTANCE_IDS = 100;
    static final int MAX_TAGS = 50;
    static final int MAX_HOSTS = 50;
    private static final Pattern HOUR_RANGE = Pattern.compile("\\d{1,2}-\\d{1,2}");
    private static final Pattern HOST_ID = Pattern.compile("h-[0-9a-f]{8,17}");

    private final CloudProvider cloud;

    Ec2EventWindows(CloudProvider cloud) {
        this.cloud = cloud;
    }

    Ec2Xml handle(String action, Ec2QueryRequest r) {
        return switch (action) {
            case "CreateInstanceEventWindow" -> create(r);
            case "AssociateInstanceEventWindow" -> associate(r);
            case "DisassociateInstanceEventWindow" -> disassociate(r);
            case "DescribeInstanceEventWindows" -> describe(r);
            case "ModifyInstanceEventWindow" -> modify(r);
            case "DeleteInstanceEventWindow" -> delete(r);
            default -> throw new IllegalArgumentException(action);
        };
    }

    // ---- create, modify, delete --------------------------------------------------------------------------------

    private Ec2Xml create(Ec2QueryRequest r) {
        Schedule s = schedule(r).orElseThrow(() -> new Ec2Exception("MissingParameter", "The request must contain"
                + " either the parameter TimeRange or the parameter CronExpression."));
        if (cloud.eventWindows().size() >= MAX_WINDOWS) {
            throw new Ec2Exception("ResourceLimitExceeded", "You have reached the limit of " + MAX_WINDOWS
                    + " event windows in this Region. Delete an event window (DeleteInstanceEventWindow) first.");
        }
        InstanceEventWindow w = new InstanceEventWindow(cloud.newEventWindowId(), r.get("Name").orElse(null),
                s.ranges(), s.cron(), List.of(), List.of(), List.of(), tagSpecifications(r));
        cloud.putEventWindow(w);
        return window(new Ec2Xml(), "instanceEventWindow", w, "creating");
    }

    private Ec2Xml modify(Ec2QueryRequest r) {
        InstanceEventWindow w = existing(r);
        Optional<Schedule> s = schedule(r);
        String name = r.get("Name").orElse(w.name());
        InstanceEventWindow changed = s.map(x -> w.withSchedule(name, x.ranges(), x.cron()))
                .orElse(w.withSchedule(name, w.timeRanges(), w.cronExpression()));
        cloud.putEventWindow(changed);
        return window(new Ec2Xml(), "instanceEventWindow", changed, "active");
    }

    private Ec2Xml delete(Ec2QueryRequest r) {
        InstanceEventWindow w = existing(r);
        boolean force = r.get("ForceDelete").map(Boolean::parseBoolean).orElse(false);
        if (w.associated() && !force) {
            throw new Ec2Exception("IncorrectState", "The event window " + w.id() + " is associated with targets."
                    + " Disassociate them (DisassociateInstanceEventWindow) or delete with ForceDelete.");
        }
        cloud.deleteEventWindow(w.id());
        return new Ec2Xml().open("instanceEventWindowState").el("instanceEventWindowId", w.id())
                .el("state", "deleting").close("instanceEventWindowState");
    }

    private InstanceEventWindow existing(Ec2QueryRequest r) {
        String id = r.get("InstanceEventWindowId").filter(v -> !v.isBlank()).orElseThrow(() -> new Ec2Exception(
                "MissingParameter", "The request must contain the parameter InstanceEventWindowId"));
        return find(id);
    }

    private InstanceEventWindow find(String id) {
        return cloud.eventWindows().stream().filter(w -> w.id().equals(id)).findFirst().orElseThrow(() ->
                new Ec2Exception("InvalidInstanceEventWindowId.NotFound", "The event window ID '" + id
                        + "' does not exist"));
    }

    /** The window's times: time ranges or a cron expression, validated; empty when the request gives neither. */
    private Optional<Schedule> schedule(Ec2QueryRequest r) {
        List<TimeRange> ranges = timeRanges(r);
        String cron = r.get("CronExpression").orElse(null);
        if (!ranges.isEmpty() && cron != null) {
            throw new Ec2Exception("InvalidParameterCombination", "Specify either time ranges (TimeRange) or a cron"
                    + " expression (CronExpression), not both.");
        }
        if (ranges.isEmpty() && cron == null) {
            return Optional.empty();
        }
        Schedule s = cron != null ? new Schedule(List.of(), validCron(cron)) : new Schedule(ranges, null);
        try {
            InstanceEventWindows.toLifecycle(new InstanceEventWindow("iew-check", null, s.ranges(), s.cron(),
                    List.of(), List.of(), List.of(), List.of()));
        } catch (IllegalArgumentException e) {
            throw new Ec2Exception("InvalidParameterValue", "The event window is invalid: " + e.getMessage()
                    + " (times are in UTC; each time range must be at least 2 hours, all together at least 4 hours"
                    + " a week).");
        }
        return Optional.of(s);
    }

    private record Schedule(List<TimeRange> ranges, String cron) {
    }

    /**
     * EC2's cron form: {@code minute hour day-of-month month day-of-week} with minute, day of month and month
     * {@code *}, hours as one or more ranges ({@code 0-4,20-23}), days of the week 0-6 or SUN-SAT.
     */
    private static String validCron(String expression) {
        String[] f = expression.trim().split("\\s+");
        String hint = " Example: * 0-4,20-23 * * 1,5 (hours 0-4 and 20-23 on mondays and fridays, UTC).";
        if (f.length != 5) {
            throw new Ec2Exception("InvalidParameterValue", "The cron expression '" + expression + "' must have 5"
                    + " fields: minute hour day-of-month month day-of-week." + hint);
        }
        if (!"*".equals(f[0]) || !"*".equals(f[2]) || !"*".equals(f[3])) {
            throw new Ec2Exception("InvalidParameterValue", "The cron expression '" + expression + "' is invalid:"
                    + " only hour and day of the week values are supported; minute, day of month and month must be"
                    + " *." + hint);
        }
        for (String h : f[1].split(",")) {
            if (!HOUR_RANGE.matcher(h).matches()) {
                throw new Ec2Exception("InvalidParameterValue", "The cron expression '" + expression + "' is"
                        + " invalid: the hour value must be one or more ranges such as 0-4 (got '" + h + "')." + hint);
            }
        }
        try {
            EventWindow.parseCron(expression);
        } catch (IllegalArgumentException e) {
            throw new Ec2Exception("InvalidParameterValue", "The cron expression '" + expression + "' is invalid: "
                    + e.getMessage() + "." + hint);
        }
        return expression.trim();
    }

    private static List<TimeRange> timeRanges(Ec2QueryRequest r) {
        List<TimeRange> out = new ArrayList<>();
        for (int i = 1; r.keysStartWith("TimeRange." + i + "."); i++) {
            String p = "TimeRange." + i + ".";
            out.add(new TimeRange(weekDay(r, p + "StartWeekDay"), hour(r, p + "StartHour"),
                    weekDay(r, p + "EndWeekDay"), hour(r, p + "EndHour")));
        }
        return out;
    }

    private static String weekDay(Ec2QueryRequest r, String name) {
        String v = r.get(name).orElseThrow(() -> new Ec2Exception("MissingParameter", "The request must contain the"
                + " parameter " + name));
        try {
            InstanceEventWindows.day(v);
        } catch (IllegalArgumentException e) {
            throw new Ec2Exception("InvalidParameterValue", "Value (" + v + ") for parameter " + name
                    + " is invalid: " + e.getMessage());
        }
        return v;
    }

    private static int hour(Ec2QueryRequest r, String name) {
        String v = r.get(name).orElseThrow(() -> new Ec2Exception("MissingParameter", "The request must contain the"
                + " parameter " + name));
        try {
            int h = Integer.parseInt(v);
            if (h >= 0 && h <= 23) {
                return h;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new Ec2Exception("InvalidParameterValue", "Value (" + v + ") for parameter " + name + " is invalid."
                + " Expecting an hour between 0 and 23 (UTC).");
    }

    private static List<Tag> tagSpecifications(Ec2QueryRequest r) {
        List<Tag> out = new ArrayList<>();
        for (int i = 1; r.keysStartWith("TagSpecification." + i + "."); i++) {
            String p = "TagSpecification." + i + ".";
            String type = r.get(p + "ResourceType").orElse("instance-event-window");
            if (!"instance-event-window".equals(type)) {
                throw new Ec2Exception("InvalidParameterValue", "'" + type + "' is not a valid taggable resource"
                        + " type for this operation: use instance-event-window.");
            }
            out.addAll(tags(r, p + "Tag"));
        }
        return out;
    }

    private static List<Tag> tags(Ec2QueryRequest r, String prefix) {
        List<Tag> out = new ArrayList<>();
        for (int j = 1; r.keysStartWith(prefix + "." + j + "."); j++) {
            String member = prefix + "." + j;
            String key = r.get(member + ".Key").filter(k -> !k.isEmpty()).orElseThrow(() ->
                    new Ec2Exception("MissingParameter", "The request must contain the parameter " + member + ".Key"));
            out.add(new Tag(key, r.get(member + ".Value").orElse("")));
        }
        return out;
    }

    // ---- associate, disassociate -------------------------------------------------------------------------------

    /** The targets of an (dis)association request. */
    private record Targets(List<String> instanceIds, List<Tag> tags, List<String> hostIds) {
        int kinds() {
            return (instanceIds.isEmpty() ? 0 : 1) + (tags.isEmpty() ? 0 : 1) + (hostIds.isEmpty() ? 0 : 1);
        }
    }

    private static Targets targets(Ec2QueryRequest r) {
        Targets t = new Targets(distinct(r.list("AssociationTarget.InstanceId")),
                tags(r, "AssociationTarget.InstanceTag").stream().distinct().toList(),
                distinct(r.list("AssociationTarget.DedicatedHostId")));
        if (t.kinds() == 0) {
            throw new Ec2Exception("MissingParameter", "The request must contain an association target:"
                    + " AssociationTarget.InstanceId, AssociationTarget.InstanceTag or"
                    + " AssociationTarget.DedicatedHostId.");
        }
        if (t.kinds() > 1) {
            throw new Ec2Exception("InvalidParameterCombination", "Only one target type (instance IDs, instance tags"
                    + " or Dedicated Host IDs) can be associated with an event window.");
        }
        return t;
    }

    private static List<String> distinct(List<String> values) {
        return List.copyOf(new LinkedHashSet<>(values));
    }

    private Ec2Xml associate(Ec2QueryRequest r) {
        InstanceEventWindow w = existing(r);
        Targets t = targets(r);
        String has = !w.instanceIds().isEmpty() ? "instance IDs" : !w.instanceTags().isEmpty() ? "instance tags"
                : !w.dedicatedHostIds().isEmpty() ? "Dedicated Host IDs" : null;
        String asks = !t.instanceIds().isEmpty() ? "instance IDs" : !t.tags().isEmpty() ? "instance tags"
                : "Dedicated Host IDs";
        if (has != null && !has.equals(asks)) {
            throw new Ec2Exception("InvalidParameterCombination", "The event window " + w.id() + " is associated with"
                    + " " + has + "; only one target type can be associated with an event window. Disassociate them"
                    + " first.");
        }
        for (String id : t.instanceIds()) {
            if (cloud.describe(id).filter(i -> !"terminated".equals(i.state())).isEmpty()) {
                throw new Ec2Exception("InvalidInstanceID.NotFound", "The instance ID '" + id + "' does not exist");
            }
        }
        for (String h : t.hostIds()) {
            if (!HOST_ID.matcher(h).matches()) {
                throw new Ec2Exception("InvalidDedicatedHostId.Malformed", "Invalid id: \"" + h + "\" (expecting"
                        + " \"h-...\")");
            }
        }
        for (InstanceEventWindow other : cloud.eventWindows()) {
            if (other.id().equals(w.id())) {
                continue;
            }
            alreadyIn(other, t.instanceIds(), other.instanceIds()::contains, "instance");
            alreadyIn(other, t.tags(), other.instanceTags()::contains, "instance tag");
            alreadyIn(other, t.hostIds(), other.dedicatedHostIds()::contains, "Dedicated Host");
        }
        List<String> ids = union(w.instanceIds(), t.instanceIds());
        List<Tag> tags = union(w.instanceTags(), t.tags());
        List<String> hosts = union(w.dedicatedHostIds(), t.hostIds());
        limit(ids.size(), MAX_INSTANCE_IDS, "instance IDs");
        limit(tags.size(), MAX_TAGS, "instance tags");
        limit(hosts.size(), MAX_HOSTS, "Dedicated Host IDs");
        InstanceEventWindow changed = w.withTargets(ids, tags, hosts);
        cloud.putEventWindow(changed);
        return window(new Ec2Xml(), "instanceEventWindow", changed, "active");
    }

    private static <T> void alreadyIn(InstanceEventWindow other, List<T> asked, Predicate<T> taken, String what) {
        for (T target : asked) {
            if (taken.test(target)) {
                String shown = target instanceof Tag tag ? tag.key() + "=" + tag.value() : String.valueOf(target);
                throw new Ec2Exception("InvalidParameterValue", "The " + what + " " + shown + " is already associated"
                        + " with the event window " + other.id() + "; a target can be associated with one event"
                        + " window only. Disassociate it from " + other.id() + " first.");
            }
        }
    }

    private static void limit(int n, int max, String what) {
        if (n > max) {
            throw new Ec2Exception("InvalidParameterValue", "An event window can be associated with at most " + max
                    + " " + what + " (this request would make " + n + ").");
        }
    }

    private static <T> List<T> union(List<T> a, List<T> b) {
        Set<T> out = new LinkedHashSet<>(a);
        out.addAll(b);
        return List.copyOf(out);
    }

    private Ec2Xml disassociate(Ec2QueryRequest r) {
        InstanceEventWindow w = existing(r);
        Targets t = targets(r);
        notAssociated(w, t.instanceIds(), w.instanceIds());
        notAssociated(w, t.tags(), w.instanceTags());
        notAssociated(w, t.hostIds(), w.dedicatedHostIds());
        InstanceEventWindow changed = w.withTargets(minus(w.instanceIds(), t.instanceIds()),
                minus(w.instanceTags(), t.tags()), minus(w.dedicatedHostIds(), t.hostIds()));
        cloud.putEventWindow(changed);
        return window(new Ec2Xml(), "instanceEventWindow", changed, "active");
    }

    private static <T> void notAssociated(InstanceEventWindow w, List<T> asked, List<T> current) {
        for (T target : asked) {
            if (!current.contains(target)) {
                String shown = target instanceof Tag tag ? tag.key() + "=" + tag.value() : String.valueOf(target);
                throw new Ec2Exception("InvalidParameterValue", "The target " + shown + " is not associated with the"
                        + " event window " + w.id() + ".");
            }
        }
    }

    private static <T> List<T> minus(List<T> a, List<T> b) {
        return a.stream().filter(x -> !b.contains(x)).toList();
    }

    // ---- describe ----------------------------------------------------------------------------------------------

    private Ec2Xml describe(Ec2QueryRequest r) {
        List<String> ids = r.list("InstanceEventWindowId");
        Map<String, List<String>> filters = r.filters();
        if (r.get("MaxResults").isPresent()) {
            if (!ids.isEmpty()) {
                throw new Ec2Exception("InvalidParameterCombination", "The parameter InstanceEventWindowId cannot be"
                        + " used with the parameter MaxResults");
            }
            r.maxResults(20, 500, 500);
        }
        List<InstanceEventWindow> all = cloud.eventWindows();
        for (String id : ids) {
            find(id);
        }
        List<InstanceEventWindow> matching = new ArrayList<>();
        for (InstanceEventWindow w : all) {
            if ((ids.isEmpty() || ids.contains(w.id())) && Ec2QueryApi.matches(filters, f -> values(w, f))) {
                matching.add(w);
            }
        }
        Ec2QueryApi.Page<InstanceEventWindow> page = Ec2QueryApi.Page.of(matching, r, 500);
        Ec2Xml x = new Ec2Xml().open("instanceEventWindowSet");
        for (InstanceEventWindow w : page.items()) {
            window(x, "item", w, "active");
        }
        x.close("instanceEventWindowSet");
        page.token().ifPresent(t -> x.el("nextToken", t));
        return x;
    }

    /** DescribeInstanceEventWindows' filters (EC2's names). */
    private static List<String> values(InstanceEventWindow w, String filter) {
        if (filter.startsWith("tag:")) {
            String key = filter.substring(4);
            return w.tags().stream().filter(t -> t.key().equals(key)).map(Tag::value).toList();
        }
        return switch (filter) {
            case "dedicated-host-id" -> w.dedicatedHostIds();
            case "event-window-name" -> w.name() == null ? List.of() : List.of(w.name());
            case "instance-id" -> w.instanceIds();
            case "instance-tag" -> w.instanceTags().stream().map(t -> t.key() + "=" + t.value()).toList();
            case "instance-tag-key" -> w.instanceTags().stream().map(Tag::key).toList();
            case "instance-tag-value" -> w.instanceTags().stream().map(Tag::value).toList();
            case "tag-key" -> w.tags().stream().map(Tag::key).toList();
            case "tag-value" -> w.tags().stream().map(Tag::value).toList();
            default -> throw new Ec2Exception("InvalidParameterValue", "The filter '" + filter + "' is invalid;"
                    + " DescribeInstanceEventWindows takes dedicated-host-id, event-window-name, instance-id,"
                    + " instance-tag, instance-tag-key, instance-tag-value, tag:<key>, tag-key and tag-value.");
        };
    }

    /** An {@code InstanceEventWindow} element named {@code element}. */
    private static Ec2Xml window(Ec2Xml x, String element, InstanceEventWindow w, String state) {
        x.open(element).el("instanceEventWindowId", w.id()).el("name", w.name());
        x.open("timeRangeSet");
        for (TimeRange t : w.timeRanges()) {
            x.open("item").el("startWeekDay", t.startWeekDay()).el("startHour", t.startHour())
                    .el("endWeekDay", t.endWeekDay()).el("endHour", t.endHour()).close("item");
        }
        x.close("timeRangeSet").el("cronExpression", w.cronExpression());
        x.open("associationTarget").open("instanceIdSet");
        w.instanceIds().forEach(id -> x.el("item", id));
        x.close("instanceIdSet").open("tagSet");
        w.instanceTags().forEach(t -> x.open("item").el("key", t.key()).el("value", t.value()).close("item"));
        x.close("tagSet").open("dedicatedHostIdSet");
        w.dedicatedHostIds().forEach(h -> x.el("item", h));
        x.close("dedicatedHostIdSet").close("associationTarget").el("state", state);
        x.open("tagSet");
        w.tags().forEach(t -> x.open("item").el("key", t.key()).el("value", t.value()).close("item"));
        return x.close("tagSet").close(element);
    }
}
