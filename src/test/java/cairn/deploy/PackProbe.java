package cairn.deploy;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * A minimal smart-HTTP client (protocol v0) that times a full fetch of a repository's HEAD: from the moment the
 * upload-pack request is sent to the first bytes of the pack ({@code PACK} on side band 1), and then reads the
 * whole pack as fast as it comes. What a streaming server shows: the pack begins as soon as the objects are counted,
 * whatever its size; a server that built the pack in memory first would answer late, and later the larger it is.
 *
 * @param firstPackMillis milliseconds from sending the request to the first pack bytes
 * @param totalMillis milliseconds from sending the request to the end of the response
 * @param packBytes the pack's size (side band 1 only)
 * @param head the object id the probe asked for
 */
record PackProbe(long firstPackMillis, long totalMillis, long packBytes, String head) {

    static PackProbe fetch(String repoUrl, String authorization) throws IOException {
        String head = headOf(repoUrl, authorization);
        ByteArrayOutputStream req = new ByteArrayOutputStream();
        writePkt(req, "want " + head + " side-band-64k ofs-delta no-progress\n");
        req.write("0000".getBytes(StandardCharsets.US_ASCII));
        writePkt(req, "done\n");
        byte[] body = req.toByteArray();

        HttpURLConnection c = open(repoUrl + "/git-upload-pack", authorization);
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setRequestProperty("Content-Type", "application/x-git-upload-pack-request");
        c.setRequestProperty("Accept", "application/x-git-upload-pack-result");
        c.setFixedLengthStreamingMode(body.length);
        long t0 = System.nanoTime();
        try (OutputStream out = c.getOutputStream()) {
            out.write(body);
        }
        if (c.getResponseCode() != 200) {
            throw new IOException("upload-pack answered " + c.getResponseCode() + " for " + repoUrl);
        }
        long first = -1;
        long pack = 0;
        try (DataInputStream in = new DataInputStream(c.getInputStream())) {
            String nak = new String(readPkt(in), StandardCharsets.US_ASCII);
            if (!nak.equals("NAK\n")) {
                throw new IOException("expected NAK, got '" + nak + "'");
            }
            while (true) {
                byte[] pkt = readPkt(in);
                if (pkt == null) {
                    break; // flush: end of the response
                }
                if (pkt[0] == 1) {
                    if (first < 0) {
                        first = System.nanoTime();
                        if (!new String(pkt, 1, Math.min(4, pkt.length - 1), StandardCharsets.US_ASCII)
                                .equals("PACK")) {
                            throw new IOException("side band 1 does not start with PACK");
                        }
                    }
                    pack += pkt.length - 1;
                } else if (pkt[0] == 3) {
                    throw new IOException("server error: " + new String(pkt, 1, pkt.length - 1,
                            StandardCharsets.UTF_8));
                }
            }
        }
        long end = System.nanoTime();
        if (first < 0) {
            throw new IOException("no pack in the answer for " + repoUrl);
        }
        return new PackProbe((first - t0) / 1_000_000, (end - t0) / 1_000_000, pack, head);
    }

    /** HEAD's object id from the v0 ref advertisement. */
    private static String headOf(String repoUrl, String authorization) throws IOException {
        HttpURLConnection c = open(repoUrl + "/info/refs?service=git-upload-pack", authorization);
        if (c.getResponseCode() != 200) {
            throw new IOException("info/refs answered " + c.getResponseCode() + " for " + repoUrl);
        }
        try (DataInputStream in = new DataInputStream(c.getInputStream())) {
            readPkt(in); // # service=git-upload-pack
            readPkt(in); // flush
            byte[] first = readPkt(in);
            String line = new String(first, StandardCharsets.UTF_8);
            in.transferTo(OutputStream.nullOutputStream());
            return line.substring(0, 40);
        }
    }

    private static HttpURLConnection open(String url, String authorization) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        c.setConnectTimeout(10_000);
        c.setReadTimeout(120_000);
        c.setUseCaches(false);
        if (authorization != null) {
            c.setRequestProperty("Authorization", authorization);
        }
        return c;
    }

    private static void writePkt(OutputStream out, String line) throws IOException {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        out.write(String.format("%04x", b.length + 4).getBytes(StandardCharsets.US_ASCII));
        out.write(b);
    }

    /** One pkt-line's payload, or null for a flush packet. */
    private static byte[] readPkt(DataInputStream in) throws IOException {
        byte[] len = new byte[4];
        in.readFully(len);
        int n = Integer.parseInt(new String(len, StandardCharsets.US_ASCII), 16);
        if (n == 0) {
            return null;
        }
        if (n < 4) {
            throw new EOFException("bad pkt-line length " + n);
        }
        byte[] data = new byte[n - 4];
        in.readFully(data);
        return data;
    }
}
