package cairn.auth;

import java.util.Map;
import java.util.Set;

/** A user's effective permissions: global permission names and the level on every repository and group by id. */
public record Perms(Set<String> global, Map<Long, Level> repos, Map<Long, Level> groups) {

    public static final Perms NOTHING = new Perms(Set.of(), Map.of(), Map.of());

    public Level repo(long repoId) {
        return repos.getOrDefault(repoId, Level.NONE);
    }

    public Level group(long groupId) {
        return groups.getOrDefault(groupId, Level.NONE);
    }

    public boolean isAdmin() {
        return global.contains("hg.admin");
    }
}
