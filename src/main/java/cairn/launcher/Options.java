package cairn.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The launcher's options: the command line over the ini's {@code [server]} section over defaults. The launcher cannot
 * see the webapp's classes, so it reads that one section itself, with the same rules and messages as the webapp's
 * Settings (which declares the same keys).
 */
record Options(boolean help, Path config, Path data, String host, int port, int ajpPort, String ajpSecret,
        int maxThreads) {

    static final String USAGE = "usage: java -jar cairn.war [--port N] [--host ADDR] [--config FILE] [--data DIR]";

    static Options parse(String[] args) {
        Map<String, String> cli = new HashMap<>();
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                help = true;
                continue;
            }
            String name;
            String value;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                name = a.substring(2, eq);
                value = a.substring(eq + 1);
            } else if (a.startsWith("--") && i + 1 < args.length) {
                name = a.substring(2);
                value = args[++i];
            } else {
                throw new IllegalArgumentException("unknown argument '" + a + "'");
            }
            if (!java.util.Set.of("port", "host", "config", "data").contains(name)) {
                throw new IllegalArgumentException("unknown option --" + name);
            }
            cli.put(name, value);
        }
        Path config = cli.containsKey("config") ? Path.of(cli.get("config")).toAbsolutePath() : configFromEnvironment();
        Map<String, String> server = config == null ? Map.of() : serverSection(config);
        String where = config == null ? "" : " in " + config;
        String host = cli.getOrDefault("host", server.getOrDefault("host", "127.0.0.1"));
        int port = cli.containsKey("port") ? number("--port", cli.get("port"), "")
                : number("[server] port", server.getOrDefault("port", "8080"), where);
        int ajpPort = number("[server] ajp_port", server.getOrDefault("ajp_port", "-1"), where);
        int maxThreads = number("[server] max_threads", server.getOrDefault("max_threads", "200"), where);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("bad value for port: " + port + " is not a port number");
        }
        Path data = cli.containsKey("data") ? Path.of(cli.get("data")).toAbsolutePath() : null;
        return new Options(help, config, data, host, port, ajpPort, server.getOrDefault("ajp_secret", ""),
                maxThreads);
    }

    private static Path configFromEnvironment() {
        String p = System.getProperty("cairn.config");
        if (p == null || p.isBlank()) {
            p = System.getenv("CAIRN_CONFIG");
        }
        return p == null || p.isBlank() ? null : Path.of(p.trim()).toAbsolutePath();
    }

    private static int number(String key, String value, String where) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad value for " + key + where + ": '" + value
                    + "' is not a whole number");
        }
    }

    /** The keys of the [server] section; ';' and '#' start comments, as in the webapp's ini reader. */
    private static Map<String, String> serverSection(Path file) {
        Map<String, String> out = new HashMap<>();
        String section = "";
        try {
            for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String line = raw.strip();
                if (line.isEmpty() || line.startsWith(";") || line.startsWith("#")) {
                    continue;
                }
                if (line.startsWith("[") && line.endsWith("]")) {
                    section = line.substring(1, line.length() - 1).strip();
                    continue;
                }
                int eq = line.indexOf('=');
                if (section.equals("server") && eq > 0) {
                    String value = line.substring(eq + 1);
                    int comment = value.indexOf(" ;");
                    out.put(line.substring(0, eq).strip(), (comment >= 0 ? value.substring(0, comment) : value).strip());
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("configuration file " + file + " cannot be read");
        }
        return out;
    }
}
