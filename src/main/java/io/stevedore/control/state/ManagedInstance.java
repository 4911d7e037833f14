package io.stevedore.control.state;

import java.util.Objects;

/**
 * A managed instance the engine launched for a Managed Instances capacity provider.
 *
 * @param instanceId           the cloud instance
 * @param clusterArn           its cluster
 * @param capacityProvider     the capacity provider name
 * @param instanceType         the launched type
 * @param containerInstanceArn its container instance once registered, else null
 * @param idleSinceMillis      when it last became empty (epoch ms), -1 while it runs tasks
 * @param images               images pulled on it (its image cache), comma separated
 */
public record ManagedInstance(String instanceId, String clusterArn, String capacityProvider, String instanceType,
                              String containerInstanceArn, long idleSinceMillis, String images) {
    public ManagedInstance {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(clusterArn, "clusterArn");
        images = images == null ? "" : images;
    }

    public ManagedInstance registered(String arn) {
        return new ManagedInstance(instanceId, clusterArn, capacityProvider, instanceType, arn, idleSinceMillis,
                images);
    }

    public ManagedInstance idleSince(long millis) {
        return new ManagedInstance(instanceId, clusterArn, capacityProvider, instanceType, containerInstanceArn,
                millis, images);
    }

    public boolean hasImage(String image) {
        for (String s : images.split("\n")) {
            if (s.equals(image)) {
                return true;
            }
        }
        return false;
    }

    public ManagedInstance withImage(String image) {
        if (hasImage(image)) {
            return this;
        }
        return new ManagedInstance(instanceId, clusterArn, capacityProvider, instanceType, containerInstanceArn,
                idleSinceMillis, images.isEmpty() ? image : images + "\n" + image);
    }

    public ManagedInstance withoutImage(String image) {
        StringBuilder b = new StringBuilder();
        for (String s : images.split("\n")) {
            if (!s.isEmpty() && !s.equals(image)) {
                b.append(b.length() == 0 ? "" : "\n").append(s);
            }
        }
        return new ManagedInstance(instanceId, clusterArn, capacityProvider, instanceType, containerInstanceArn,
                idleSinceMillis, b.toString());
    }

    /** The cached images. */
    public java.util.List<String> imageList() {
        return images.isEmpty() ? java.util.List.of() : java.util.List.of(images.split("\n"));
    }
}
