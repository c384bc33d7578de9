package cairn.gist;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;

/** The gists table. */
public final class GistDao {
    private static final String SELECT = "SELECT gist_id AS id, gist_access_id AS access_id, gist_description AS "
            + "description, user_id AS owner_id, gist_expires AS expires, gist_type AS type, created_on, modified_at "
            + "FROM gists ";
    private static final RowMapper<Gist> GIST = ConstructorMapper.of(Gist.class);

    private final Jdbi jdbi;

    public GistDao(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public Optional<Gist> byId(long id) {
        return jdbi.withHandle(h -> h.createQuery(SELECT + "WHERE gist_id = :id").bind("id", id).map(GIST).findOne());
    }

    public Optional<Gist> byAccessId(String accessId) {
        return jdbi.withHandle(h -> h.createQuery(SELECT + "WHERE gist_access_id = :a").bind("a", accessId)
                .map(GIST).findOne());
    }

    /** The owner's gists that have not expired at {@code nowSeconds}, newest first. */
    public List<Gist> unexpiredOf(long ownerId, double nowSeconds) {
        return jdbi.withHandle(h -> h.createQuery(SELECT + "WHERE user_id = :u AND (gist_expires = -1 OR "
                + "gist_expires >= :now) ORDER BY created_on DESC, gist_id DESC")
                .bind("u", ownerId).bind("now", nowSeconds).map(GIST).list());
    }

    /** Something done inside the insert's transaction once the row (and its final access id) exists. */
    @FunctionalInterface
    public interface AfterInsert {
        void run(Gist gist) throws Exception;
    }

    /**
     * Inserts a gist and runs {@code then} in the same transaction: if it fails, the row is gone too. Public gists get
     * their numeric id as access id; private ones keep {@code privateAccessId}.
     */
    public Gist insert(String privateAccessId, String description, long ownerId, double expires, String type,
            Instant now, AfterInsert then) {
        return jdbi.inTransaction(h -> {
            long id = h.createUpdate("INSERT INTO gists (gist_access_id, gist_description, user_id, gist_expires, "
                    + "gist_type, created_on, modified_at) VALUES (:a, :d, :u, :e, :t, :now, :now)")
                    .bind("a", privateAccessId).bind("d", description).bind("u", ownerId).bind("e", expires)
                    .bind("t", type).bind("now", now)
                    .executeAndReturnGeneratedKeys("gist_id").mapTo(Long.class).one();
            if (Gist.PUBLIC.equals(type)) {
                h.createUpdate("UPDATE gists SET gist_access_id = :a WHERE gist_id = :id")
                        .bind("a", Long.toString(id)).bind("id", id).execute();
            }
            Gist gist = h.createQuery(SELECT + "WHERE gist_id = :id").bind("id", id).map(GIST).one();
            try {
                then.run(gist);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
            return gist;
        });
    }

    public boolean delete(long id) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM gists WHERE gist_id = :id").bind("id", id)
                .execute()) == 1;
    }
}
