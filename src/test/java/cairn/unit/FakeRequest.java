package cairn.unit;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

/** An HttpServletRequest with a method and query parameters only; anything else throws. */
final class FakeRequest {
    private FakeRequest() {
    }

    static HttpServletRequest of(String method, Map<String, String> params) {
        Map<String, String> p = new HashMap<>(params);
        return (HttpServletRequest) Proxy.newProxyInstance(FakeRequest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "getParameter" -> p.get((String) args[0]);
                    case "getMethod" -> method;
                    case "getQueryString" -> p.isEmpty() ? null
                            : String.join("&", p.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                                    .toList());
                    case "toString" -> "FakeRequest[" + method + " " + p + "]";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException("FakeRequest." + m.getName());
                });
    }
}
