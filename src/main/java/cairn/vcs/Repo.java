package cairn.vcs;

import java.time.Instant;

/** A row of the repositories table. {@code name} is the full path, e.g. {@code group/sub/project}. */
public record Repo(long id, String name, String type, long ownerId, boolean isPrivate, String description,
        Long forkId, Long groupId, String landingRevision, String cloneUri, String state, boolean enableDownloads,
        boolean enableStatistics, Instant createdOn, Instant updatedOn) {

    /** The last segment of the full path. */
    public String shortName() {
        return name.substring(name.lastIndexOf('/') + 1);
    }
}
