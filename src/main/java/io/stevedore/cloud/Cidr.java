package io.stevedore.cloud;

/**
 * An IPv4 CIDR block ({@code 10.0.0.0/16}).
 *
 * @param base   the network address as an unsigned 32-bit value
 * @param prefix the prefix length
 */
public record Cidr(long base, int prefix) {
    public Cidr {
        if (prefix < 0 || prefix > 32 || base < 0 || base > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("bad CIDR");
        }
    }

    /** Parses {@code a.b.c.d/n}; the address must be the block's network address. */
    public static Cidr parse(String text) {
        String[] parts = text == null ? new String[0] : text.trim().split("/");
        if (parts.length != 2 || !digits(parts[1], 2)) {
            throw new IllegalArgumentException("'" + text + "' is not a CIDR block such as 10.0.0.0/16");
        }
        String[] octets = parts[0].split("\\.");
        if (octets.length != 4) {
            throw new IllegalArgumentException("'" + text + "' is not a CIDR block such as 10.0.0.0/16");
        }
        long base = 0;
        for (String o : octets) {
            if (!digits(o, 3) || Integer.parseInt(o) > 255) {
                throw new IllegalArgumentException("'" + text + "' is not a CIDR block such as 10.0.0.0/16");
            }
            base = base << 8 | Integer.parseInt(o);
        }
        int prefix = Integer.parseInt(parts[1]);
        if (prefix > 32) {
            throw new IllegalArgumentException("'" + text + "' has a prefix longer than 32 bits");
        }
        Cidr c = new Cidr(base, prefix);
        if ((base & ~c.mask()) != 0) {
            throw new IllegalArgumentException("'" + text + "' is not a network address (host bits are set)");
        }
        return c;
    }

    /** Whether {@code s} is 1 to {@code max} ASCII digits (the regex {@code \\d{1,max}}, without compiling one per call). */
    private static boolean digits(String s, int max) {
        if (s.isEmpty() || s.length() > max) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    long mask() {
        return prefix == 0 ? 0 : (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
    }

    public long size() {
        return 1L << (32 - prefix);
    }

    public boolean contains(Cidr other) {
        return other.prefix >= prefix && (other.base & mask()) == base;
    }

    public boolean overlaps(Cidr other) {
        return contains(other) || other.contains(this);
    }

    /** The {@code offset}-th address of the block, dotted. */
    public String address(long offset) {
        long a = base + offset;
        return (a >> 24 & 255) + "." + (a >> 16 & 255) + "." + (a >> 8 & 255) + "." + (a & 255);
    }
}
