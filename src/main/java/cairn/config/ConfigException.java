package cairn.config;

/** A start-up problem a sysadmin must fix; its message is the one line printed for them. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
