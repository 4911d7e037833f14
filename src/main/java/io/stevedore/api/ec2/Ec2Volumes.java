package io.stevedore.api.ec2;

import io.stevedore.cloud.CloudProvider;
import io.stevedore.cloud.Instance;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The instances' root EBS volumes in the EC2 view: the block device mapping and Spot fields of a DescribeInstances
 * item, and DescribeVolumes. A managed instance's root volume is the provider's {@code storageConfiguration}
 * ({@code storageSizeGiB}, gp3), attached as {@code /dev/xvda} at launch and deleted with the instance
 * ({@code DeleteOnTermination}), so a terminated instance's volume no longer exists.
 */
final class Ec2Volumes {
    static final String ROOT_DEVICE = "/dev/xvda";
    static final String VOLUME_TYPE = "gp3";
    /** gp3's baseline (EC2 documents 3,000 IOPS and 125 MiB/s for every gp3 volume unless provisioned higher). */
    static final int GP3_IOPS = 3000;
    static final int GP3_THROUGHPUT = 125;

    private final CloudProvider cloud;
    private final String accountId;

    Ec2Volumes(CloudProvider cloud, String accountId) {
        this.cloud = cloud;
        this.accountId = accountId;
    }

    /** The root volume's id, derived from the instance's ({@code i-0…} → {@code vol-0…}, same digits). */
    static String volumeId(Instance i) {
        return "vol-" + i.id().substring(2);
    }

    /** The Spot request a Spot instance was launched from (EC2 shows it beside {@code InstanceLifecycle}). */
    static String spotRequestId(Instance i) {
        String digits = i.id().substring(2);
        return "sir-" + digits.substring(Math.max(0, digits.length() - 8));
    }

    private static boolean hasVolume(Instance i) {
        return i.rootVolumeGiB() > 0 && !"terminated".equals(i.state());
    }

    /** The DescribeInstances members this class owns: Spot lifecycle, root device and its block device mapping. */
    static void instanceFields(Ec2Xml x, Instance i) {
        if (i.spot()) {
            x.el("instanceLifecycle", Instance.SPOT).el("spotInstanceRequestId", spotRequestId(i));
        }
        x.el("rootDeviceName", ROOT_DEVICE);
        x.open("blockDeviceMapping");
        if (hasVolume(i)) {
            x.open("item").el("deviceName", ROOT_DEVICE).open("ebs").el("volumeId", volumeId(i))
                    .el("status", "attached").el("attachTime", attachTime(i)).el("deleteOnTermination", true)
                    .close("ebs").close("item");
        }
        x.close("blockDeviceMapping");
    }

    /** DescribeInstances filter values this class owns, or empty when {@code filter} is not one of them. */
    static Optional<List<String>> filterValues(Instance i, String filter) {
        boolean vol = hasVolume(i);
        return Optional.ofNullable(switch (filter) {
            case "instance-lifecycle" -> i.spot() ? List.of(Instance.SPOT) : List.of();
            case "spot-instance-request-id" -> i.spot() ? List.of(spotRequestId(i)) : List.of();
            case "root-device-type" -> List.of("ebs");
            case "root-device-name" -> List.of(ROOT_DEVICE);
            case "block-device-mapping.device-name" -> vol ? List.of(ROOT_DEVICE) : List.of();
            case "block-device-mapping.volume-id" -> vol ? List.of(volumeId(i)) : List.of();
            case "block-device-mapping.status" -> vol ? List.of("attached") : List.of();
            case "block-device-mapping.delete-on-termination" -> vol ? List.of("true") : List.of();
            case "block-device-mapping.attach-time" -> vol ? List.of(attachTime(i)) : List.of();
            default -> null;
        });
    }

    private static String attachTime(Instance i) {
        return Instant.ofEpochMilli(i.launchedAtMillis()).toString();
    }

    // ---- DescribeVolumes ----------------------------------------------------------------------------------------

    Ec2Xml describe(Ec2QueryRequest r) {
        List<String> ids = r.list("VolumeId");
        Map<String, List<String>> filters = r.filters();
        List<Instance> withVolumes = cloud.list().stream().filter(Ec2Volumes::hasVolume).toList();
        for (String id : ids) {
            if (withVolumes.stream().noneMatch(i -> volumeId(i).equals(id))) {
                throw new Ec2Exception("InvalidVolume.NotFound", "The volume '" + id + "' does not exist.");
            }
        }
        List<Instance> matching = new ArrayList<>();
        for (Instance i : withVolumes) {
            if ((ids.isEmpty() || ids.contains(volumeId(i))) && Ec2QueryApi.matches(filters, f -> values(i, f))) {
                matching.add(i);
            }
        }
        if (r.get("MaxResults").isPresent() && !ids.isEmpty()) {
            throw new Ec2Exception("InvalidParameterCombination", "The parameter volumeSet cannot be used with the"
                    + " parameter maxResults");
        }
        Ec2QueryApi.Page<Instance> page = Ec2QueryApi.Page.of(matching, r, 500);
        Ec2Xml x = new Ec2Xml().open("volumeSet");
        for (Instance i : page.items()) {
            x.open("item").el("volumeId", volumeId(i)).el("size", i.rootVolumeGiB())
                    .el("availabilityZone", i.availabilityZone()).el("status", "in-use")
                    .el("createTime", attachTime(i))
                    .open("attachmentSet").open("item").el("volumeId", volumeId(i)).el("instanceId", i.id())
                    .el("device", ROOT_DEVICE).el("status", "attached").el("attachTime", attachTime(i))
                    .el("deleteOnTermination", true).close("item").close("attachmentSet")
                    .el("volumeType", VOLUME_TYPE).el("iops", GP3_IOPS).el("throughput", GP3_THROUGHPUT)
                    .el("encrypted", false).el("multiAttachEnabled", false);
            x.open("tagSet").close("tagSet");
            if (i.tags().containsKey("aws:ec2:managed-launch")) {
                x.open("operator").el("managed", true).el("principal", "ecs.amazonaws.com").close("operator");
            }
            x.close("item");
        }
        x.close("volumeSet");
        page.token().ifPresent(t -> x.el("nextToken", t));
        return x;
    }

    private static List<String> values(Instance i, String filter) {
        return switch (filter) {
            case "volume-id", "attachment.volume-id" -> List.of(volumeId(i));
            case "attachment.instance-id" -> List.of(i.id());
            case "attachment.device" -> List.of(ROOT_DEVICE);
            case "attachment.status" -> List.of("attached");
            case "attachment.delete-on-termination" -> List.of("true");
            case "attachment.attach-time", "create-time" -> List.of(attachTime(i));
            case "availability-zone" -> List.of(i.availabilityZone());
            case "size" -> List.of(String.valueOf(i.rootVolumeGiB()));
            case "status" -> List.of("in-use");
            case "volume-type" -> List.of(VOLUME_TYPE);
            case "encrypted" -> List.of("false");
            case "multi-attach-enabled" -> List.of("false");
            default -> throw new Ec2Exception("InvalidParameterValue", "The filter '" + filter + "' is invalid");
        };
    }
}
