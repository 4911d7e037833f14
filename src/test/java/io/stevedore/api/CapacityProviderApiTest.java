package io.stevedore.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.ecs.model.CapacityProvider;
import software.amazon.awssdk.services.ecs.model.ClientException;
import software.amazon.awssdk.services.ecs.model.CreateCapacityProviderRequest;
import software.amazon.awssdk.services.ecs.model.EcsException;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.Tag;

class CapacityProviderApiTest extends EcsServerTestBase {
    @BeforeEach
    void setUp() {
        f.ecs.createCluster(b -> b.clusterName("c"));
    }

    @Test
    void createCapacityProvider_seedRequest_activeWithDefaults() {
        CapacityProvider p = f.ecs.createCapacityProvider(f.miProvider("mi", "c").build()).capacityProvider();
        assertThat(p.statusAsString()).isEqualTo("ACTIVE");
        assertThat(p.typeAsString()).isEqualTo("MANAGED_INSTANCES");
        assertThat(p.cluster()).isEqualTo("c");
        assertThat(p.capacityProviderArn()).isEqualTo("arn:aws:ecs:us-east-1:000000000000:capacity-provider/mi");
        var lt = p.managedInstancesProvider().instanceLaunchTemplate();
        assertThat(lt.capacityOptionTypeAsString()).isEqualTo("ON_DEMAND");
        assertThat(lt.instanceMetadataTagsPropagation()).isTrue();
        assertThat(lt.fipsEnabled()).isFalse();
        assertThat(lt.storageConfiguration().storageSizeGiB()).isEqualTo(16);
        assertThat(p.managedInstancesProvider().autoRepairConfiguration().actionsStatusAsString())
                .isEqualTo("ENABLED");
        assertThat(f.ecs.describeClusters(b -> b.clusters("c")).clusters().get(0).capacityProviders())
                .containsExactly("mi");
    }

    static Stream<Arguments> invalidCreates() {
        List<Arguments> a = new ArrayList<>();
        a.add(Arguments.of("no cluster", (BiFunction<EcsServerFixture, CreateCapacityProviderRequest.Builder,
                CreateCapacityProviderRequest.Builder>) (fx, b) -> b.cluster(null),
                "not supported without a Cluster Name"));
        a.add(Arguments.of("no provider details", fn((fx, b) -> b.managedInstancesProvider(
                (software.amazon.awssdk.services.ecs.model.CreateManagedInstancesProviderConfiguration) null)),
                "provider details are required"));
        a.add(Arguments.of("blank name", fn((fx, b) -> b.name("")), "must not be blank"));
        a.add(Arguments.of("reserved prefix", fn((fx, b) -> b.name("ecsthing")), "cannot start with"));
        a.add(Arguments.of("bad role", fn((fx, b) -> b.managedInstancesProvider(fx.miProvider("x", "c").build()
                .managedInstancesProvider().toBuilder().infrastructureRoleArn("role/x").build())),
                "infrastructure role arn is invalid"));
        a.add(Arguments.of("missing role", fn((fx, b) -> b.managedInstancesProvider(fx.miProvider("x", "c").build()
                .managedInstancesProvider().toBuilder().infrastructureRoleArn(null).build())),
                "must specify an InfrastructureRole"));
        a.add(Arguments.of("bad profile", fn((fx, b) -> b.managedInstancesProvider(lt(fx,
                t -> t.ec2InstanceProfileArn("arn:aws:iam::000000000000:role/notaprofile")))),
                "instance profile role arn is invalid"));
        a.add(Arguments.of("no profile", fn((fx, b) -> b.managedInstancesProvider(lt(fx,
                t -> t.ec2InstanceProfileArn(null)))), "must specify an instance profile"));
        a.add(Arguments.of("no network", fn((fx, b) -> b.managedInstancesProvider(lt(fx,
                t -> t.networkConfiguration((software.amazon.awssdk.services.ecs.model
                        .ManagedInstancesNetworkConfiguration) null)))), "must specify a Network Configuration"));
        a.add(Arguments.of("empty subnets", fn((fx, b) -> b.managedInstancesProvider(lt(fx,
                t -> t.networkConfiguration(n -> n.subnets(List.of()))))), "with non empty subnets"));
        a.add(Arguments.of("unknown subnet", fn((fx, b) -> b.managedInstancesProvider(lt(fx,
                t -> t.networkConfiguration(n -> n.subnets("subnet-0123456789abcdef0"))))),
                "subnet id is invalid"));
        a.add(Arguments.of("bad security group", fn((fx, b) -> b.managedInstancesProvider(lt(fx,
                t -> t.networkConfiguration(n -> n.subnets(fx.subnets().get(0)).securityGroups("sg-zzz"))))),
                "security group id is invalid"));
        a.add(Arguments.of("storage too big", fn((fx, b) -> b.managedInstancesProvider(lt(fx,
                t -> t.storageConfiguration(s -> s.storageSizeGiB(20000))))), "storageSizeGiB"));
        a.add(Arguments.of("no instance type matches", fn((fx, b) -> b.managedInstancesProvider(lt(fx,
                t -> t.instanceRequirements(r -> r.vCpuCount(v -> v.min(4000)).memoryMiB(m -> m.min(1)))))),
                "No instance types satisfy"));
        a.add(Arguments.of("allowed and excluded", fn((fx, b) -> b.managedInstancesProvider(lt(fx,
                t -> t.instanceRequirements(r -> r.vCpuCount(v -> v.min(2)).memoryMiB(m -> m.min(1))
                        .allowedInstanceTypes("m6g.*").excludedInstanceTypes("t4g.*"))))), "cannot be used together"));
        a.add(Arguments.of("scaleInAfter out of range", fn((fx, b) -> b.managedInstancesProvider(fx.miProvider("x",
                "c").build().managedInstancesProvider().toBuilder().infrastructureOptimization(o -> o.scaleInAfter(
                5000)).build())), "scaleInAfter"));
        a.add(Arguments.of("46 tags", fn((fx, b) -> b.tags(tags(46))), "(45)"));
        return a.stream();
    }

    private static BiFunction<EcsServerFixture, CreateCapacityProviderRequest.Builder,
            CreateCapacityProviderRequest.Builder> fn(BiFunction<EcsServerFixture,
            CreateCapacityProviderRequest.Builder, CreateCapacityProviderRequest.Builder> f) {
        return f;
    }

    private static software.amazon.awssdk.services.ecs.model.CreateManagedInstancesProviderConfiguration lt(
            EcsServerFixture fx, java.util.function.Consumer<software.amazon.awssdk.services.ecs.model
            .InstanceLaunchTemplate.Builder> change) {
        var mip = fx.miProvider("x", "c").build().managedInstancesProvider();
        var t = mip.instanceLaunchTemplate().toBuilder();
        change.accept(t);
        return mip.toBuilder().instanceLaunchTemplate(t.build()).build();
    }

    private static List<Tag> tags(int n) {
        List<Tag> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Tag.builder().key("k" + i).value("v").build());
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidCreates")
    void createCapacityProvider_invalidField_invalidParameterNamingIt(String label,
            BiFunction<EcsServerFixture, CreateCapacityProviderRequest.Builder, CreateCapacityProviderRequest.Builder>
                    change, String message) {
        CreateCapacityProviderRequest r = change.apply(f, f.miProvider("mi", "c")).build();
        assertThatThrownBy(() -> f.ecs.createCapacityProvider(r)).isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining(message);
    }

    @Test
    void createCapacityProvider_invalidEnum_invalidParameter() {
        var r = f.miProvider("mi", "c").build();
        var bad = r.toBuilder().managedInstancesProvider(r.managedInstancesProvider().toBuilder()
                .propagateTags("SOMETIMES").build()).build();
        assertThatThrownBy(() -> f.ecs.createCapacityProvider(bad)).isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("propagateTags");
    }

    /**
     * An Auto Scaling group provider names its group by ARN or by name (AutoScalingGroupProvider, ECS API reference),
     * and gets the documented defaults (termination protection off; in managed scaling step sizes 1 and 10000,
     * warm-up 300 s, target capacity 100), on create and on update; a blank group is refused.
     */
    @Test
    void createCapacityProvider_autoScalingGroupByName_storedWithScalingDefaults() {
        CapacityProvider p = f.ecs.createCapacityProvider(b -> b.name("by-name").autoScalingGroupProvider(a -> a
                .autoScalingGroupArn("my-asg").managedScaling(m -> m.status("ENABLED").targetCapacity(5)
                        .maximumScalingStepSize(2)))).capacityProvider();
        for (CapacityProvider q : List.of(p, f.ecs.describeCapacityProviders(b -> b.capacityProviders("by-name"))
                .capacityProviders().get(0))) {
            assertThat(q.autoScalingGroupProvider().autoScalingGroupArn()).isEqualTo("my-asg");
            var m = q.autoScalingGroupProvider().managedScaling();
            assertThat(List.of(m.minimumScalingStepSize(), m.maximumScalingStepSize(), m.instanceWarmupPeriod(),
                    m.targetCapacity())).containsExactly(1, 2, 300, 5);
        }
        assertThat(p.autoScalingGroupProvider().managedTerminationProtectionAsString()).isEqualTo("DISABLED");
        var updated = f.ecs.updateCapacityProvider(b -> b.name("by-name").autoScalingGroupProvider(a -> a
                .managedScaling(m -> m.status("ENABLED").instanceWarmupPeriod(0)))).capacityProvider()
                .autoScalingGroupProvider().managedScaling();
        assertThat(List.of(updated.minimumScalingStepSize(), updated.maximumScalingStepSize(),
                updated.instanceWarmupPeriod(), updated.targetCapacity())).containsExactly(1, 10000, 0, 100);
        assertThatThrownBy(() -> f.ecs.createCapacityProvider(b -> b.name("blank").autoScalingGroupProvider(a -> a
                .autoScalingGroupArn(" ")))).isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("autoScalingGroupArn");
    }

    @Test
    void createCapacityProvider_duplicate_clientExceptionByScope() {
        f.ecs.createCapacityProvider(f.miProvider("mi", "c").build());
        assertThatThrownBy(() -> f.ecs.createCapacityProvider(f.miProvider("mi", "c").build()))
                .isInstanceOf(ClientException.class).hasMessageContaining("already exists with cluster scope");
        f.ecs.createCluster(b -> b.clusterName("other"));
        assertThatThrownBy(() -> f.ecs.createCapacityProvider(f.miProvider("mi", "other").build()))
                .isInstanceOf(ClientException.class).hasMessageContaining("different cluster");
    }

    @Test
    void describeCapacityProviders_always_listsFargateAndPaginates() {
        f.ecs.createCapacityProvider(f.miProvider("mi", "c").build());
        assertThat(f.ecs.describeCapacityProviders(b -> { }).capacityProviders())
                .extracting(CapacityProvider::name).containsExactly("FARGATE", "FARGATE_SPOT", "mi");
        var page = f.ecs.describeCapacityProviders(b -> b.maxResults(2));
        assertThat(page.capacityProviders()).hasSize(2);
        var rest = f.ecs.describeCapacityProviders(b -> b.maxResults(2).nextToken(page.nextToken()));
        assertThat(rest.capacityProviders()).extracting(CapacityProvider::name).containsExactly("mi");
        assertThat(rest.nextToken()).isNull();
        var missing = f.ecs.describeCapacityProviders(b -> b.capacityProviders("nope"));
        assertThat(missing.failures()).singleElement().satisfies(x -> assertThat(x.reason()).isEqualTo("MISSING"));
        assertThat(f.ecs.describeCapacityProviders(b -> b.capacityProviders("mi").includeWithStrings("TAGS"))
                .capacityProviders()).hasSize(1);
    }

    @Test
    void updateCapacityProvider_changesLaunchTemplate_keepsCapacityOption() {
        f.ecs.createCapacityProvider(f.miProvider("mi", "c").build());
        CapacityProvider u = f.ecs.updateCapacityProvider(b -> b.name("mi").cluster("c").managedInstancesProvider(m -> m
                .infrastructureRoleArn(EcsServerFixture.ROLE).instanceLaunchTemplate(t -> t.monitoring("DETAILED"))
                .infrastructureOptimization(o -> o.scaleInAfter(60)))).capacityProvider();
        assertThat(u.managedInstancesProvider().instanceLaunchTemplate().monitoringAsString()).isEqualTo("DETAILED");
        assertThat(u.managedInstancesProvider().instanceLaunchTemplate().capacityOptionTypeAsString())
                .isEqualTo("ON_DEMAND");
        assertThat(u.managedInstancesProvider().infrastructureOptimization().scaleInAfter()).isEqualTo(60);
        assertThatThrownBy(() -> f.ecs.updateCapacityProvider(b -> b.name("mi").cluster("wrong")
                .managedInstancesProvider(m -> m.infrastructureRoleArn(EcsServerFixture.ROLE)
                        .instanceLaunchTemplate(t -> t.monitoring("BASIC")))))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("does not match");
        assertThatThrownBy(() -> f.ecs.updateCapacityProvider(b -> b.name("").cluster("c")))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("A name is required");
    }

    /**
     * DeleteCapacityProvider over the wire: a Managed Instances provider is answered DEPROVISIONING, FARGATE cannot
     * be deleted. What happens next (INACTIVE once its instances are gone, leaving the cluster) is tested on the
     * virtual clock in {@code io.stevedore.control.FleetBehaviourTest}.
     */
    @Test
    void deleteCapacityProvider_idle_answersDeprovisioning() {
        f.ecs.createCapacityProvider(f.miProvider("mi", "c").build());
        CapacityProvider d = f.ecs.deleteCapacityProvider(b -> b.capacityProvider("mi").cluster("c"))
                .capacityProvider();
        assertThat(d.statusAsString()).isEqualTo("DEPROVISIONING");
        assertThat(d.updateStatusAsString()).isEqualTo("DELETE_IN_PROGRESS");
        assertThat(d.name()).isEqualTo("mi");
        assertThatThrownBy(() -> f.ecs.deleteCapacityProvider(b -> b.capacityProvider("FARGATE")))
                .isInstanceOf(EcsException.class);
    }
}
