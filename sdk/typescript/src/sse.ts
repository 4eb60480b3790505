/**
 * A parser of `text/event-stream` (the WHATWG server-sent events format), fed the decoded text as it arrives.
 *
 * Lines end with CRLF, LF or CR; `field: value` (one optional space after the colon); a line starting with `:` is a
 * comment; a blank line dispatches the event gathered so far (nothing is dispatched when it has no `data`). `id`
 * sets the last event id, which carries over to later events until another `id` line changes it (as in
 * EventSource); `retry` sets the reconnection delay in milliseconds.
 */

export interface SseMessage {
  kind: "event";
  /** The last event id at dispatch ("" when none was ever set). */
  id: string;
  /** `event:`, "message" when absent. */
  event: string;
  /** The `data:` lines joined by "\n". */
  data: string;
}

export type SseItem = SseMessage | { kind: "comment"; text: string } | { kind: "retry"; ms: number };

export class SseParser {
  private buffer = "";
  private lastId = "";
  private event = "";
  private data: string[] = [];
  private hasData = false;

  /** Feeds a chunk of text; returns what it completed, in order. */
  push(chunk: string): SseItem[] {
    this.buffer += chunk;
    const out: SseItem[] = [];
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const c = this.buffer.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      // A CR at the very end may be the first half of a CRLF split across chunks: wait for the next one.
      if (c === 13 && i === this.buffer.length - 1) break;
      this.line(this.buffer.slice(start, i), out);
      if (c === 13 && this.buffer.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
    }
    this.buffer = this.buffer.slice(start);
    return out;
  }

  private line(line: string, out: SseItem[]): void {
    if (line === "") {
      if (this.hasData) out.push({ kind: "event", id: this.lastId, event: this.event || "message", data: this.data.join("\n") });
      this.event = "";
      this.data = [];
      this.hasData = false;
      return;
    }
    if (line.startsWith(":")) {
      out.push({ kind: "comment", text: line.slice(1).replace(/^ /, "") });
      return;
    }
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    switch (field) {
      case "event":
        this.event = value;
        break;
      case "data":
        this.data.push(value);
        this.hasData = true;
        break;
      case "id":
        if (!value.includes("\0")) this.lastId = value;
        break;
      case "retry":
        if (/^\d+$/.test(value)) out.push({ kind: "retry", ms: Number(value) });
        break;
      default:
        break; // unknown fields are ignored
    }
  }
}
