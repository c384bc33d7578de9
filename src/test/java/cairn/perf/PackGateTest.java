package cairn.perf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import cairn.vcs.git.PackGate;
import cairn.vcs.git.PackGate.Outcome;
import cairn.vcs.git.PackGate.Ticket;

/** The admission control in front of pack generation: slots, a fair line, refusals. */
class PackGateTest {
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(5);
        }
    }

    @Test
    void admitsUpToTheSlotsThenQueuesThenRefusesAtOnce() throws Exception {
        PackGate gate = new PackGate(2, 1, Duration.ofSeconds(30));
        Ticket a = gate.enter();
        Ticket b = gate.enter();
        assertTrue(a.admitted());
        assertTrue(b.admitted());
        assertEquals(2, gate.active());

        Future<Ticket> queued = pool.submit(gate::enter);
        await(() -> gate.queued() == 1);
        long t0 = System.nanoTime();
        Ticket refused = gate.enter();
        assertEquals(Outcome.QUEUE_FULL, refused.outcome());
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "refused without waiting");
        refused.close(); // closing a refusal gives nothing back
        assertEquals(2, gate.active());

        a.close();
        Ticket c = queued.get(10, TimeUnit.SECONDS);
        assertTrue(c.admitted());
        assertEquals(0, gate.queued());
        assertEquals(2, gate.active());
        c.close();
        c.close(); // idempotent
        b.close();
        assertEquals(0, gate.active());
    }

    @Test
    void aWaiterGivesUpAfterTheTimeout() throws Exception {
        PackGate gate = new PackGate(1, 5, Duration.ofMillis(200));
        try (Ticket held = gate.enter()) {
            assertTrue(held.admitted());
            Ticket late = gate.enter();
            assertEquals(Outcome.TIMED_OUT, late.outcome());
            assertTrue(late.waitedNanos() >= TimeUnit.MILLISECONDS.toNanos(150), "waited " + late.waitedNanos());
            assertEquals(0, gate.queued());
        }
        assertEquals(0, gate.active());
        assertEquals(1, gate.retryAfterSeconds());
    }

    @Test
    void withoutAQueueTheExtraRequestIsRefused() throws Exception {
        PackGate gate = new PackGate(1, 0, Duration.ofSeconds(30));
        try (Ticket held = gate.enter()) {
            assertTrue(held.admitted());
            assertEquals(Outcome.QUEUE_FULL, gate.enter().outcome());
        }
        assertTrue(gate.enter().admitted());
        assertEquals(30, gate.retryAfterSeconds());
    }

    @Test
    void theLineIsFirstComeFirstServed() throws Exception {
        PackGate gate = new PackGate(1, 10, Duration.ofSeconds(30));
        Ticket held = gate.enter();
        BlockingQueue<Integer> order = new LinkedBlockingQueue<>();
        List<CompletableFuture<Void>> done = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int n = i;
            done.add(CompletableFuture.runAsync(() -> {
                try (Ticket t = gate.enter()) {
                    assertTrue(t.admitted());
                    order.add(n);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }, pool));
            int expected = i + 1;
            await(() -> gate.queued() == expected); // each waits in line before the next arrives
        }
        // a newcomer while others wait does not jump the line, even at the moment a slot frees
        held.close();
        for (CompletableFuture<Void> f : done) {
            f.get(10, TimeUnit.SECONDS);
        }
        List<Integer> seen = new ArrayList<>(order);
        assertEquals(List.of(0, 1, 2, 3, 4), seen);
        assertEquals(0, gate.active());
        assertFalse(gate.queued() > 0);
    }
}
