package cairn.unit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import cairn.auth.Level;
import cairn.auth.PermissionService;
import cairn.auth.Perms;
import cairn.auth.User;
import cairn.auth.UserGroupService;
import cairn.vcs.GroupService;
import cairn.vcs.RepoGroup;
import cairn.vcs.RepoService;

/** Who may administer, create in and move repository groups and user groups without being a super-admin. */
class DelegationRulesTest {
    private static final RepoGroup TOP = new RepoGroup(1, "top", null, "", 9, Instant.EPOCH);
    private static final RepoGroup INNER = new RepoGroup(2, "top/inner", 1L, "", 9, Instant.EPOCH);
    private static final RepoGroup ELSE = new RepoGroup(3, "else", null, "", 9, Instant.EPOCH);
    private static final Perms ADMIN = new Perms(Set.of("hg.admin"), Map.of(), Map.of());
    /** group.admin on top and inner, read on else; no global rights. */
    private static final Perms GROUP_ADMIN = new Perms(Set.of(), Map.of(),
            Map.of(1L, Level.ADMIN, 2L, Level.ADMIN, 3L, Level.READ));
    /** group.admin on inner only. */
    private static final Perms INNER_ADMIN = new Perms(Set.of(), Map.of(), Map.of(1L, Level.READ, 2L, Level.ADMIN));
    private static final Perms NOBODY = new Perms(Set.of(), Map.of(), Map.of(1L, Level.READ));

    @Test
    void groupAdminsAdministerTheirGroupsOnly() {
        assertTrue(GroupService.canAdminister(GROUP_ADMIN, TOP));
        assertFalse(GroupService.canAdminister(GROUP_ADMIN, ELSE));
        assertTrue(GroupService.canRead(GROUP_ADMIN, ELSE));
        assertFalse(GroupService.canRead(NOBODY, ELSE));
        assertTrue(GroupService.canAdminister(ADMIN, ELSE));
        assertTrue(GroupService.administersAny(INNER_ADMIN));
        assertFalse(GroupService.administersAny(NOBODY));
    }

    @Test
    void subGroupsInsideAdministeredGroupsTopLevelForSuperAdmins() {
        assertTrue(GroupService.canCreateIn(GROUP_ADMIN, TOP));
        assertFalse(GroupService.canCreateIn(GROUP_ADMIN, ELSE));
        assertFalse(GroupService.canCreateIn(GROUP_ADMIN, null));
        assertTrue(GroupService.canCreateIn(ADMIN, null));
    }

    @Test
    void movesNeedAdminAtTheDestinationStayingPutIsAlwaysAllowed() {
        assertTrue(GroupService.canPlace(INNER_ADMIN, INNER, null, false), "unchanged");
        assertTrue(GroupService.canPlace(INNER_ADMIN, INNER, TOP, false), "its own parent");
        assertFalse(GroupService.canPlace(INNER_ADMIN, INNER, ELSE, false));
        assertFalse(GroupService.canPlace(INNER_ADMIN, INNER, null, true), "to the top: super-admins");
        assertTrue(GroupService.canPlace(GROUP_ADMIN, TOP, null, true), "already at the top");
        assertTrue(GroupService.canPlace(ADMIN, INNER, null, true));
    }

    @Test
    void userGroupAdminsAndCreators() {
        Perms ugAdmin = new Perms(Set.of(), Map.of(), Map.of(), Map.of(7L, Level.ADMIN));
        assertTrue(UserGroupService.administersAny(ugAdmin));
        assertFalse(UserGroupService.administersAny(NOBODY));
        assertFalse(UserGroupService.canCreate(ugAdmin));
    }

    @Test
    void newRepositoryPageAndOwnAdminLevel() {
        assertTrue(RepoService.canCreateSomewhere(new Perms(Set.of("hg.create.repository"), Map.of(), Map.of())));
        assertTrue(RepoService.canCreateSomewhere(INNER_ADMIN), "write or more on a group");
        assertFalse(RepoService.canCreateSomewhere(NOBODY));
        User me = user(5);
        assertTrue(PermissionService.dropsOwnAdmin(GROUP_ADMIN, me, me, Level.WRITE));
        assertTrue(PermissionService.dropsOwnAdmin(GROUP_ADMIN, me, me, null));
        assertFalse(PermissionService.dropsOwnAdmin(GROUP_ADMIN, me, me, Level.ADMIN));
        assertFalse(PermissionService.dropsOwnAdmin(GROUP_ADMIN, me, user(6), null));
        assertFalse(PermissionService.dropsOwnAdmin(ADMIN, me, me, null));
    }

    private static User user(long id) {
        return new User(id, "u" + id, null, true, false, null, null, null, null, null, null, Instant.EPOCH, null);
    }
}
