package io.stevedore.control.tasks;

import io.stevedore.cloud.Instance;
import io.stevedore.cloud.Network;
import io.stevedore.control.state.AgentInstance;
import io.stevedore.control.state.Context;
import io.stevedore.control.state.ManagedInstance;
import io.stevedore.control.state.TaskRuntime.Phase;
import io.stevedore.control.state.TaskRuntime;
import io.stevedore.control.state.Timings;
import io.stevedore.ecs.Statuses;
import java.util.List;
import software.amazon.awssdk.services.ecs.model.Attachment;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * Starts a task that has its place: on a registered Managed Instance (the ENI attachment for awsvpc, or straight to
 * the image pull), or on Fargate and the launch types (no instance; Fargate's own provisioning takes an instance
 * boot time). From here {@link TaskLifecycle} advances it phase by phase.
 */
public final class TaskStarter {
    private final Context ctx;
    private final Timings timings;

    public TaskStarter(Context ctx, Timings timings) {
        this.ctx = ctx;
        this.timings = timings;
    }

    /**
     * Starts a placed task on a registered instance: ENI attachment (awsvpc) or straight to the pull, whose length
     * the start-latency model gives from the instance's type, the image's size and whether the instance has it cached.
     */
    public void start(Task t, TaskRuntime rt, ManagedInstance mi, Instance ec2) {
        if (AgentInstance.drives(ctx.state(), mi.instanceId())) {
            startOnAgent(t, rt.placed(mi.instanceId(), !mi.hasImage(rt.image())), mi.containerInstanceArn(),
                    ec2.availabilityZone(), isAwsvpc(t) ? ec2.subnetId() : null);
            return;
        }
        Task.Builder b = t.toBuilder().containerInstanceArn(mi.containerInstanceArn())
                .availabilityZone(ec2.availabilityZone());
        long now = ctx.now().toEpochMilli();
        boolean cached = mi.hasImage(rt.image());
        TaskRuntime placed = rt.placed(mi.instanceId(), !cached).pulling(Math.max(1, timings.pull(
                ctx.catalog().find(ec2.instanceType()).orElse(null), rt.imageBytes(), cached).toMillis()));
        if (isAwsvpc(t)) {
            String subnet = rt.subnets().stream().filter(s -> ctx.cloud().subnet(s)
                    .map(sn -> sn.availabilityZone().equals(ec2.availabilityZone())).orElse(false))
                    .findFirst().orElse(ec2.subnetId());
            b.attachments(eniAttachment(subnet));
            ctx.state().tasks.put(t.taskArn(), b.version(t.version() + 1).build());
            ctx.state().runtimes.put(rt.taskArn(), placed.to(Phase.ATTACH_ENI,
                    now + Math.max(1, timings.eniAttach().toMillis())));
        } else {
            ctx.state().tasks.put(t.taskArn(), b.lastStatus(Phase.PULL.lastStatus()).pullStartedAt(ctx.now())
                    .version(t.version() + 1).build());
            ctx.state().runtimes.put(rt.taskArn(), placed.to(Phase.PULL, now + placed.pullMillis()));
        }
    }

    /**
     * Hands a placed task to the agent of its container instance (docs/execution.md): PENDING, no timer; the agent's
     * state changes move it from here. An awsvpc task gets its network interface at once ({@code subnetId}).
     */
    public void startOnAgent(Task t, TaskRuntime placed, String containerInstanceArn, String availabilityZone,
                             String subnetId) {
        Task.Builder b = t.toBuilder().containerInstanceArn(containerInstanceArn).availabilityZone(availabilityZone)
                .lastStatus(Statuses.TASK_PENDING).version(t.version() + 1);
        if (subnetId != null) {
            b.attachments(eniAttachment(subnetId).stream().map(a -> a.toBuilder().status("ATTACHED").build())
                    .toList());
        }
        ctx.state().tasks.put(t.taskArn(), b.build());
        ctx.state().runtimes.put(placed.taskArn(), placed.to(Phase.PULL, 0));
    }

    /** Fargate and launch-type tasks: no instance; Fargate's own provisioning takes an instance boot time. */
    public void startServerless(Task t, TaskRuntime rt) {
        String subnet = rt.subnets().isEmpty() ? ctx.cloud().network().subnets().get(0).id() : rt.subnets().get(0);
        String az = ctx.cloud().subnet(subnet).map(Network.Subnet::availabilityZone).orElse(null);
        Task.Builder b = t.toBuilder().availabilityZone(az).version(t.version() + 1);
        if (isAwsvpc(t)) {
            b.attachments(eniAttachment(subnet));
        }
        ctx.state().tasks.put(t.taskArn(), b.build());
        TaskRuntime pulling = rt.placed(null, true).pulling(Math.max(1, timings.pull(null, rt.imageBytes(), false)
                .toMillis())); // no image cache: every task pulls
        ctx.state().runtimes.put(rt.taskArn(), pulling.to(Phase.ATTACH_ENI, ctx.now().toEpochMilli()
                + Math.max(1, timings.instanceBoot().toMillis())));
    }

    private boolean isAwsvpc(Task t) {
        return ctx.state().definitionOf(t.taskDefinitionArn())
                .map(td -> !"host".equals(td.networkModeAsString()) && !"bridge".equals(td.networkModeAsString())
                        && !"none".equals(td.networkModeAsString()))
                .orElse(true);
    }

    private List<Attachment> eniAttachment(String subnetId) {
        String ip = ctx.cloud().allocatePrivateIp(subnetId);
        String eni = "eni-0" + ctx.state().newId("eni").substring(0, 16);
        String mac = "0e:" + eni.substring(5, 7) + ":" + eni.substring(7, 9) + ":" + eni.substring(9, 11) + ":"
                + eni.substring(11, 13) + ":" + eni.substring(13, 15);
        String dns = "ip-" + ip.replace('.', '-') + ("us-east-1".equals(ctx.config().region()) ? ".ec2.internal"
                : "." + ctx.config().region() + ".compute.internal");
        return List.of(Attachment.builder().id(ctx.state().newId("attachment")).type("ElasticNetworkInterface")
                .status("PRECREATED").details(List.of(kv("subnetId", subnetId), kv("networkInterfaceId", eni),
                        kv("macAddress", mac), kv("privateDnsName", dns), kv("privateIPv4Address", ip))).build());
    }

    private static KeyValuePair kv(String n, String v) {
        return KeyValuePair.builder().name(n).value(v).build();
    }
}
