package cairn.vcs;

import java.nio.file.Path;

import cairn.auth.User;

/** An authorised version-control request: who, on which repository (and its folder), from which address. */
public record VcsSession(User user, Repo repo, Path folder, String ip) {
}
