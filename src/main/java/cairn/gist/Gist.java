package cairn.gist;

import java.time.Instant;

/**
 * A row of the gists table. {@code expires} is in epoch seconds, -1 for never; {@code type} is public or private.
 */
public record Gist(long id, String accessId, String description, long ownerId, double expires, String type,
        Instant createdOn, Instant modifiedAt) {

    public static final String PUBLIC = "public";
    public static final String PRIVATE = "private";

    public boolean isExpired(Instant now) {
        return expires != -1 && now.toEpochMilli() / 1000.0 > expires;
    }
}
