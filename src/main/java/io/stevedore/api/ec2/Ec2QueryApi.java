package io.stevedore.api.ec2;

import io.stevedore.catalog.Accelerator;
import io.stevedore.catalog.AcceleratorType;
import io.stevedore.catalog.InstanceCatalog;
import io.stevedore.catalog.InstanceType;
import io.stevedore.cloud.CloudProvider;
import io.stevedore.cloud.Instance;
import io.stevedore.cloud.Network;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The EC2 view on the same endpoint (EC2 Query API, version 2016-11-15): the managed fleet through
 * DescribeInstances (Spot lifecycle and root volumes: {@link Ec2Volumes}, also DescribeVolumes), the catalog through
 * DescribeInstanceTypes, the simulated network through DescribeVpcs, DescribeSubnets and DescribeSecurityGroups,
 * and instance event windows ({@link Ec2EventWindows}). Managed instances belong to ECS: mutating calls on them are refused,
 * as on the real service ("customers do not have permissions to directly terminate these instances").
 */
public final class Ec2QueryApi {
    public static final String XMLNS = "http://ec2.amazonaws.com/doc/2016-11-15/";
    private static final List<String> MUTATING_INSTANCE_ACTIONS = List.of("TerminateInstances", "StopInstances",
            "StartInstances", "RebootInstances", "ModifyInstanceAttribute", "ModifyInstanceMetadataOptions",
            "CreateTags", "DeleteTags", "MonitorInstances", "UnmonitorInstances");

    /** The image every simulated managed instance reports (the real service uses AWS-owned Bottlerocket AMIs). */
    static final String MANAGED_AMI = "ami-0ec5aa0e0ec5aa0e0";

    /** An HTTP answer: status and XML body. */
    public record Response(int status, String xml) {
    }

    private final CloudProvider cloud;
    private final InstanceCatalog catalog;
    private final String accountId;
    private final java.util.function.Predicate<String> offered;
    /** RunInstances and the state changes of the instances users launch. */
    private final UserInstanceActions users;

    public Ec2QueryApi(CloudProvider cloud, InstanceCatalog catalog, String accountId) {
        this(cloud, catalog, accountId, type -> true);
    }

    /**
     * @param offered whether an instance type is offered in this region (DescribeInstanceTypes lists only those,
     *                as EC2 does; the others "do not exist" here)
     */
    public Ec2QueryApi(CloudProvider cloud, InstanceCatalog catalog, String accountId,
                       java.util.function.Predicate<String> offered) {
        this.cloud = cloud;
        this.catalog = catalog;
        this.accountId = accountId;
        this.offered = offered;
        this.users = new UserInstanceActions(cloud, catalog, offered);
    }

    public Response handle(Ec2QueryRequest request) {
        String requestId = UUID.randomUUID().toString();
        try {
            String action = request.action();
            Ec2Xml body = switch (action) {
                case "DescribeInstances" -> describeInstances(request);
                case "DescribeInstanceTypes" -> describeInstanceTypes(request);
                case "DescribeVpcs" -> describeVpcs(request);
                case "DescribeSubnets" -> describeSubnets(request);
                case "DescribeSecurityGroups" -> describeSecurityGroups(request);
                case "DescribeAvailabilityZones" -> describeAvailabilityZones(request);
                case "CreateVpc" -> created(() -> vpc(new Ec2Xml().open("vpc"),
                        cloud.createVpc(required(request, "CidrBlock"))).close("vpc"));
                case "CreateSubnet" -> created(() -> subnet(new Ec2Xml().open("subnet"), cloud.createSubnet(
                        required(request, "VpcId"), required(request, "CidrBlock"),
                        request.get("AvailabilityZone").orElse(null))).close("subnet"));
                case "CreateSecurityGroup" -> created(() -> new Ec2Xml().el("return", true).el("groupId",
                        cloud.createSecurityGroup(request.get("VpcId").orElse(null), required(request, "GroupName"),
                                required(request, "GroupDescription")).id()));
                case "DescribeVolumes" -> new Ec2Volumes(cloud, accountId).describe(request);
                case "CreateInstanceEventWindow", "AssociateInstanceEventWindow", "DisassociateInstanceEventWindow",
                     "DescribeInstanceEventWindows", "ModifyInstanceEventWindow", "DeleteInstanceEventWindow" ->
                        new Ec2EventWindows(cloud).handle(action, request);
                case "RunInstances" -> runInstances(request);
                case "TerminateInstances", "StopInstances", "StartInstances" -> stateChanges(action, request);
                case "" -> throw new Ec2Exception("MissingAction", "The request must contain the parameter Action.");
                default -> {
                    if (MUTATING_INSTANCE_ACTIONS.contains(action)) {
                        throw refuseManaged(action, request);
                    }
                    throw new Ec2Exception("InvalidAction", "The action " + action
                            + " is not valid for this web service.");
                }
            };
            String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<" + action + "Response xmlns=\"" + XMLNS + "\">"
                    + "<requestId>" + requestId + "</requestId>" + body + "</" + action + "Response>";
            return new Response(200, xml);
        } catch (Ec2Exception e) {
            return error("DryRunOperation".equals(e.code()) ? 412 : 400, e.code(), e.getMessage(), requestId);
        }
    }

    /** An EC2 error answer ({@code <Response><Errors><Error>…}) with the given HTTP status. */
    public static Response error(int status, String code, String message, String requestId) {
        Ec2Xml x = new Ec2Xml().open("Errors").open("Error").el("Code", code).el("Message", message)
                .close("Error").close("Errors").el("RequestID", requestId);
        return new Response(status, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response>" + x + "</Response>");
    }

    private static String required(Ec2QueryRequest r, String name) {
        return r.get(name).filter(v -> !v.isBlank()).orElseThrow(() -> new Ec2Exception("MissingParameter",
                "The request must contain the parameter " + name));
    }

    /** Runs a create call of the simulated EC2, turning its refusal ("Code: message") into an EC2 error. */
    private static Ec2Xml created(java.util.function.Supplier<Ec2Xml> create) {
        try {
            return create.get();
        } catch (io.stevedore.cloud.CloudException e) {
            String m = e.getMessage();
            int colon = m.indexOf(": ");
            throw colon > 0 && !m.substring(0, colon).contains(" ")
                    ? new Ec2Exception(m.substring(0, colon), m.substring(colon + 2))
                    : new Ec2Exception("InvalidParameterValue", m);
        }
    }

    private Ec2Exception refuseManaged(String action, Ec2QueryRequest request) {
        List<String> ids = request.list("InstanceId");
        if (ids.isEmpty()) {
            ids = request.list("ResourceId");
        }
        for (String id : ids) {
            if (cloud.describe(id).isEmpty()) {
                return new Ec2Exception("InvalidInstanceID.NotFound", "The instance ID '" + id + "' does not exist");
            }
        }
        return new Ec2Exception("OperationNotPermitted", "The instance" + (ids.isEmpty() ? "s" : " '" + String.join(
                "', '", ids) + "'") + " is managed by ecs.amazonaws.com; " + action + " is not permitted on a managed "
                + "instance. Manage its lifecycle through the Amazon ECS API (UpdateContainerInstancesState,"
                + " capacity provider settings).");
    }

    // ---- instances a user launches (RunInstances, TerminateInstances, StopInstances, StartInstances) ---------

    private Ec2Xml runInstances(Ec2QueryRequest r) {
        List<Instance> launched = users.run(r);
        String reservation = cloud.userLaunch(launched.get(0).id()).map(io.stevedore.cloud.UserLaunch::reservationId)
                .orElse("r-" + launched.get(0).id().substring(2));
        Ec2Xml x = new Ec2Xml().el("reservationId", reservation).el("ownerId", accountId).raw("<groupSet/>")
                .open("instancesSet");
        for (Instance i : launched) {
            instance(x, i);
        }
        return x.close("instancesSet");
    }

    private Ec2Xml stateChanges(String action, Ec2QueryRequest r) {
        List<UserInstanceActions.Change> changes = users.change(action, r, a -> refuseManaged(a, r));
        Ec2Xml x = new Ec2Xml().open("instancesSet");
        for (UserInstanceActions.Change c : changes) {
            x.open("item").el("instanceId", c.instanceId())
                    .open("currentState").el("code", stateCode(c.current())).el("name", c.current())
                    .close("currentState")
                    .open("previousState").el("code", stateCode(c.previous())).el("name", c.previous())
                    .close("previousState").close("item");
        }
        return x.close("instancesSet");
    }

    // ---- DescribeInstances ------------------------------------------------------------------------------------

    private Ec2Xml describeInstances(Ec2QueryRequest r) {
        List<String> ids = r.list("InstanceId");
        Map<String, List<String>> filters = r.filters();
        for (String id : ids) {
            if (cloud.describe(id).isEmpty()) {
                throw new Ec2Exception("InvalidInstanceID.NotFound", "The instance ID '" + id + "' does not exist");
            }
        }
        List<Instance> matching = new ArrayList<>();
        for (Instance i : cloud.list()) {
            if ((ids.isEmpty() || ids.contains(i.id())) && matches(filters, name -> instanceValues(i, name))) {
                matching.add(i);
            }
        }
        Page<Instance> page = Page.of(matching, r, ids.isEmpty() ? 1000 : Integer.MAX_VALUE);
        // one reservation per RunInstances call (a managed instance is its own), in the page's order
        Map<String, List<Instance>> byReservation = new java.util.LinkedHashMap<>();
        for (Instance i : page.items()) {
            byReservation.computeIfAbsent(cloud.userLaunch(i.id()).map(io.stevedore.cloud.UserLaunch::reservationId)
                    .orElse("r-" + i.id().substring(2)), k -> new ArrayList<>()).add(i);
        }
        Ec2Xml x = new Ec2Xml().open("reservationSet");
        byReservation.forEach((reservation, instances) -> {
            x.open("item").el("reservationId", reservation).el("ownerId", accountId).raw("<groupSet/>")
                    .open("instancesSet");
            instances.forEach(i -> instance(x, i));
            x.close("instancesSet").close("item");
        });
        x.close("reservationSet");
        page.token().ifPresent(t -> x.el("nextToken", t));
        return x;
    }

    private void instance(Ec2Xml x, Instance i) {
        Optional<InstanceType> type = catalog.find(i.instanceType());
        String vpc = cloud.subnet(i.subnetId()).map(Network.Subnet::vpcId).orElse(null);
        Optional<io.stevedore.cloud.UserLaunch> user = cloud.userLaunch(i.id()); // launched by a user, not by ECS
        x.open("item").el("instanceId", i.id()).el("imageId", user.map(u -> u.imageId()).orElse(MANAGED_AMI))
                .open("instanceState").el("code", stateCode(i.state())).el("name", i.state()).close("instanceState")
                .el("privateDnsName", "ip-" + i.privateIp().replace('.', '-') + ".ec2.internal")
                .el("instanceType", i.instanceType())
                .el("launchTime", Instant.ofEpochMilli(i.launchedAtMillis()).toString())
                .open("placement").el("availabilityZone", i.availabilityZone()).el("tenancy", "default")
                .close("placement")
                .el("subnetId", i.subnetId()).el("vpcId", vpc).el("privateIpAddress", i.privateIp())
                .el("architecture", type.map(t -> t.architectures().iterator().next().ec2Name()).orElse(null))
                .el("rootDeviceType", "ebs").el("hypervisor", "xen").el("virtualizationType", "hvm");
        Ec2Volumes.instanceFields(x, i);
        x.open("tagSet");
        i.tags().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> x.open("item").el("key", e.getKey()).el("value", e.getValue()).close("item"));
        x.close("tagSet");
        if (user.isPresent()) {
            userLaunchMembers(x, user.get());
        } else {
            x.open("operator").el("managed", true).el("principal", "ecs.amazonaws.com").close("operator");
        }
        x.close("item");
    }

    /** What a user's instance adds: launch index, key, groups, Spot lifecycle; no operator (the user manages it). */
    private void userLaunchMembers(Ec2Xml x, io.stevedore.cloud.UserLaunch u) {
        x.el("amiLaunchIndex", u.launchIndex()).el("keyName", u.keyName()); // Spot lifecycle: on the Instance
        x.open("groupSet");
        for (String g : u.securityGroups()) {
            x.open("item").el("groupId", g).el("groupName", cloud.securityGroup(g).map(Network.SecurityGroup::name)
                    .orElse(null)).close("item");
        }
        x.close("groupSet").open("operator").el("managed", false).close("operator");
    }

    private static int stateCode(String state) {
        return switch (state) {
            case "pending" -> 0;
            case "running" -> 16;
            case "shutting-down" -> 32;
            case "terminated" -> 48;
            case "stopping" -> 64;
            case "stopped" -> 80;
            default -> 0;
        };
    }

    private List<String> instanceValues(Instance i, String filter) {
        Optional<List<String>> volumes = Ec2Volumes.filterValues(i, filter);
        if (volumes.isPresent()) {
            return volumes.get();
        }
        if (filter.startsWith("tag:")) {
            String v = i.tags().get(filter.substring(4));
            return v == null ? List.of() : List.of(v);
        }
        return switch (filter) {
            case "instance-id" -> List.of(i.id());
            case "instance-state-name" -> List.of(i.state());
            case "instance-state-code" -> List.of(String.valueOf(stateCode(i.state())));
            case "instance-type" -> List.of(i.instanceType());
            case "image-id" -> List.of(cloud.userLaunch(i.id()).map(u -> u.imageId()).orElse(MANAGED_AMI));
            case "reservation-id" -> List.of(cloud.userLaunch(i.id()).map(u -> u.reservationId())
                    .orElse("r-" + i.id().substring(2)));
            case "availability-zone" -> List.of(i.availabilityZone());
            case "subnet-id" -> List.of(i.subnetId());
            case "vpc-id" -> cloud.subnet(i.subnetId()).map(s -> List.of(s.vpcId())).orElse(List.of());
            case "private-ip-address" -> List.of(i.privateIp());
            case "tag-key" -> List.copyOf(i.tags().keySet());
            case "architecture" -> catalog.find(i.instanceType())
                    .map(t -> t.architectures().stream().map(a -> a.ec2Name()).toList()).orElse(List.of());
            default -> throw new Ec2Exception("InvalidParameterValue", "The filter '" + filter
                    + "' is invalid");
        };
    }

    // ---- DescribeInstanceTypes --------------------------------------------------------------------------------

    private Ec2Xml describeInstanceTypes(Ec2QueryRequest r) {
        List<String> names = r.list("InstanceType");
        for (String n : names) {
            if (catalog.find(n).isEmpty() || !offered.test(n)) {
                throw new Ec2Exception("InvalidInstanceType", "The following supplied instance types do not exist: ["
                        + n + "]");
            }
        }
        Map<String, List<String>> filters = r.filters();
        List<InstanceType> matching = new ArrayList<>();
        for (InstanceType t : catalog.all()) {
            if ((names.isEmpty() || names.contains(t.name())) && offered.test(t.name())
                    && matches(filters, f -> typeValues(t, f))) {
                matching.add(t);
            }
        }
        Page<InstanceType> page = Page.of(matching, r, 100);
        Ec2Xml x = new Ec2Xml().open("instanceTypeSet");
        for (InstanceType t : page.items()) {
            x.open("item").el("instanceType", t.name()).el("currentGeneration", t.currentGeneration())
                    .el("burstablePerformanceSupported", t.burstable()).el("bareMetal", t.bareMetal())
                    .el("hypervisor", t.nitro() ? "nitro" : "xen").el("hibernationSupported", t.hibernation())
                    .el("instanceStorageSupported", t.localStorageGB() > 0);
            x.open("supportedUsageClasses");
            t.usageClasses().stream().sorted().forEach(u -> x.el("item", u));
            x.close("supportedUsageClasses").open("processorInfo").open("supportedArchitectures");
            t.architectures().stream().map(a -> a.ec2Name()).sorted().forEach(a -> x.el("item", a));
            x.close("supportedArchitectures").el("manufacturer", t.cpuManufacturer().wireName()).close("processorInfo")
                    .open("vCpuInfo").el("defaultVCpus", t.vcpus()).close("vCpuInfo")
                    .open("memoryInfo").el("sizeInMiB", t.memoryMiB()).close("memoryInfo")
                    .open("networkInfo").el("maximumNetworkInterfaces", t.maxNetworkInterfaces())
                    .el("ipv4AddressesPerInterface", t.ipv4PerInterface()).close("networkInfo");
            if (t.localStorageGB() > 0) {
                x.open("instanceStorageInfo").el("totalSizeInGB", t.localStorageGB()).close("instanceStorageInfo");
            }
            if (t.gpus() > 0) {
                x.open("gpuInfo").open("gpus");
                for (Accelerator a : t.accelerators()) {
                    if (a.type() == AcceleratorType.GPU) {
                        x.open("item").el("name", a.name()).el("manufacturer", a.manufacturer()).el("count", a.count())
                                .open("memoryInfo").el("sizeInMiB", a.memoryMiB() / Math.max(1, a.count()))
                                .close("memoryInfo").close("item");
                    }
                }
                x.close("gpus").close("gpuInfo");
            }
            x.close("item");
        }
        x.close("instanceTypeSet");
        page.token().ifPresent(tok -> x.el("nextToken", tok));
        return x;
    }

    private static List<String> typeValues(InstanceType t, String filter) {
        return switch (filter) {
            case "instance-type" -> List.of(t.name());
            case "current-generation" -> List.of(String.valueOf(t.currentGeneration()));
            case "burstable-performance-supported" -> List.of(String.valueOf(t.burstable()));
            case "bare-metal" -> List.of(String.valueOf(t.bareMetal()));
            case "hypervisor" -> List.of(t.nitro() ? "nitro" : "xen");
            case "processor-info.supported-architecture" -> t.architectures().stream().map(a -> a.ec2Name()).toList();
            case "vcpu-info.default-vcpus" -> List.of(String.valueOf(t.vcpus()));
            case "memory-info.size-in-mib" -> List.of(String.valueOf(t.memoryMiB()));
            case "supported-usage-class" -> List.copyOf(t.usageClasses());
            default -> throw new Ec2Exception("InvalidParameterValue", "The filter '" + filter + "' is invalid");
        };
    }

    // ---- network ----------------------------------------------------------------------------------------------

    private Ec2Xml describeVpcs(Ec2QueryRequest r) {
        List<String> ids = r.list("VpcId");
        Map<String, List<String>> filters = r.filters();
        Ec2Xml x = new Ec2Xml().open("vpcSet");
        List<Network.Vpc> vpcs = cloud.network().vpcs();
        requireKnown(ids, vpcs.stream().map(Network.Vpc::id).toList(), "InvalidVpcID.NotFound", "The vpc ID '%s' does not exist");
        for (Network.Vpc v : vpcs) {
            if ((ids.isEmpty() || ids.contains(v.id())) && matches(filters, f -> switch (f) {
                case "vpc-id" -> List.of(v.id());
                case "is-default", "isDefault" -> List.of(String.valueOf(v.isDefault()));
                case "cidr", "cidr-block" -> List.of(v.cidrBlock());
                case "state" -> List.of("available");
                default -> throw new Ec2Exception("InvalidParameterValue", "The filter '" + f + "' is invalid");
            })) {
                vpc(x.open("item"), v).close("item");
            }
        }
        return x.close("vpcSet");
    }

    private Ec2Xml describeSubnets(Ec2QueryRequest r) {
        List<String> ids = r.list("SubnetId");
        Map<String, List<String>> filters = r.filters();
        List<Network.Subnet> subnets = cloud.network().subnets();
        requireKnown(ids, subnets.stream().map(Network.Subnet::id).toList(), "InvalidSubnetID.NotFound",
                "The subnet ID '%s' does not exist");
        Ec2Xml x = new Ec2Xml().open("subnetSet");
        for (Network.Subnet s : subnets) {
            if ((ids.isEmpty() || ids.contains(s.id())) && matches(filters, f -> switch (f) {
                case "subnet-id" -> List.of(s.id());
                case "vpc-id" -> List.of(s.vpcId());
                case "availability-zone", "availabilityZone" -> List.of(s.availabilityZone());
                case "default-for-az", "defaultForAz" -> List.of(String.valueOf(s.defaultForAz()));
                case "cidr-block", "cidrBlock", "cidr" -> List.of(s.cidrBlock());
                case "state" -> List.of("available");
                default -> throw new Ec2Exception("InvalidParameterValue", "The filter '" + f + "' is invalid");
            })) {
                subnet(x.open("item"), s).close("item");
            }
        }
        return x.close("subnetSet");
    }

    /** The zones of the region: those of the default subnets (one per zone). */
    private Ec2Xml describeAvailabilityZones(Ec2QueryRequest r) {
        List<String> names = r.list("ZoneName");
        Map<String, List<String>> filters = r.filters();
        List<String> zones = cloud.network().subnets().stream().filter(Network.Subnet::defaultForAz)
                .map(Network.Subnet::availabilityZone).distinct().sorted().toList();
        requireKnown(names, zones, "InvalidParameterValue", "The zone '%s' does not exist in this region");
        Ec2Xml x = new Ec2Xml().open("availabilityZoneInfo");
        for (String z : zones) {
            String region = z.substring(0, z.length() - 1);
            if ((names.isEmpty() || names.contains(z)) && matches(filters, f -> switch (f) {
                case "zone-name" -> List.of(z);
                case "region-name" -> List.of(region);
                case "state" -> List.of("available");
                default -> throw new Ec2Exception("InvalidParameterValue", "The filter '" + f + "' is invalid");
            })) {
                x.open("item").el("zoneName", z).el("zoneState", "available").el("regionName", region)
                        .el("zoneType", "availability-zone").el("optInStatus", "opt-in-not-required").close("item");
            }
        }
        return x.close("availabilityZoneInfo");
    }

    /** The members of a VPC element (DescribeVpcs item, CreateVpc answer). */
    private Ec2Xml vpc(Ec2Xml x, Network.Vpc v) {
        return x.el("vpcId", v.id()).el("ownerId", accountId).el("state", "available")
                .el("cidrBlock", v.cidrBlock()).el("dhcpOptionsId", "dopt-" + v.id().substring(4))
                .el("instanceTenancy", "default").el("isDefault", v.isDefault());
    }

    /** The members of a subnet element (DescribeSubnets item, CreateSubnet answer). */
    private Ec2Xml subnet(Ec2Xml x, Network.Subnet s) {
        long free = io.stevedore.cloud.Cidr.parse(s.cidrBlock()).size() - 5;
        return x.el("subnetId", s.id()).el("subnetArn", "arn:aws:ec2:" + region(s) + ":" + accountId + ":subnet/"
                        + s.id()).el("state", "available").el("ownerId", accountId)
                .el("vpcId", s.vpcId()).el("cidrBlock", s.cidrBlock()).el("availableIpAddressCount", free)
                .el("availabilityZone", s.availabilityZone()).el("defaultForAz", s.defaultForAz())
                .el("mapPublicIpOnLaunch", false);
    }

    private static String region(Network.Subnet s) {
        String az = s.availabilityZone();
        return az.substring(0, az.length() - 1);
    }

    private Ec2Xml describeSecurityGroups(Ec2QueryRequest r) {
        List<String> ids = r.list("GroupId");
        Map<String, List<String>> filters = r.filters();
        List<Network.SecurityGroup> groups = cloud.network().securityGroups();
        requireKnown(ids, groups.stream().map(Network.SecurityGroup::id).toList(), "InvalidGroup.NotFound",
                "The security group '%s' does not exist");
        Ec2Xml x = new Ec2Xml().open("securityGroupInfo");
        for (Network.SecurityGroup g : groups) {
            if ((ids.isEmpty() || ids.contains(g.id())) && matches(filters, f -> switch (f) {
                case "group-id" -> List.of(g.id());
                case "group-name" -> List.of(g.name());
                case "vpc-id" -> List.of(g.vpcId());
                default -> throw new Ec2Exception("InvalidParameterValue", "The filter '" + f + "' is invalid");
            })) {
                x.open("item").el("ownerId", accountId).el("groupId", g.id()).el("groupName", g.name())
                        .el("groupDescription", g.description()).el("vpcId", g.vpcId())
                        .raw("<ipPermissions/><ipPermissionsEgress/>").close("item");
            }
        }
        return x.close("securityGroupInfo");
    }

    private static void requireKnown(List<String> asked, List<String> known, String code, String message) {
        for (String id : asked) {
            if (!known.contains(id)) {
                throw new Ec2Exception(code, String.format(message, id));
            }
        }
    }

    // ---- filters and pages ------------------------------------------------------------------------------------

    /** EC2 filter semantics: AND across filters, OR across one filter's values; values take * and ? wildcards. */
    static boolean matches(Map<String, List<String>> filters, Function<String, List<String>> values) {
        for (Map.Entry<String, List<String>> f : filters.entrySet()) {
            List<String> actual = values.apply(f.getKey());
            boolean any = false;
            for (String wanted : f.getValue()) {
                Pattern p = wildcard(wanted);
                for (String a : actual) {
                    if (p.matcher(a).matches()) {
                        any = true;
                        break;
                    }
                }
            }
            if (!any) {
                return false;
            }
        }
        return true;
    }

    private static Pattern wildcard(String value) {
        StringBuilder re = new StringBuilder();
        for (char c : value.toCharArray()) {
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }

    /** Offset-based pagination with an opaque token. */
    record Page<T>(List<T> items, Optional<String> token) {
        static <T> Page<T> of(List<T> all, Ec2QueryRequest r, int maxMax) {
            boolean asked = r.get("MaxResults").isPresent();
            int size = asked ? r.maxResults(5, Math.min(maxMax, 1000), 1000) : Integer.MAX_VALUE;
            int from = 0;
            Optional<String> token = r.get("NextToken");
            if (token.isPresent()) {
                try {
                    from = Integer.parseInt(new String(java.util.Base64.getDecoder().decode(token.get()),
                            java.nio.charset.StandardCharsets.UTF_8).replace("offset:", ""));
                } catch (IllegalArgumentException e) {
                    throw new Ec2Exception("InvalidParameterValue", "The nextToken value is invalid.");
                }
                if (from < 0 || from > all.size()) {
                    throw new Ec2Exception("InvalidParameterValue", "The nextToken value is invalid.");
                }
            }
            int to = (int) Math.min((long) from + size, all.size());
            Optional<String> next = to < all.size() ? Optional.of(java.util.Base64.getEncoder().encodeToString(
                    ("offset:" + to).getBytes(java.nio.charset.StandardCharsets.UTF_8))) : Optional.empty();
            return new Page<>(List.copyOf(all.subList(from, to)), next);
        }
    }
}
