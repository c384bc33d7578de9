package cairn.unit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import cairn.web.Graph;
import cairn.web.Graph.Node;
import cairn.web.Graph.Row;

/** The changelog graph's lanes: straight history stays in one lane, branches and merges get their own. */
class GraphTest {
    @Test
    void linearHistoryUsesOneLane() {
        List<Row> rows = Graph.layout(List.of(new Node("c", List.of("b")), new Node("b", List.of("a")),
                new Node("a", List.of())), 0);
        assertEquals(3, rows.size());
        rows.forEach(r -> assertEquals(0, r.lane()));
        assertTrue(rows.get(2).lines().stream().noneMatch(l -> l.y1() >= 14), "a root has no line below");
    }

    @Test
    void aMergeOpensASecondLaneThatJoinsAtTheForkPoint() {
        // m merges f (feature) into x; both come from base
        List<Row> rows = Graph.layout(List.of(new Node("m", List.of("x", "f")), new Node("x", List.of("base")),
                new Node("f", List.of("base")), new Node("base", List.of())), 0);
        assertEquals(0, rows.get(0).lane());
        assertEquals(2, rows.get(0).lines().stream().filter(l -> l.y1() == 14).count(), "two parent lines");
        assertTrue(rows.get(1).lane() != rows.get(2).lane(), "x and f in different lanes");
        Row f = rows.get(2);
        assertTrue(f.lines().stream().anyMatch(l -> l.x1() != l.x2() && l.y2() == 28), "f's lane bends into base's");
        assertEquals(rows.get(1).lane(), rows.get(3).lane(), "base continues x's lane");
    }

    @Test
    void skippedRowsStillShapeTheLanes() {
        List<Node> nodes = List.of(new Node("m", List.of("x", "f")), new Node("x", List.of("base")),
                new Node("f", List.of("base")), new Node("base", List.of()));
        List<Row> page2 = Graph.layout(nodes, 2);
        assertEquals(2, page2.size());
        assertEquals(Graph.layout(nodes, 0).get(2), page2.get(0));
    }
}
