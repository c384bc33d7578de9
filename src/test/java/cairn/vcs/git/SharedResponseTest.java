package cairn.vcs.git;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The leader's tee: what followers may be sent of it. */
class SharedResponseTest {
    @TempDir
    Path tmp;

    /** A 200 response with these headers, whose body is collected in {@code sent}. */
    private static HttpServletResponse response(Map<String, String> headers, ByteArrayOutputStream sent) {
        ServletOutputStream out = new ServletOutputStream() {
            @Override
            public void write(int b) {
                sent.write(b);
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setWriteListener(WriteListener l) {
            }
        };
        return (HttpServletResponse) Proxy.newProxyInstance(SharedResponseTest.class.getClassLoader(),
                new Class<?>[] {HttpServletResponse.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getStatus" -> 200;
                    case "getContentType" -> "application/x-git-upload-pack-result";
                    case "containsHeader" -> headers.containsKey((String) args[0]);
                    case "getOutputStream" -> out;
                    default -> null;
                });
    }

    private boolean followerGetsIt(Map<String, String> headers) throws Exception {
        SharedPacks shared = new SharedPacks(tmp.resolve("spool-" + headers.size()), 1 << 20);
        SharedPacks.Generation g = shared.join("k", tmp).generation();
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        byte[] body = "0008NAK\nPACK...".getBytes(StandardCharsets.US_ASCII);
        new SharedResponse(response(headers, sent), g).getOutputStream().write(body, 0, body.length);
        g.end(true, true);
        assertArrayEquals(body, sent.toByteArray(), "the leader's own client gets every byte");
        SharedPacks.Joined f = shared.join("k", tmp);
        return !f.leader() && f.generation().streamTo(type -> new ByteArrayOutputStream());
    }

    @Test
    void anAnswerSentWithAContentEncodingIsNotShared() throws Exception {
        assertTrue(followerGetsIt(new HashMap<>()), "a plain answer is shared");
        // followers send bytes and a content type only: gzip bytes without their header would be garbage
        assertFalse(followerGetsIt(Map.of("Content-Encoding", "gzip")));
    }
}
