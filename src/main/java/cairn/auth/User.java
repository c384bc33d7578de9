package cairn.auth;

import java.time.Instant;

/** A row of the users table. The user named {@value #DEFAULT} stands for anonymous visitors and for everyone's floor. */
public record User(long id, String username, String password, boolean active, boolean admin, String firstname,
        String lastname, String email, String apiKey, String externType, String externName, Instant createdOn,
        Instant lastLogin) {

    public static final String DEFAULT = "default";

    public boolean isDefault() {
        return DEFAULT.equals(username);
    }
}
