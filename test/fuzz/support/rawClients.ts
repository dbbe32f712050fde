import {randomBytes} from "node:crypto";
import net from "node:net";

/*
 * Clients that speak HTTP and WebSocket byte by byte, so a test can send what no well-behaved
 * library would: broken request lines, frames with reserved opcodes, resets at any moment.
 */

export interface RawExchange {
    /** Everything the server sent before the connection ended or the wait ran out. */
    received: Buffer;
    /** How the connection ended: closed by the server, reset, or still open when we gave up. */
    ending: "closed" | "reset" | "open";
}

export interface RawExchangeOptions {
    /** Give up waiting after this long (the connection is then reported "open"). */
    waitMs?: number;
    /** Reset the connection (TCP RST) this long after sending. */
    resetAfterMs?: number;
    /** Stop as soon as what was received satisfies this. */
    until?: (received: Buffer) => boolean;
}

/** Sends `bytes` over a fresh TCP connection and collects the answer until the server closes, `until` holds or `waitMs` passes. */
export function rawExchange(port: number, bytes: Buffer | string, {waitMs = 2_000, resetAfterMs, until}: RawExchangeOptions = {}): Promise<RawExchange> {
    return new Promise((resolve) => {
        const chunks: Buffer[] = [];
        let ending: RawExchange["ending"] = "open";
        const socket = net.connect(port, "127.0.0.1");
        let finished = false;
        const finish = () => {
            if (finished)
                return;
            finished = true;
            clearTimeout(timer);
            resolve({received: Buffer.concat(chunks), ending});
        };
        const timer = setTimeout(() => {
            socket.destroy();
            finish();
        }, waitMs);
        socket.on("data", (chunk) => {
            chunks.push(chunk);
            if (until?.(Buffer.concat(chunks))) {
                socket.destroy();
                finish();
            }
        });
        socket.on("error", () => void (ending = "reset"));
        socket.on("close", () => {
            if (ending === "open")
                ending = "closed";
            finish();
        });
        socket.on("connect", () => {
            socket.write(bytes);
            if (resetAfterMs != null)
                setTimeout(() => socket.resetAndDestroy(), resetAfterMs);
        });
    });
}

/** A port on 127.0.0.1 nothing listens on (it was free a moment ago). */
export function freePort(): Promise<number> {
    return new Promise((resolve) => {
        const probe = net.createServer().listen(0, "127.0.0.1", () => {
            const {port} = probe.address() as net.AddressInfo;
            probe.close(() => resolve(port));
        });
    });
}

/** The status code of the first HTTP response in `received`, if any. */
export function statusOf(received: Buffer): number | undefined {
    const match = /^HTTP\/1\.[01] (\d{3})/.exec(received.toString("latin1"));
    return match == null ? undefined : Number(match[1]);
}

export function upgradeRequest(path: string, headers: Record<string, string> = {}): string {
    const lines = [
        `GET ${path} HTTP/1.1`,
        "Host: 127.0.0.1",
        "Upgrade: websocket",
        "Connection: Upgrade",
        `Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}`,
        "Sec-WebSocket-Version: 13",
        ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)
    ];
    return lines.join("\r\n") + "\r\n\r\n";
}

/** One client frame, masked as RFC 6455 requires; `length` may lie about the payload's size. */
export function clientFrame({opcode, payload, fin = true, rsv = 0, mask = randomBytes(4), length = payload.length}: {
    opcode: number; payload: Buffer; fin?: boolean; rsv?: number; mask?: Buffer | null; length?: number;
}): Buffer {
    const first = (fin ? 0x80 : 0) | ((rsv & 7) << 4) | (opcode & 0x0f);
    const maskBit = mask == null ? 0 : 0x80;
    let header: Buffer;
    if (length < 126)
        header = Buffer.from([first, maskBit | length]);
    else if (length < 65_536) {
        header = Buffer.alloc(4);
        header.writeUInt8(first, 0);
        header.writeUInt8(maskBit | 126, 1);
        header.writeUInt16BE(length, 2);
    } else {
        header = Buffer.alloc(10);
        header.writeUInt8(first, 0);
        header.writeUInt8(maskBit | 127, 1);
        header.writeBigUInt64BE(BigInt(length), 2);
    }
    if (mask == null)
        return Buffer.concat([header, payload]);
    const masked = Buffer.from(payload);
    for (let index = 0; index < masked.length; index++)
        masked[index]! ^= mask[index % 4]!;
    return Buffer.concat([header, mask, masked]);
}

export const textFrame = (text: string | Buffer) => clientFrame({opcode: 1, payload: Buffer.from(text)});

/** The close code of the first close frame the server sent after the handshake, if it sent one. */
export function closeCodeOf(received: Buffer): number | undefined {
    const headerEnd = received.indexOf("\r\n\r\n");
    if (headerEnd < 0)
        return undefined;
    let offset = headerEnd + 4;
    while (offset + 2 <= received.length) {
        const opcode = received[offset]! & 0x0f;
        let length = received[offset + 1]! & 0x7f;
        let start = offset + 2;
        if (length === 126) {
            length = received.readUInt16BE(start);
            start += 2;
        } else if (length === 127) {
            length = Number(received.readBigUInt64BE(start));
            start += 8;
        }
        if (opcode === 8)
            return length >= 2 ? received.readUInt16BE(start) : 1005;
        offset = start + length;
    }
    return undefined;
}
