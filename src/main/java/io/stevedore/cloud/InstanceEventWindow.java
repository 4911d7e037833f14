package io.stevedore.cloud;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An EC2 instance event window as EC2 keeps it: weekly UTC time ranges or a cron expression, and the targets it is
 * associated with (instance ids, instance tags or Dedicated Host ids, one kind per window). The rules (ranges of at
 * least 2 hours, 4 hours a week, one target kind, a target in one window) are checked where the window is created
 * (the EC2 Query API); this record is the stored fact the lifecycle reads.
 *
 * @param id               {@code iew-…}
 * @param name             its name, may be null
 * @param timeRanges       the weekly ranges (empty when the window is a cron expression)
 * @param cronExpression   the cron expression, or null
 * @param instanceIds      associated instance ids
 * @param instanceTags     associated instance tags: an instance with any one of them (same key and value) is associated
 * @param dedicatedHostIds associated Dedicated Host ids (kept and shown; the simulation has no Dedicated Hosts)
 * @param tags             the window's own tags
 */
public record InstanceEventWindow(String id, String name, List<TimeRange> timeRanges, String cronExpression,
                                  List<String> instanceIds, List<Tag> instanceTags, List<String> dedicatedHostIds,
                                  List<Tag> tags) {
    public InstanceEventWindow {
        Objects.requireNonNull(id, "id");
        timeRanges = timeRanges == null ? List.of() : List.copyOf(timeRanges);
        instanceIds = instanceIds == null ? List.of() : List.copyOf(instanceIds);
        instanceTags = instanceTags == null ? List.of() : List.copyOf(instanceTags);
        dedicatedHostIds = dedicatedHostIds == null ? List.of() : List.copyOf(dedicatedHostIds);
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    /** One weekly range, EC2's shape: lower-case day names ({@code sunday} … {@code saturday}), hours 0-23. */
    public record TimeRange(String startWeekDay, int startHour, String endWeekDay, int endHour) {
    }

    /** A key and value. */
    public record Tag(String key, String value) {
        public Tag {
            Objects.requireNonNull(key, "key");
            value = value == null ? "" : value;
        }
    }

    /** Whether the window applies to an instance with this id and these tags. */
    public boolean appliesTo(String instanceId, Map<String, String> instanceTags) {
        if (instanceIds.contains(instanceId)) {
            return true;
        }
        for (Tag t : this.instanceTags) {
            if (t.value().equals(instanceTags.get(t.key()))) {
                return true;
            }
        }
        return false;
    }

    /** Whether anything is associated with it. */
    public boolean associated() {
        return !instanceIds.isEmpty() || !instanceTags.isEmpty() || !dedicatedHostIds.isEmpty();
    }

    public InstanceEventWindow withSchedule(String newName, List<TimeRange> ranges, String cron) {
        return new InstanceEventWindow(id, newName, ranges, cron, instanceIds, instanceTags, dedicatedHostIds, tags);
    }

    public InstanceEventWindow withTargets(List<String> ids, List<Tag> targetTags, List<String> hosts) {
        return new InstanceEventWindow(id, name, timeRanges, cronExpression, ids, targetTags, hosts, tags);
    }
}
