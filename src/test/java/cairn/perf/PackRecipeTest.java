package cairn.perf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectIdRef;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.SymbolicRef;
import org.junit.jupiter.api.Test;

import cairn.vcs.git.PackRecipe;

/** Rebasing a clone request on moved refs, as {@code PackPreparer} does after a push and a repack. */
class PackRecipeTest {
    private static final String A = "a".repeat(40);
    private static final String B = "b".repeat(40);
    private static final String C = "c".repeat(40);
    private static final String T = "7".repeat(40);
    private static final String N = "e".repeat(40);

    private static Ref ref(String name, String id) {
        return new ObjectIdRef.PeeledNonTag(Ref.Storage.PACKED, name, ObjectId.fromString(id));
    }

    /** HEAD -> main, plus the given refs. */
    private static List<Ref> refs(Ref... more) {
        List<Ref> refs = new ArrayList<>(Arrays.asList(more));
        Ref main = refs.stream().filter(r -> r.getName().equals("refs/heads/main")).findFirst().orElseThrow();
        refs.add(new SymbolicRef("HEAD", main));
        return refs;
    }

    private static String pkt(String payload) {
        return String.format("%04x", payload.length() + 4) + payload;
    }

    /** A protocol v2 fetch as git clone sends it: HEAD's id first (again), then every branch and tag. */
    private static byte[] v2(String extra, String... wants) {
        StringBuilder b = new StringBuilder(pkt("command=fetch")).append(pkt("agent=git/2.39.5")).append("0001")
                .append(pkt("thin-pack")).append(pkt("ofs-delta")).append(extra);
        for (String w : wants) {
            b.append(pkt("want " + w + "\n"));
        }
        return b.append(pkt("done\n")).append("0000").toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static String key(byte[] body) {
        return cairn.vcs.git.SharedPacks.key(java.nio.file.Path.of("/r.git"), "version=2", null, body);
    }

    @Test
    void aFullCloneIsRebasedOnEveryBranchAndTagThereAreNow() {
        List<Ref> before = refs(ref("refs/heads/main", A), ref("refs/heads/stable", B), ref("refs/tags/v1", T));
        PackRecipe r = PackRecipe.of(v2("", A, A, B, T), "version=2", null, before);
        assertNotNull(r);
        assertEquals(List.of("refs/heads/", "refs/tags/"), r.prefixes());
        // a push moved main and made a new branch
        List<Ref> after = refs(ref("refs/heads/main", C), ref("refs/heads/stable", B), ref("refs/heads/new", N),
                ref("refs/tags/v1", T));
        byte[] rebased = r.rebase(after);
        // what git would send now, in its own order and with HEAD's id twice: the same key
        assertEquals(key(v2("", C, C, N, B, T)), key(rebased));
        assertEquals(key(v2("", C, N, B, T)), key(rebased));
        // but not what it sent before
        assertEquals(false, key(v2("", A, A, B, T)).equals(key(rebased)));
    }

    @Test
    void aFullCloneOfARepositoryWithoutTagsTakesTheFirstTagToo() {
        PackRecipe r = PackRecipe.of(v2("", A, A), "version=2", null, refs(ref("refs/heads/main", A)));
        assertEquals(List.of("refs/heads/", "refs/tags/"), r.prefixes());
        assertEquals(key(v2("", A, T)), key(r.rebase(refs(ref("refs/heads/main", A), ref("refs/tags/v1", T)))));
    }

    @Test
    void aDepthCloneTakesItsOneBranchWhateverNewBranchesCome() {
        List<Ref> before = refs(ref("refs/heads/main", A));
        byte[] body = v2(pkt("deepen 1\n"), A);
        PackRecipe r = PackRecipe.of(body, "version=2", null, before);
        assertEquals(List.of(), r.prefixes());
        assertEquals(List.of("refs/heads/main"), r.names());
        List<Ref> after = refs(ref("refs/heads/main", C), ref("refs/heads/new", N));
        assertEquals(key(v2(pkt("deepen 1\n"), C)), key(r.rebase(after)));
        assertNull(r.rebase(List.of(ref("refs/heads/other", C))), "its branch is gone: nothing to prepare");
    }

    @Test
    void protocolV0KeepsItsCapabilitiesOnTheFirstWant() {
        List<Ref> before = refs(ref("refs/heads/main", A), ref("refs/heads/stable", B));
        String caps = " multi_ack_detailed side-band-64k thin-pack ofs-delta agent=git/2.39.5\n";
        byte[] body = (pkt("want " + A + caps) + pkt("want " + B + "\n") + "0000" + pkt("done\n"))
                .getBytes(StandardCharsets.US_ASCII);
        PackRecipe r = PackRecipe.of(body, null, "gzip", before);
        byte[] rebased = r.rebase(refs(ref("refs/heads/main", C), ref("refs/heads/stable", B)));
        String text = new String(rebased, StandardCharsets.US_ASCII);
        assertEquals(1, text.split("multi_ack_detailed", -1).length - 1, text);
        assertEquals(true, text.startsWith(pkt("want " + B + caps)) || text.startsWith(pkt("want " + C + caps)),
                text);
        assertEquals(true, text.endsWith("0000" + pkt("done\n")), text);
        assertEquals(key((pkt("want " + B + caps) + pkt("want " + C + "\n") + "0000" + pkt("done\n"))
                .getBytes(StandardCharsets.US_ASCII)), key(rebased));
    }

    @Test
    void requestsThatAreNotAboutRefTipsHaveNoRecipe() {
        List<Ref> refs = refs(ref("refs/heads/main", A));
        assertNull(PackRecipe.of(v2("", B), "version=2", null, refs), "a want that is no ref's tip");
        assertNull(PackRecipe.of("0032want broken".getBytes(StandardCharsets.US_ASCII), "version=2", null, refs),
                "not pkt-lines");
        assertNull(PackRecipe.of(new byte[] {0x1f, (byte) 0x8b, 8}, null, null, refs), "gzip, not decoded");
        String[] many = new String[1400];
        java.util.Arrays.fill(many, A);
        assertNull(PackRecipe.of(v2("", many), "version=2", null, refs), "too big to remember");
        assertNotNull(PackRecipe.of(v2("", A), "version=2", null, refs));
    }

    @Test
    void aRequestWithoutWantsIsAskedAgainAsItIs() {
        byte[] lsRefs = (pkt("command=ls-refs") + "0001" + pkt("peel") + pkt("ref-prefix refs/heads/") + "0000")
                .getBytes(StandardCharsets.US_ASCII);
        PackRecipe r = PackRecipe.of(lsRefs, "version=2", null, refs(ref("refs/heads/main", A)));
        assertArrayEquals(lsRefs, r.rebase(refs(ref("refs/heads/main", C))));
    }
}
