package io.stevedore.api.ec2;

import io.stevedore.api.Context;
import io.stevedore.catalog.InstanceType;
import io.stevedore.cloud.Instance;
import io.stevedore.cloud.Network;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The EC2 Query protocol ({@code Action=…&Version=…}, XML answers) over the simulated EC2. Read-only: the
 * managed fleet is visible as on the real service, and mutating it directly is refused.
 */
public final class Ec2QueryApi {
    public static final String NS = "http://ec2.amazonaws.com/doc/2016-11-15/";
    private static final Set<String> MUTATING = Set.of("TerminateInstances", "StopInstances", "StartInstances",
            "RebootInstances", "ModifyInstanceAttribute", "ModifyInstanceMetadataOptions", "CreateTags",
            "DeleteTags");

    /** An EC2 error: code, message, HTTP status. */
    public static final class Ec2Exception extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String code;
        private final int status;

        public Ec2Exception(String code, int status, String message) {
            super(message);
            this.code = code;
            this.status = status;
        }

        public String code() {
            return code;
        }

        public int status() {
            return status;
        }
    }

    private final Context ctx;

    public Ec2QueryApi(Context ctx) {
        this.ctx = ctx;
    }

    public static Map<String, String> parseForm(String body) {
        Map<String, String> out = new TreeMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                out.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new Ec2Exception("MalformedQueryString", 400, "The query string is malformed.");
            }
        }
        return out;
    }

    /** Answers one call (the caller holds the database transaction). */
    public String handle(Map<String, String> p) {
        String action = p.get("Action");
        if (action == null) {
            throw new Ec2Exception("MissingAction", 400, "The request must contain the parameter Action.");
        }
        return switch (action) {
            case "DescribeInstances" -> describeInstances(p);
            case "DescribeInstanceTypes" -> describeInstanceTypes(p);
            case "DescribeVpcs" -> describeVpcs(p);
            case "DescribeSubnets" -> describeSubnets(p);
            case "DescribeSecurityGroups" -> describeSecurityGroups(p);
            case "DescribeAvailabilityZones" -> describeZones();
            default -> {
                if (MUTATING.contains(action)) {
                    refuseMutation(p);
                }
                throw new Ec2Exception("InvalidAction", 400, "The action " + action
                        + " is not valid for this web service.");
            }
        };
    }

    private void refuseMutation(Map<String, String> p) {
        for (String id : indexed(p, "InstanceId").isEmpty() ? indexed(p, "ResourceId") : indexed(p, "InstanceId")) {
            if (ctx.cloud().describe(id).isPresent()) {
                throw new Ec2Exception("OperationNotPermitted", 400, "The instance '" + id + "' is an Amazon ECS"
                        + " Managed Instance operated by ecs.amazonaws.com; change it through the Amazon ECS API"
                        + " (for example UpdateContainerInstancesState or the capacity provider).");
            }
            throw new Ec2Exception("InvalidInstanceID.NotFound", 400, "The instance ID '" + id
                    + "' does not exist");
        }
        throw new Ec2Exception("MissingParameter", 400, "The request must contain the parameter InstanceId");
    }

    /** Values of {@code Name.1}, {@code Name.2}, … in order. */
    static List<String> indexed(Map<String, String> p, String name) {
        List<String> out = new ArrayList<>();
        for (int i = 1; p.containsKey(name + "." + i); i++) {
            out.add(p.get(name + "." + i));
        }
        return out;
    }

    /** Filters as name → accepted values (Filter.N.Name / Filter.N.Value.M). */
    static Map<String, List<String>> filters(Map<String, String> p) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (int i = 1; p.containsKey("Filter." + i + ".Name"); i++) {
            out.put(p.get("Filter." + i + ".Name"), indexed(p, "Filter." + i + ".Value"));
        }
        return out;
    }

    private static boolean matches(Map<String, List<String>> filters, Function<String, List<String>> values) {
        for (Map.Entry<String, List<String>> f : filters.entrySet()) {
            List<String> have = values.apply(f.getKey());
            if (have == null) {
                throw new Ec2Exception("InvalidParameterValue", 400, "The filter '" + f.getKey() + "' is invalid");
            }
            boolean any = false;
            for (String want : f.getValue()) {
                for (String h : have) {
                    if (h != null && (want.equals(h) || want.contains("*")
                            && h.matches(java.util.regex.Pattern.quote(want).replace("*", "\\E.*\\Q")))) {
                        any = true;
                    }
                }
            }
            if (!any) {
                return false;
            }
        }
        return true;
    }

    private String describeInstances(Map<String, String> p) {
        List<String> ids = indexed(p, "InstanceId");
        Map<String, List<String>> filters = filters(p);
        Xml x = new Xml("DescribeInstancesResponse").open("reservationSet");
        for (String id : ids) {
            if (ctx.cloud().describe(id).isEmpty()) {
                throw new Ec2Exception("InvalidInstanceID.NotFound", 400, "The instance ID '" + id
                        + "' does not exist");
            }
        }
        for (Instance i : ctx.cloud().list()) {
            if (!ids.isEmpty() && !ids.contains(i.id())) {
                continue;
            }
            String vpc = ctx.cloud().subnet(i.subnetId()).map(Network.Subnet::vpcId).orElse("");
            String arch = ctx.catalog().find(i.instanceType()).map(t -> t.architectures().iterator().next().ec2Name())
                    .orElse("x86_64");
            if (!matches(filters, name -> instanceField(i, vpc, arch, name))) {
                continue;
            }
            x.open("item").leaf("reservationId", "r-" + i.id().substring(2)).leaf("ownerId",
                    ctx.config().accountId()).open("instancesSet").open("item")
                    .leaf("instanceId", i.id()).leaf("imageId", "ami-0stevedore" + arch.replace("_", ""))
                    .open("instanceState").leaf("code", stateCode(i.state())).leaf("name", i.state()).close()
                    .leaf("privateDnsName", "ip-" + i.privateIp().replace('.', '-') + ".ec2.internal")
                    .leaf("instanceType", i.instanceType())
                    .leaf("launchTime", Instant.ofEpochMilli(i.launchedAtMillis()).toString())
                    .open("placement").leaf("availabilityZone", i.availabilityZone()).leaf("tenancy", "default")
                    .close().open("monitoring").leaf("state", "disabled").close()
                    .leaf("subnetId", i.subnetId()).leaf("vpcId", vpc).leaf("privateIpAddress", i.privateIp())
                    .leaf("architecture", arch).leaf("rootDeviceType", "ebs").leaf("hypervisor", "xen")
                    .leaf("virtualizationType", "hvm");
            x.open("tagSet");
            i.tags().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(t -> x.open("item").leaf("key", t.getKey()).leaf("value", t.getValue()).close());
            x.close();
            x.open("operator").leaf("managed", "true").leaf("principal", "ecs.amazonaws.com").close();
            x.close().close().close();
        }
        return x.close().done();
    }

    private static List<String> instanceField(Instance i, String vpc, String arch, String name) {
        if (name.startsWith("tag:")) {
            String v = i.tags().get(name.substring(4));
            return v == null ? List.of() : List.of(v);
        }
        return switch (name) {
            case "instance-id" -> List.of(i.id());
            case "instance-state-name" -> List.of(i.state());
            case "instance-type" -> List.of(i.instanceType());
            case "availability-zone" -> List.of(i.availabilityZone());
            case "subnet-id" -> List.of(i.subnetId());
            case "vpc-id" -> List.of(vpc);
            case "private-ip-address" -> List.of(i.privateIp());
            case "architecture" -> List.of(arch);
            case "tag-key" -> new ArrayList<>(i.tags().keySet());
            default -> null;
        };
    }

    private static String stateCode(String state) {
        return switch (state) {
            case "pending" -> "0";
            case "running" -> "16";
            case "shutting-down" -> "32";
            case "terminated" -> "48";
            default -> "80";
        };
    }

    private String describeInstanceTypes(Map<String, String> p) {
        List<String> names = indexed(p, "InstanceType");
        Map<String, List<String>> filters = filters(p);
        int max = p.containsKey("MaxResults") ? parseInt(p.get("MaxResults"), "MaxResults") : 100;
        if (max < 5 || max > 100) {
            throw new Ec2Exception("InvalidParameterValue", 400, "MaxResults must be between 5 and 100");
        }
        int start = p.containsKey("NextToken") ? parseInt(p.get("NextToken"), "NextToken") : 0;
        List<InstanceType> types = new ArrayList<>();
        for (String n : names) {
            types.add(ctx.catalog().find(n).orElseThrow(() -> new Ec2Exception("InvalidInstanceType", 400,
                    "The following supplied instance types do not exist: [" + n + "]")));
        }
        if (names.isEmpty()) {
            for (InstanceType t : ctx.catalog().all()) {
                if (matches(filters, f -> typeField(t, f))) {
                    types.add(t);
                }
            }
        }
        Xml x = new Xml("DescribeInstanceTypesResponse").open("instanceTypeSet");
        int end = names.isEmpty() ? Math.min(types.size(), start + max) : types.size();
        for (InstanceType t : types.subList(Math.min(start, types.size()), end)) {
            x.open("item").leaf("instanceType", t.name()).leaf("currentGeneration", t.currentGeneration())
                    .leaf("bareMetal", t.bareMetal()).leaf("burstablePerformanceSupported", t.burstable())
                    .leaf("hypervisor", t.nitro() ? "nitro" : "xen")
                    .open("processorInfo").open("supportedArchitectures");
            t.architectures().forEach(a -> x.leaf("item", a.ec2Name()));
            x.close().leaf("manufacturer", t.cpuManufacturer().wireName()).close()
                    .open("vCpuInfo").leaf("defaultVCpus", t.vcpus()).close()
                    .open("memoryInfo").leaf("sizeInMiB", t.memoryMiB()).close()
                    .open("networkInfo").leaf("maximumNetworkInterfaces", t.maxNetworkInterfaces())
                    .leaf("ipv4AddressesPerInterface", t.ipv4PerInterface()).close()
                    .leaf("instanceStorageSupported", t.localStorageGB() > 0).close();
        }
        x.close();
        if (end < types.size() && names.isEmpty()) {
            x.leaf("nextToken", end);
        }
        return x.done();
    }

    private static List<String> typeField(InstanceType t, String name) {
        return switch (name) {
            case "instance-type" -> List.of(t.name());
            case "current-generation" -> List.of(Boolean.toString(t.currentGeneration()));
            case "processor-info.supported-architecture" -> t.architectures().stream().map(a -> a.ec2Name()).toList();
            case "vcpu-info.default-vcpus" -> List.of(Integer.toString(t.vcpus()));
            case "memory-info.size-in-mib" -> List.of(Long.toString(t.memoryMiB()));
            case "burstable-performance-supported" -> List.of(Boolean.toString(t.burstable()));
            case "bare-metal" -> List.of(Boolean.toString(t.bareMetal()));
            default -> null;
        };
    }

    private static int parseInt(String v, String name) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new Ec2Exception("InvalidParameterValue", 400, "Invalid value '" + v + "' for " + name);
        }
    }

    private String describeVpcs(Map<String, String> p) {
        Map<String, List<String>> filters = filters(p);
        List<String> ids = indexed(p, "VpcId");
        Xml x = new Xml("DescribeVpcsResponse").open("vpcSet");
        for (Network.Vpc v : ctx.cloud().network().vpcs()) {
            if ((ids.isEmpty() || ids.contains(v.id())) && matches(filters, f -> switch (f) {
                case "vpc-id" -> List.of(v.id());
                case "is-default", "isDefault" -> List.of(Boolean.toString(v.isDefault()));
                case "cidr", "cidr-block" -> List.of(v.cidrBlock());
                default -> null;
            })) {
                x.open("item").leaf("vpcId", v.id()).leaf("ownerId", ctx.config().accountId())
                        .leaf("state", "available").leaf("cidrBlock", v.cidrBlock()).leaf("isDefault", v.isDefault())
                        .leaf("instanceTenancy", "default").close();
            }
        }
        notFound(ids, ctx.cloud().network().vpcs().stream().map(Network.Vpc::id).toList(), "InvalidVpcID.NotFound",
                "vpc ID");
        return x.close().done();
    }

    private String describeSubnets(Map<String, String> p) {
        Map<String, List<String>> filters = filters(p);
        List<String> ids = indexed(p, "SubnetId");
        notFound(ids, ctx.cloud().network().subnets().stream().map(Network.Subnet::id).toList(),
                "InvalidSubnetID.NotFound", "subnet ID");
        Xml x = new Xml("DescribeSubnetsResponse").open("subnetSet");
        for (Network.Subnet s : ctx.cloud().network().subnets()) {
            if ((ids.isEmpty() || ids.contains(s.id())) && matches(filters, f -> switch (f) {
                case "subnet-id" -> List.of(s.id());
                case "vpc-id" -> List.of(s.vpcId());
                case "availability-zone", "availabilityZone" -> List.of(s.availabilityZone());
                case "default-for-az", "defaultForAz" -> List.of(Boolean.toString(s.defaultForAz()));
                case "cidr-block" -> List.of(s.cidrBlock());
                default -> null;
            })) {
                x.open("item").leaf("subnetId", s.id()).leaf("state", "available").leaf("vpcId", s.vpcId())
                        .leaf("cidrBlock", s.cidrBlock()).leaf("availableIpAddressCount", 4091)
                        .leaf("availabilityZone", s.availabilityZone())
                        .leaf("availabilityZoneId", "use1-az" + (s.availabilityZone().charAt(
                                s.availabilityZone().length() - 1) - 'a' + 1))
                        .leaf("defaultForAz", s.defaultForAz()).leaf("mapPublicIpOnLaunch", true)
                        .leaf("ownerId", ctx.config().accountId()).close();
            }
        }
        return x.close().done();
    }

    private String describeSecurityGroups(Map<String, String> p) {
        Map<String, List<String>> filters = filters(p);
        List<String> ids = indexed(p, "GroupId");
        notFound(ids, ctx.cloud().network().securityGroups().stream().map(Network.SecurityGroup::id).toList(),
                "InvalidGroup.NotFound", "security group");
        Xml x = new Xml("DescribeSecurityGroupsResponse").open("securityGroupInfo");
        for (Network.SecurityGroup g : ctx.cloud().network().securityGroups()) {
            if ((ids.isEmpty() || ids.contains(g.id())) && matches(filters, f -> switch (f) {
                case "group-id" -> List.of(g.id());
                case "group-name" -> List.of(g.name());
                case "vpc-id" -> List.of(g.vpcId());
                default -> null;
            })) {
                x.open("item").leaf("ownerId", ctx.config().accountId()).leaf("groupId", g.id())
                        .leaf("groupName", g.name()).leaf("groupDescription", g.description())
                        .leaf("vpcId", g.vpcId()).close();
            }
        }
        return x.close().done();
    }

    private String describeZones() {
        Xml x = new Xml("DescribeAvailabilityZonesResponse").open("availabilityZoneInfo");
        for (Network.Subnet s : ctx.cloud().network().subnets()) {
            x.open("item").leaf("zoneName", s.availabilityZone()).leaf("zoneState", "available")
                    .leaf("regionName", ctx.config().region()).close();
        }
        return x.close().done();
    }

    private static void notFound(List<String> asked, List<String> known, String code, String what) {
        for (String id : asked) {
            if (!known.contains(id)) {
                throw new Ec2Exception(code, 400, "The " + what + " '" + id + "' does not exist");
            }
        }
    }

    /** Error document of the EC2 Query protocol. */
    public static String error(String code, String message, String requestId) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>" + Xml.esc(code)
                + "</Code><Message>" + Xml.esc(message) + "</Message></Error></Errors><RequestID>" + requestId
                + "</RequestID></Response>";
    }
}
