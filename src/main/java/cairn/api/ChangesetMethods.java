package cairn.api;

import static cairn.api.Param.optional;
import static cairn.api.Param.required;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import cairn.Services;
import cairn.auth.Level;
import cairn.vcs.History;
import cairn.vcs.Repo;

/** get_changesets, get_changeset, get_repo_nodes: read-only history for callers who may read the repository. */
public final class ChangesetMethods {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

    private final Services services;

    public ChangesetMethods(Services services) {
        this.services = services;
    }

    public void register(ApiRegistry r) {
        r.add("get_changesets", this::changesets, required("repoid"), optional("start"), optional("end"),
                optional("start_date"), optional("end_date"), optional("branch_name"), optional("reverse"),
                optional("with_file_list"), optional("max_revisions"));
        // with_comments / with_inline_comments come with pull requests; until then there is nothing to list
        r.add("get_changeset", this::changeset, required("repoid"), required("raw_id"), optional("with_reviews"),
                optional("with_comments"), optional("with_inline_comments"));
        r.add("get_repo_nodes", this::nodes, required("repoid"), required("revision"), required("root_path"),
                optional("ret_type"));
    }

    /**
     * The repository the caller may read, with its folder. Cairn answers "does not exist" both for a missing
     * repository and for one the caller may not read (Kallithea said "Access denied to repo X" here, which told any
     * API user that a private repository of that name exists).
     */
    private record Readable(Repo repo, Path folder) {
    }

    private Readable readable(ApiCall call) throws ApiError {
        JsonNode arg = call.args().raw("repoid");
        Long key = Ids.key(arg);
        Optional<Repo> repo = key != null ? services.repos.byId(key) : services.repos.byName(Ids.text(arg));
        Path folder = repo.filter(r -> call.perms().repo(r.id()).atLeast(Level.READ))
                .map(services.repos::folder).orElse(null);
        if (folder == null) {
            throw new ApiError("repository `" + Ids.text(arg) + "` does not exist");
        }
        return new Readable(repo.get(), folder);
    }

    private Object changesets(ApiCall call) throws ApiError, IOException {
        Readable r = readable(call);
        Args a = call.args();
        if (History.tip(r.folder()) == null) {
            throw new ApiError("Repository is empty");
        }
        Long max = a.integer("max_revisions", null);
        History.Query q = new History.Query(a.string("start"), a.string("end"), date(a, "start_date"),
                date(a, "end_date"), a.string("branch_name"), a.bool("reverse", false),
                a.bool("with_file_list", false), max == null ? null : (int) Math.max(0, Math.min(max, 1_000_000)));
        try {
            List<Object> out = new ArrayList<>();
            for (History.Changeset c : History.changesets(r.folder(), q)) {
                Map<String, Object> m = listForm(c);
                if (q.withFiles()) {
                    m.put("added", c.added());
                    m.put("changed", c.changed());
                    m.put("removed", c.removed());
                }
                out.add(m);
            }
            return out;
        } catch (History.NotFound e) {
            throw new ApiError("Changeset " + e.getMessage() + " does not exist");
        }
    }

    private static Instant date(Args a, String name) throws ApiError {
        String v = a.string(name);
        if (v == null) {
            return null;
        }
        try {
            return LocalDateTime.parse(v, DATE).atZone(ZoneId.systemDefault()).toInstant();
        } catch (DateTimeParseException e) {
            throw new ApiError("Invalid `" + name + "`: " + v + " (expected %Y-%m-%dT%H:%M:%S)");
        }
    }

    private static Map<String, Object> listForm(History.Changeset c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("short_id", c.shortId());
        m.put("raw_id", c.rawId());
        m.put("revision", c.revision());
        m.put("message", c.message());
        m.put("date", Json.time(c.date()));
        m.put("author", c.author());
        return m;
    }

    private Object changeset(ApiCall call) throws ApiError, IOException {
        Readable r = readable(call);
        String rawId = call.args().string("raw_id", "");
        History.Changeset c;
        try {
            c = History.changeset(r.folder(), rawId);
        } catch (History.NotFound e) {
            throw new ApiError("Changeset " + rawId + " does not exist");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("raw_id", c.rawId());
        m.put("short_id", c.shortId());
        m.put("revision", c.revision());
        m.put("date", Json.time(c.date()));
        m.put("message", c.message());
        Map<String, Object> author = new LinkedHashMap<>();
        author.put("name", c.authorName());
        author.put("email", c.authorEmail());
        m.put("author", author);
        m.put("added", c.added());
        m.put("changed", c.changed());
        m.put("removed", c.removed());
        if (call.args().bool("with_reviews", false)) {
            m.put("reviews", List.of());
        }
        if (call.args().bool("with_comments", false)) {
            m.put("comments", List.of());
        }
        if (call.args().bool("with_inline_comments", false)) {
            m.put("inline_comments", List.of());
        }
        return m;
    }

    private Object nodes(ApiCall call) throws ApiError, IOException {
        Readable r = readable(call);
        String retType = call.args().string("ret_type", "all");
        if (!List.of("all", "files", "dirs").contains(retType)) {
            throw new ApiError("ret_type must be one of all,dirs,files");
        }
        try {
            List<Object> out = new ArrayList<>();
            for (History.Node n : History.nodes(r.folder(), call.args().string("revision", "tip"),
                    call.args().string("root_path", "/"))) {
                if (retType.equals("all") || retType.equals(n.isDir() ? "dirs" : "files")) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("name", n.path());
                    m.put("type", n.isDir() ? "dir" : "file");
                    out.add(m);
                }
            }
            return out;
        } catch (History.NotFound e) {
            throw new ApiError("failed to get repo: `" + r.repo().name() + "` nodes");
        }
    }
}
