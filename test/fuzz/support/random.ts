/**
 * A seeded generator (mulberry32), so a fuzz run is reproduced by its seed: the same seed gives
 * the same attacks in the same order.
 */
export class Random {
    #state: number;

    constructor(seed: number) {
        this.#state = seed >>> 0;
    }

    /** In [0, 1). */
    next(): number {
        let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    }

    /** An integer in [min, max]. */
    int(min: number, max: number): number {
        return min + Math.floor(this.next() * (max - min + 1));
    }

    chance(probability: number): boolean {
        return this.next() < probability;
    }

    pick<T>(items: readonly T[]): T {
        return items[Math.floor(this.next() * items.length)]!;
    }

    bytes(length: number): Buffer {
        const buffer = Buffer.alloc(length);
        for (let index = 0; index < length; index++)
            buffer[index] = this.int(0, 255);
        return buffer;
    }

    /** A string meant to break parsers: control characters, lone surrogates, escapes, long runs, or plain text. */
    hostileString(maxLength = 64): string {
        const kind = this.int(0, 9);
        const length = this.int(0, maxLength);
        switch (kind) {
            case 0:
                return "";
            case 1:
                return this.pick(hostileStrings);
            case 2:
                return String.fromCharCode(...Array.from({length}, () => this.int(0, 0x1f)));
            case 3:
                // Lone surrogates and other code units that aren't valid text on their own.
                return String.fromCharCode(...Array.from({length}, () => this.int(0xd800, 0xdfff)));
            case 4:
                return this.pick(["a", "%", "\\", "\"", "\u0000", "思", "🙂", " "]).repeat(this.int(1, maxLength * 16));
            case 5:
                return Array.from({length}, () => String.fromCodePoint(this.int(0x20, 0x2ffff))).join("");
            default:
                return Array.from({length}, () => this.pick(plainCharacters)).join("");
        }
    }

    /** Any JSON value, nested up to `depth`. */
    json(depth = 3): unknown {
        const kind = this.int(0, depth <= 0 ? 5 : 7);
        switch (kind) {
            case 0:
                return null;
            case 1:
                return this.chance(0.5);
            case 2:
                return this.pick([0, -1, 1, 0.5, 2 ** 31, -(2 ** 53), 2 ** 53 + 2, 1e308, -1e-308, Number.MAX_SAFE_INTEGER, this.int(-1000, 1000)]);
            case 3:
            case 4:
                return this.hostileString();
            case 5:
                return this.pick(["__proto__", "constructor", "prototype", "toString", "valueOf", "then"]);
            case 6:
                return Array.from({length: this.int(0, 5)}, () => this.json(depth - 1));
            default:
                return Object.fromEntries(Array.from({length: this.int(0, 5)}, () => [this.pick([...objectKeys, this.hostileString(12)]), this.json(depth - 1)]));
        }
    }
}

const plainCharacters = [..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_.:;,!?'\"()[]{}<>=+*&^%$#@|~`\\"];
const objectKeys = ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "length", "id", "chatId", "text", "model", ""];
const hostileStrings = [
    "%", "%00", "%ZZ", "%E0%A4%A", "..", "../../etc/passwd", "\u0000", "\r\n\r\n", "<script>alert(1)</script>",
    "' OR 1=1 --", "\"; DROP TABLE chats; --", "${process.exit()}", "{{7*7}}", "\uFEFF", "\u202E", "NaN", "Infinity",
    "-0", "1e999", "true", "null", "undefined", "[object Object]", "__proto__", "constructor.prototype", "\\u0000"
];
