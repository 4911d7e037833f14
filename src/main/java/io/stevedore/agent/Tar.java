package io.stevedore.agent;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The few ustar entries a root filesystem for {@code docker import} needs (the agent's pause image, the tests'
 * busybox image): a header block with its checksum, the data padded to 512 bytes, and the two empty end blocks.
 */
final class Tar {
    private Tar() {
    }

    /**
     * Appends one entry.
     *
     * @param type '0' file, '2' symbolic link, '5' directory
     * @param mode its permission bits
     * @param link the link target of a symbolic link, else null
     */
    static void entry(ByteArrayOutputStream out, String name, char type, int mode, byte[] data, String link) {
        byte[] h = new byte[512];
        put(h, 0, name);
        put(h, 100, String.format("%07o", mode));
        put(h, 108, "0000000");
        put(h, 116, "0000000");
        put(h, 124, String.format("%011o", data.length));
        put(h, 136, "00000000000");
        h[156] = (byte) type;
        if (link != null) {
            put(h, 157, link);
        }
        put(h, 257, "ustar");
        put(h, 263, "00");
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        int sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        put(h, 148, String.format("%06o", sum));
        h[154] = 0;
        h[155] = ' ';
        out.writeBytes(h);
        out.writeBytes(data);
        out.writeBytes(new byte[(512 - data.length % 512) % 512]);
    }

    /** Ends the archive (two empty blocks). */
    static void end(ByteArrayOutputStream out) {
        out.writeBytes(new byte[1024]);
    }

    private static void put(byte[] h, int at, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, at, b.length);
    }
}
