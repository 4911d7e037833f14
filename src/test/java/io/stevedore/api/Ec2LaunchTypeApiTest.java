package io.stevedore.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.InstanceStateChange;
import software.amazon.awssdk.services.ec2.model.RunInstancesResponse;
import software.amazon.awssdk.services.ecs.model.Attribute;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ClientException;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.Failure;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.Resource;
import software.amazon.awssdk.services.ecs.model.RunTaskResponse;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * The EC2 launch type on instances the user launches (issue #13 point 5): EC2's RunInstances with ECS user data, the
 * emulated agent registering the instance, RunTask / StartTask / services on it, TerminateInstances deregistering it;
 * driven by the real AWS SDK for Java v2 {@code Ec2Client} and {@code EcsClient}.
 */
class Ec2LaunchTypeApiTest {
    static final String AMI = "ami-0abcdef1234567890";
    @TempDir
    static Path dir;
    static EcsServerFixture f;
    static Ec2Client ec2;

    @BeforeAll
    static void start() throws Exception {
        f = new EcsServerFixture(dir);
        ec2 = f.ec2Client();
    }

    @AfterAll
    static void stop() {
        ec2.close();
        f.close();
    }

    static String userData(String cluster) {
        return Base64.getEncoder().encodeToString(("#!/bin/bash\necho ECS_CLUSTER=" + cluster
                + " >> /etc/ecs/ecs.config\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Launches {@code n} instances of {@code type} for {@code cluster}'s agent; their ids. */
    static List<String> launch(String cluster, String type, int n) {
        RunInstancesResponse r = ec2.runInstances(b -> b.imageId(AMI).instanceType(type).minCount(n).maxCount(n)
                .userData(userData(cluster)));
        assertThat(r.instances()).hasSize(n).allSatisfy(i -> assertThat(i.state().nameAsString()).isEqualTo("pending"));
        return r.instances().stream().map(software.amazon.awssdk.services.ec2.model.Instance::instanceId).toList();
    }

    /** The cluster's ACTIVE container instances once {@code n} are registered. */
    static List<ContainerInstance> awaitInstances(String cluster, int n) {
        DaemonApiTest.eventually(() -> assertThat(f.ecs.listContainerInstances(b -> b.cluster(cluster))
                .containerInstanceArns()).hasSize(n));
        return f.ecs.describeContainerInstances(b -> b.cluster(cluster).containerInstances(f.ecs
                .listContainerInstances(x -> x.cluster(cluster)).containerInstanceArns())).containerInstances();
    }

    static RegisterTaskDefinitionRequest.Builder bridge(String family, int cpu, int memory) {
        return RegisterTaskDefinitionRequest.builder().family(family).requiresCompatibilitiesWithStrings("EC2")
                .containerDefinitions(ContainerDefinition.builder().name("app").image("public.ecr.aws/nginx/nginx")
                        .cpu(cpu).memory(memory).essential(true).build());
    }

    static Task awaitStatus(String cluster, String taskArn, String status) {
        DaemonApiTest.eventually(() -> assertThat(f.ecs.describeTasks(b -> b.cluster(cluster).tasks(taskArn)).tasks()
                .get(0).lastStatus()).isEqualTo(status));
        return f.ecs.describeTasks(b -> b.cluster(cluster).tasks(taskArn)).tasks().get(0);
    }

    @Test
    void runInstances_ecsUserData_registersAndRunTaskEc2Runs() {
        f.ecs.createCluster(b -> b.clusterName("ec2a"));
        String id = launch("ec2a", "m5.large", 1).get(0);
        ContainerInstance ci = awaitInstances("ec2a", 1).get(0);
        assertThat(ci.ec2InstanceId()).isEqualTo(id);
        assertThat(ci.capacityProviderName()).isNull();
        assertThat(ci.agentConnected()).isTrue();
        Map<String, String> attrs = ci.attributes().stream().filter(a -> a.value() != null)
                .collect(Collectors.toMap(Attribute::name, Attribute::value));
        assertThat(attrs).containsEntry("ecs.instance-type", "m5.large").containsEntry("ecs.ami-id", AMI)
                .containsEntry("ecs.os-type", "linux").containsEntry("ecs.cpu-architecture", "x86_64")
                .containsKey("ecs.availability-zone");
        assertThat(ci.attributes()).extracting(Attribute::name).contains("ecs.capability.task-eni",
                "com.amazonaws.ecs.capability.docker-remote-api.1.17");
        assertThat(ci.registeredResources()).extracting(Resource::name).containsExactly("CPU", "MEMORY", "PORTS",
                "PORTS_UDP");
        assertThat(ci.registeredResources().get(0).integerValue()).isEqualTo(2048);
        assertThat(ci.registeredResources().get(1).integerValue()).isBetween(7000, 8192);
        assertThat(ec2.describeInstances(b -> b.instanceIds(id)).reservations().get(0).instances().get(0))
                .satisfies(i -> {
                    assertThat(i.imageId()).isEqualTo(AMI);
                    assertThat(i.state().nameAsString()).isEqualTo("running");
                });

        f.register(bridge("ec2web", 512, 1024));
        RunTaskResponse run = f.ecs.runTask(b -> b.cluster("ec2a").taskDefinition("ec2web").launchType("EC2"));
        assertThat(run.failures()).isEmpty();
        Task t = awaitStatus("ec2a", run.tasks().get(0).taskArn(), "RUNNING");
        assertThat(t.containerInstanceArn()).isEqualTo(ci.containerInstanceArn());
        assertThat(t.launchTypeAsString()).isEqualTo("EC2");
        assertThat(f.ecs.describeContainerInstances(b -> b.cluster("ec2a").containerInstances(ci
                .containerInstanceArn())).containerInstances().get(0).runningTasksCount()).isEqualTo(1);
    }

    @Test
    void runTaskEc2_noInstance_noContainerInstancesFailure_andTooBig_resourceFailure() {
        f.ecs.createCluster(b -> b.clusterName("ec2b"));
        f.register(bridge("ec2big", 256, 64_000));
        assertThat(f.ecs.runTask(b -> b.cluster("ec2b").taskDefinition("ec2big").launchType("EC2")).failures())
                .extracting(Failure::reason).containsExactly("No Container Instances were found in your cluster.");
        launch("ec2b", "t3.medium", 1);
        awaitInstances("ec2b", 1);
        RunTaskResponse r = f.ecs.runTask(b -> b.cluster("ec2b").taskDefinition("ec2big").launchType("EC2")
                .count(2));
        assertThat(r.tasks()).isEmpty();
        assertThat(r.failures()).extracting(Failure::reason).containsExactly("RESOURCE:MEMORY", "RESOURCE:MEMORY");
        f.register(bridge("ec2cpu", 4096, 128));
        assertThat(f.ecs.runTask(b -> b.cluster("ec2b").taskDefinition("ec2cpu").launchType("EC2")).failures())
                .extracting(Failure::reason).containsExactly("RESOURCE:CPU");
    }

    @Test
    void runTaskEc2_memberOfCustomAttribute_placesOnTheTaggedInstance() {
        f.ecs.createCluster(b -> b.clusterName("ec2c"));
        launch("ec2c", "m5.large", 2);
        List<ContainerInstance> cis = awaitInstances("ec2c", 2);
        String target = cis.get(1).containerInstanceArn();
        f.ecs.putAttributes(b -> b.cluster("ec2c").attributes(Attribute.builder().name("stack").value("blue")
                .targetId(target).build()));
        f.register(bridge("ec2m", 128, 128));
        RunTaskResponse r = f.ecs.runTask(b -> b.cluster("ec2c").taskDefinition("ec2m").launchType("EC2").count(3)
                .placementConstraints(c -> c.type("memberOf").expression("attribute:stack == blue")));
        assertThat(r.failures()).isEmpty();
        assertThat(r.tasks()).hasSize(3).allSatisfy(t -> assertThat(t.containerInstanceArn()).isEqualTo(target));
        RunTaskResponse none = f.ecs.runTask(b -> b.cluster("ec2c").taskDefinition("ec2m").launchType("EC2")
                .placementConstraints(c -> c.type("memberOf").expression("attribute:stack == green")));
        assertThat(none.failures()).extracting(Failure::reason)
                .containsExactly("MemberOf placement constraint unsatisfied");
    }

    @Test
    void hostPorts_secondTaskOnTheSamePort_isRefusedWithPorts() {
        f.ecs.createCluster(b -> b.clusterName("ec2p"));
        launch("ec2p", "m5.large", 1);
        awaitInstances("ec2p", 1);
        f.register(bridge("ec2port", 128, 128).containerDefinitions(ContainerDefinition.builder().name("app")
                .image("nginx").memory(128).essential(true).portMappings(p -> p.containerPort(80).hostPort(8080))
                .build()));
        assertThat(f.ecs.runTask(b -> b.cluster("ec2p").taskDefinition("ec2port").launchType("EC2")).failures())
                .isEmpty();
        assertThat(f.ecs.runTask(b -> b.cluster("ec2p").taskDefinition("ec2port").launchType("EC2")).failures())
                .extracting(Failure::reason).containsExactly("RESOURCE:PORTS");
    }

    @Test
    void terminateInstances_deregistersTheContainerInstance_andStopsItsTasks() {
        f.ecs.createCluster(b -> b.clusterName("ec2t"));
        String id = launch("ec2t", "m5.large", 1).get(0);
        ContainerInstance ci = awaitInstances("ec2t", 1).get(0);
        f.register(bridge("ec2term", 256, 256));
        String task = f.ecs.runTask(b -> b.cluster("ec2t").taskDefinition("ec2term").launchType("EC2")).tasks().get(0)
                .taskArn();
        awaitStatus("ec2t", task, "RUNNING");
        List<InstanceStateChange> changes = ec2.terminateInstances(b -> b.instanceIds(id)).terminatingInstances();
        assertThat(changes).singleElement().satisfies(c -> {
            assertThat(c.previousState().nameAsString()).isEqualTo("running");
            assertThat(c.currentState().nameAsString()).isEqualTo("shutting-down");
        });
        Task stopped = awaitStatus("ec2t", task, "STOPPED");
        assertThat(stopped.stoppedReason()).contains(id).contains("terminated");
        DaemonApiTest.eventually(() -> assertThat(f.ecs.describeContainerInstances(b -> b.cluster("ec2t")
                .containerInstances(ci.containerInstanceArn())).containerInstances().get(0).status())
                .isEqualTo("INACTIVE"));
        assertThat(f.ecs.listContainerInstances(b -> b.cluster("ec2t")).containerInstanceArns()).isEmpty();
        assertThat(f.ecs.runTask(b -> b.cluster("ec2t").taskDefinition("ec2term").launchType("EC2")).failures())
                .extracting(Failure::reason).containsExactly("No Container Instances were found in your cluster.");
    }

    @Test
    void stopAndStartInstances_disconnectAndReconnectTheAgent() {
        f.ecs.createCluster(b -> b.clusterName("ec2s"));
        String id = launch("ec2s", "m5.large", 1).get(0);
        ContainerInstance ci = awaitInstances("ec2s", 1).get(0);
        assertThat(ec2.stopInstances(b -> b.instanceIds(id)).stoppingInstances()).singleElement()
                .satisfies(c -> assertThat(c.currentState().nameAsString()).isEqualTo("stopping"));
        DaemonApiTest.eventually(() -> assertThat(f.ecs.describeContainerInstances(b -> b.cluster("ec2s")
                .containerInstances(ci.containerInstanceArn())).containerInstances().get(0).agentConnected())
                .isFalse());
        f.register(bridge("ec2stop", 128, 128));
        assertThat(f.ecs.runTask(b -> b.cluster("ec2s").taskDefinition("ec2stop").launchType("EC2")).failures())
                .extracting(Failure::reason).containsExactly("AGENT");
        assertThat(ec2.startInstances(b -> b.instanceIds(id)).startingInstances()).singleElement()
                .satisfies(c -> assertThat(c.currentState().nameAsString()).isEqualTo("pending"));
        DaemonApiTest.eventually(() -> assertThat(f.ecs.describeContainerInstances(b -> b.cluster("ec2s")
                .containerInstances(ci.containerInstanceArn())).containerInstances().get(0).agentConnected())
                .isTrue());
        assertThat(f.ecs.runTask(b -> b.cluster("ec2s").taskDefinition("ec2stop").launchType("EC2")).failures())
                .isEmpty();
    }

    @Test
    void runInstances_errors() {
        assertThatThrownBy(() -> ec2.runInstances(b -> b.instanceType("m5.large").minCount(1).maxCount(1)))
                .isInstanceOfSatisfying(AwsServiceException.class, e -> assertThat(e.awsErrorDetails().errorCode())
                        .isEqualTo("MissingParameter"));
        assertThatThrownBy(() -> ec2.runInstances(b -> b.imageId("img-1").minCount(1).maxCount(1)))
                .isInstanceOfSatisfying(AwsServiceException.class, e -> assertThat(e.awsErrorDetails().errorCode())
                        .isEqualTo("InvalidAMIID.Malformed"));
        assertThatThrownBy(() -> ec2.runInstances(b -> b.imageId(AMI).instanceType("m5.huge").minCount(1)
                .maxCount(1))).isInstanceOfSatisfying(AwsServiceException.class, e -> assertThat(e
                .awsErrorDetails().errorCode()).isEqualTo("InvalidParameterValue"));
        assertThatThrownBy(() -> ec2.runInstances(b -> b.imageId(AMI).minCount(3).maxCount(2)))
                .isInstanceOfSatisfying(AwsServiceException.class, e -> assertThat(e.awsErrorDetails().errorCode())
                        .isEqualTo("InvalidParameterValue"));
        assertThatThrownBy(() -> ec2.runInstances(b -> b.imageId(AMI).minCount(0).maxCount(1)))
                .isInstanceOfSatisfying(AwsServiceException.class, e -> assertThat(e.awsErrorDetails().errorCode())
                        .isEqualTo("InvalidParameterValue"));
        assertThatThrownBy(() -> ec2.runInstances(b -> b.imageId(AMI).minCount(1).maxCount(1)
                .subnetId("subnet-00000000000000000"))).isInstanceOfSatisfying(AwsServiceException.class, e ->
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidSubnetID.NotFound"));
        assertThatThrownBy(() -> ec2.runInstances(b -> b.imageId(AMI).minCount(1).maxCount(1)
                .securityGroupIds("sg-00000000000000000"))).isInstanceOfSatisfying(AwsServiceException.class, e ->
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidGroup.NotFound"));
        assertThatThrownBy(() -> ec2.runInstances(b -> b.imageId(AMI).minCount(1).maxCount(1).dryRun(true)))
                .isInstanceOfSatisfying(AwsServiceException.class, e -> assertThat(e.awsErrorDetails().errorCode())
                        .isEqualTo("DryRunOperation"));
        assertThatThrownBy(() -> ec2.terminateInstances(b -> b.instanceIds("i-0000000000000dead")))
                .isInstanceOfSatisfying(AwsServiceException.class, e -> assertThat(e.awsErrorDetails().errorCode())
                        .isEqualTo("InvalidInstanceID.NotFound"));
    }

    @Test
    void runInstances_defaultsAndSpot_showInDescribeInstances() {
        RunInstancesResponse r = ec2.runInstances(b -> b.imageId(AMI).minCount(1).maxCount(2).keyName("k")
                .subnetId(f.subnets().get(1)).instanceMarketOptions(m -> m.marketType("spot"))
                .tagSpecifications(t -> t.resourceType("instance").tags(x -> x.key("Name").value("w"))));
        assertThat(r.instances()).hasSize(2);
        assertThat(r.reservationId()).startsWith("r-");
        var both = ec2.describeInstances(b -> b.instanceIds(r.instances().get(0).instanceId(),
                r.instances().get(1).instanceId())).reservations();
        assertThat(both).as("one reservation per RunInstances call").singleElement().satisfies(res -> {
            assertThat(res.reservationId()).isEqualTo(r.reservationId());
            assertThat(res.instances()).hasSize(2);
        });
        var i = ec2.describeInstances(b -> b.instanceIds(r.instances().get(1).instanceId())).reservations().get(0)
                .instances().get(0);
        assertThat(i.instanceTypeAsString()).isEqualTo("m1.small");
        assertThat(i.subnetId()).isEqualTo(f.subnets().get(1));
        assertThat(i.keyName()).isEqualTo("k");
        assertThat(i.instanceLifecycleAsString()).isEqualTo("spot");
        assertThat(i.amiLaunchIndex()).isEqualTo(1);
        assertThat(i.tags()).anySatisfy(t -> assertThat(t.key() + "=" + t.value()).isEqualTo("Name=w"));
        assertThat(i.securityGroups()).singleElement().satisfies(g -> assertThat(g.groupName()).isEqualTo("default"));
        assertThatThrownBy(() -> ec2.stopInstances(b -> b.instanceIds(i.instanceId())))
                .isInstanceOfSatisfying(AwsServiceException.class, e -> assertThat(e.awsErrorDetails().errorCode())
                        .isEqualTo("UnsupportedOperation"));
        ec2.terminateInstances(b -> b.instanceIds(i.instanceId()));
        assertThatThrownBy(() -> ec2.startInstances(b -> b.instanceIds(i.instanceId())))
                .isInstanceOfSatisfying(AwsServiceException.class, e -> assertThat(e.awsErrorDetails().errorCode())
                        .isEqualTo("IncorrectInstanceState"));
    }

    @Test
    void managedInstances_stayRefused() {
        f.miCluster("ec2mi");
        f.register(EcsServerFixture.nginx("ec2miweb"));
        f.ecs.runTask(b -> b.cluster("ec2mi").taskDefinition("ec2miweb").networkConfiguration(f.awsvpc()));
        DaemonApiTest.eventually(() -> assertThat(f.ecs.listContainerInstances(b -> b.cluster("ec2mi"))
                .containerInstanceArns()).isNotEmpty());
        String managed = f.ecs.describeContainerInstances(b -> b.cluster("ec2mi").containerInstances(f.ecs
                .listContainerInstances(x -> x.cluster("ec2mi")).containerInstanceArns())).containerInstances().get(0)
                .ec2InstanceId();
        for (var call : List.<Runnable>of(() -> ec2.terminateInstances(b -> b.instanceIds(managed)),
                () -> ec2.stopInstances(b -> b.instanceIds(managed)),
                () -> ec2.startInstances(b -> b.instanceIds(managed)))) {
            assertThatThrownBy(call::run).isInstanceOfSatisfying(AwsServiceException.class, e -> assertThat(e
                    .awsErrorDetails().errorCode()).isEqualTo("OperationNotPermitted"));
        }
        assertThat(ec2.describeInstances(b -> b.instanceIds(managed)).reservations().get(0).instances().get(0)
                .state().nameAsString()).isNotEqualTo("terminated");
    }

    @Test
    void deregisterContainerInstance_busyNeedsForce_thenTheInstanceStaysOut() {
        f.ecs.createCluster(b -> b.clusterName("ec2d"));
        launch("ec2d", "m5.large", 1);
        ContainerInstance ci = awaitInstances("ec2d", 1).get(0);
        f.register(bridge("ec2dereg", 128, 128));
        String task = f.ecs.runTask(b -> b.cluster("ec2d").taskDefinition("ec2dereg").launchType("EC2")).tasks()
                .get(0).taskArn();
        assertThatThrownBy(() -> f.ecs.deregisterContainerInstance(b -> b.cluster("ec2d")
                .containerInstance(ci.containerInstanceArn()))).isInstanceOf(InvalidParameterException.class);
        assertThat(f.ecs.deregisterContainerInstance(b -> b.cluster("ec2d").containerInstance(ci
                .containerInstanceArn()).force(true)).containerInstance().status()).isEqualTo("INACTIVE");
        awaitStatus("ec2d", task, "STOPPED");
        assertThat(f.ecs.listContainerInstances(b -> b.cluster("ec2d")).containerInstanceArns()).isEmpty();
    }

    @Test
    void startTask_onChosenInstances_failuresPerInstance() {
        f.ecs.createCluster(b -> b.clusterName("ec2st"));
        launch("ec2st", "m5.large", 2);
        List<ContainerInstance> cis = awaitInstances("ec2st", 2);
        String a = cis.get(0).containerInstanceArn();
        String b2 = cis.get(1).containerInstanceArn();
        f.register(bridge("ec2fill", 256, 6000));
        // fill the second instance's memory first, then ask for both
        assertThat(f.ecs.startTask(b -> b.cluster("ec2st").taskDefinition("ec2fill").containerInstances(b2))
                .failures()).isEmpty();
        var r = f.ecs.startTask(b -> b.cluster("ec2st").taskDefinition("ec2fill").group("batch").startedBy("me")
                .containerInstances(a.substring(a.lastIndexOf('/') + 1), b2, "0123456789abcdef0123456789abcdef")
                .tags(t -> t.key("k").value("v")).enableECSManagedTags(true));
        assertThat(r.tasks()).singleElement().satisfies(t -> {
            assertThat(t.containerInstanceArn()).isEqualTo(a);
            assertThat(t.group()).isEqualTo("batch");
            assertThat(t.startedBy()).isEqualTo("me");
            assertThat(t.launchTypeAsString()).isEqualTo("EC2");
            assertThat(t.tags()).extracting(x -> x.key()).containsExactlyInAnyOrder("k", "aws:ecs:clusterName");
        });
        assertThat(r.failures()).extracting(Failure::arn, Failure::reason).containsExactly(
                org.assertj.core.groups.Tuple.tuple(b2, "RESOURCE:MEMORY"),
                org.assertj.core.groups.Tuple.tuple(f.plane.config().arnPrefix()
                        + "container-instance/ec2st/0123456789abcdef0123456789abcdef", "MISSING"));
        awaitStatus("ec2st", r.tasks().get(0).taskArn(), "RUNNING");
    }

    @Test
    void startTask_errors() {
        f.ecs.createCluster(b -> b.clusterName("ec2se"));
        launch("ec2se", "m5.large", 1);
        String ci = awaitInstances("ec2se", 1).get(0).containerInstanceArn();
        f.register(bridge("ec2se", 128, 128));
        List<String> eleven = java.util.stream.IntStream.range(0, 11).mapToObj(i -> ci).toList();
        assertThatThrownBy(() -> f.ecs.startTask(b -> b.cluster("ec2se").taskDefinition("ec2se")
                .containerInstances(eleven))).isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("at most 10");
        assertThatThrownBy(() -> f.ecs.startTask(b -> b.cluster("ec2se").taskDefinition("ec2se")))
                .isInstanceOf(InvalidParameterException.class);
        assertThatThrownBy(() -> f.ecs.startTask(b -> b.cluster("ec2se").taskDefinition("nope:1")
                .containerInstances(ci))).isInstanceOf(InvalidParameterException.class);
        f.register(EcsServerFixture.nginx("ec2seMi"));
        assertThatThrownBy(() -> f.ecs.startTask(b -> b.cluster("ec2se").taskDefinition("ec2seMi")
                .containerInstances(ci))).isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("Network Configuration must be provided");
        assertThatThrownBy(() -> f.ecs.startTask(b -> b.cluster("nocluster").taskDefinition("ec2se")
                .containerInstances(ci))).isInstanceOf(software.amazon.awssdk.services.ecs.model
                .ClusterNotFoundException.class);
    }

    @Test
    void registerContainerInstance_identityDocumentOfAUserInstance_registersItThere() {
        f.ecs.createCluster(b -> b.clusterName("ec2r"));
        String id = ec2.runInstances(b -> b.imageId(AMI).instanceType("m5.large").minCount(1).maxCount(1))
                .instances().get(0).instanceId(); // no user data: its agent joins no cluster by itself
        String doc = "{\"instanceId\":\"" + id + "\",\"region\":\"us-east-1\",\"instanceType\":\"m5.large\"}";
        DaemonApiTest.eventually(() -> assertThat(ec2.describeInstances(b -> b.instanceIds(id)).reservations().get(0)
                .instances().get(0).state().nameAsString()).isEqualTo("running"));
        assertThat(f.ecs.listContainerInstances(b -> b.cluster("ec2r")).containerInstanceArns()).isEmpty();
        ContainerInstance ci = f.ecs.registerContainerInstance(b -> b.cluster("ec2r").instanceIdentityDocument(doc)
                .attributes(Attribute.builder().name("team").value("a").build())).containerInstance();
        assertThat(ci.ec2InstanceId()).isEqualTo(id);
        assertThat(ci.status()).isEqualTo("ACTIVE");
        assertThat(ci.attributes()).extracting(Attribute::name).contains("team", "ecs.instance-type");
        assertThat(f.ecs.registerContainerInstance(b -> b.cluster("ec2r").instanceIdentityDocument(doc))
                .containerInstance().containerInstanceArn()).isEqualTo(ci.containerInstanceArn());
        f.register(bridge("ec2reg", 128, 128));
        assertThat(f.ecs.runTask(b -> b.cluster("ec2r").taskDefinition("ec2reg").launchType("EC2")
                .placementConstraints(c -> c.type("memberOf").expression("attribute:team == a"))).failures())
                .isEmpty();
    }

    @Test
    void registerContainerInstance_whileEc2StillShowsPending_registers_butAStoppedInstanceIsRefused() {
        f.ecs.createCluster(b -> b.clusterName("ec2pend"));
        f.plane.faults().launchLatency(Duration.ofHours(1)); // EC2 shows the instance pending for an hour
        String id;
        String doc;
        ContainerInstance ci;
        try {
            id = ec2.runInstances(b -> b.imageId(AMI).instanceType("m5.large").minCount(1).maxCount(1))
                    .instances().get(0).instanceId();
            assertThat(ec2.describeInstances(b -> b.instanceIds(id)).reservations().get(0).instances().get(0)
                    .state().nameAsString()).isEqualTo("pending");
            doc = "{\"instanceId\":\"" + id + "\",\"region\":\"us-east-1\",\"instanceType\":\"m5.large\"}";
            // the agent's call is proof enough that the instance booted: ECS checks the document, not EC2's state
            ci = f.ecs.registerContainerInstance(b -> b.cluster("ec2pend").instanceIdentityDocument(doc))
                    .containerInstance();
        } finally {
            f.plane.faults().launchLatency(null); // each type's own again
        }
        assertThat(ci.ec2InstanceId()).isEqualTo(id);
        assertThat(ci.status()).isEqualTo("ACTIVE");

        String other = ec2.runInstances(b -> b.imageId(AMI).instanceType("m5.large").minCount(1).maxCount(1))
                .instances().get(0).instanceId();
        DaemonApiTest.eventually(() -> assertThat(ec2.describeInstances(b -> b.instanceIds(other)).reservations()
                .get(0).instances().get(0).state().nameAsString()).isEqualTo("running"));
        ec2.stopInstances(b -> b.instanceIds(other));
        String stoppedDoc = doc.replace(id, other);
        assertThatThrownBy(() -> f.ecs.registerContainerInstance(b -> b.cluster("ec2pend")
                .instanceIdentityDocument(stoppedDoc))).isInstanceOf(ClientException.class)
                .hasMessageContaining("is not running");
    }

    @Test
    void replicaServiceEc2_clusterWithoutInstances_startsNoTask_thenRunsOnceAnInstanceRegisters() {
        f.ecs.createCluster(b -> b.clusterName("ec2none"));
        f.register(bridge("ec2none", 256, 256));
        f.ecs.createService(b -> b.cluster("ec2none").serviceName("web").taskDefinition("ec2none").desiredCount(2)
                .launchType("EC2"));
        // as ECS: the scheduler records why it placed nothing and creates no task
        DaemonApiTest.eventually(() -> assertThat(f.ecs.describeServices(b -> b.cluster("ec2none").services("web"))
                .services().get(0).events()).anySatisfy(e -> assertThat(e.message()).isEqualTo("(service web) was"
                        + " unable to place a task because no container instance met all of its requirements. Reason:"
                        + " No Container Instances were found in your cluster.")));
        var service = f.ecs.describeServices(b -> b.cluster("ec2none").services("web")).services().get(0);
        assertThat(service.pendingCount()).isZero();
        assertThat(service.runningCount()).isZero();
        assertThat(f.ecs.listTasks(b -> b.cluster("ec2none")).taskArns()).isEmpty();
        launch("ec2none", "m5.large", 1);
        String ci = awaitInstances("ec2none", 1).get(0).containerInstanceArn();
        f.waiter.waitUntilServicesStable(b -> b.cluster("ec2none").services("web"));
        assertThat(tasksByInstance("ec2none", "web")).containsOnly(Map.entry(ci, 2L));
    }

    /** The service's RUNNING tasks, by container instance. */
    static Map<String, Long> tasksByInstance(String cluster, String service) {
        List<String> arns = f.ecs.listTasks(b -> b.cluster(cluster).serviceName(service)).taskArns();
        if (arns.isEmpty()) {
            return Map.of();
        }
        return f.ecs.describeTasks(b -> b.cluster(cluster).tasks(arns)).tasks().stream()
                .filter(t -> "RUNNING".equals(t.lastStatus()))
                .collect(Collectors.groupingBy(Task::containerInstanceArn, Collectors.counting()));
    }

    @Test
    void daemonService_oneTaskPerInstance_andANewInstanceGetsItsTask() {
        f.ecs.createCluster(b -> b.clusterName("ec2dm"));
        launch("ec2dm", "m5.large", 2);
        List<ContainerInstance> cis = awaitInstances("ec2dm", 2);
        f.register(bridge("ec2agent", 128, 128));
        var created = f.ecs.createService(b -> b.cluster("ec2dm").serviceName("logs").taskDefinition("ec2agent")
                .schedulingStrategy("DAEMON").launchType("EC2")).service();
        assertThat(created.schedulingStrategyAsString()).isEqualTo("DAEMON");
        assertThat(created.deploymentConfiguration().minimumHealthyPercent()).isZero();
        DaemonApiTest.eventually(() -> assertThat(tasksByInstance("ec2dm", "logs")).containsOnlyKeys(cis.stream()
                .map(ContainerInstance::containerInstanceArn).toList()).allSatisfy((k, v) -> assertThat(v)
                .isEqualTo(1L)));
        DaemonApiTest.eventually(() -> assertThat(f.ecs.describeServices(b -> b.cluster("ec2dm").services("logs"))
                .services().get(0)).satisfies(sv -> {
                    assertThat(sv.desiredCount()).isEqualTo(2);
                    assertThat(sv.runningCount()).isEqualTo(2);
                }));
        String added = launch("ec2dm", "t3.medium", 1).get(0);
        awaitInstances("ec2dm", 3);
        DaemonApiTest.eventually(() -> assertThat(tasksByInstance("ec2dm", "logs")).hasSize(3)
                .allSatisfy((k, v) -> assertThat(v).isEqualTo(1L)));
        DaemonApiTest.eventually(() -> assertThat(f.ecs.describeServices(b -> b.cluster("ec2dm").services("logs"))
                .services().get(0).desiredCount()).isEqualTo(3));
        ec2.terminateInstances(b -> b.instanceIds(added));
        DaemonApiTest.eventually(() -> assertThat(f.ecs.describeServices(b -> b.cluster("ec2dm").services("logs"))
                .services().get(0).desiredCount()).isEqualTo(2));
        assertThat(tasksByInstance("ec2dm", "logs")).hasSize(2);
    }

    @Test
    void daemonService_placementConstraint_onlyMatchingInstances_andANewRevisionReplacesEachTask() {
        f.ecs.createCluster(b -> b.clusterName("ec2dc"));
        launch("ec2dc", "m5.large", 3);
        List<ContainerInstance> cis = awaitInstances("ec2dc", 3);
        String tagged = cis.get(2).containerInstanceArn();
        f.ecs.putAttributes(b -> b.cluster("ec2dc").attributes(Attribute.builder().name("role").value("edge")
                .targetId(tagged).build()));
        String v1 = f.register(bridge("ec2edge", 128, 128)).taskDefinitionArn();
        f.ecs.createService(b -> b.cluster("ec2dc").serviceName("edge").taskDefinition(v1)
                .schedulingStrategy("DAEMON").launchType("EC2")
                .placementConstraints(c -> c.type("memberOf").expression("attribute:role == edge")));
        DaemonApiTest.eventually(() -> assertThat(tasksByInstance("ec2dc", "edge")).containsOnlyKeys(tagged));
        String v2 = f.register(bridge("ec2edge", 256, 128)).taskDefinitionArn();
        f.ecs.updateService(b -> b.cluster("ec2dc").service("edge").taskDefinition(v2));
        DaemonApiTest.eventually(() -> {
            List<String> arns = f.ecs.listTasks(b -> b.cluster("ec2dc").serviceName("edge")).taskArns();
            assertThat(arns).isNotEmpty();
            assertThat(f.ecs.describeTasks(b -> b.cluster("ec2dc").tasks(arns)).tasks()).singleElement()
                    .satisfies(t -> {
                        assertThat(t.taskDefinitionArn()).isEqualTo(v2);
                        assertThat(t.lastStatus()).isEqualTo("RUNNING");
                        assertThat(t.containerInstanceArn()).isEqualTo(tagged);
                    });
        });
    }

    @Test
    void daemonService_errors() {
        f.ecs.createCluster(b -> b.clusterName("ec2de"));
        f.register(bridge("ec2de", 128, 128));
        assertThatThrownBy(() -> f.ecs.createService(b -> b.cluster("ec2de").serviceName("d").taskDefinition("ec2de")
                .schedulingStrategy("DAEMON").desiredCount(2))).isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("does not support a desired count");
        assertThatThrownBy(() -> f.ecs.createService(b -> b.cluster("ec2de").serviceName("d").taskDefinition("ec2de")
                .schedulingStrategy("DAEMON").placementStrategy(p -> p.type("spread").field("instanceId"))))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("does not support placement"
                        + " strategies");
        f.miCluster("ec2demi");
        f.register(EcsServerFixture.nginx("ec2demi"));
        assertThatThrownBy(() -> f.ecs.createService(b -> b.cluster("ec2demi").serviceName("d")
                .taskDefinition("ec2demi").schedulingStrategy("DAEMON").networkConfiguration(f.awsvpc())))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("Specifying a capacity provider"
                        + " strategy is not supported");
        f.ecs.createService(b -> b.cluster("ec2de").serviceName("d").taskDefinition("ec2de")
                .schedulingStrategy("DAEMON"));
        assertThatThrownBy(() -> f.ecs.updateService(b -> b.cluster("ec2de").service("d").desiredCount(3)))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("desired count");
        assertThat(f.ecs.deleteService(b -> b.cluster("ec2de").service("d")).service().status())
                .isEqualTo("DRAINING");
    }

    @Test
    void replicaServiceEc2_spreadsOverTheInstances_andWaitsWhenNothingFits() {
        f.ecs.createCluster(b -> b.clusterName("ec2rs"));
        launch("ec2rs", "m5.large", 2);
        List<ContainerInstance> cis = awaitInstances("ec2rs", 2);
        f.register(bridge("ec2rs", 512, 512));
        f.ecs.createService(b -> b.cluster("ec2rs").serviceName("web").taskDefinition("ec2rs").desiredCount(4)
                .launchType("EC2").placementStrategy(p -> p.type("spread").field("instanceId")));
        f.waiter.waitUntilServicesStable(b -> b.cluster("ec2rs").services("web"));
        assertThat(tasksByInstance("ec2rs", "web")).containsOnlyKeys(cis.stream()
                .map(ContainerInstance::containerInstanceArn).toList()).allSatisfy((k, v) -> assertThat(v)
                .isEqualTo(2L));
        f.register(bridge("ec2rsbig", 512, 60_000));
        f.ecs.createService(b -> b.cluster("ec2rs").serviceName("big").taskDefinition("ec2rsbig").desiredCount(1)
                .launchType("EC2"));
        DaemonApiTest.eventually(() -> assertThat(f.ecs.describeServices(b -> b.cluster("ec2rs").services("big"))
                .services().get(0).events()).anySatisfy(e -> assertThat(e.message())
                .contains("was unable to place a task").contains("RESOURCE:MEMORY")));
        // as ECS: a task that fits nowhere is not created (no task waits in PROVISIONING)
        assertThat(f.ecs.describeServices(b -> b.cluster("ec2rs").services("big")).services().get(0).pendingCount())
                .isZero();
        assertThat(f.ecs.listTasks(b -> b.cluster("ec2rs").serviceName("big")).taskArns()).isEmpty();
    }

    @Test
    void drainingAnEc2Instance_movesReplicaTasks_andStopsItsDaemonTask() {
        f.ecs.createCluster(b -> b.clusterName("ec2dr"));
        launch("ec2dr", "m5.large", 2);
        List<ContainerInstance> cis = awaitInstances("ec2dr", 2);
        String drained = cis.get(0).containerInstanceArn();
        String kept = cis.get(1).containerInstanceArn();
        f.register(bridge("ec2drweb", 256, 256));
        f.register(bridge("ec2drlog", 128, 128));
        f.ecs.createService(b -> b.cluster("ec2dr").serviceName("web").taskDefinition("ec2drweb").desiredCount(2)
                .launchType("EC2").placementStrategy(p -> p.type("spread").field("instanceId")));
        f.ecs.createService(b -> b.cluster("ec2dr").serviceName("log").taskDefinition("ec2drlog")
                .schedulingStrategy("DAEMON").launchType("EC2"));
        DaemonApiTest.eventually(() -> {
            assertThat(tasksByInstance("ec2dr", "web")).containsOnlyKeys(drained, kept);
            assertThat(tasksByInstance("ec2dr", "log")).containsOnlyKeys(drained, kept);
        });
        f.ecs.updateContainerInstancesState(b -> b.cluster("ec2dr").containerInstances(drained).status("DRAINING"));
        DaemonApiTest.eventually(() -> {
            assertThat(tasksByInstance("ec2dr", "web")).containsOnlyKeys(kept).containsEntry(kept, 2L);
            assertThat(tasksByInstance("ec2dr", "log")).containsOnlyKeys(kept);
            assertThat(f.ecs.describeServices(b -> b.cluster("ec2dr").services("log")).services().get(0)
                    .desiredCount()).isEqualTo(1);
        });
    }
}
