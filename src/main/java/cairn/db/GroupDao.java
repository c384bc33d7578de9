package cairn.db;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;

import cairn.vcs.Repo;
import cairn.vcs.RepoGroup;

/**
 * Repository-group queries beyond RepoDao's: lookups, contents, and the multi-row changes (rename or move of a whole
 * subtree, delete) that must happen in one transaction together with a step on disk.
 */
public final class GroupDao {
    /** A repository's id and full name, for renames of a subtree. */
    public record Named(long id, String name) {
    }

    private static final RowMapper<RepoGroup> GROUP = ConstructorMapper.of(RepoGroup.class);
    private static final RowMapper<Repo> REPO = ConstructorMapper.of(Repo.class);

    private final Jdbi jdbi;

    public GroupDao(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public Optional<RepoGroup> byId(long id) {
        return jdbi.withHandle(h -> h.createQuery(RepoDao.SELECT_GROUP + "WHERE g.group_id = :id").bind("id", id)
                .map(GROUP).findOne());
    }

    public Optional<RepoGroup> byName(String name) {
        return jdbi.withHandle(h -> h.createQuery(RepoDao.SELECT_GROUP + "WHERE g.group_name = :n").bind("n", name)
                .map(GROUP).findOne());
    }

    /** Every group, in id order (Kallithea lists them in database order). */
    public List<RepoGroup> all() {
        return jdbi.withHandle(h -> h.createQuery(RepoDao.SELECT_GROUP + "ORDER BY g.group_id")
                .map(GROUP).list());
    }

    /** Full names of the repositories directly inside the group, by name. */
    public List<String> repositoryNames(long groupId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT repo_name FROM repositories WHERE group_id = :g "
                + "ORDER BY repo_name").bind("g", groupId).mapTo(String.class).list());
    }

    /** Full names of the repositories inside each group, by group id (one query for get_repo_groups). */
    public java.util.Map<Long, List<String>> repositoryNamesByGroup() {
        java.util.Map<Long, List<String>> out = new java.util.HashMap<>();
        jdbi.useHandle(h -> h.createQuery("SELECT group_id, repo_name FROM repositories WHERE group_id IS NOT NULL "
                + "ORDER BY repo_name").map((rs, ctx) -> new Named(rs.getLong(1), rs.getString(2)))
                .forEach(n -> out.computeIfAbsent(n.id(), k -> new ArrayList<>()).add(n.name())));
        return out;
    }

    /** Full names of the repositories anywhere below the group {@code name}. */
    public List<String> repositoryNamesBelow(String name) {
        return jdbi.withHandle(h -> below(h, "SELECT repo_id, repo_name FROM repositories", name + "/")).stream()
                .map(Named::name).toList();
    }

    /** Repositories directly inside the group. */
    public List<Repo> repositories(long groupId) {
        return jdbi.withHandle(h -> h.createQuery(RepoDao.SELECT + "WHERE r.group_id = :g ORDER BY r.repo_name")
                .bind("g", groupId).map(REPO).list());
    }

    /** Sub-groups directly inside the group, by name. */
    public List<RepoGroup> children(long groupId) {
        return jdbi.withHandle(h -> h.createQuery(RepoDao.SELECT_GROUP + "WHERE g.group_parent_id = :g "
                + "ORDER BY g.group_name").bind("g", groupId).map(GROUP).list());
    }

    public boolean repositoryExists(String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM repositories WHERE repo_name = :n")
                .bind("n", name).mapTo(Long.class).one()) > 0;
    }

    public long insert(String name, Long parentId, String description, long ownerId, Instant now) {
        return jdbi.withHandle(h -> h.createUpdate("INSERT INTO repo_groups (group_name, group_parent_id, "
                + "group_description, user_id, created_on) VALUES (:n, :p, :d, :o, :now)")
                .bind("n", name).bind("p", parentId).bind("d", description).bind("o", ownerId).bind("now", now)
                .executeAndReturnGeneratedKeys("group_id").mapTo(Long.class).one());
    }

    /** Removes the row of a group created a moment ago whose folder could not be made (grants go with it). */
    public void deleteRow(long id) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM repo_groups WHERE group_id = :id").bind("id", id).execute());
    }

    /** A step on disk that runs inside the database transaction, last, so that a failure rolls the rows back. */
    @FunctionalInterface
    public interface DiskStep {
        void run() throws java.io.IOException;
    }

    /**
     * Updates group {@code id} in one transaction: description and owner when not null, and the full name
     * {@code newName} under {@code newParentId} with the new prefix for every group and repository below it;
     * {@code disk} (may be null) runs last inside the transaction.
     */
    public void update(long id, String description, Long ownerId, String oldName, String newName, Long newParentId,
            DiskStep disk) {
        jdbi.useTransaction(h -> {
            if (description != null) {
                h.createUpdate("UPDATE repo_groups SET group_description = :d WHERE group_id = :id")
                        .bind("d", description).bind("id", id).execute();
            }
            if (ownerId != null) {
                h.createUpdate("UPDATE repo_groups SET user_id = :o WHERE group_id = :id")
                        .bind("o", ownerId).bind("id", id).execute();
            }
            if (oldName.equals(newName)) {
                return;
            }
            h.createUpdate("UPDATE repo_groups SET group_name = :n, group_parent_id = :p WHERE group_id = :id")
                    .bind("n", newName).bind("p", newParentId).bind("id", id).execute();
            String oldPrefix = oldName + "/";
            for (Named g : below(h, "SELECT group_id, group_name FROM repo_groups", oldPrefix)) {
                h.createUpdate("UPDATE repo_groups SET group_name = :n WHERE group_id = :id")
                        .bind("n", newName + "/" + g.name().substring(oldPrefix.length())).bind("id", g.id())
                        .execute();
            }
            for (Named r : below(h, "SELECT repo_id, repo_name FROM repositories", oldPrefix)) {
                h.createUpdate("UPDATE repositories SET repo_name = :n WHERE repo_id = :id")
                        .bind("n", newName + "/" + r.name().substring(oldPrefix.length())).bind("id", r.id())
                        .execute();
            }
            if (disk != null) {
                runDisk(disk);
            }
        });
    }

    /** Deletes an empty group's row (its grants cascade) in one transaction with {@code disk}, which runs last. */
    public void delete(long id, DiskStep disk) {
        jdbi.useTransaction(h -> {
            h.createUpdate("DELETE FROM user_repo_group_to_perm WHERE group_id = :id").bind("id", id).execute();
            h.createUpdate("DELETE FROM users_group_repo_group_to_perm WHERE group_id = :id").bind("id", id)
                    .execute();
            if (h.createUpdate("DELETE FROM repo_groups WHERE group_id = :id").bind("id", id).execute() != 1) {
                throw new IllegalStateException("repository group " + id + " is gone");
            }
            runDisk(disk);
        });
    }

    private static void runDisk(DiskStep disk) {
        try {
            disk.run();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Rows whose name starts with {@code prefix}, compared in Java: LIKE would treat '_' as a wildcard. */
    private static List<Named> below(Handle h, String select, String prefix) {
        List<Named> out = new ArrayList<>();
        for (Named n : h.createQuery(select).map((rs, ctx) -> new Named(rs.getLong(1), rs.getString(2))).list()) {
            if (n.name().startsWith(prefix)) {
                out.add(n);
            }
        }
        return out;
    }
}
