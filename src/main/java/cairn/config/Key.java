package cairn.config;

/**
 * One .ini key: its section, name, type and default. Every key Cairn reads is declared in {@link Keys}, so
 * unknown keys can be reported and the sample ini can be checked against the code.
 */
public record Key(String section, String name, Type type, String defaultValue, String help) {

    public enum Type { STRING, INT, BOOL, PATH }

    public String qualified() {
        return section + "." + name;
    }
}
