package cairn.vcs.git;

import java.io.IOException;
import java.util.function.LongConsumer;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

/** A response whose body bytes are reported, as they are written, to a counter. */
final class CountingResponse extends HttpServletResponseWrapper {
    private final LongConsumer counter;
    private ServletOutputStream out;

    CountingResponse(HttpServletResponse response, LongConsumer counter) {
        super(response);
        this.counter = counter;
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
        if (out == null) {
            out = new Counting(super.getOutputStream(), counter);
        }
        return out;
    }

    private static final class Counting extends ServletOutputStream {
        private final ServletOutputStream delegate;
        private final LongConsumer counter;

        Counting(ServletOutputStream delegate, LongConsumer counter) {
            this.delegate = delegate;
            this.counter = counter;
        }

        @Override
        public void write(int b) throws IOException {
            delegate.write(b);
            counter.accept(1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            delegate.write(b, off, len);
            counter.accept(len);
        }

        @Override
        public void flush() throws IOException {
            delegate.flush();
        }

        @Override
        public void close() throws IOException {
            delegate.close();
        }

        @Override
        public boolean isReady() {
            return delegate.isReady();
        }

        @Override
        public void setWriteListener(WriteListener listener) {
            delegate.setWriteListener(listener);
        }
    }
}
