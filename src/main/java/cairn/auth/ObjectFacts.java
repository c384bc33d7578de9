package cairn.auth;

import java.util.List;

/**
 * What the database says about one repository (or group, or user group) for one user: the {@code default} user's
 * level on it, whether it is private, whether the user owns it, the levels of the active user groups the user is in,
 * and the user's own explicit level (null when none, and always null for anonymous).
 */
public record ObjectFacts(Level defaultLevel, boolean isPrivate, boolean isOwner, List<Level> groupLevels,
        Level userLevel) {
}
