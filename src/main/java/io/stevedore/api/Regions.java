package io.stevedore.api;

import java.util.List;

/**
 * The regions one endpoint serves: the edge asks for the {@link Backend} of the region a call's SigV4 credential
 * scope names. Each region has its own state and control loop (the assembly opens them, lazily); the home region
 * ({@code --region}) also answers what carries no region: the console, metrics' fleet gauges, events and faults.
 */
public interface Regions {
    /** The home region's backend ({@code --region}): unsigned admin calls and the console use it. */
    Backend home();

    /**
     * The backend of {@code region}, opened on its first call.
     *
     * @throws RegionRefused when this endpoint does not serve the region (not an AWS region, no price data, a
     *                       store that holds one region)
     */
    Backend backend(String region);

    /** The regions opened so far, the home region first (readiness checks each one's control loop). */
    List<Backend> opened();

    /** The admin reset: wipes every region's resources. */
    void resetAll();

    /** One backend serving only its own region (the Java API's single-plane server, as before regions). */
    static Regions single(Backend backend) {
        return new Regions() {
            @Override
            public Backend home() {
                return backend;
            }

            @Override
            public Backend backend(String region) {
                if (!region.equals(backend.config().region())) {
                    throw RegionRefused.signature("Credential should be scoped to a valid region, not '" + region
                            + "'. This endpoint serves '" + backend.config().region() + "'.");
                }
                return backend;
            }

            @Override
            public List<Backend> opened() {
                return List.of(backend);
            }

            @Override
            public void resetAll() {
                backend.reset();
            }
        };
    }

    /**
     * A region this endpoint does not serve, with the answer for each protocol: the ECS error type (HTTP 400) and
     * the EC2 Query error code and status.
     */
    final class RegionRefused extends RuntimeException {
        private final String ecsType;
        private final String ec2Code;
        private final int ec2Status;

        public RegionRefused(String ecsType, String ec2Code, int ec2Status, String message) {
            super(message);
            this.ecsType = ecsType;
            this.ec2Code = ec2Code;
            this.ec2Status = ec2Status;
        }

        /** A scope the endpoint cannot verify against: answered as a signature error, as AWS does. */
        public static RegionRefused signature(String message) {
            return new RegionRefused("InvalidSignatureException", "SignatureDoesNotMatch", 403, message);
        }

        /** A real region this endpoint cannot serve (no price data, a one-region store). */
        public static RegionRefused unsupported(String message) {
            return new RegionRefused("UnsupportedFeatureException", "UnsupportedOperation", 400, message);
        }

        public String ecsType() {
            return ecsType;
        }

        public String ec2Code() {
            return ec2Code;
        }

        public int ec2Status() {
            return ec2Status;
        }
    }
}
