package cairn.db;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jdbi.v3.core.Jdbi;

/** The {@code settings} table (Kallithea's app settings): values set in the web UI, by name. */
public final class SettingsDao {
    private final Jdbi jdbi;

    public SettingsDao(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Every stored setting, name → value. */
    public Map<String, String> all() {
        return jdbi.withHandle(h -> {
            Map<String, String> m = new LinkedHashMap<>();
            h.createQuery("SELECT app_settings_name, app_settings_value FROM settings").map((rs, ctx) -> {
                m.put(rs.getString(1), rs.getString(2));
                return null;
            }).list();
            return m;
        });
    }

    /** Stores {@code value} under {@code name}, replacing what was there. */
    public void put(String name, String value) {
        // delete and insert: portable, and no reliance on what a driver counts as an "affected" row
        jdbi.useTransaction(h -> {
            h.createUpdate("DELETE FROM settings WHERE app_settings_name = :n").bind("n", name).execute();
            h.createUpdate("INSERT INTO settings (app_settings_name, app_settings_value, app_settings_type) "
                    + "VALUES (:n, :v, 'unicode')").bind("n", name).bind("v", value).execute();
        });
    }

    public void remove(String name) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM settings WHERE app_settings_name = :n").bind("n", name)
                .execute());
    }
}
