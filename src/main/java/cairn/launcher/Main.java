package cairn.launcher;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * {@code java -jar cairn.war [--port N] [--host ADDR] [--config FILE] [--data DIR]}: starts the WAR in an embedded
 * Tomcat. This class sits at the WAR's root and imports no Tomcat class: it unpacks WEB-INF/launcher-lib (Tomcat,
 * kept out of WEB-INF/lib so the webapp never sees it) and runs {@link TomcatBoot} in a loader over those jars.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("Cairn cannot start: " + e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.println(Options.USAGE);
            return;
        }
        Path war = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path work = Files.createTempDirectory("cairn-launcher");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(work)));
        List<URL> urls = new ArrayList<>();
        urls.add(war.toUri().toURL());
        try (JarFile jar = new JarFile(war.toFile())) {
            for (JarEntry e : jar.stream().toList()) {
                if (e.getName().startsWith("WEB-INF/launcher-lib/") && e.getName().endsWith(".jar")) {
                    Path target = work.resolve("lib").resolve(Path.of(e.getName()).getFileName().toString());
                    Files.createDirectories(target.getParent());
                    try (InputStream in = jar.getInputStream(e)) {
                        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                    urls.add(target.toUri().toURL());
                }
            }
        }
        if (options.config() != null) {
            System.setProperty("cairn.config", options.config().toString());
        }
        if (options.data() != null) {
            System.setProperty("cairn.set.cairn.data_dir", options.data().toString());
        }
        ClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
        Thread.currentThread().setContextClassLoader(loader);
        Class<?> boot = Class.forName("cairn.launcher.TomcatBoot", true, loader);
        boolean started = (Boolean) boot.getMethod("run", Path.class, Path.class, String.class, int.class, int.class,
                String.class, int.class).invoke(null, war, work, options.host(), options.port(), options.ajpPort(),
                options.ajpSecret(), options.maxThreads());
        if (!started) {
            System.exit(1);
        }
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (IOException ignored) {
            // a temp folder; the OS cleans up what is left
        }
    }
}
