package io.stevedore.agent;

/** Finds a container by the id of its metadata endpoint. */
@FunctionalInterface
interface ContainerLookup {
    /** The container, its task and where it runs; null when no container has that id. */
    Found find(String metadataId);

    /** A container found, with its task, its container instance and its cluster's ARN. */
    record Found(TaskRun task, ContainerRun container, String containerInstanceArn, String clusterArn) {
    }
}
