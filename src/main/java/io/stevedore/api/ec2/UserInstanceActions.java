package io.stevedore.api.ec2;

import io.stevedore.catalog.InstanceCatalog;
import io.stevedore.cloud.CloudException;
import io.stevedore.cloud.CloudProvider;
import io.stevedore.cloud.Instance;
import io.stevedore.cloud.Network;
import io.stevedore.cloud.UserLaunch;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * EC2's RunInstances, TerminateInstances, StopInstances and StartInstances for the instances a user launches
 * (docs/decisions.md "EC2 launch type"): no capacity provider manages them, so they are the user's to stop and
 * terminate. An instance a capacity provider launched stays refused ({@code OperationNotPermitted}), as on the real
 * service. Parameters and checks follow EC2's API reference; errors carry EC2's codes.
 */
final class UserInstanceActions {
    /** EC2's default instance type when RunInstances names none. */
    static final String DEFAULT_TYPE = "m1.small";
    /** EC2 refuses user data above 16 KB (before base64). */
    static final int MAX_USER_DATA_BYTES = 16 * 1024;
    /** How many instances one call may ask for here (EC2's limit is the account's vCPU quota). */
    static final int MAX_COUNT = 100;
    private static final Pattern AMI = Pattern.compile("ami-[0-9a-f]{8}([0-9a-f]{9})?");

    private final CloudProvider cloud;
    private final InstanceCatalog catalog;
    private final Predicate<String> offered;

    UserInstanceActions(CloudProvider cloud, InstanceCatalog catalog, Predicate<String> offered) {
        this.cloud = cloud;
        this.catalog = catalog;
        this.offered = offered;
    }

    /** A state change of one instance (TerminateInstances, StopInstances, StartInstances answer a list of them). */
    record Change(String instanceId, String previous, String current) {
    }

    /** RunInstances: the reservation's instances, all {@code pending}. */
    List<Instance> run(Ec2QueryRequest r) {
        String image = r.get("ImageId").filter(v -> !v.isBlank()).orElseThrow(() -> new Ec2Exception(
                "MissingParameter", "The request must contain the parameter ImageId"));
        if (!AMI.matcher(image).matches()) {
            throw new Ec2Exception("InvalidAMIID.Malformed", "Invalid id: \"" + image + "\" (expecting \"ami-...\")");
        }
        int min = count(r, "MinCount");
        int max = count(r, "MaxCount");
        if (min > max) {
            throw new Ec2Exception("InvalidParameterValue", "Minimum instance count (" + min
                    + ") must not be greater than the maximum instance count (" + max + ")");
        }
        if (min > MAX_COUNT) {
            throw new Ec2Exception("InstanceLimitExceeded", "You have requested more instances (" + min
                    + ") than your current instance limit of " + MAX_COUNT + " allows for the specified instance"
                    + " type.");
        }
        int count = Math.min(max, MAX_COUNT);
        String type = r.get("InstanceType").filter(v -> !v.isBlank()).orElse(DEFAULT_TYPE);
        if (catalog.find(type).isEmpty() || !offered.test(type)) {
            throw new Ec2Exception("InvalidParameterValue", "Invalid value '" + type + "' for InstanceType.");
        }
        String subnet = subnet(r);
        List<String> groups = securityGroups(r, subnet);
        String userData = r.get("UserData").filter(v -> !v.isEmpty()).orElse(null);
        if (userData != null) {
            byte[] raw;
            try {
                raw = Base64.getMimeDecoder().decode(userData.getBytes(StandardCharsets.US_ASCII));
            } catch (IllegalArgumentException e) {
                throw new Ec2Exception("InvalidParameterValue", "Invalid BASE64 encoding of user data.");
            }
            if (raw.length > MAX_USER_DATA_BYTES) {
                throw new Ec2Exception("InvalidParameterValue", "User data is limited to " + MAX_USER_DATA_BYTES
                        + " bytes.");
            }
        }
        String market = r.get("InstanceMarketOptions.MarketType").orElse(null);
        if (market != null && !market.equals("spot") && !market.equals("capacity-block")) {
            throw new Ec2Exception("InvalidParameterValue", "Value (" + market + ") for parameter MarketType is"
                    + " invalid. Valid values: spot, capacity-block.");
        }
        Map<String, String> tags = tags(r);
        dryRun(r);
        try {
            return cloud.runUserInstances(type, subnet, count, tags, new UserLaunch("-", null, image, userData,
                    r.get("KeyName").orElse(null), groups, "spot".equals(market), 0));
        } catch (CloudException e) {
            throw e.reason() == CloudException.Reason.INSUFFICIENT_CAPACITY
                    ? new Ec2Exception("InsufficientInstanceCapacity", e.getMessage())
                    : new Ec2Exception("InvalidParameterValue", e.getMessage());
        }
    }

    private static int count(Ec2QueryRequest r, String name) {
        String v = r.get(name).filter(x -> !x.isBlank()).orElseThrow(() -> new Ec2Exception("MissingParameter",
                "The request must contain the parameter " + name));
        int n;
        try {
            n = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new Ec2Exception("InvalidParameterValue", "Invalid value '" + v + "' for " + name + ".");
        }
        if (n < 1) {
            throw new Ec2Exception("InvalidParameterValue", (name.equals("MinCount") ? "Minimum" : "Maximum")
                    + " instance count must be greater than zero");
        }
        return n;
    }

    /** The subnet: SubnetId, the first network interface's, or the default subnet of the zone asked (or the first). */
    private String subnet(Ec2QueryRequest r) {
        String id = r.get("SubnetId").or(() -> r.get("NetworkInterface.1.SubnetId")).filter(v -> !v.isBlank())
                .orElse(null);
        String zone = r.get("Placement.AvailabilityZone").filter(v -> !v.isBlank()).orElse(null);
        List<Network.Subnet> subnets = cloud.network().subnets();
        if (id != null) {
            Network.Subnet s = cloud.subnet(id).orElseThrow(() -> new Ec2Exception("InvalidSubnetID.NotFound",
                    "The subnet ID '" + id + "' does not exist"));
            if (zone != null && !zone.equals(s.availabilityZone())) {
                throw new Ec2Exception("InvalidParameterValue", "Value (" + zone + ") for parameter"
                        + " availabilityZone is invalid. Subnet '" + id + "' is in the availability zone "
                        + s.availabilityZone());
            }
            return id;
        }
        for (Network.Subnet s : subnets) {
            if (s.defaultForAz() && (zone == null || zone.equals(s.availabilityZone()))) {
                return s.id();
            }
        }
        throw new Ec2Exception("InvalidParameterValue", "Value (" + zone + ") for parameter availabilityZone is"
                + " invalid. Subnets can currently only be created in the following availability zones: "
                + String.join(", ", subnets.stream().filter(Network.Subnet::defaultForAz)
                .map(Network.Subnet::availabilityZone).toList()) + ".");
    }

    /** SecurityGroupId.N (and the first interface's), or SecurityGroup.N by name; the VPC's default group else. */
    private List<String> securityGroups(Ec2QueryRequest r, String subnetId) {
        String vpc = cloud.subnet(subnetId).map(Network.Subnet::vpcId).orElse("");
        List<String> ids = new ArrayList<>(r.list("SecurityGroupId"));
        ids.addAll(r.list("NetworkInterface.1.SecurityGroupId"));
        List<Network.SecurityGroup> all = cloud.network().securityGroups();
        for (String id : ids) {
            Network.SecurityGroup g = all.stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow(() ->
                    new Ec2Exception("InvalidGroup.NotFound", "The security group '" + id + "' does not exist"));
            if (!g.vpcId().equals(vpc)) {
                throw new Ec2Exception("InvalidParameter", "Security group " + id + " and subnet " + subnetId
                        + " belong to different networks.");
            }
        }
        for (String name : r.list("SecurityGroup")) {
            ids.add(all.stream().filter(x -> x.name().equals(name) && x.vpcId().equals(vpc)).findFirst()
                    .orElseThrow(() -> new Ec2Exception("InvalidGroup.NotFound", "The security group '" + name
                            + "' does not exist in VPC '" + vpc + "'")).id());
        }
        if (ids.isEmpty()) {
            all.stream().filter(g -> g.vpcId().equals(vpc) && g.name().equals("default")).findFirst()
                    .ifPresent(g -> ids.add(g.id()));
        }
        return ids;
    }

    /** The tags of TagSpecification.N with ResourceType instance. */
    private static Map<String, String> tags(Ec2QueryRequest r) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int n = 1; r.get("TagSpecification." + n + ".ResourceType").isPresent(); n++) {
            String type = r.get("TagSpecification." + n + ".ResourceType").orElse("");
            if (!type.equals("instance")) {
                continue; // volumes and network interfaces are not modelled
            }
            for (int m = 1; r.get("TagSpecification." + n + ".Tag." + m + ".Key").isPresent(); m++) {
                String key = r.get("TagSpecification." + n + ".Tag." + m + ".Key").orElse("");
                if (key.isEmpty() || key.length() > 128 || key.startsWith("aws:")) {
                    throw new Ec2Exception("InvalidParameterValue", "Tag key '" + key + "' is invalid: 1 to 128"
                            + " characters, not starting with 'aws:'.");
                }
                out.put(key, r.get("TagSpecification." + n + ".Tag." + m + ".Value").orElse(""));
            }
        }
        if (out.size() > 50) {
            throw new Ec2Exception("TagLimitExceeded", "The maximum number of tags per resource is 50.");
        }
        return out;
    }

    /** EC2's DryRun: the request would have succeeded (checked first), HTTP 412. */
    static void dryRun(Ec2QueryRequest r) {
        if (r.get("DryRun").map(Boolean::parseBoolean).orElse(false)) {
            throw new Ec2Exception("DryRunOperation", "Request would have succeeded, but DryRun flag is set.");
        }
    }

    /**
     * TerminateInstances, StopInstances, StartInstances: every id must exist and be a user's instance (a managed
     * one refuses the whole call, as {@code refuse} words it); then each changes state.
     */
    List<Change> change(String action, Ec2QueryRequest r, java.util.function.Function<String, Ec2Exception> refuse) {
        List<String> ids = r.list("InstanceId");
        if (ids.isEmpty()) {
            throw new Ec2Exception("MissingParameter", "The request must contain the parameter InstanceId");
        }
        List<Instance> found = new ArrayList<>();
        for (String id : ids) {
            Instance i = cloud.describe(id).orElseThrow(() -> new Ec2Exception("InvalidInstanceID.NotFound",
                    "The instance ID '" + id + "' does not exist"));
            if (cloud.userLaunch(id).isEmpty()) {
                throw refuse.apply(action);
            }
            found.add(i);
        }
        for (Instance i : found) {
            String s = i.state();
            boolean terminated = s.equals("terminated") || s.equals("shutting-down");
            if (action.equals("StopInstances") && terminated) {
                throw new Ec2Exception("IncorrectInstanceState", "This instance '" + i.id() + "' is not in a state"
                        + " from which it can be stopped.");
            }
            if (action.equals("StopInstances") && cloud.userLaunch(i.id()).map(UserLaunch::spot).orElse(false)) {
                throw new Ec2Exception("UnsupportedOperation", "The instance '" + i.id() + "' is a Spot Instance"
                        + " with a one-time request: it cannot be stopped, only terminated.");
            }
            if (action.equals("StartInstances") && terminated) {
                throw new Ec2Exception("IncorrectInstanceState", "The instance '" + i.id() + "' is not in a state"
                        + " from which it can be started.");
            }
        }
        dryRun(r);
        List<Change> out = new ArrayList<>();
        for (Instance i : found) {
            String before = i.state();
            switch (action) {
                case "TerminateInstances" -> {
                    cloud.terminate(i.id());
                    out.add(new Change(i.id(), before, before.equals("terminated") ? "terminated" : "shutting-down"));
                }
                case "StopInstances" -> {
                    cloud.stopUserInstance(i.id());
                    out.add(new Change(i.id(), before, before.equals("stopped") ? "stopped" : "stopping"));
                }
                default -> out.add(new Change(i.id(), before, cloud.startUserInstance(i.id()).state()));
            }
        }
        return out;
    }
}
