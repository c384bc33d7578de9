package cairn.vcs.git;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.eclipse.jgit.lib.Ref;

/**
 * How to ask a repository again for what a clone request asked: the request's body, and which refs its {@code want}
 * lines named (every branch, every tag, or particular refs). After a push the refs point elsewhere; {@link #rebase}
 * writes the body the same client would send now, so its answer can be prepared before anyone asks
 * ({@link PackPreparer}). A body whose wants are not all ref tips has no recipe.
 *
 * <p>Also the canonical form of an upload-pack body for {@link SharedPacks#key}: the order of {@code want} lines
 * does not change what a request asks, so two bodies differing only in that order share an answer.
 */
public record PackRecipe(String gitProtocol, String acceptEncoding, byte[] body, List<String> prefixes,
        List<String> names) {
    /** Namespaces a clone takes whole (git clone: every branch and tag; --single-branch and --depth: one ref). */
    private static final List<String> NAMESPACES = List.of("refs/heads/", "refs/tags/");
    private static final byte[] WANT = "want ".getBytes(StandardCharsets.US_ASCII);
    /** Largest body remembered (about 1,300 wants); bigger requests are not prepared. */
    static final int MAX_BODY = 64 * 1024;

    /**
     * The recipe of a clone request (a body with no {@code have}) made against {@code refs}, or null when its wants
     * are not all tips of refs, the body is not plain pkt-lines or is over {@link #MAX_BODY}. A body without wants
     * (ls-refs) is its own recipe.
     */
    public static PackRecipe of(byte[] body, String gitProtocol, String acceptEncoding, Collection<Ref> refs) {
        if (body.length > MAX_BODY) {
            return null; // every kept answer may hold its recipe: keep them small
        }
        List<byte[]> lines = pktLines(body);
        if (lines == null) {
            return null;
        }
        List<String> wants = new ArrayList<>();
        boolean shallow = false;
        for (byte[] l : lines) {
            if (special(l)) {
                continue;
            }
            String s = new String(l, StandardCharsets.ISO_8859_1);
            if (startsWith(l, WANT)) {
                wants.add(id(l));
            } else if (s.startsWith("deepen") || s.startsWith("shallow ")) {
                shallow = true;
            }
        }
        if (wants.isEmpty()) {
            return new PackRecipe(gitProtocol, acceptEncoding, body.clone(), List.of(), List.of());
        }
        Set<String> wanted = new TreeSet<>(wants);
        Map<String, String> tips = tips(refs);
        String head = headTarget(refs);
        List<String> prefixes = new ArrayList<>();
        Set<String> covered = new TreeSet<>();
        if (!shallow) { // a --depth clone takes one branch (--single-branch), however many refs it could have
            for (String ns : NAMESPACES) {
                List<String> in = tips.entrySet().stream().filter(e -> e.getKey().startsWith(ns))
                        .map(Map.Entry::getValue).toList();
                if (!in.isEmpty() && wanted.containsAll(in)) {
                    prefixes.add(ns);
                    covered.addAll(in);
                }
            }
            if (prefixes.equals(List.of("refs/heads/")) && tips.keySet().stream().noneMatch(n -> n.startsWith(
                    "refs/tags/"))) {
                prefixes.add("refs/tags/"); // git clone takes every tag too: there was none yet
            }
        }
        List<String> names = new ArrayList<>();
        for (String id : wanted) {
            if (covered.contains(id)) {
                continue;
            }
            String name = nameOf(id, tips, head);
            if (name == null) {
                return null; // a want that is no ref's tip: nothing to rebase it on
            }
            names.add(name);
        }
        return new PackRecipe(gitProtocol, acceptEncoding, body.clone(), List.copyOf(prefixes), List.copyOf(names));
    }

    /** The same recipe for a rebased body (the request as asked after a push). */
    public PackRecipe withBody(byte[] rebased) {
        return new PackRecipe(gitProtocol, acceptEncoding, rebased, prefixes, names);
    }

    /**
     * The body this recipe's client would send against {@code refs}: the same lines, with the wants of the refs
     * now. Null when a named ref is gone or nothing would be wanted.
     */
    public byte[] rebase(Collection<Ref> refs) {
        List<byte[]> lines = pktLines(body);
        if (lines == null) {
            return null;
        }
        if (prefixes.isEmpty() && names.isEmpty()) {
            return body.clone();
        }
        Map<String, String> tips = tips(refs);
        Set<String> ids = new LinkedHashSet<>();
        for (String ns : prefixes) {
            tips.forEach((name, id) -> {
                if (name.startsWith(ns)) {
                    ids.add(id);
                }
            });
        }
        for (String name : names) {
            String id = tips.get(name);
            if (id == null) {
                return null;
            }
            ids.add(id);
        }
        if (ids.isEmpty()) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 64 * ids.size());
        boolean written = false;
        for (byte[] l : lines) {
            if (startsWith(l, WANT)) {
                if (!written) {
                    written = true;
                    // the first want line carries protocol v0's capabilities: keep them
                    String rest = new String(l, StandardCharsets.ISO_8859_1).substring(WANT.length + id(l).length());
                    boolean first = true;
                    for (String id : ids) {
                        pkt(out, ("want " + id + (first ? rest : "\n")).getBytes(StandardCharsets.ISO_8859_1));
                        first = false;
                    }
                }
                continue;
            }
            pkt(out, l);
        }
        return out.toByteArray();
    }

    /**
     * The body as keyed for sharing: its pkt-lines as they are, except the {@code want} lines, whose object ids are
     * appended at the end, sorted and without repeats (git asks for HEAD's tip and its branch's, the same id, twice).
     * The first want line's capabilities (protocol v0) stay in place. Anything not plain pkt-lines is keyed as it is.
     */
    public static byte[] canonical(byte[] body) {
        List<byte[]> lines = pktLines(body);
        if (lines == null) {
            return body;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 1);
        out.write('C'); // never the first byte of a pkt-line body: raw and canonical forms stay apart
        Set<String> ids = new TreeSet<>();
        boolean first = true;
        for (byte[] l : lines) {
            if (startsWith(l, WANT)) {
                String id = id(l);
                ids.add(id);
                String rest = new String(l, StandardCharsets.ISO_8859_1).substring(WANT.length + id.length());
                if (first || !rest.equals("\n")) {
                    pkt(out, ("want " + rest).getBytes(StandardCharsets.ISO_8859_1));
                }
                first = false;
            } else {
                pkt(out, l);
            }
        }
        for (String id : ids) {
            out.writeBytes(id.getBytes(StandardCharsets.ISO_8859_1));
            out.write('\n');
        }
        return out.toByteArray();
    }

    /**
     * pkt-lines of a body: their payloads, and for the special packets (flush, delim, response end) one of
     * {@link #SPECIAL}, told apart by identity; or null when the body is not plain pkt-lines.
     */
    static List<byte[]> pktLines(byte[] body) {
        List<byte[]> lines = new ArrayList<>();
        int i = 0;
        while (i < body.length) {
            if (i + 4 > body.length) {
                return null;
            }
            int len;
            try {
                len = Integer.parseInt(new String(body, i, 4, StandardCharsets.US_ASCII), 16);
            } catch (NumberFormatException e) {
                return null;
            }
            if (len < 4) {
                if (len == 3) {
                    return null;
                }
                lines.add(SPECIAL[len]);
                i += 4;
                continue;
            }
            if (i + len > body.length) {
                return null;
            }
            lines.add(Arrays.copyOfRange(body, i + 4, i + len));
            i += len;
        }
        return lines;
    }

    /** 0000 flush, 0001 delim, 0002 response end: compared by identity, never by content. */
    private static final byte[][] SPECIAL = {new byte[0], new byte[0], new byte[0]};

    private static boolean special(byte[] l) {
        return l == SPECIAL[0] || l == SPECIAL[1] || l == SPECIAL[2];
    }

    private static void pkt(ByteArrayOutputStream out, byte[] payload) {
        for (int k = 0; k < SPECIAL.length; k++) {
            if (payload == SPECIAL[k]) {
                out.writeBytes(String.format("%04x", k).getBytes(StandardCharsets.US_ASCII));
                return;
            }
        }
        out.writeBytes(String.format("%04x", payload.length + 4).getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(payload);
    }

    private static boolean startsWith(byte[] l, byte[] prefix) {
        return l.length > prefix.length && Arrays.equals(l, 0, prefix.length, prefix, 0, prefix.length);
    }

    /** The object id of a want line: up to the first space or newline. */
    private static String id(byte[] l) {
        int end = WANT.length;
        while (end < l.length && l[end] != ' ' && l[end] != '\n') {
            end++;
        }
        return new String(l, WANT.length, end - WANT.length, StandardCharsets.ISO_8859_1);
    }

    /** Ref name to object id, of the refs that are not symbolic, by name. */
    private static Map<String, String> tips(Collection<Ref> refs) {
        Map<String, String> tips = new TreeMap<>();
        for (Ref r : refs) {
            if (!r.isSymbolic() && r.getObjectId() != null) {
                tips.put(r.getName(), r.getObjectId().name());
            }
        }
        return tips;
    }

    private static String headTarget(Collection<Ref> refs) {
        for (Ref r : refs) {
            if (r.isSymbolic() && r.getName().equals("HEAD")) {
                return r.getTarget().getName();
            }
        }
        return null;
    }

    /** The ref a want names: HEAD's branch first, then a branch, a tag, anything (by name). */
    private static String nameOf(String id, Map<String, String> tips, String head) {
        if (head != null && id.equals(tips.get(head))) {
            return head;
        }
        for (String ns : List.of("refs/heads/", "refs/tags/", "")) {
            for (var e : tips.entrySet()) {
                if (e.getValue().equals(id) && e.getKey().startsWith(ns)) {
                    return e.getKey();
                }
            }
        }
        return null;
    }
}
