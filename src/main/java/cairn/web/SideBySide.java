package cairn.web;

import java.util.ArrayList;
import java.util.List;

import cairn.vcs.Browse;

/** Pairs a unified diff's removed and added lines into rows of two columns. */
public final class SideBySide {
    private SideBySide() {
    }

    /** One row: the old side and the new side (either may be empty); {@code kind} is hunk, ctx or change. */
    public record Row(String kind, String oldNo, String oldText, String oldKind, String newNo, String newText,
            String newKind) {
    }

    /** A file's rows. */
    public record FileRows(String path, String change, boolean binary, List<Row> rows) {
    }

    static List<FileRows> of(List<Browse.FileDiff> files) {
        List<FileRows> out = new ArrayList<>();
        for (Browse.FileDiff f : files) {
            out.add(new FileRows(f.path(), f.change(), f.binary(), rows(f.lines())));
        }
        return out;
    }

    private static List<Row> rows(List<Browse.DiffLine> lines) {
        List<Row> rows = new ArrayList<>();
        List<Browse.DiffLine> dels = new ArrayList<>();
        List<Browse.DiffLine> adds = new ArrayList<>();
        for (Browse.DiffLine l : lines) {
            switch (l.kind()) {
                case "del" -> dels.add(l);
                case "add" -> adds.add(l);
                default -> {
                    flush(rows, dels, adds);
                    if (l.kind().equals("hunk")) {
                        rows.add(new Row("hunk", "", l.text(), "hunk", "", "", "hunk"));
                    } else {
                        rows.add(new Row("ctx", l.oldNo(), l.text(), "ctx", l.newNo(), l.text(), "ctx"));
                    }
                }
            }
        }
        flush(rows, dels, adds);
        return rows;
    }

    private static void flush(List<Row> rows, List<Browse.DiffLine> dels, List<Browse.DiffLine> adds) {
        for (int i = 0; i < Math.max(dels.size(), adds.size()); i++) {
            Browse.DiffLine d = i < dels.size() ? dels.get(i) : null;
            Browse.DiffLine a = i < adds.size() ? adds.get(i) : null;
            rows.add(new Row("change", d == null ? "" : d.oldNo(), d == null ? "" : d.text(), d == null ? "empty" : "del",
                    a == null ? "" : a.newNo(), a == null ? "" : a.text(), a == null ? "empty" : "add"));
        }
        dels.clear();
        adds.clear();
    }
}
