package cairn.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code java -jar target/cairn.war} as a child process on a free port of 127.0.0.1. */
public final class CairnProcess implements AutoCloseable {
    private static final Pattern RUNNING = Pattern.compile("Cairn is running at (http://\\S+/)");

    private final Process process;
    private final String baseUrl;
    private final StringBuffer output;

    private CairnProcess(Process process, String baseUrl, StringBuffer output) {
        this.process = process;
        this.baseUrl = baseUrl;
        this.output = output;
    }

    public static Path war() {
        return Path.of(System.getProperty("cairn.war", "target/cairn.war")).toAbsolutePath();
    }

    /** Starts Cairn with {@code args} after the WAR and waits until it listens (or fails). */
    public static CairnProcess start(Path workDir, Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Xmx512m", "-jar", war().toString()));
        cmd.addAll(List.of(args));
        Files.createDirectories(workDir);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        StringBuffer out = new StringBuffer();
        CompletableFuture<String> url = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    out.append(line).append('\n');
                    Matcher m = RUNNING.matcher(line);
                    if (m.find()) {
                        url.complete(m.group(1));
                    }
                }
            } catch (IOException ignored) {
                // process ended
            }
            url.complete(null);
        }, "cairn-output");
        reader.setDaemon(true);
        reader.start();
        String base;
        try {
            base = url.get(120, TimeUnit.SECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
            throw new IOException("Cairn did not start:\n" + out, e);
        }
        if (base == null) {
            throw new IOException("Cairn exited before listening:\n" + out);
        }
        return new CairnProcess(p, base, out);
    }

    /** Runs the launcher to its end (e.g. a start-up failure) and returns exit code and output. */
    public static Git.Result runToEnd(Path workDir, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(javaBin(), "-jar", war().toString()));
        cmd.addAll(List.of(args));
        Files.createDirectories(workDir);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("launcher did not end");
        }
        return new Git.Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** E.g. {@code http://127.0.0.1:41234/}. */
    public String baseUrl() {
        return baseUrl;
    }

    /** Everything the process printed so far. */
    public String output() {
        return output.toString();
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
