package io.stevedore.api.ops;

import static io.stevedore.ecs.Errors.require;

import io.stevedore.api.EcsApi;
import io.stevedore.control.state.Context;
import io.stevedore.ecs.Errors;
import io.stevedore.ecs.Statuses;
import software.amazon.awssdk.services.ecs.model.CreateExpressGatewayServiceRequest;
import software.amazon.awssdk.services.ecs.model.DeleteExpressGatewayServiceRequest;
import software.amazon.awssdk.services.ecs.model.DescribeExpressGatewayServiceRequest;
import software.amazon.awssdk.services.ecs.model.ExecuteCommandRequest;
import software.amazon.awssdk.services.ecs.model.ExecuteCommandResponse;
import software.amazon.awssdk.services.ecs.model.ListServicesByNamespaceRequest;
import software.amazon.awssdk.services.ecs.model.ListServicesByNamespaceResponse;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.UpdateExpressGatewayServiceRequest;

/**
 * Operations whose real work lies in services Stevedore does not run, answered as ECS answers the cases that apply
 * here (docs/api.md "Operations answered without the service behind them"):
 * <ul>
 *   <li>ExecuteCommand: refused with ECS's message for a task started without ECS Exec; for one started with it,
 *   TargetNotConnectedException, since no SSM agent runs beside Stevedore's tasks;</li>
 *   <li>ListServicesByNamespace: Stevedore has no Cloud Map namespaces, so every namespace is not found;</li>
 *   <li>the Express Gateway operations, which provision load balancers: UnsupportedFeatureException naming that.</li>
 * </ul>
 */
public final class EdgeOps {
    /** ECS's answer for a task without ECS Exec. */
    static final String EXEC_NOT_ENABLED = "The execute command failed because execute command was not enabled when"
            + " the task was run or the execute command agent isn't running. Wait and try again or run a new task with"
            + " execute command enabled and try again.";

    private final Context ctx;

    public EdgeOps(Context ctx) {
        this.ctx = ctx;
    }

    public void register(EcsApi api) {
        api.register("ExecuteCommand", ExecuteCommandRequest::builder, ExecuteCommandRequest.class, this::execute);
        api.register("ListServicesByNamespace", ListServicesByNamespaceRequest::builder,
                ListServicesByNamespaceRequest.class, this::byNamespace);
        api.register("CreateExpressGatewayService", CreateExpressGatewayServiceRequest::builder,
                CreateExpressGatewayServiceRequest.class, r -> expressGateway("CreateExpressGatewayService"));
        api.register("UpdateExpressGatewayService", UpdateExpressGatewayServiceRequest::builder,
                UpdateExpressGatewayServiceRequest.class, r -> expressGateway("UpdateExpressGatewayService"));
        api.register("DescribeExpressGatewayService", DescribeExpressGatewayServiceRequest::builder,
                DescribeExpressGatewayServiceRequest.class, r -> expressGateway("DescribeExpressGatewayService"));
        api.register("DeleteExpressGatewayService", DeleteExpressGatewayServiceRequest::builder,
                DeleteExpressGatewayServiceRequest.class, r -> expressGateway("DeleteExpressGatewayService"));
    }

    ExecuteCommandResponse execute(ExecuteCommandRequest r) {
        require(r.task() != null && !r.task().isBlank(), "task must be specified.");
        require(r.command() != null && !r.command().isBlank(), "command must be specified.");
        require(Boolean.TRUE.equals(r.interactive()), "Interactive is the only mode supported currently.");
        var cluster = ctx.cluster(r.cluster());
        String arn = r.task().startsWith("arn:") ? r.task()
                : ctx.arn("task/" + cluster.clusterName() + "/" + r.task());
        Task t = ctx.state().tasks.get(arn).filter(x -> cluster.clusterArn().equals(x.clusterArn()))
                .orElseThrow(() -> Errors.invalid("The specified task was not found."));
        if (!Boolean.TRUE.equals(t.enableExecuteCommand()) || !Statuses.isRunning(t.lastStatus())) {
            throw Errors.invalid(EXEC_NOT_ENABLED);
        }
        throw Errors.of("TargetNotConnectedException", "The execute command failed: no SSM agent runs beside"
                + " Stevedore's tasks, so ECS Exec sessions cannot be opened (docs/api.md).");
    }

    ListServicesByNamespaceResponse byNamespace(ListServicesByNamespaceRequest r) {
        require(r.namespace() != null && !r.namespace().isBlank(), "namespace must be specified.");
        throw Errors.of("NamespaceNotFoundException", "The specified namespace '" + r.namespace() + "' was not"
                + " found: Stevedore has no AWS Cloud Map namespaces (Service Connect is not modelled).");
    }

    private static software.amazon.awssdk.core.SdkPojo expressGateway(String operation) {
        throw Errors.unsupported(operation + " is not supported: Express Gateway services provision Application Load"
                + " Balancers, which Stevedore does not model (docs/api.md).");
    }
}
