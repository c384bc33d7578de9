package cairn.auth;

import java.time.Instant;

/** A row of the users_groups table, with its owner's username. */
public record UserGroup(long id, String name, String description, boolean active, long ownerId, String ownerName,
        Instant createdOn) {
}
