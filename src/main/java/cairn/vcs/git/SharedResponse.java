package cairn.vcs.git;

import java.io.IOException;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

/**
 * The leader's response of a {@link SharedPacks.Generation}: every byte goes to the spool file, then to the client.
 * If the client goes away while followers read, the generation goes on for them.
 */
final class SharedResponse extends HttpServletResponseWrapper {
    private final SharedPacks.Generation generation;
    private ServletOutputStream out;
    private boolean clientGone;

    SharedResponse(HttpServletResponse response, SharedPacks.Generation generation) {
        super(response);
        this.generation = generation;
    }

    @Override
    public void sendError(int sc) throws IOException {
        generation.unshareable();
        super.sendError(sc);
    }

    @Override
    public void sendError(int sc, String msg) throws IOException {
        generation.unshareable();
        super.sendError(sc, msg);
    }

    @Override
    public void reset() {
        generation.unshareable();
        super.reset();
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
        if (out == null) {
            out = new Tee(super.getOutputStream());
        }
        return out;
    }

    private final class Tee extends ServletOutputStream {
        private final ServletOutputStream client;
        private boolean started;

        Tee(ServletOutputStream client) {
            this.client = client;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (!started) {
                started = true;
                if (getStatus() != SC_OK || containsHeader("Content-Encoding")) {
                    // followers send the bytes with a content type only: an encoded answer is not theirs to send
                    generation.unshareable();
                } else {
                    generation.started(getContentType());
                }
            }
            generation.append(b, off, len);
            if (clientGone) {
                return;
            }
            try {
                client.write(b, off, len);
            } catch (IOException e) {
                clientGone(e);
            }
        }

        private void clientGone(IOException e) throws IOException {
            clientGone = true;
            if (generation.followers() == 0) {
                throw e; // nobody else waits for this pack: stop generating it
            }
        }

        @Override
        public void flush() throws IOException {
            if (!clientGone) {
                try {
                    client.flush();
                } catch (IOException e) {
                    clientGone(e);
                }
            }
        }

        @Override
        public void close() throws IOException {
            if (!clientGone) {
                try {
                    client.close();
                } catch (IOException e) {
                    clientGone(e);
                }
            }
        }

        @Override
        public boolean isReady() {
            return client.isReady();
        }

        @Override
        public void setWriteListener(WriteListener listener) {
            client.setWriteListener(listener);
        }
    }
}
