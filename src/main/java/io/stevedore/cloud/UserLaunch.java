package io.stevedore.cloud;

import java.util.List;
import java.util.Objects;

/**
 * What a user launched an instance with through EC2's RunInstances (an instance no capacity provider manages): the
 * launch parameters EC2 reports back and the ECS agent reads (image, user data).
 *
 * @param instanceId     the instance
 * @param reservationId  the RunInstances call's reservation ({@code r-…})
 * @param imageId        the AMI ({@code ami-…})
 * @param userData       the user data as given (base64), or null
 * @param keyName        the key pair name, or null
 * @param securityGroups the security groups of the primary interface
 * @param spot           launched with {@code InstanceMarketOptions.MarketType=spot}
 * @param launchIndex    the instance's {@code amiLaunchIndex} within its reservation
 */
public record UserLaunch(String instanceId, String reservationId, String imageId, String userData, String keyName,
                         List<String> securityGroups, boolean spot, int launchIndex) {
    public UserLaunch {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(imageId, "imageId");
        securityGroups = securityGroups == null ? List.of() : List.copyOf(securityGroups);
    }
}
