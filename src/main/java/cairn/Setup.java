package cairn;

import java.util.List;
import java.util.logging.Logger;

import cairn.auth.PermissionService;
import cairn.auth.User;
import cairn.auth.UserService;
import cairn.config.ConfigException;

/**
 * First start: the {@code default} user with Kallithea's default permissions, and the {@code admin} user with a
 * password and API key from the environment, the ini, or (password only) a random one logged once.
 */
final class Setup {
    private static final Logger LOG = Logger.getLogger(Setup.class.getName());

    /** Kallithea's defaults for the default user (0.7 drops the repogroup-create pair; we keep it harmlessly off). */
    static final List<String> DEFAULT_PERMISSIONS = List.of("repository.read", "group.read", "usergroup.read",
            "hg.create.repository", "hg.create.write_on_repogroup.true", "hg.fork.repository",
            "hg.repogroup.create.false", "hg.usergroup.create.false", "hg.register.manual_activate",
            "hg.extern_activate.auto");

    private Setup() {
    }

    static User run(UserService users, PermissionService permissions, String iniPassword) {
        if (users.byUsername(User.DEFAULT).isEmpty()) {
            User def = users.create(User.DEFAULT, null, null, false, null);
            for (String p : DEFAULT_PERMISSIONS) {
                permissions.setGlobal(def, p);
            }
            LOG.info("created the default (anonymous) user");
        }
        return users.byUsername("admin").orElseGet(() -> createAdmin(users, iniPassword));
    }

    private static User createAdmin(UserService users, String iniPassword) {
        String password = System.getenv("CAIRN_ADMIN_PASSWORD");
        boolean generated = false;
        if (password == null || password.isEmpty()) {
            password = iniPassword;
        }
        if (password == null || password.isEmpty()) {
            password = cairn.auth.Passwords.newPassword();
            generated = true;
        }
        String apiKey = System.getenv("CAIRN_ADMIN_API_KEY");
        if (apiKey != null && !apiKey.isEmpty() && !apiKey.matches("[0-9a-fA-F]{40}")) {
            throw new ConfigException("CAIRN_ADMIN_API_KEY must be 40 hexadecimal characters");
        }
        User admin = users.create("admin", password, null, true,
                apiKey == null || apiKey.isEmpty() ? null : apiKey.toLowerCase());
        if (generated) {
            LOG.warning("created user 'admin' with the random password '" + password
                    + "'; it is shown only this once");
        } else {
            LOG.info("created user 'admin'");
        }
        return admin;
    }
}
