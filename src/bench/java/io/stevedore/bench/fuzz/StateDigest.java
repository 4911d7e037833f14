package io.stevedore.bench.fuzz;

import io.stevedore.control.state.EcsState;
import io.stevedore.store.Table;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

/** A SHA-256 over every row of every table of the state (read in one transaction). */
final class StateDigest {
    private StateDigest() {
    }

    static String of(EcsState state) {
        return state.db.transaction(() -> {
            try {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                for (Field f : EcsState.class.getFields()) {
                    if (Table.class.isAssignableFrom(f.getType()) && !Modifier.isStatic(f.getModifiers())) {
                        Table<?> t = (Table<?>) f.get(state);
                        md.update(f.getName().getBytes(StandardCharsets.UTF_8));
                        for (String id : t.ids()) {
                            md.update(id.getBytes(StandardCharsets.UTF_8));
                            md.update(String.valueOf(t.get(id).orElse(null)).getBytes(StandardCharsets.UTF_8));
                        }
                    }
                }
                return HexFormat.of().formatHex(md.digest());
            } catch (ReflectiveOperationException | java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
