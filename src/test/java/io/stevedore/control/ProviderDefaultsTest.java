package io.stevedore.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stevedore.catalog.Offering;
import io.stevedore.catalog.PurchaseOption;
import io.stevedore.control.scheduling.CapacityOfferings;
import io.stevedore.control.state.PlaneConfig;
import io.stevedore.wire.AwsException;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.InstanceRequirementsRequest;

/**
 * Managed Instances providers' defaults as the real service has them: no instanceRequirements selects what the
 * default capacity provider would (general-purpose M types, no burstable, bare metal or accelerators), and FIPS is
 * accepted only where FIPS-enabled Managed Instances exist (GovCloud, X86_64).
 */
class ProviderDefaultsTest {
    private static final String ROLE = "arn:aws:iam::000000000000:role/r";
    private static final String PROFILE = "arn:aws:iam::000000000000:instance-profile/p";

    @Test
    void noInstanceRequirements_selectsGeneralPurposeTypes_withoutBurstableMetalOrAccelerators() {
        List<Offering> offerings = CapacityOfferings.load().select((InstanceRequirementsRequest) null, "us-east-1",
                PurchaseOption.ON_DEMAND).offerings();
        assertThat(offerings).hasSizeGreaterThan(20).allSatisfy(o -> {
            assertThat(o.type().name()).startsWith("m");
            assertThat(o.type().bareMetal()).as("%s bare metal", o.type().name()).isFalse();
            assertThat(o.type().burstable()).as("%s burstable", o.type().name()).isFalse();
            assertThat(o.type().accelerators()).as("%s accelerators", o.type().name()).isEmpty();
        });
        assertThat(offerings).extracting(o -> o.type().name()).anyMatch(n -> n.startsWith("m7g."))
                .anyMatch(n -> n.startsWith("m7i."));
    }

    private static String provider(ControlKit kit, String name, String cluster, String extra) {
        String subnet = kit.plane().cloud().network().subnets().get(0).id();
        return "{\"name\":\"" + name + "\",\"cluster\":\"" + cluster + "\",\"managedInstancesProvider\":{"
                + "\"infrastructureRoleArn\":\"" + ROLE + "\",\"instanceLaunchTemplate\":{"
                + "\"ec2InstanceProfileArn\":\"" + PROFILE + "\",\"networkConfiguration\":{\"subnets\":[\"" + subnet + "\"]},"
                + extra + "}}}";
    }

    @Test
    void fipsEnabled_outsideGovCloud_refusedWithWhereItExists() {
        try (ControlKit kit = ControlKit.start()) {
            kit.callJson("CreateCluster", "{\"clusterName\":\"c\"}");
            assertThatThrownBy(() -> kit.callJson("CreateCapacityProvider", provider(kit, "fips", "c",
                    "\"fipsEnabled\":true,\"instanceRequirements\":{\"vCpuCount\":{\"min\":2},"
                            + "\"memoryMiB\":{\"min\":4096},\"cpuManufacturers\":[\"intel\"]}")))
                    .isInstanceOf(AwsException.class)
                    .hasMessageContaining("fipsEnabled is only supported in the AWS GovCloud (US) Regions")
                    .hasMessageContaining("us-east-1");
            assertThat(kit.state().capacityProviders.get("fips")).isEmpty();
        }
    }

    @Test
    void fipsEnabled_inGovCloud_gravitonOnlyRefused_x86Accepted() {
        try (ControlKit kit = ControlKit.start(new PlaneConfig("us-gov-west-1", PlaneConfig.DEFAULT_ACCOUNT, 1))) {
            kit.callJson("CreateCluster", "{\"clusterName\":\"c\"}");
            assertThatThrownBy(() -> kit.callJson("CreateCapacityProvider", provider(kit, "arm", "c",
                    "\"fipsEnabled\":true,\"instanceRequirements\":{\"vCpuCount\":{\"min\":2},"
                            + "\"memoryMiB\":{\"min\":4096},\"cpuManufacturers\":[\"amazon-web-services\"]}")))
                    .isInstanceOf(AwsException.class).hasMessageContaining("fipsEnabled requires X86_64 instances");
            var created = kit.callJson("CreateCapacityProvider", provider(kit, "x86", "c",
                    "\"fipsEnabled\":true,\"instanceRequirements\":{\"vCpuCount\":{\"min\":2},"
                            + "\"memoryMiB\":{\"min\":4096},\"cpuManufacturers\":[\"intel\",\"amd\"]}"));
            assertThat(created.at("/capacityProvider/managedInstancesProvider/instanceLaunchTemplate/fipsEnabled")
                    .asBoolean()).isTrue();
        }
    }
}
