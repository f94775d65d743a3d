// Faults at the HTTP edge: while the database is known to be down every request is answered at once
// with a 503 (a page or JSON, with Retry-After) instead of waiting on dead connections, no request may
// wait for its first byte longer than a deadline, whatever it is stuck on, and an upload refused
// half-way does not leave its connection stuck.
import type express from "express";
import type { AppContext } from "~/modules/context.server";
import { unavailableReply, wantsJson } from "~/modules/errors.server";

/**
 * The deadline (`REQUEST_DEADLINE_SECONDS`, 15 s by default) is generous for any page or API call (the
 * slowest, insights over months of events, takes about a second); uploads are exempt since their body
 * alone can take minutes on a slow link.
 */
export function unavailableGate(ctx: AppContext): express.RequestHandler {
  const deadlineMs = ctx.env.REQUEST_DEADLINE_SECONDS * 1000;
  return (req, res, next) => {
    // /healthz asks the database itself, and says "down" with its own 503.
    if (req.path === "/healthz") return next();
    if (ctx.dbHandle.availability.down) return send(res, unavailableReply(wantsJson(req.path, req.get("accept"))));
    if (/^multipart\//i.test(req.get("content-type") ?? "")) {
      closeIfBodyUnread(req, res);
      return next();
    }
    const timer = setTimeout(() => {
      if (res.headersSent) return;
      console.error(`${req.method} ${req.path}: no answer after ${deadlineMs / 1000} s; answered 503`);
      res.set("Connection", "close");
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
