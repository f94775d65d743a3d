// Faults at the HTTP edge: while the database is known to be down every request is answered at once
// with a 503 (a page or JSON, with Retry-After) instead of waiting on dead connections, no request may
// wait for its first byte longer than a deadline, whatever it is stuck on, an upload refused
// half-way does not leave its connection stuck, and one whose bytes stop arriving is let go.
import type express from "express";
import type { AppContext } from "~/modules/context.server";
import { stalledUploadReply, unavailableReply, wantsJson } from "~/modules/errors.server";

/**
 * The deadline (`REQUEST_DEADLINE_SECONDS`, 15 s by default) is generous for any page or API call (the
 * slowest, insights over months of events, takes about a second); uploads are exempt since their body
 * alone can take minutes on a slow link; they are held to `UPLOAD_STALL_SECONDS` without a byte instead.
 */
export function unavailableGate(ctx: AppContext): express.RequestHandler {
  const deadlineMs = ctx.env.REQUEST_DEADLINE_SECONDS * 1000;
  return (req, res, next) => {
    // /healthz asks the database itself, and says "down" with its own 503.
    if (req.path === "/healthz") return next();
    if (ctx.dbHandle.availability.down) return send(res, unavailableReply(wantsJson(req.path, req.get("accept"))));
    if (/^multipart\//i.test(req.get("content-type") ?? "")) {
      closeIfBodyUnread(req, res);
      letGoIfStalled(req, res, ctx.env.UPLOAD_STALL_SECONDS);
      return next();
    }
    const timer = setTimeout(() => {
      if (res.headersSent) return;
      console.error(`${req.method} ${req.path}: no answer after ${deadlineMs / 1000} s; answered 503`);
      res.set("Connection", "close");
      endBodyAfterAnswer(req, res);
      send(res, unavailableReply(wantsJson(req.path, req.get("accept")), "Fieldkit took too long to answer. Try again in a moment."));
      // NOTE: the handler is still running; its late answer must go nowhere instead of throwing
      // "headers already sent" into Express.
      discardLateAnswer(res);
    }, deadlineMs);
    res.once("close", () => clearTimeout(timer));
    next();
  };
}

function send(res: express.Response, reply: ReturnType<typeof unavailableReply>) {
  res.status(reply.status).set(reply.headers).send(reply.body);
}

/**
 * A body still arriving when the edge answers in the handler's place is ended once the answer is out. Node
 * only ends the bodies of requests not yet answered when their connection closes: this one's reader (the
 * upload parser, `readBody`) would otherwise wait for the rest for ever, holding its memory and temp file.
 */
function endBodyAfterAnswer(req: express.Request, res: express.Response) {
  res.once("finish", () => !req.complete && req.destroy(new Error("The edge answered before the body arrived.")));
}

function discardLateAnswer(res: express.Response) {
  const self = () => res;
  Object.assign(res, {
    status: self,
    set: self,
    append: self,
    setHeader: self,
    flushHeaders: () => {},
    write: () => true,
    end: self,
  });
}

/**
 * An upload refused half-way (too large, disk full, bad part) is answered before its body is read.
 * Node keeps such a connection alive but never reads the rest of a body that was partly consumed, so
 * the client's next request on it would wait forever: answer with `Connection: close` instead.
 */
function closeIfBodyUnread(req: express.Request, res: express.Response) {
  const writeHead = res.writeHead;
  res.writeHead = function (this: express.Response, ...args: unknown[]) {
    if (!req.complete && !this.headersSent) this.setHeader("Connection", "close");
    return (writeHead as (...a: unknown[]) => express.Response).apply(this, args);
  } as typeof res.writeHead;
}

/**
 * The HTTP server has no limit on a request's whole time (server/http.ts): a 200 MB upload on a 2 Mbit/s
 * uplink takes 13 minutes and must not be cut off while it is still moving. What is limited is silence:
 * an upload whose body stops arriving (a dropped link, a slow-sender attack) would otherwise hold its
 * connection, its handler and a half-written temp file for ever. Closing the connection makes the upload
 * parser fail, which removes the temp file (app/modules/library/upload.server.ts).
 */
function letGoIfStalled(req: express.Request, res: express.Response, stallSeconds: number) {
  const socket = req.socket;
  // NOTE: listened to on the response: Node destroys a socket whose timeout no request, response or
  // server listens to, before an answer could be written (and a request stops hearing it once complete).
  res.setTimeout(stallSeconds * 1000, () => {
    // The body is in: the handler's own work (storing, a database write) is not silence on the wire.
    if (req.complete) return socket.setTimeout(0);
    console.error(`${req.method} ${req.path}: the upload stopped arriving for ${stallSeconds} s; answered 408`);
    if (res.headersSent) return req.destroy();
    endBodyAfterAnswer(req, res);
    send(res, stalledUploadReply(wantsJson(req.path, req.get("accept")), stallSeconds));
    discardLateAnswer(res);
  });
  req.once("end", () => socket.setTimeout(0));
}
