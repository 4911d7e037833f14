package io.stevedore.bench.load;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeoutException;

/**
 * The load generator's HTTP/1.1 client: one selector thread drives every connection (keep-alive, one request at a
 * time per connection, a new connection when none is idle), so a call costs the generator a few system calls and
 * no per-request objects beyond its bytes. The JDK's {@code HttpClient} cost the generator about as much CPU per
 * call as the server spent answering it, on the same two cores. Answers delimited by Content-Length, chunked
 * encoding or the end of the connection ({@code Connection: close}, as moto_server answers) are understood.
 */
final class LoadClient implements AutoCloseable {
    /** The outcome of one call: its status and x-amzn-ErrorType, or the I/O error that ended it. */
    interface Callback {
        void done(int status, String errorType, byte[] body, Throwable error);
    }

    private static final long TIMEOUT_NANOS = 30_000_000_000L;
    /** Connections idle longer than this are closed rather than reused (servers drop idle ones after ~30 s). */
    private static final long MAX_IDLE_NANOS = 10_000_000_000L;

    private final InetSocketAddress address;
    private final String host;
    private final Selector selector;
    private final ConcurrentLinkedQueue<Pending> submitted = new ConcurrentLinkedQueue<>();
    private final ArrayDeque<Conn> idle = new ArrayDeque<>();
    private final List<Conn> all = new ArrayList<>();
    private final Thread io;
    private volatile boolean closed;

    private record Pending(byte[] request, Callback callback, long startNanos) {
    }

    LoadClient(URI endpoint) throws IOException {
        int port = endpoint.getPort() < 0 ? 80 : endpoint.getPort();
        this.address = new InetSocketAddress(endpoint.getHost(), port);
        this.host = endpoint.getHost() + ":" + port;
        this.selector = Selector.open();
        this.io = new Thread(this::loop, "load-io");
        io.setDaemon(true);
        io.start();
    }

    /** The Host header value the requests carry (signed by the caller). */
    String host() {
        return host;
    }

    /** A POST to {@code /} with {@code headers} (name, value pairs) and {@code body}. */
    static byte[] post(String host, List<String> headers, byte[] body) {
        StringBuilder sb = new StringBuilder(512).append("POST / HTTP/1.1\r\nHost: ").append(host).append("\r\n");
        for (int i = 0; i < headers.size(); i += 2) {
            sb.append(headers.get(i)).append(": ").append(headers.get(i + 1)).append("\r\n");
        }
        sb.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        byte[] head = sb.toString().getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[head.length + body.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(body, 0, out, head.length, body.length);
        return out;
    }

    /** Sends {@code request} (bytes of {@link #post}); {@code callback} runs on the client's I/O thread. */
    void send(byte[] request, Callback callback) {
        submitted.add(new Pending(request, callback, System.nanoTime()));
        selector.wakeup();
    }

    private void loop() {
        long lastSweep = System.nanoTime();
        while (!closed) {
            try {
                selector.select(200);
            } catch (IOException e) {
                return;
            }
            Pending p;
            while ((p = submitted.poll()) != null) {
                start(p, false);
            }
            Iterator<SelectionKey> it = selector.selectedKeys().iterator();
            while (it.hasNext()) {
                SelectionKey key = it.next();
                it.remove();
                Conn c = (Conn) key.attachment();
                try {
                    if (key.isValid() && key.isConnectable() && c.channel.finishConnect()) {
                        key.interestOps(SelectionKey.OP_WRITE);
                    }
                    if (key.isValid() && key.isWritable()) {
                        c.write();
                    }
                    if (key.isValid() && key.isReadable()) {
                        c.read();
                    }
                } catch (IOException e) {
                    c.fail(e);
                }
            }
            long now = System.nanoTime();
            if (now - lastSweep > 1_000_000_000L) {
                lastSweep = now;
                for (Conn c : new ArrayList<>(all)) {
                    if (c.current != null && now - c.current.startNanos > TIMEOUT_NANOS) {
                        c.fail(new TimeoutException("no answer in 30 s"));
                    }
                }
            }
        }
    }

    private void start(Pending p, boolean fresh) {
        Conn c = null;
        long now = System.nanoTime();
        while (!fresh && c == null && !idle.isEmpty()) {
            Conn candidate = idle.pop();
            if (now - candidate.idleSince > MAX_IDLE_NANOS || !candidate.channel.isOpen()) {
                candidate.close();
            } else {
                c = candidate;
            }
        }
        try {
            if (c == null) {
                c = new Conn();
            }
            c.begin(p);
        } catch (IOException e) {
            if (c != null) {
                c.close();
            }
            p.callback.done(0, null, null, e);
        }
    }

    /** One connection: at most one call at a time. */
    private final class Conn {
        final SocketChannel channel;
        final SelectionKey key;
        Pending current;
        ByteBuffer out;
        byte[] in = new byte[4096];
        int len;
        int received;
        boolean used;
        long idleSince;

        Conn() throws IOException {
            channel = SocketChannel.open();
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            boolean connected = channel.connect(address);
            key = channel.register(selector, connected ? SelectionKey.OP_WRITE : SelectionKey.OP_CONNECT, this);
            all.add(this);
        }

        void begin(Pending p) throws IOException {
            current = p;
            out = ByteBuffer.wrap(p.request);
            len = 0;
            received = 0;
            if (channel.isConnected()) {
                write();
            }
        }

        void write() throws IOException {
            channel.write(out);
            key.interestOps(out.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        }

        void read() throws IOException {
            while (true) {
                if (len == in.length) {
                    in = java.util.Arrays.copyOf(in, in.length * 2);
                }
                int n = channel.read(ByteBuffer.wrap(in, len, in.length - len));
                if (n < 0) {
                    if (!complete(true)) {
                        throw new EOFException("connection closed before the answer was complete");
                    }
                    return;
                }
                if (n == 0) {
                    complete(false);
                    return;
                }
                len += n;
                received += n;
            }
        }

        /** Delivers the answer if {@code in} holds all of it; true when delivered. */
        boolean complete(boolean eof) {
            int headEnd = indexOf(in, len, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            if (headEnd < 0) {
                return false;
            }
            String head = new String(in, 0, headEnd, StandardCharsets.ISO_8859_1);
            String[] lines = head.split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            long contentLength = -1;
            boolean chunked = false;
            boolean close = false;
            String errorType = null;
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = lines[i].substring(colon + 1).trim();
                switch (name) {
                    case "content-length" -> contentLength = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                    case "connection" -> close = value.equalsIgnoreCase("close");
                    case "x-amzn-errortype" -> errorType = value;
                    default -> { }
                }
            }
            int bodyStart = headEnd + 4;
            byte[] body;
            if (chunked) {
                body = dechunk(bodyStart);
                if (body == null) {
                    return false;
                }
            } else if (contentLength >= 0) {
                if (len - bodyStart < contentLength) {
                    return false;
                }
                body = java.util.Arrays.copyOfRange(in, bodyStart, bodyStart + (int) contentLength);
            } else if (eof) {
                body = java.util.Arrays.copyOfRange(in, bodyStart, len);
                close = true;
            } else {
                return false;
            }
            Pending p = current;
            current = null;
            used = true;
            if (close || eof) {
                close();
            } else {
                key.interestOps(0);
                idleSince = System.nanoTime();
                idle.push(this);
            }
            p.callback.done(status, errorType, body, null);
            return true;
        }

        /** The chunked body from {@code start}, or null while incomplete. */
        byte[] dechunk(int start) {
            java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
            int pos = start;
            while (true) {
                int lineEnd = indexOf(in, len, pos, "\r\n".getBytes(StandardCharsets.US_ASCII));
                if (lineEnd < 0) {
                    return null;
                }
                String size = new String(in, pos, lineEnd - pos, StandardCharsets.ISO_8859_1);
                int semi = size.indexOf(';');
                int n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
                pos = lineEnd + 2;
                if (n == 0) {
                    return indexOf(in, len, pos, "\r\n".getBytes(StandardCharsets.US_ASCII)) < 0 ? null
                            : body.toByteArray();
                }
                if (len < pos + n + 2) {
                    return null;
                }
                body.write(in, pos, n);
                pos += n + 2;
            }
        }

        /**
         * Ends the call with {@code e}; a reused connection the server had already closed (nothing received) is
         * retried once on a new connection, as HTTP clients do.
         */
        void fail(Throwable e) {
            Pending p = current;
            current = null;
            boolean retry = used && received == 0 && !(e instanceof TimeoutException);
            close();
            if (p != null) {
                if (retry) {
                    start(p, true);
                } else {
                    p.callback.done(0, null, null, e);
                }
            }
        }

        void close() {
            key.cancel();
            all.remove(this);
            idle.remove(this);
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    static int indexOf(byte[] data, int length, byte[] pattern) {
        return indexOf(data, length, 0, pattern);
    }

    static int indexOf(byte[] data, int length, int from, byte[] pattern) {
        outer:
        for (int i = from; i <= length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Override
    public void close() {
        closed = true;
        selector.wakeup();
    }
}
