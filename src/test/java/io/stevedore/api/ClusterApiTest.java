package io.stevedore.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.Cluster;
import software.amazon.awssdk.services.ecs.model.ClusterContainsCapacityProviderException;
import software.amazon.awssdk.services.ecs.model.ClusterContainsServicesException;
import software.amazon.awssdk.services.ecs.model.ClusterNotFoundException;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.ListClustersResponse;

class ClusterApiTest extends EcsServerTestBase {
    @Test
    void createCluster_nameOmitted_createsDefaultWithLongArn() {
        Cluster c = f.ecs.createCluster(b -> { }).cluster();
        assertThat(c.clusterName()).isEqualTo("default");
        assertThat(c.clusterArn()).isEqualTo("arn:aws:ecs:us-east-1:000000000000:cluster/default");
        assertThat(c.status()).isEqualTo("ACTIVE");
        assertThat(f.ecs.describeClusters(b -> { }).clusters()).extracting(Cluster::clusterName)
                .containsExactly("default");
    }

    @Test
    void createCluster_twice_isIdempotent() {
        Cluster a = f.ecs.createCluster(b -> b.clusterName("c1")).cluster();
        Cluster b2 = f.ecs.createCluster(b -> b.clusterName("c1")).cluster();
        assertThat(b2.clusterArn()).isEqualTo(a.clusterArn());
        assertThat(f.ecs.listClusters().clusterArns()).hasSize(1);
    }

    @Test
    void createCluster_invalidName_invalidParameter() {
        assertThatThrownBy(() -> f.ecs.createCluster(b -> b.clusterName("bad name!")))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("clusterName");
    }

    @Test
    void createCluster_tooManyTags_invalidParameter() {
        List<software.amazon.awssdk.services.ecs.model.Tag> tags = new ArrayList<>();
        for (int i = 0; i < 51; i++) {
            tags.add(software.amazon.awssdk.services.ecs.model.Tag.builder().key("k" + i).value("v").build());
        }
        assertThatThrownBy(() -> f.ecs.createCluster(b -> b.clusterName("t").tags(tags)))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("(50)");
    }

    @Test
    void describeClusters_includeTagsAndSettings_returnsThem() {
        f.ecs.createCluster(b -> b.clusterName("tagged").tags(t -> t.key("team").value("a"))
                .settings(s -> s.name("containerInsights").value("enhanced")));
        Cluster plain = f.ecs.describeClusters(b -> b.clusters("tagged")).clusters().get(0);
        assertThat(plain.tags()).isEmpty();
        assertThat(plain.settings()).isEmpty();
        Cluster full = f.ecs.describeClusters(b -> b.clusters("tagged").includeWithStrings("TAGS", "SETTINGS",
                "STATISTICS")).clusters().get(0);
        assertThat(full.tags()).extracting(t -> t.key() + "=" + t.value()).containsExactly("team=a");
        assertThat(full.settings().get(0).value()).isEqualTo("enhanced");
        assertThat(full.statistics()).isNotEmpty();
    }

    @Test
    void describeClusters_unknown_reportsMissingFailure() {
        var r = f.ecs.describeClusters(b -> b.clusters("nope"));
        assertThat(r.clusters()).isEmpty();
        assertThat(r.failures()).singleElement().satisfies(x -> {
            assertThat(x.reason()).isEqualTo("MISSING");
            assertThat(x.arn()).endsWith(":cluster/nope");
        });
    }

    @Test
    void listClusters_paginates_withNextToken() {
        for (int i = 0; i < 7; i++) {
            int n = i;
            f.ecs.createCluster(b -> b.clusterName("p" + n));
        }
        List<String> all = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            String t = token;
            ListClustersResponse r = f.ecs.listClusters(b -> b.maxResults(3).nextToken(t));
            all.addAll(r.clusterArns());
            token = r.nextToken();
            pages++;
        } while (token != null);
        assertThat(pages).isEqualTo(3);
        assertThat(all).hasSize(7).doesNotHaveDuplicates();
        assertThat(f.ecs.listClustersPaginator(b -> b.maxResults(2)).clusterArns()).hasSize(7);
    }

    @Test
    void listClusters_badPaging_invalidParameter() {
        assertThatThrownBy(() -> f.ecs.listClusters(b -> b.maxResults(101)))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("maxResults");
        assertThatThrownBy(() -> f.ecs.listClusters(b -> b.nextToken("garbage!")))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("nextToken");
    }

    @Test
    void updateClusterSettings_changesInsights() {
        f.ecs.createCluster(b -> b.clusterName("u"));
        Cluster c = f.ecs.updateClusterSettings(b -> b.cluster("u").settings(s -> s.name("containerInsights")
                .value("enabled"))).cluster();
        assertThat(c.settings().get(0).value()).isEqualTo("enabled");
        assertThatThrownBy(() -> f.ecs.updateClusterSettings(b -> b.cluster("u").settings(s -> s
                .name("containerInsights").value("maybe")))).isInstanceOf(InvalidParameterException.class);
        Cluster u = f.ecs.updateCluster(b -> b.cluster("u").settings(s -> s.name("containerInsights")
                .value("disabled"))).cluster();
        assertThat(u.settings().get(0).value()).isEqualTo("disabled");
    }

    @Test
    void deleteCluster_thenInactiveAndNotListed() {
        f.ecs.createCluster(b -> b.clusterName("gone"));
        assertThat(f.ecs.deleteCluster(b -> b.cluster("gone")).cluster().status()).isEqualTo("INACTIVE");
        assertThat(f.ecs.listClusters().clusterArns()).isEmpty();
        assertThat(f.ecs.describeClusters(b -> b.clusters("gone")).clusters().get(0).status())
                .isEqualTo("INACTIVE");
        assertThatThrownBy(() -> f.ecs.deleteCluster(b -> b.cluster("gone")))
                .isInstanceOf(ClusterNotFoundException.class);
    }

    @Test
    void deleteCluster_withProviderOrService_refused() {
        f.miCluster("busy");
        assertThatThrownBy(() -> f.ecs.deleteCluster(b -> b.cluster("busy")))
                .isInstanceOf(ClusterContainsCapacityProviderException.class);
        var td = f.register(EcsServerFixture.nginx("web"));
        f.ecs.createService(b -> b.cluster("busy").serviceName("s").taskDefinition(td.taskDefinitionArn())
                .desiredCount(0).networkConfiguration(f.awsvpc()));
        assertThatThrownBy(() -> f.ecs.deleteCluster(b -> b.cluster("busy")))
                .isInstanceOf(ClusterContainsServicesException.class);
    }

    /**
     * PutClusterCapacityProviders as the seed's Terraform calls it and as it succeeded on AWS: the cluster's own ACTIVE
     * Managed Instances provider listed in capacityProviders (by name or ARN), with the default strategy on it, is
     * accepted and shows once; Fargate may stand beside it, and a strategy naming a provider not associated is still
     * refused (docs/decisions.md "PutClusterCapacityProviders and Managed Instances providers").
     */
    @Test
    void putClusterCapacityProviders_ownActiveMiProviderListed_acceptedAsOnAws() {
        var p = f.miCluster("seed");
        Cluster listed = f.ecs.putClusterCapacityProviders(b -> b.cluster("seed").capacityProviders(p.name())
                .defaultCapacityProviderStrategy(s -> s.capacityProvider(p.name()).base(0).weight(100))).cluster();
        assertThat(listed.capacityProviders()).containsExactly(p.name());
        assertThat(listed.defaultCapacityProviderStrategy()).singleElement().satisfies(s -> {
            assertThat(s.capacityProvider()).isEqualTo(p.name());
            assertThat(s.base()).isZero();
            assertThat(s.weight()).isEqualTo(100);
        });
        Cluster byArn = f.ecs.putClusterCapacityProviders(b -> b.cluster("seed")
                .capacityProviders(p.capacityProviderArn(), "FARGATE")
                .defaultCapacityProviderStrategy(s -> s.capacityProvider(p.name()).weight(1))).cluster();
        assertThat(byArn.capacityProviders()).containsExactlyInAnyOrder("FARGATE", p.name());
        assertThat(f.ecs.describeClusters(b -> b.clusters("seed")).clusters().get(0).capacityProviders())
                .containsExactlyInAnyOrder("FARGATE", p.name());
        assertThatThrownBy(() -> f.ecs.putClusterCapacityProviders(b -> b.cluster("seed").capacityProviders("FARGATE")
                .defaultCapacityProviderStrategy(s -> s.capacityProvider("FARGATE_SPOT").weight(1))))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("not associated");
    }

    /**
     * The refusals the public evidence shows, with ECS's words: another cluster's Managed Instances provider, and one
     * listed beside an Auto Scaling group provider ("Cannot associate Managed Instances capacity provider to clusters
     * using this API…"); a provider that is not ACTIVE ("… is not in an ACTIVE state…"). A refused call changes
     * nothing.
     */
    @Test
    void putClusterCapacityProviders_otherClustersMixedOrNotActiveMiProvider_refusedWithEcsMessages() throws Exception {
        try (EcsServerFixture m = new EcsServerFixture(dir.resolve("still"), false)) { // no loop: states hold
            var own = m.miCluster("seed");
            var other = m.miCluster("other");
            String asg = m.ecs.createCapacityProvider(b -> b.name("asg").autoScalingGroupProvider(a -> a
                    .autoScalingGroupArn("arn:aws:autoscaling:us-east-1:000000000000:autoScalingGroup:1:"
                            + "autoScalingGroupName/asg"))).capacityProvider().name();
            assertThatThrownBy(() -> m.ecs.putClusterCapacityProviders(b -> b.cluster("seed")
                    .capacityProviders(other.name()).defaultCapacityProviderStrategy(List.of())))
                    .isInstanceOf(InvalidParameterException.class)
                    .hasMessageContaining("Cannot associate Managed Instances capacity provider to clusters using this"
                            + " API. Managed Instances capacity providers are already associated with the cluster");
            assertThatThrownBy(() -> m.ecs.putClusterCapacityProviders(b -> b.cluster("seed")
                    .capacityProviders(asg, own.name()).defaultCapacityProviderStrategy(List.of())))
                    .isInstanceOf(InvalidParameterException.class)
                    .hasMessageContaining("Cannot associate Managed Instances capacity provider to clusters using");
            var leaving = m.ecs.createCapacityProvider(m.miProvider("seed-leaving", "seed").build()).capacityProvider();
            m.ecs.deleteCapacityProvider(b -> b.capacityProvider(leaving.name()).cluster("seed"));
            assertThatThrownBy(() -> m.ecs.putClusterCapacityProviders(b -> b.cluster("seed")
                    .capacityProviders(leaving.name()).defaultCapacityProviderStrategy(List.of())))
                    .isInstanceOf(InvalidParameterException.class)
                    .hasMessageContaining("The specified capacity provider 'seed-leaving' is not in an ACTIVE state."
                            + " Specify a valid capacity provider and try again.");
            Cluster after = m.ecs.describeClusters(b -> b.clusters("seed")).clusters().get(0);
            assertThat(after.defaultCapacityProviderStrategy()).singleElement()
                    .satisfies(s -> assertThat(s.capacityProvider()).isEqualTo(own.name()));
            assertThat(after.capacityProviders()).contains(own.name()).doesNotContain(other.name(), asg);
        }
    }
}
