package cairn.vcs;

import java.time.Instant;

/** A row of the repo_groups table; {@code name} is the full path, e.g. {@code group/sub}. */
public record RepoGroup(long id, String name, Long parentId, String description, long ownerId, Instant createdOn) {
}
