package cairn.auth;

import java.util.Map;
import java.util.Set;

/**
 * A user's effective permissions: global permission names and the level on every repository, repository group and user
 * group by id.
 */
public record Perms(Set<String> global, Map<Long, Level> repos, Map<Long, Level> groups,
        Map<Long, Level> userGroups) {

    public static final Perms NOTHING = new Perms(Set.of(), Map.of(), Map.of(), Map.of());

    /** Without levels on user groups (none on every one). */
    public Perms(Set<String> global, Map<Long, Level> repos, Map<Long, Level> groups) {
        this(global, repos, groups, Map.of());
    }

    public Level repo(long repoId) {
        return repos.getOrDefault(repoId, Level.NONE);
    }

    public Level group(long groupId) {
        return groups.getOrDefault(groupId, Level.NONE);
    }

    public boolean isAdmin() {
        return global.contains("hg.admin");
    }

    /** The level on a user group (usergroup.none/read/write/admin). */
    public Level userGroup(long userGroupId) {
        return userGroups.getOrDefault(userGroupId, Level.NONE);
    }
}
