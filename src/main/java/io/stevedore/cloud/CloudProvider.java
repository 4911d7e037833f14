package io.stevedore.cloud;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The small SPI through which Stevedore buys and returns capacity (Karpenter-style). Implementations are used
 * by one thread at a time (the control plane's transaction lock).
 *
 * <p>Contracts: {@link #launch} either returns a {@code pending} instance of one of the offered types (the
 * first with capacity, in the given order) or throws {@link CloudException} with
 * {@link CloudException.Reason#INSUFFICIENT_CAPACITY} when none has capacity; {@link #terminate} is idempotent
 * (terminating a terminated or unknown instance is not an error); instances move from {@code pending} to
 * {@code running} on their own and are reported by {@link #describe}/{@link #list}.
 */
public interface CloudProvider {

    Network.Layout network();

    default Optional<Network.Subnet> subnet(String id) {
        return network().subnets().stream().filter(s -> s.id().equals(id)).findFirst();
    }

    default Optional<Network.SecurityGroup> securityGroup(String id) {
        return network().securityGroups().stream().filter(s -> s.id().equals(id)).findFirst();
    }

    /** Creates a VPC; {@link CloudException} (INVALID_REQUEST, message starting with EC2's error code) when refused. */
    Network.Vpc createVpc(String cidrBlock);

    /** Creates a subnet of a VPC in one availability zone (the region's first when null). */
    Network.Subnet createSubnet(String vpcId, String cidrBlock, String availabilityZone);

    /** Creates a security group in a VPC (the default VPC when null). */
    Network.SecurityGroup createSecurityGroup(String vpcId, String name, String description);

    Instance launch(LaunchRequest request);

    void terminate(String instanceId);

    Optional<Instance> describe(String instanceId);

    /**
     * A number that changes whenever an instance's recorded state changes (launch, termination, reclaim); a caller
     * that saw the same number before may skip re-reading the fleet for such changes. A pending instance that
     * boots with time shows up in {@link #describe} without changing it. By default -1: unknown, nothing may be
     * skipped.
     */
    default long stateVersion() {
        return -1;
    }

    /**
     * The instances whose recorded state changed since {@link #stateVersion} was {@code version}, or empty when the
     * provider cannot tell (it forgot that far back, or keeps no such record): then any instance may have changed.
     * A caller that remembers the version it last looked at re-reads only these. By default empty.
     */
    default Optional<Set<String>> changedSince(long version) {
        return Optional.empty();
    }

    /** All instances, id order (terminated ones included until the provider forgets them). */
    List<Instance> list();

    /** A free private IPv4 address of the subnet for a task network interface. */
    String allocatePrivateIp(String subnetId);

    // ---- instance event windows (EC2's maintenance windows; the lifecycle honours them) ----------------------

    /** The region's instance event windows, id order; none by default. */
    default List<InstanceEventWindow> eventWindows() {
        return List.of();
    }

    /** Creates or replaces an event window (its id from {@link #newEventWindowId}). */
    default void putEventWindow(InstanceEventWindow window) {
        throw new CloudException(CloudException.Reason.INVALID_REQUEST, "this cloud keeps no event windows");
    }

    /** Deletes an event window; deleting an unknown one is not an error. */
    default void deleteEventWindow(String id) {
        throw new CloudException(CloudException.Reason.INVALID_REQUEST, "this cloud keeps no event windows");
    }

    /** A new, unused event window id ({@code iew-…}). */
    default String newEventWindowId() {
        throw new CloudException(CloudException.Reason.INVALID_REQUEST, "this cloud keeps no event windows");
    }

    // ---- instances a user launches through EC2's API (no capacity provider manages them) -----------------------

    /**
     * Launches {@code count} instances of one type for a user (EC2's RunInstances), all {@code pending}, recording
     * each one's {@link UserLaunch}; {@link CloudException} (INSUFFICIENT_CAPACITY, NOT_FOUND) as {@link #launch}.
     * By default refused: the provider runs only the instances Stevedore launches itself.
     */
    default List<Instance> runUserInstances(String instanceType, String subnetId, int count,
                                            java.util.Map<String, String> tags, UserLaunch template) {
        throw new CloudException(CloudException.Reason.INVALID_REQUEST, "this cloud provider runs no user instances");
    }

    /** The launch record of an instance a user launched, or empty for one Stevedore launched (a managed one). */
    default Optional<UserLaunch> userLaunch(String instanceId) {
        return Optional.empty();
    }

    /** Every instance a user launched (terminated ones included while the provider keeps them), id order. */
    default List<UserLaunch> userLaunches() {
        return List.of();
    }

    /** Stops a user's running instance ({@code stopped}); a stopped one stays so. Returns the instance now. */
    default Instance stopUserInstance(String instanceId) {
        throw new CloudException(CloudException.Reason.INVALID_REQUEST, "this cloud provider runs no user instances");
    }

    /** Starts a user's stopped instance again ({@code pending}, new launch time); a running one stays so. */
    default Instance startUserInstance(String instanceId) {
        throw new CloudException(CloudException.Reason.INVALID_REQUEST, "this cloud provider runs no user instances");
    }
}
