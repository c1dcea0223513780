/**
 * The lines of a `/v3/watch` response as etcd's gateway writes them:
 * `{"result":<WatchResponse>}` and a newline per message (a stream that
 * ends in an error ends with stream_error.ts's chunk).
 *
 * A write fans out to many watchers with the same events and header, so
 * each event's JSON is made once (cached by the event object, which the
 * watch hub shares between watchers) and the header's once per revision.
 * The text is the schema codec's, byte for byte (watch_json_test.ts).
 *
 * @module
 */

import { EventSchema, ResponseHeaderSchema, toJson, WatchResponseSchema } from "../proto/mod.ts";
import type { Event, ResponseHeader } from "../proto/rpc.ts";
import type { WatchMessage } from "../server/watch_service.ts";

const eventJson = new WeakMap<Event, string>();

function jsonOfEvent(event: Event): string {
  let text = eventJson.get(event);
  if (text === undefined) {
    text = toJson(EventSchema, event);
    eventJson.set(event, text);
  }
  return text;
}

/** Encodes watch messages for one member; remembers the last header. */
export class WatchLineEncoder {
  #headerKey: ResponseHeader | null = null;
  #headerText = "";

  #header(header: ResponseHeader): string {
    const last = this.#headerKey;
    if (
      last === null || last.revision !== header.revision || last.raftTerm !== header.raftTerm ||
      last.clusterId !== header.clusterId || last.memberId !== header.memberId
    ) {
      this.#headerKey = header;
      this.#headerText = toJson(ResponseHeaderSchema, header);
    }
    return this.#headerText;
  }

  /** The line of `message` with `header` (its revision is the message's). */
  line(message: WatchMessage, header: ResponseHeader): string {
    const plain = !message.created && !message.canceled && message.compactRevision === 0 &&
      message.cancelReason === "";
    if (!plain) {
      const response = {
        header,
        watchId: message.watchId,
        created: message.created,
        canceled: message.canceled,
        compactRevision: message.compactRevision,
        cancelReason: message.cancelReason,
        fragment: false,
        events: message.events as Event[],
      };
      return '{"result":' + toJson(WatchResponseSchema, response) + "}\n";
    }
    let out = '{"result":{"header":' + this.#header(header);
    if (message.watchId !== 0) out += ',"watch_id":"' + message.watchId + '"';
    const events = message.events;
    if (events.length > 0) {
      out += ',"events":[';
      for (let i = 0; i < events.length; i++) {
        if (i > 0) out += ",";
        out += jsonOfEvent(events[i]!);
      }
      out += "]";
    }
    return out + "}}\n";
  }
}
