package cairn.auth;

/** Kallithea's permission levels on a repository, repository group or user group, with their weights. */
public enum Level {
    NONE(0), READ(1), WRITE(3), ADMIN(4);

    private final int weight;

    Level(int weight) {
        this.weight = weight;
    }

    public boolean atLeast(Level other) {
        return weight >= other.weight;
    }

    public static Level max(Level a, Level b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return a.weight >= b.weight ? a : b;
    }

    /** "read" of "repository.read"; the kind prefix is not checked. */
    public static Level ofPermissionName(String permissionName) {
        String suffix = permissionName.substring(permissionName.lastIndexOf('.') + 1);
        return valueOf(suffix.toUpperCase(java.util.Locale.ROOT));
    }

    public String permissionName(Kind kind) {
        return kind.prefix + "." + name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The three kinds of object that carry levels. */
    public enum Kind {
        REPOSITORY("repository"), GROUP("group"), USERGROUP("usergroup");

        public final String prefix;

        Kind(String prefix) {
            this.prefix = prefix;
        }
    }
}
