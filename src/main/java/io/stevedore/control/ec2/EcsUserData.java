package io.stevedore.control.ec2;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the ECS agent of an instance reads from its user data: the {@code ECS_CLUSTER} the usual script writes to
 * {@code /etc/ecs/ecs.config} ({@code echo ECS_CLUSTER=name >> /etc/ecs/ecs.config}, quoted or not, also inside a
 * MIME multi-part document or a cloud-init {@code write_files} entry). The last assignment wins, as in the file.
 */
public final class EcsUserData {
    private static final Pattern CLUSTER = Pattern.compile("ECS_CLUSTER\\s*=\\s*[\"']?([A-Za-z0-9_:/\\-]+)");

    private EcsUserData() {
    }

    /** The cluster named in base64 user data, or empty (none set, no user data, or data that is not text). */
    public static Optional<String> cluster(String base64) {
        if (base64 == null || base64.isEmpty()) {
            return Optional.empty();
        }
        String text;
        try {
            text = new String(Base64.getMimeDecoder().decode(base64.getBytes(StandardCharsets.US_ASCII)),
                    StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        Matcher m = CLUSTER.matcher(text);
        String found = null;
        while (m.find()) {
            found = m.group(1);
        }
        return Optional.ofNullable(found);
    }
}
