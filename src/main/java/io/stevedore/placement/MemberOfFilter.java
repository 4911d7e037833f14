package io.stevedore.placement;

import io.stevedore.placement.query.QueryTarget;
import java.time.Instant;

/**
 * Every {@code memberOf} expression of the request matches the instance. Expressions that only read fixed facts
 * (attributes, ids, registration, agent) are evaluated once per instance and plan, then read from a bit set.
 */
public final class MemberOfFilter implements PlacementFilter {
    @Override
    public String stage() {
        return "memberOf";
    }

    @Override
    public ReasonCode check(PlanState s, int i, PlacementRequest r) {
        return failing(s, i, r) == null ? null : ReasonCode.MEMBER_OF;
    }

    @Override
    public Rejection explain(PlanState s, int i, PlacementRequest r) {
        PlacementConstraint.MemberOf m = failing(s, i, r);
        String type = s.snapshot.views[i].type().name();
        return new Rejection(stage(), ReasonCode.MEMBER_OF, "expression", m.text(),
                s.snapshot.views[i].containerInstanceId() + " (" + type + ", "
                        + s.snapshot.views[i].availabilityZone() + ")");
    }

    private PlacementConstraint.MemberOf failing(PlanState s, int i, PlacementRequest r) {
        Target t = null;
        for (PlacementConstraint c : r.constraints()) {
            if (c instanceof PlacementConstraint.MemberOf) {
                PlacementConstraint.MemberOf m = (PlacementConstraint.MemberOf) c;
                int cached = m.planDependent() ? -1 : s.cachedMatch(m, i);
                boolean ok;
                if (cached >= 0) {
                    ok = cached == 1;
                } else {
                    t = t == null ? new Target(s, i) : t;
                    ok = m.expression().matches(t);
                    if (!m.planDependent()) {
                        s.cacheMatch(m, i, ok);
                    }
                }
                if (!ok) {
                    return m;
                }
            }
        }
        return null;
    }

    /** The instance as the query language sees it in the current plan. */
    private static final class Target implements QueryTarget {
        private final PlanState s;
        private final int i;

        Target(PlanState s, int i) {
            this.s = s;
            this.i = i;
        }

        @Override
        public String attribute(String name) {
            return s.snapshot.views[i].attributes().get(name);
        }

        @Override
        public String ec2InstanceId() {
            return s.snapshot.views[i].ec2InstanceId();
        }

        @Override
        public Instant registeredAt() {
            return s.snapshot.views[i].registeredAt();
        }

        @Override
        public int runningTasksCount() {
            return s.runningTasksCount(i);
        }

        @Override
        public boolean hasTaskGroup(String group) {
            return s.groupCount(i, group) > 0;
        }

        @Override
        public java.util.Set<String> taskGroups() {
            return s.taskGroups(i);
        }

        @Override
        public boolean agentConnected() {
            return s.snapshot.views[i].agentConnected();
        }

        @Override
        public String agentVersion() {
            return s.snapshot.views[i].agentVersion();
        }
    }
}
