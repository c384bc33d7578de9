package cairn.web;

import java.util.ArrayList;
import java.util.List;

/**
 * The commit graph of a changelog page: each commit gets a lane, and each row knows which lines cross it, so branches
 * and merges are visible. Lanes keep their columns (a freed column is reused), so straight lines stay straight.
 */
public final class Graph {
    static final int LANE = 14;
    static final int ROW = 28;

    private Graph() {
    }

    /** A commit and its parents, newest first as the changelog lists them. */
    public record Node(String id, List<String> parents) {
    }

    /** A line segment within a row, in pixels. */
    public record Line(int x1, int y1, int x2, int y2, int lane) {
    }

    /** What to draw in one row: the lines, the dot and the row's width. */
    public record Row(String id, List<Line> lines, int dotX, int dotY, int width, int height, int lane) {
    }

    private static int x(int lane) {
        return lane * LANE + LANE / 2;
    }

    /** Lays out {@code nodes}; only rows from {@code skip} on are returned (earlier ones only set the lanes). */
    public static List<Row> layout(List<Node> nodes, int skip) {
        List<String> lanes = new ArrayList<>();
        List<Row> rows = new ArrayList<>();
        int mid = ROW / 2;
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            List<Line> lines = new ArrayList<>();
            int col = lanes.indexOf(n.id());
            if (col < 0) {
                col = free(lanes);
                lanes.set(col, n.id());
            } else {
                // any other lane waiting for this commit ends here (a fork point seen from its branches)
                for (int j = 0; j < lanes.size(); j++) {
                    if (j != col && n.id().equals(lanes.get(j))) {
                        lines.add(new Line(x(j), 0, x(col), mid, j));
                        lanes.set(j, null);
                    }
                }
                lines.add(new Line(x(col), 0, x(col), mid, col));
            }
            for (int j = 0; j < lanes.size(); j++) {
                if (j != col && lanes.get(j) != null) {
                    lines.add(new Line(x(j), 0, x(j), ROW, j));
                }
            }
            lanes.set(col, null);
            for (int p = 0; p < n.parents().size(); p++) {
                String parent = n.parents().get(p);
                int target = lanes.indexOf(parent);
                if (target < 0) {
                    target = p == 0 ? col : free(lanes);
                    lanes.set(target, parent);
                }
                lines.add(new Line(x(col), mid, x(target), ROW, target));
            }
            while (!lanes.isEmpty() && lanes.get(lanes.size() - 1) == null) {
                lanes.remove(lanes.size() - 1);
            }
            int width = (Math.max(lanes.size(), col + 1)) * LANE;
            for (Line l : lines) {
                width = Math.max(width, Math.max(l.x1(), l.x2()) + LANE / 2);
            }
            if (i >= skip) {
                rows.add(new Row(n.id(), lines, x(col), mid, width, ROW, col));
            }
        }
        return rows;
    }

    private static int free(List<String> lanes) {
        int i = lanes.indexOf(null);
        if (i >= 0) {
            return i;
        }
        lanes.add(null);
        return lanes.size() - 1;
    }
}
