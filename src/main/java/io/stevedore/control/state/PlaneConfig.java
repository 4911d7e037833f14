package io.stevedore.control.state;

import io.stevedore.ecs.Quotas;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Settings of one control plane.
 *
 * @param region    the AWS region the endpoint pretends to be (default us-east-1)
 * @param accountId the 12-digit account in every ARN (default 000000000000, as moto and LocalStack use)
 * @param speed     how many times faster than real time every simulated delay elapses (default 1)
 * @param quotas    the ECS service quotas enforced (default AWS's: {@link Quotas#defaults()})
 * @param arnPrefix {@code arn:aws:ecs:<region>:<account>:}, spelled once: every ARN the plane makes starts with it
 *                  ({@code null} when constructed, or the same text)
 */
public record PlaneConfig(String region, String accountId, double speed, Quotas quotas, String arnPrefix) {
    public static final String DEFAULT_REGION = "us-east-1";
    public static final String DEFAULT_ACCOUNT = "000000000000";
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d");
    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");

    public PlaneConfig {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(quotas, "quotas");
        if (!REGION.matcher(region).matches()) {
            throw new IllegalArgumentException("not a region name: " + region);
        }
        if (!ACCOUNT.matcher(accountId).matches()) {
            throw new IllegalArgumentException("an account id has 12 digits: " + accountId);
        }
        if (!(speed > 0) || Double.isInfinite(speed)) {
            throw new IllegalArgumentException("speed must be a positive number: " + speed);
        }
        String prefix = "arn:aws:ecs:" + region + ":" + accountId + ":";
        if (arnPrefix != null && !arnPrefix.equals(prefix)) {
            throw new IllegalArgumentException("the ARN prefix of " + region + " and " + accountId + " is " + prefix
                    + ", not " + arnPrefix);
        }
        arnPrefix = prefix;
    }

    public PlaneConfig(String region, String accountId, double speed, Quotas quotas) {
        this(region, accountId, speed, quotas, null);
    }

    /** With AWS's default service quotas. */
    public PlaneConfig(String region, String accountId, double speed) {
        this(region, accountId, speed, Quotas.defaults());
    }

    public static PlaneConfig defaults() {
        return new PlaneConfig(DEFAULT_REGION, DEFAULT_ACCOUNT, 1);
    }

    /** The same settings in another region (the planes of one endpoint share account, speed and quotas). */
    public PlaneConfig inRegion(String otherRegion) {
        return new PlaneConfig(otherRegion, accountId, speed, quotas);
    }

    /** The same settings with other service quotas. */
    public PlaneConfig withQuotas(Quotas q) {
        return new PlaneConfig(region, accountId, speed, q);
    }
}
