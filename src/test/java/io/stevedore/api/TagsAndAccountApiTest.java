package io.stevedore.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.ResourceNotFoundException;
import software.amazon.awssdk.services.ecs.model.Setting;
import software.amazon.awssdk.services.ecs.model.Tag;

class TagsAndAccountApiTest extends EcsServerTestBase {
    @Test
    void tagResource_clusterAndTaskDefinition_roundTrip() {
        String arn = f.ecs.createCluster(b -> b.clusterName("c")).cluster().clusterArn();
        f.ecs.tagResource(b -> b.resourceArn(arn).tags(Tag.builder().key("a").value("1").build(),
                Tag.builder().key("b").value("2").build()));
        f.ecs.untagResource(b -> b.resourceArn(arn).tagKeys("a"));
        assertThat(f.ecs.listTagsForResource(b -> b.resourceArn(arn)).tags()).extracting(Tag::key)
                .containsExactly("b");
        String td = f.register(EcsServerFixture.nginx("t")).taskDefinitionArn();
        f.ecs.tagResource(b -> b.resourceArn(td).tags(Tag.builder().key("x").value("y").build()));
        assertThat(f.ecs.listTagsForResource(b -> b.resourceArn(td)).tags()).hasSize(1);
    }

    @Test
    void tagResource_errors() {
        assertThatThrownBy(() -> f.ecs.listTagsForResource(b -> b.resourceArn(
                "arn:aws:ecs:us-east-1:000000000000:cluster/none"))).isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> f.ecs.listTagsForResource(b -> b.resourceArn("nonsense")))
                .isInstanceOf(InvalidParameterException.class);
        String arn = f.ecs.createCluster(b -> b.clusterName("c")).cluster().clusterArn();
        assertThatThrownBy(() -> f.ecs.tagResource(b -> b.resourceArn(arn).tags(Tag.builder().key("aws:x")
                .value("1").build()))).isInstanceOf(InvalidParameterException.class).hasMessageContaining("aws:");
    }

    /**
     * Without effectiveSettings only the principal's own values are listed ("If false, the account settings for the
     * principalArn are returned if they're set. Otherwise, no account settings are returned.", ListAccountSettings
     * API reference); with it, every setting.
     */
    @Test
    void listAccountSettings_withoutEffectiveSettings_onlyValuesSet() {
        assertThat(f.ecs.listAccountSettings(b -> { }).settings()).isEmpty();
        assertThat(f.ecs.listAccountSettings(b -> b.effectiveSettings(true)).settings()).hasSizeGreaterThan(3);
        f.ecs.putAccountSetting(b -> b.name("containerInsights").value("enabled"));
        f.ecs.putAccountSettingDefault(b -> b.name("awsvpcTrunking").value("enabled"));
        assertThat(f.ecs.listAccountSettings(b -> { }).settings()).singleElement().satisfies(s -> {
            assertThat(s.nameAsString()).isEqualTo("containerInsights");
            assertThat(s.value()).isEqualTo("enabled");
        });
        f.ecs.deleteAccountSetting(b -> b.name("containerInsights"));
        assertThat(f.ecs.listAccountSettings(b -> { }).settings()).isEmpty();
    }

    @Test
    void accountSettings_putAndList() {
        Setting s = f.ecs.putAccountSetting(b -> b.name("containerInsights").value("enabled")).setting();
        assertThat(s.principalArn()).isEqualTo("arn:aws:iam::000000000000:root");
        assertThat(f.ecs.listAccountSettings(b -> b.name("containerInsights").effectiveSettings(true)).settings())
                .singleElement().satisfies(x -> assertThat(x.value()).isEqualTo("enabled"));
        f.ecs.putAccountSettingDefault(b -> b.name("awsvpcTrunking").value("enabled"));
        assertThat(f.ecs.listAccountSettings(b -> b.name("awsvpcTrunking").effectiveSettings(true)).settings()
                .get(0).value()).isEqualTo("enabled");
        assertThat(f.ecs.listAccountSettings(b -> b.effectiveSettings(true).maxResults(3)).nextToken()).isNotNull();
        assertThatThrownBy(() -> f.ecs.putAccountSetting(b -> b.name("containerInsights").value("sometimes")))
                .isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> f.ecs.putAccountSetting(b -> b.name("noSuchSetting").value("enabled")))
                .isInstanceOf(InvalidParameterException.class);
    }
}
