package cairn.api;

/** A method parameter: its name and whether the caller must give it. */
public record Param(String name, boolean required) {

    public static Param required(String name) {
        return new Param(name, true);
    }

    public static Param optional(String name) {
        return new Param(name, false);
    }
}
