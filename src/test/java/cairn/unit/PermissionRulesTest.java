package cairn.unit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import cairn.auth.Level;
import cairn.auth.ObjectFacts;
import cairn.auth.PermissionRules;

class PermissionRulesTest {

    /**
     * One row per case. An empty cell is null (no default grant / no explicit user grant); groups is a
     * space-separated list of the levels of the user's groups ('' = in no group with a grant).
     */
    @ParameterizedTest(name = "[{index}] superAdmin={0} default={1} private={2} owner={3} groups=[{4}] user={5} -> {6}")
    @CsvSource(delimiter = '|', textBlock = """
            # superAdmin | default | private | owner | groups             | user  | expected
            # the default user's level is the floor
              false      | NONE    | false   | false | ''                 |       | NONE
              false      | READ    | false   | false | ''                 |       | READ
              false      | WRITE   | false   | false | ''                 |       | WRITE
              false      | ADMIN   | false   | false | ''                 |       | ADMIN
            # no default grant at all counts as none
              false      |         | false   | false | ''                 |       | NONE
              false      |         | false   | false | ''                 | READ  | READ
              false      |         | false   | false | WRITE              |       | WRITE
              false      |         | true    | false | ''                 |       | NONE
            # explicit user grants raise the floor ...
              false      | NONE    | false   | false | ''                 | READ  | READ
              false      | READ    | false   | false | ''                 | WRITE | WRITE
              false      | NONE    | false   | false | ''                 | ADMIN | ADMIN
            # ... but never lower it, not even an explicit none
              false      | READ    | false   | false | ''                 | NONE  | READ
              false      | WRITE   | false   | false | ''                 | READ  | WRITE
              false      | ADMIN   | false   | false | ''                 | NONE  | ADMIN
              false      | NONE    | false   | false | WRITE              | NONE  | WRITE
              false      | READ    | false   | false | ADMIN              | READ  | ADMIN
            # user groups: the highest of several wins
              false      | NONE    | false   | false | READ               |       | READ
              false      | NONE    | false   | false | READ WRITE         |       | WRITE
              false      | NONE    | false   | false | WRITE READ         |       | WRITE
              false      | NONE    | false   | false | READ ADMIN WRITE   |       | ADMIN
              false      | READ    | false   | false | NONE NONE          |       | READ
              false      | WRITE   | false   | false | READ NONE          |       | WRITE
              false      | NONE    | false   | false | READ               | WRITE | WRITE
              false      | NONE    | false   | false | WRITE              | READ  | WRITE
              false      | NONE    | false   | false | ADMIN              | READ  | ADMIN
            # private objects: the floor is none whatever the default user has ...
              false      | READ    | true    | false | ''                 |       | NONE
              false      | WRITE   | true    | false | ''                 |       | NONE
              false      | ADMIN   | true    | false | ''                 |       | NONE
              false      | READ    | true    | false | ''                 | NONE  | NONE
            # ... but explicit and group grants still work
              false      | READ    | true    | false | ''                 | READ  | READ
              false      | NONE    | true    | false | ''                 | WRITE | WRITE
              false      | ADMIN   | true    | false | READ               |       | READ
              false      | NONE    | true    | false | READ WRITE         |       | WRITE
              false      | NONE    | true    | false | NONE               | NONE  | NONE
            # owners get admin, private or not, whatever else says
              false      | NONE    | false   | true  | ''                 |       | ADMIN
              false      |         | false   | true  | ''                 |       | ADMIN
              false      | READ    | true    | true  | ''                 |       | ADMIN
              false      | NONE    | true    | true  | NONE               | NONE  | ADMIN
            # super-admins get admin on everything
              true       | NONE    | false   | false | ''                 |       | ADMIN
              true       |         | true    | false | ''                 | NONE  | ADMIN
              true       | READ    | true    | false | NONE               | NONE  | ADMIN
            """)
    void effective(boolean superAdmin, Level defaultLevel, boolean isPrivate, boolean isOwner, String groups,
            Level userLevel, Level expected) {
        List<Level> groupLevels = groups.isBlank() ? List.of()
                : Arrays.stream(groups.trim().split("\\s+")).map(Level::valueOf).toList();
        ObjectFacts facts = new ObjectFacts(defaultLevel, isPrivate, isOwner, groupLevels, userLevel);
        assertEquals(expected, PermissionRules.effective(superAdmin, facts));
    }

    private static final List<String> KALLITHEA_DEFAULTS = List.of("repository.read", "group.read",
            "usergroup.read", "hg.create.repository", "hg.create.write_on_repogroup.true", "hg.fork.repository",
            "hg.register.manual_activate", "hg.extern_activate.auto", "hg.usergroup.create.false",
            "hg.repogroup.create.false");

    static Stream<Arguments> globalRows() {
        return Stream.of(
                Arguments.of("nothing anywhere", false, List.of(), List.of(), List.of(), Set.of()),
                Arguments.of("super-admin with nothing else gets hg.admin", true,
                        List.of(), List.of(), List.of(), Set.of("hg.admin")),
                Arguments.of("super-admin adds hg.admin to the rest", true,
                        List.of("hg.create.none"), List.of(), List.of(), Set.of("hg.admin", "hg.create.none")),
                Arguments.of("plain user does not get hg.admin", false,
                        List.of("hg.create.repository"), List.of(), List.of(), Set.of("hg.create.repository")),
                Arguments.of("Kallithea's default set passes through unchanged", false,
                        KALLITHEA_DEFAULTS, List.of(), List.of(), Set.copyOf(KALLITHEA_DEFAULTS)),
                Arguments.of("own create.repository beats default create.none", false,
                        List.of("hg.create.none"), List.of(), List.of("hg.create.repository"),
                        Set.of("hg.create.repository")),
                Arguments.of("own create.none cannot lower default create.repository", false,
                        List.of("hg.create.repository"), List.of(), List.of("hg.create.none"),
                        Set.of("hg.create.repository")),
                Arguments.of("group create.repository beats default and own none", false,
                        List.of("hg.create.none"), List.of("hg.create.repository"), List.of("hg.create.none"),
                        Set.of("hg.create.repository")),
                Arguments.of("register: auto_activate beats manual_activate", false,
                        List.of("hg.register.manual_activate"), List.of("hg.register.auto_activate"), List.of(),
                        Set.of("hg.register.auto_activate")),
                Arguments.of("register: manual_activate beats none", false,
                        List.of("hg.register.none"), List.of(), List.of("hg.register.manual_activate"),
                        Set.of("hg.register.manual_activate")),
                Arguments.of("register: none cannot lower auto_activate", false,
                        List.of("hg.register.auto_activate"), List.of("hg.register.none"),
                        List.of("hg.register.manual_activate"), Set.of("hg.register.auto_activate")),
                Arguments.of("extern_activate: auto beats manual", false,
                        List.of("hg.extern_activate.manual"), List.of(), List.of("hg.extern_activate.auto"),
                        Set.of("hg.extern_activate.auto")),
                Arguments.of("write_on_repogroup is its own kind, apart from hg.create.*", false,
                        List.of("hg.create.write_on_repogroup.false", "hg.create.none"), List.of(),
                        List.of("hg.create.repository"),
                        Set.of("hg.create.write_on_repogroup.false", "hg.create.repository")),
                Arguments.of("write_on_repogroup: true beats false", false,
                        List.of("hg.create.write_on_repogroup.false", "hg.create.repository"),
                        List.of("hg.create.write_on_repogroup.true"), List.of(),
                        Set.of("hg.create.write_on_repogroup.true", "hg.create.repository")),
                Arguments.of("write_on_repogroup: false cannot lower true", false,
                        List.of("hg.create.write_on_repogroup.true"), List.of(),
                        List.of("hg.create.write_on_repogroup.false"), Set.of("hg.create.write_on_repogroup.true")),
                Arguments.of("fork: repository beats none", false,
                        List.of("hg.fork.none"), List.of("hg.fork.repository"), List.of(),
                        Set.of("hg.fork.repository")),
                Arguments.of("usergroup.create and repogroup.create true beat false", false,
                        List.of("hg.usergroup.create.false", "hg.repogroup.create.false"),
                        List.of("hg.repogroup.create.true"), List.of("hg.usergroup.create.true"),
                        Set.of("hg.usergroup.create.true", "hg.repogroup.create.true")),
                Arguments.of("default repository/group levels: highest weight per kind", false,
                        List.of("repository.read", "group.write", "usergroup.none"),
                        List.of("repository.write", "group.read"), List.of("usergroup.admin", "repository.none"),
                        Set.of("repository.write", "group.write", "usergroup.admin")),
                Arguments.of("several groups: the highest wins", false,
                        List.of("hg.create.none"), List.of("hg.create.none", "hg.create.repository",
                                "hg.register.manual_activate", "hg.register.auto_activate"),
                        List.of(), Set.of("hg.create.repository", "hg.register.auto_activate")));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("globalRows")
    void global(String description, boolean superAdmin, List<String> defaults, List<String> fromGroups,
            List<String> own, Set<String> expected) {
        assertEquals(expected, PermissionRules.global(superAdmin, defaults, fromGroups, own));
    }
}
