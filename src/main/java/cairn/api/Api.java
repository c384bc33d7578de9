package cairn.api;

import cairn.Services;

/** Every method group of the JSON-RPC API, registered in one place. */
public final class Api {
    private Api() {
    }

    public static ApiRegistry registry(Services services) {
        ApiRegistry r = new ApiRegistry();
        new ServerMethods(services).register(r);
        new UserMethods(services).register(r);
        new UserGroupMethods(services).register(r);
        new RepoMethods(services).register(r);
        new RepoGroupMethods(services).register(r);
        new GistMethods(services).register(r);
        new ChangesetMethods(services).register(r);
        return r;
    }
}
