package cairn.api;

/** A JSON-RPC error whose message goes back verbatim in the envelope's {@code error} (Kallithea's JSONRPCError). */
public class ApiError extends Exception {
    private static final long serialVersionUID = 1L;

    public ApiError(String message) {
        super(message, null, false, false);
    }
}
