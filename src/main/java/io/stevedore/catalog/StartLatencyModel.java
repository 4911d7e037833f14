package io.stevedore.catalog;

import java.time.Duration;
import java.util.Objects;

/**
 * How long the steps of a task start take on a Managed Instance, from what drives them: the instance type's launch
 * time (GPU, bare metal and large memory slower) and the image pull (the image's compressed size over the rate the
 * type can pull at: its baseline network bandwidth, capped by layer extraction). One model for both clocks: the
 * simulated EC2 boots instances with {@link #boot}, the control plane times pulls with {@link #pull}. Every figure and
 * its source: docs/decisions.md "Start latency model". O(1) per call; immutable.
 *
 * @param boot                  launch → registered container instance of a small virtualized type
 * @param gpuBoot               added for a type with GPUs (driver load and GPU health checks)
 * @param bootPerMemoryDoubling added per doubling of memory above {@code largeMemoryMiB}
 * @param largeMemoryMiB        memory from which a type counts as large
 * @param metalBoot             added for a bare-metal type (host firmware start)
 * @param extractBytesPerSecond the most compressed image bytes per second a pull unpacks, whatever the network
 * @param fullPullFixed         fixed part of a pull without the image cached (registry auth, manifest, layer setup)
 * @param cachedPullCheck       a pull with the image cached: Managed Instances still checks the tag with the registry
 * @param defaultImageBytes     compressed size of an image that declares none
 */
public record StartLatencyModel(Duration boot, Duration gpuBoot, Duration bootPerMemoryDoubling, long largeMemoryMiB,
                                Duration metalBoot, double extractBytesPerSecond, Duration fullPullFixed,
                                Duration cachedPullCheck, long defaultImageBytes) {
    /** 1 MiB. */
    public static final long MIB = 1024L * 1024;
    /**
     * How long an instance keeps an image no task there uses any more: Managed Instances removes it 15 minutes after
     * the last task using it stopped (Amazon ECS Developer Guide, "Managed Instances pull behavior").
     */
    public static final Duration IMAGE_CACHE_LIFE = Duration.ofMinutes(15);

    public StartLatencyModel {
        Objects.requireNonNull(boot, "boot");
        Objects.requireNonNull(gpuBoot, "gpuBoot");
        Objects.requireNonNull(bootPerMemoryDoubling, "bootPerMemoryDoubling");
        Objects.requireNonNull(metalBoot, "metalBoot");
        Objects.requireNonNull(fullPullFixed, "fullPullFixed");
        Objects.requireNonNull(cachedPullCheck, "cachedPullCheck");
        if (extractBytesPerSecond <= 0 || largeMemoryMiB <= 0 || defaultImageBytes <= 0) {
            throw new IllegalArgumentException("extraction rate, large-memory threshold and default image size"
                    + " must be positive");
        }
    }

    /**
     * The calibrated model (docs/decisions.md "Start latency model"): a c6g.large registers 19 s after launch and
     * runs a small awsvpc task about 15 s later (the measured ~41 s cold start, 7 s of which is the application);
     * a g4dn GPU instance with a 7 GiB inference image runs its task after about 3.5 minutes (the podcast's 3–4
     * minutes for fresh GPU capacity); a warm start with the image cached takes about a third of the small cold start
     * (the re:Invent summary's "about three times faster").
     */
    public static StartLatencyModel calibrated() {
        return new StartLatencyModel(Duration.ofSeconds(19), Duration.ofSeconds(30), Duration.ofSeconds(5),
                32 * 1024, Duration.ofSeconds(120), 50e6, Duration.ofSeconds(6), Duration.ofSeconds(3),
                100 * MIB);
    }

    /** Launch → running (the agent registers at once) for {@code type}; the base time when the type is unknown. */
    public Duration boot(InstanceType type) {
        if (type == null) {
            return boot;
        }
        long ms = boot.toMillis();
        if (type.gpus() > 0) {
            ms += gpuBoot.toMillis();
        }
        if (type.bareMetal()) {
            ms += metalBoot.toMillis();
        }
        if (type.memoryMiB() > largeMemoryMiB) {
            double doublings = Math.log((double) type.memoryMiB() / largeMemoryMiB) / Math.log(2);
            ms += Math.round(doublings * bootPerMemoryDoubling.toMillis());
        }
        return Duration.ofMillis(ms);
    }

    /**
     * Compressed image bytes per second a full pull on {@code type} moves: its baseline network bandwidth, at most
     * the extraction rate (the extraction rate when the type is unknown or states no bandwidth).
     */
    public double pullBytesPerSecond(InstanceType type) {
        double network = type == null ? 0 : type.baselineNetworkGbps() * 125e6;
        return network <= 0 ? extractBytesPerSecond : Math.min(network, extractBytesPerSecond);
    }

    /**
     * The image pull of a task on {@code type}: the tag check when the image is cached there, otherwise the fixed
     * part plus the image's compressed size ({@code imageBytes}; {@code <= 0} = the default size) at
     * {@link #pullBytesPerSecond}.
     */
    public Duration pull(InstanceType type, long imageBytes, boolean cached) {
        if (cached) {
            return cachedPullCheck;
        }
        long bytes = imageBytes > 0 ? imageBytes : defaultImageBytes;
        return fullPullFixed.plusMillis(Math.round(bytes * 1000.0 / pullBytesPerSecond(type)));
    }
}
