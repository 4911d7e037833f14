package io.stevedore.cloud.simulated;

import io.stevedore.cloud.Cidr;
import io.stevedore.cloud.CloudException;
import io.stevedore.cloud.CloudProvider;
import io.stevedore.cloud.Instance;
import io.stevedore.cloud.InstanceEventWindow;
import io.stevedore.cloud.LaunchRequest;
import io.stevedore.cloud.Network;
import io.stevedore.cloud.UserLaunch;
import io.stevedore.store.Database;
import io.stevedore.store.JsonCodec;
import io.stevedore.store.Table;
import io.stevedore.time.Clock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;

/**
 * A simulated EC2 region: a default VPC {@code 172.31.0.0/16} with one default subnet ({@code /20}) per
 * availability zone and a default security group; instances boot in their type's launch time and get private IPs from
 * their subnet. IDs are derived from the region and a persisted sequence, so they are stable and
 * deterministic. State is kept in the control plane's {@link Database} (durable across restarts).
 */
public final class SimulatedEc2 implements CloudProvider {
    /** A persisted counter. */
    public record Counter(String name, long value) {
    }

    private final String region;
    private final Clock clock;
    /** How long an instance of a type takes from launch to running (by default; see {@link #setLaunchLatency}). */
    private final Function<String, Duration> bootTimes;
    /** Boot times by type, in ms, as {@link #bootTimes} answered them (one lookup per type). */
    private final Map<String, Long> bootMillis = new HashMap<>();
    /** The fault injector's launch latency for every type, or null: each type's own. */
    private Duration bootOverride;
    private final Network.Layout layout;
    private final Table<Instance> instances;
    private long stateVersion;
    /** The instance whose state changed at each recent state version (for {@link #changedSince}). */
    private final TreeMap<Long, String> changes = new TreeMap<>();
    /** Versions up to this one are no longer in {@link #changes}. */
    private long forgottenUpTo;
    private static final int MAX_CHANGES = 65_536;
    private final Table<Counter> counters;
    private final Table<Network.Vpc> vpcs;
    private final Table<Network.Subnet> subnets;
    private final Table<Network.SecurityGroup> groups;
    private final SimulatedEventWindows eventWindows;
    /** The launch records of the instances users launched through RunInstances (no capacity provider's). */
    private final Table<UserLaunch> userLaunches;
    private final Set<String> unavailableTypes = new HashSet<>();
    private final Set<String> unavailableInZone = new HashSet<>();

    /** A region whose instances all boot in {@code bootTime}. */
    public SimulatedEc2(String region, Clock clock, Duration bootTime, Database db) {
        this(region, clock, type -> bootTime, db);
    }

    /**
     * A region whose instances boot in {@code bootTimes.apply(instanceType)} (the start-latency model's launch time
     * by type, docs/decisions.md "Start latency model"); the function must answer the same for the same type.
     */
    public SimulatedEc2(String region, Clock clock, Function<String, Duration> bootTimes, Database db) {
        this.region = region;
        this.clock = clock;
        this.bootTimes = bootTimes;
        this.layout = defaultLayout(region);
        this.instances = db.table("ec2.instance", new JsonCodec<>(Instance.class));
        this.instances.observe(new io.stevedore.store.RowObserver<>() {
            @Override
            public void changed(String id, Instance before, Instance after) {
                if (before == null || after == null || !before.state().equals(after.state())) {
                    changes.put(++stateVersion, id);
                    if (changes.size() > MAX_CHANGES) {
                        forgottenUpTo = changes.pollFirstEntry().getKey();
                    }
                }
            }

            @Override
            public void cleared() {
                changes.clear();
                forgottenUpTo = ++stateVersion;
            }
        });
        this.counters = db.table("ec2.counter", new JsonCodec<>(Counter.class));
        this.vpcs = db.table("ec2.vpc", new JsonCodec<>(Network.Vpc.class));
        this.subnets = db.table("ec2.subnet", new JsonCodec<>(Network.Subnet.class));
        this.groups = db.table("ec2.security-group", new JsonCodec<>(Network.SecurityGroup.class));
        this.eventWindows = new SimulatedEventWindows(region, db, counters);
        this.userLaunches = db.table("ec2.user-launch", new JsonCodec<>(UserLaunch.class));
    }

    /** The availability zones of a region (us-east-1 has six, others three in this simulation). */
    public static List<String> zones(String region) {
        int n = "us-east-1".equals(region) ? 6 : 3;
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(region + (char) ('a' + i));
        }
        return out;
    }

    /** The ids of the default subnets of a region, zone order. */
    public static List<String> defaultSubnetIds(String region) {
        return defaultLayout(region).subnets().stream().map(Network.Subnet::id).toList();
    }

    static Network.Layout defaultLayout(String region) {
        String vpcId = "vpc-" + hex(region + "/vpc", 8);
        List<Network.Subnet> subnets = new ArrayList<>();
        List<String> zones = zones(region);
        for (int i = 0; i < zones.size(); i++) {
            subnets.add(new Network.Subnet("subnet-" + hex(region + "/" + zones.get(i), 17), vpcId, zones.get(i),
                    "172.31." + (i * 16) + ".0/20", true));
        }
        return new Network.Layout(List.of(new Network.Vpc(vpcId, "172.31.0.0/16", true)), subnets,
                List.of(new Network.SecurityGroup("sg-" + hex(region + "/sg-default", 17), vpcId, "default",
                        "default VPC security group")));
    }

    private static String hex(String seed, int length) {
        UUID u = UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8));
        String h = Long.toHexString(u.getMostSignificantBits()) + Long.toHexString(u.getLeastSignificantBits());
        return ("0" + h).substring(0, length);
    }

    /** Test and chaos hook: launches of these types fail with insufficient capacity. */
    public void setUnavailableTypes(Set<String> types) {
        unavailableTypes.clear();
        unavailableTypes.addAll(types);
    }

    /** Fault injection: launches of {@code type} in {@code availabilityZone} fail (or succeed again). */
    public void setUnavailable(String type, String availabilityZone, boolean unavailable) {
        String key = type + "@" + availabilityZone;
        if (unavailable) {
            unavailableInZone.add(key);
        } else {
            unavailableInZone.remove(key);
        }
    }

    /**
     * Fault injection: how long newly launched and still pending instances take to boot, whatever their type (instead
     * of each type's own launch time); null: each type's own again.
     */
    public void setLaunchLatency(Duration latency) {
        if (latency != null && latency.isNegative()) {
            throw new IllegalArgumentException("launch latency must not be negative");
        }
        this.bootOverride = latency;
    }

    /** The fault injector's launch latency, or the launch time of the base type when none was set. */
    public Duration launchLatency() {
        return bootOverride != null ? bootOverride : bootTimes.apply("");
    }

    /** How long an instance of {@code instanceType} takes from launch to running (the fault injector's latency if set). */
    public Duration bootTime(String instanceType) {
        return Duration.ofMillis(bootMillis(instanceType));
    }

    private long bootMillis(String instanceType) {
        if (bootOverride != null) {
            return bootOverride.toMillis();
        }
        Long ms = bootMillis.get(instanceType);
        if (ms == null) {
            ms = bootTimes.apply(instanceType).toMillis();
            bootMillis.put(instanceType, ms);
        }
        return ms;
    }

    /**
     * As {@link #network}'s first subnet with the id, without building the layout (every RunTask and UpdateService
     * checks its subnets): the default ones first, then the created one stored under its id.
     */
    @Override
    public Optional<Network.Subnet> subnet(String id) {
        for (Network.Subnet s : layout.subnets()) {
            if (s.id().equals(id)) {
                return Optional.of(s);
            }
        }
        return id == null ? Optional.empty() : subnets.get(id);
    }

    /** As {@link #network}'s first security group with the id, without building the layout (as {@link #subnet}). */
    @Override
    public Optional<Network.SecurityGroup> securityGroup(String id) {
        for (Network.SecurityGroup g : layout.securityGroups()) {
            if (g.id().equals(id)) {
                return Optional.of(g);
            }
        }
        return id == null ? Optional.empty() : groups.get(id);
    }

    /** The default VPC, its subnets and group first, then what was created (id order). */
    @Override
    public Network.Layout network() {
        if (vpcs.values().isEmpty() && subnets.values().isEmpty() && groups.values().isEmpty()) {
            return layout;
        }
        List<Network.Vpc> v = new ArrayList<>(layout.vpcs());
        v.addAll(vpcs.values());
        List<Network.Subnet> sn = new ArrayList<>(layout.subnets());
        sn.addAll(subnets.values());
        List<Network.SecurityGroup> g = new ArrayList<>(layout.securityGroups());
        g.addAll(groups.values());
        return new Network.Layout(v, sn, g);
    }

    @Override
    public Network.Vpc createVpc(String cidrBlock) {
        Cidr cidr = cidr(cidrBlock, "InvalidVpc.Range");
        if (cidr.prefix() < 16 || cidr.prefix() > 28) {
            throw new CloudException(CloudException.Reason.INVALID_REQUEST, "InvalidVpc.Range: The CIDR '"
                    + cidrBlock + "' is invalid: a VPC block is between /16 and /28.");
        }
        Network.Vpc vpc = new Network.Vpc("vpc-" + hex(region + "/vpc/" + next("vpc"), 17), cidrBlock.trim(), false);
        vpcs.put(vpc.id(), vpc);
        return vpc;
    }

    @Override
    public Network.Subnet createSubnet(String vpcId, String cidrBlock, String availabilityZone) {
        Network.Vpc vpc = network().vpcs().stream().filter(v -> v.id().equals(vpcId)).findFirst()
                .orElseThrow(() -> new CloudException(CloudException.Reason.NOT_FOUND, "InvalidVpcID.NotFound: The"
                        + " vpc ID '" + vpcId + "' does not exist"));
        Cidr cidr = cidr(cidrBlock, "InvalidSubnet.Range");
        if (cidr.prefix() < 16 || cidr.prefix() > 28 || !cidr(vpc.cidrBlock(), "InvalidVpc.Range").contains(cidr)) {
            throw new CloudException(CloudException.Reason.INVALID_REQUEST, "InvalidSubnet.Range: The CIDR '"
                    + cidrBlock + "' is invalid: it must lie inside the VPC's " + vpc.cidrBlock()
                    + " and be between /16 and /28.");
        }
        for (Network.Subnet s : network().subnets()) {
            if (s.vpcId().equals(vpcId) && cidr(s.cidrBlock(), "InvalidSubnet.Range").overlaps(cidr)) {
                throw new CloudException(CloudException.Reason.INVALID_REQUEST, "InvalidSubnet.Conflict: The CIDR '"
                        + cidrBlock + "' conflicts with another subnet (" + s.id() + ", " + s.cidrBlock() + ")");
            }
        }
        String zone = availabilityZone == null || availabilityZone.isBlank() ? zones(region).get(0)
                : availabilityZone.trim();
        if (!zones(region).contains(zone)) {
            throw new CloudException(CloudException.Reason.INVALID_REQUEST, "InvalidParameterValue: Value ("
                    + zone + ") for parameter availabilityZone is invalid. Subnets can currently only be created in"
                    + " the following availability zones: " + String.join(", ", zones(region)) + ".");
        }
        Network.Subnet s = new Network.Subnet("subnet-" + hex(region + "/subnet/" + next("subnet"), 17), vpcId,
                zone, cidrBlock.trim(), false);
        subnets.put(s.id(), s);
        return s;
    }

    @Override
    public Network.SecurityGroup createSecurityGroup(String vpcId, String name, String description) {
        String vpc = vpcId == null || vpcId.isBlank() ? layout.vpcs().get(0).id() : vpcId;
        if (network().vpcs().stream().noneMatch(v -> v.id().equals(vpc))) {
            throw new CloudException(CloudException.Reason.NOT_FOUND, "InvalidVpcID.NotFound: The vpc ID '" + vpc
                    + "' does not exist");
        }
        if (name == null || name.isBlank() || name.length() > 255 || description == null || description.isBlank()
                || description.length() > 255) {
            throw new CloudException(CloudException.Reason.INVALID_REQUEST, "MissingParameter: A security group"
                    + " needs a GroupName and a GroupDescription of 1 to 255 characters.");
        }
        if (network().securityGroups().stream().anyMatch(g -> g.vpcId().equals(vpc) && g.name().equals(name))) {
            throw new CloudException(CloudException.Reason.INVALID_REQUEST, "InvalidGroup.Duplicate: The security"
                    + " group '" + name + "' already exists for VPC '" + vpc + "'");
        }
        Network.SecurityGroup g = new Network.SecurityGroup("sg-" + hex(region + "/sg/" + next("sg"), 17), vpc, name,
                description);
        groups.put(g.id(), g);
        return g;
    }

    private static Cidr cidr(String text, String code) {
        try {
            return Cidr.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CloudException(CloudException.Reason.INVALID_REQUEST, code + ": " + e.getMessage());
        }
    }

    @Override
    public Instance launch(LaunchRequest request) {
        Network.Subnet subnet = subnet(request.subnetId()).orElseThrow(() -> new CloudException(
                CloudException.Reason.NOT_FOUND, "The subnet ID '" + request.subnetId() + "' does not exist"));
        for (String type : request.instanceTypes()) {
            if (unavailableTypes.contains(type) || unavailableInZone.contains(type + "@" + subnet.availabilityZone())) {
                continue;
            }
            return newInstance(type, subnet, request.tags(), request.marketType(), request.rootVolumeGiB());
        }
        throw new CloudException(CloudException.Reason.INSUFFICIENT_CAPACITY,
                "We currently do not have sufficient capacity for " + request.instanceTypes() + " in "
                        + subnet.availabilityZone());
    }

    private Instance newInstance(String type, Network.Subnet subnet, Map<String, String> tags, String lifecycle,
                                 int rootVolumeGiB) {
        long seq = next("instance");
        String id = "i-0" + String.format("%016x", seq * 0x9E3779B97F4A7C15L ^ region.hashCode());
        Instance i = new Instance(id, type, subnet.id(), subnet.availabilityZone(),
                allocatePrivateIp(subnet.id()), "pending", clock.now().toEpochMilli(), tags, lifecycle, rootVolumeGiB);
        instances.put(id, i);
        return i;
    }

    @Override
    public List<Instance> runUserInstances(String instanceType, String subnetId, int count, Map<String, String> tags,
                                           UserLaunch template) {
        Network.Subnet subnet = subnet(subnetId).orElseThrow(() -> new CloudException(
                CloudException.Reason.NOT_FOUND, "The subnet ID '" + subnetId + "' does not exist"));
        if (unavailableTypes.contains(instanceType)
                || unavailableInZone.contains(instanceType + "@" + subnet.availabilityZone())) {
            throw new CloudException(CloudException.Reason.INSUFFICIENT_CAPACITY, "We currently do not have"
                    + " sufficient " + instanceType + " capacity in the Availability Zone you requested ("
                    + subnet.availabilityZone() + ").");
        }
        String reservation = "r-0" + String.format("%016x", next("reservation") * 0xC2B2AE3D27D4EB4FL
                ^ region.hashCode());
        List<Instance> out = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            // the root volume of the ECS-optimized Amazon Linux AMIs: 30 GiB
            Instance i = newInstance(instanceType, subnet, tags, template.spot() ? Instance.SPOT : null, 30);
            userLaunches.put(i.id(), new UserLaunch(i.id(), reservation, template.imageId(), template.userData(),
                    template.keyName(), template.securityGroups(), template.spot(), k));
            out.add(i);
        }
        return out;
    }

    @Override
    public Optional<UserLaunch> userLaunch(String instanceId) {
        return userLaunches.get(instanceId);
    }

    @Override
    public List<UserLaunch> userLaunches() {
        return userLaunches.values();
    }

    @Override
    public Instance stopUserInstance(String instanceId) {
        Instance i = userInstance(instanceId);
        if ("pending".equals(i.state()) || "running".equals(i.state())) {
            i = i.withState("stopped");
            instances.put(instanceId, i);
        }
        return i;
    }

    @Override
    public Instance startUserInstance(String instanceId) {
        Instance i = userInstance(instanceId);
        if ("stopped".equals(i.state())) {
            i = new Instance(i.id(), i.instanceType(), i.subnetId(), i.availabilityZone(), i.privateIp(), "pending",
                    clock.now().toEpochMilli(), i.tags());
            instances.put(instanceId, i);
        }
        return i;
    }

    private Instance userInstance(String instanceId) {
        if (userLaunches.get(instanceId).isEmpty()) {
            throw new CloudException(CloudException.Reason.INVALID_REQUEST, "The instance '" + instanceId
                    + "' is not one a user launched");
        }
        return describe(instanceId).orElseThrow(() -> new CloudException(CloudException.Reason.NOT_FOUND,
                "The instance ID '" + instanceId + "' does not exist"));
    }

    @Override
    public void terminate(String instanceId) {
        instances.get(instanceId).ifPresent(i -> instances.put(instanceId, i.withState("terminated")));
    }

    @Override
    public Optional<Instance> describe(String instanceId) {
        return instances.get(instanceId).map(this::refresh);
    }

    @Override
    public long stateVersion() {
        return stateVersion;
    }

    @Override
    public Optional<Set<String>> changedSince(long version) {
        if (version < forgottenUpTo || version > stateVersion) {
            return Optional.empty();
        }
        return Optional.of(new HashSet<>(changes.tailMap(version, false).values()));
    }

    @Override
    public List<Instance> list() {
        List<Instance> out = new ArrayList<>();
        for (Instance i : instances.values()) {
            out.add(refresh(i));
        }
        return out;
    }

    private Instance refresh(Instance i) {
        if ("pending".equals(i.state())
                && clock.now().toEpochMilli() >= i.launchedAtMillis() + bootMillis(i.instanceType())) {
            Instance running = i.withState("running");
            instances.put(i.id(), running);
            return running;
        }
        return i;
    }

    @Override
    public String allocatePrivateIp(String subnetId) {
        Network.Subnet s = subnet(subnetId).orElseThrow(() -> new CloudException(CloudException.Reason.NOT_FOUND,
                "The subnet ID '" + subnetId + "' does not exist"));
        Cidr block = Cidr.parse(s.cidrBlock());
        long usable = Math.max(1, Math.min(4000, block.size() - 5)); // AWS reserves the first four and the last
        return block.address(4 + (next("ip/" + subnetId) - 1) % usable);
    }

    @Override
    public List<InstanceEventWindow> eventWindows() {
        return eventWindows.list();
    }

    @Override
    public void putEventWindow(InstanceEventWindow window) {
        eventWindows.put(window);
    }

    @Override
    public void deleteEventWindow(String id) {
        eventWindows.delete(id);
    }

    @Override
    public String newEventWindowId() {
        return eventWindows.newId();
    }

    private long next(String name) {
        long v = counters.get(name).map(Counter::value).orElse(0L) + 1;
        counters.put(name, new Counter(name, v));
        return v;
    }
}
