package cairn.vcs;

/**
 * A version-control request recognised by a {@link VcsProtocol}: the repository as the URL names it (a full path, or
 * {@code _<id>}), and whether it pulls or pushes ({@code null}: the protocol could not tell).
 */
public record VcsCall(VcsProtocol protocol, String repoRef, Action action, String rest) {

    public enum Action { PULL, PUSH }
}
