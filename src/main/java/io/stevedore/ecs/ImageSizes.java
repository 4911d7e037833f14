package io.stevedore.ecs;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;

/**
 * The image-size convention (docs/decisions.md "Start latency model"): a container definition declares its image's
 * compressed size, the bytes a pull downloads, in the docker label {@value #LABEL}, e.g. {@code "7GiB"},
 * {@code "450MiB"}, {@code "120MB"} or plain bytes. Without the label the start-latency model's default size applies.
 * ECS itself has no such field: the real service learns the size from the registry.
 */
public final class ImageSizes {
    public static final String LABEL = "io.stevedore.image-size";
    private static final Pattern SIZE = Pattern.compile("\\s*(\\d+(?:\\.\\d+)?)\\s*(B|KB|MB|GB|TB|KIB|MIB|GIB|TIB)?\\s*");
    /** The largest size accepted (1 TiB): a bound against typos, far above real images. */
    private static final long MAX = 1L << 40;

    private ImageSizes() {
    }

    /** The size declared on {@code c} in bytes, or 0 when it declares none or an unreadable one. */
    public static long declared(ContainerDefinition c) {
        String v = c.dockerLabels() == null ? null : c.dockerLabels().get(LABEL);
        if (v == null) {
            return 0;
        }
        try {
            return parse(v);
        } catch (IllegalArgumentException e) {
            return 0;
        }
    }

    /**
     * Bytes in a size such as {@code 7GiB}, {@code 1.5 GB}, {@code 300MiB}, {@code 1048576} (case-insensitive; KB/MB/GB
     * are powers of 1000, KiB/MiB/GiB of 1024).
     *
     * @throws IllegalArgumentException when the text is no such size, or is 0 or above 1 TiB
     */
    public static long parse(String text) {
        Matcher m = SIZE.matcher(text == null ? "" : text.toUpperCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("an image size is a number with an optional unit (B, KB, MB, GB, KiB,"
                    + " MiB, GiB), e.g. 7GiB; got '" + text + "'");
        }
        double n = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2);
        double factor = switch (unit) {
            case "KB" -> 1e3;
            case "MB" -> 1e6;
            case "GB" -> 1e9;
            case "TB" -> 1e12;
            case "KIB" -> 1024.0;
            case "MIB" -> 1024.0 * 1024;
            case "GIB" -> 1024.0 * 1024 * 1024;
            case "TIB" -> 1024.0 * 1024 * 1024 * 1024;
            default -> 1;
        };
        double bytes = n * factor;
        if (bytes < 1 || bytes > MAX) {
            throw new IllegalArgumentException("an image size is between 1 byte and 1 TiB; got '" + text + "'");
        }
        return Math.round(bytes);
    }
}
