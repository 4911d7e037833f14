package io.stevedore.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.OptionalLong;

/**
 * The statements on the {@code leader_lease} row. Expiry is judged by the database clock
 * ({@code clock_timestamp()}), so replicas with skewed clocks agree on who leads.
 */
final class LeaseSql {
    static final String NAME = "controllers";

    private LeaseSql() {
    }

    /**
     * True when the fence is the live lease. Run last in a fenced write transaction: {@code FOR SHARE} keeps a
     * takeover (which updates the row) waiting until this transaction has committed, so a takeover and a
     * fenced write are strictly ordered.
     */
    static boolean holds(Connection c, Fence fence) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM leader_lease WHERE name = ? AND holder = ? "
                + "AND epoch = ? AND expires_at > clock_timestamp() FOR SHARE")) {
            ps.setString(1, NAME);
            ps.setString(2, fence.holder());
            ps.setLong(3, fence.epoch());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Takes an expired (or released) lease: the new epoch, or empty while another holder's lease is live. */
    static OptionalLong acquire(Connection c, String holder, double ttlSeconds) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE leader_lease SET holder = ?, epoch = epoch + 1, "
                + "expires_at = clock_timestamp() + make_interval(secs => ?) "
                + "WHERE name = ? AND expires_at <= clock_timestamp() RETURNING epoch")) {
            ps.setString(1, holder);
            ps.setDouble(2, ttlSeconds);
            ps.setString(3, NAME);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
            }
        }
    }

    /** Extends a live lease; false when it expired or passed to another holder. */
    static boolean renew(Connection c, Fence fence, double ttlSeconds) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE leader_lease SET expires_at = clock_timestamp() "
                + "+ make_interval(secs => ?) WHERE name = ? AND holder = ? AND epoch = ? "
                + "AND expires_at > clock_timestamp()")) {
            ps.setDouble(1, ttlSeconds);
            ps.setString(2, NAME);
            ps.setString(3, fence.holder());
            ps.setLong(4, fence.epoch());
            return ps.executeUpdate() == 1;
        }
    }

    /** Ends a lease early (clean shutdown) so another replica takes over at once. */
    static void release(Connection c, Fence fence) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE leader_lease SET expires_at = clock_timestamp() "
                + "WHERE name = ? AND holder = ? AND epoch = ?")) {
            ps.setString(1, NAME);
            ps.setString(2, fence.holder());
            ps.setLong(3, fence.epoch());
            ps.executeUpdate();
        }
    }
}
