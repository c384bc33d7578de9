package cairn.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The real git CLI, isolated from the machine's and the user's configuration. */
public final class Git {
    /** What a git command printed and how it ended. */
    public record Result(int exit, String out) {
        public boolean ok() {
            return exit == 0;
        }

        public Result expectOk() {
            if (exit != 0) {
                throw new AssertionError("git failed (" + exit + "):\n" + out);
            }
            return this;
        }
    }

    private final Path home;

    public Git(Path home) throws IOException {
        this.home = Files.createDirectories(home);
        Files.writeString(home.resolve(".gitconfig"), """
                [user]
                \tname = Cairn Test
                \temail = test@cairn.invalid
                [init]
                \tdefaultBranch = main
                [advice]
                \tdetachedHead = false
                """);
    }

    public Result run(Path dir, String... args) throws IOException, InterruptedException {
        return run(dir, Map.of(), args);
    }

    public Result run(Path dir, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("git");
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        Map<String, String> e = pb.environment();
        e.keySet().removeIf(k -> k.startsWith("GIT_"));
        e.put("HOME", home.toString());
        e.put("XDG_CONFIG_HOME", home.resolve(".config").toString());
        e.put("GIT_CONFIG_NOSYSTEM", "1");
        e.put("GIT_TERMINAL_PROMPT", "0");
        e.put("GIT_ASKPASS", "/bin/false");
        e.put("LC_ALL", "C");
        e.putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("git " + String.join(" ", args) + " did not finish");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    /** A new work tree with one commit per message, each adding a file named after it. */
    public Path workTree(Path dir, String... messages) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        run(dir, "init", "-q").expectOk();
        for (String m : messages) {
            commit(dir, m);
        }
        return dir;
    }

    public void commit(Path dir, String message) throws IOException, InterruptedException {
        Files.writeString(dir.resolve(message.replaceAll("[^A-Za-z0-9]", "_") + ".txt"), message + "\n");
        run(dir, "add", "-A").expectOk();
        run(dir, "commit", "-q", "-m", message).expectOk();
    }

    public String head(Path dir) throws IOException, InterruptedException {
        return run(dir, "rev-parse", "HEAD").expectOk().out().trim();
    }
}
