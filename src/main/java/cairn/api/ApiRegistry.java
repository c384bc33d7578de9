package cairn.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The public methods by name. Each group of methods (users, repositories, …) adds its own. */
public final class ApiRegistry {
    private final Map<String, ApiMethod> methods = new LinkedHashMap<>();

    /** A method any caller may reach; permission checks are inside its body. */
    public void add(String name, ApiMethod.Body body, Param... params) {
        put(new ApiMethod(name, false, List.of(params), body));
    }

    /** A method only super-admins may call. */
    public void admin(String name, ApiMethod.Body body, Param... params) {
        put(new ApiMethod(name, true, List.of(params), body));
    }

    private void put(ApiMethod m) {
        if (methods.putIfAbsent(m.name(), m) != null) {
            throw new IllegalStateException("API method " + m.name() + " defined twice");
        }
    }

    public Optional<ApiMethod> find(String name) {
        return Optional.ofNullable(methods.get(name));
    }

    public List<String> names() {
        return List.copyOf(methods.keySet());
    }

}
