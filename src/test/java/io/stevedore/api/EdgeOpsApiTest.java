package io.stevedore.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.NamespaceNotFoundException;
import software.amazon.awssdk.services.ecs.model.Setting;
import software.amazon.awssdk.services.ecs.model.TargetNotConnectedException;
import software.amazon.awssdk.services.ecs.model.UnsupportedFeatureException;

/**
 * Operations answered without the service behind them, through the real EcsClient: ExecuteCommand,
 * ListServicesByNamespace, the Express Gateway operations; and DeleteAccountSetting.
 */
class EdgeOpsApiTest extends EcsServerTestBase {
    @BeforeEach
    void setUp() {
        f.miCluster("c");
        f.register(EcsServerFixture.nginx("web"));
    }

    @Test
    void executeCommand_withoutExec_refusedAsEcs_withExec_targetNotConnected() {
        String plain = f.ecs.runTask(b -> b.cluster("c").taskDefinition("web").networkConfiguration(f.awsvpc()))
                .tasks().get(0).taskArn();
        String exec = f.ecs.runTask(b -> b.cluster("c").taskDefinition("web").networkConfiguration(f.awsvpc())
                .enableExecuteCommand(true)).tasks().get(0).taskArn();
        f.waiter.waitUntilTasksRunning(b -> b.cluster("c").tasks(plain, exec));
        assertThatThrownBy(() -> f.ecs.executeCommand(b -> b.cluster("c").task(plain).command("/bin/sh")
                .interactive(true))).isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("execute command was not enabled when the task was run");
        assertThatThrownBy(() -> f.ecs.executeCommand(b -> b.cluster("c").task(exec).command("/bin/sh")
                .interactive(true))).isInstanceOf(TargetNotConnectedException.class)
                .hasMessageContaining("no SSM agent");
        assertThatThrownBy(() -> f.ecs.executeCommand(b -> b.cluster("c").task(exec).command("ls")
                .interactive(false))).isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("Interactive is the only mode supported");
        assertThatThrownBy(() -> f.ecs.executeCommand(b -> b.cluster("c").task("0123456789abcdef").command("ls")
                .interactive(true))).isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("task was not found");
    }

    @Test
    void listServicesByNamespace_noCloudMap_namespaceNotFound() {
        assertThatThrownBy(() -> f.ecs.listServicesByNamespace(b -> b.namespace("svc.local")))
                .isInstanceOf(NamespaceNotFoundException.class).hasMessageContaining("svc.local");
    }

    @Test
    void expressGateway_unsupportedWithTheReason() {
        assertThatThrownBy(() -> f.ecs.createExpressGatewayService(b -> b.serviceName("x")))
                .isInstanceOf(UnsupportedFeatureException.class)
                .hasMessageContaining("CreateExpressGatewayService").hasMessageContaining("Load Balancers");
        assertThatThrownBy(() -> f.ecs.deleteExpressGatewayService(b -> b.serviceArn("arn:aws:ecs:x")))
                .isInstanceOf(UnsupportedFeatureException.class);
    }

    /** DeleteAccountSetting removes the principal's own value: the account default applies again. */
    @Test
    void deleteAccountSetting_principalFallsBackToTheDefault() {
        String role = "arn:aws:iam::000000000000:role/dev";
        f.ecs.putAccountSettingDefault(b -> b.name("containerInsights").value("enhanced"));
        f.ecs.putAccountSetting(b -> b.name("containerInsights").value("disabled").principalArn(role));
        assertThat(effective(role)).isEqualTo("disabled");
        Setting deleted = f.ecs.deleteAccountSetting(b -> b.name("containerInsights").principalArn(role)).setting();
        assertThat(deleted.value()).isEqualTo("enhanced");
        assertThat(deleted.principalArn()).isEqualTo(role);
        assertThat(effective(role)).isEqualTo("enhanced");
        assertThatThrownBy(() -> f.ecs.deleteAccountSetting(b -> b.name("noSuchSetting")))
                .isInstanceOf(InvalidParameterException.class);
    }

    private String effective(String principal) {
        return f.ecs.listAccountSettings(b -> b.name("containerInsights").principalArn(principal)
                .effectiveSettings(true)).settings().get(0).value();
    }
}
