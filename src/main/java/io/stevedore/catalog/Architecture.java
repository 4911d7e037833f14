package io.stevedore.catalog;

import java.util.Locale;
import java.util.Optional;

/** CPU architecture as ECS names it ({@code runtimePlatform.cpuArchitecture}) and as EC2 names it. */
public enum Architecture {
    X86_64("x86_64"),
    ARM64("arm64");

    private final String ec2Name;

    Architecture(String ec2Name) {
        this.ec2Name = ec2Name;
    }

    /** The EC2 spelling ({@code x86_64}, {@code arm64}); {@link #name()} is the ECS spelling. */
    public String ec2Name() {
        return ec2Name;
    }

    /** Parses either spelling, case-insensitively. */
    public static Optional<Architecture> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (Architecture a : values()) {
            if (a.ec2Name.equals(v) || a.name().toLowerCase(Locale.ROOT).equals(v)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
