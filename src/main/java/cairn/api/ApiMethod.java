package cairn.api;

import java.util.List;

/** One public JSON-RPC method. {@code adminOnly} methods refuse other callers before their body runs. */
public record ApiMethod(String name, boolean adminOnly, List<Param> params, Body body) {

    /** The method's work; returns what becomes {@code result} (maps, lists, strings, numbers, booleans, null). */
    @FunctionalInterface
    public interface Body {
        Object call(ApiCall call) throws Exception;
    }
}
