// The Saved tab's smaller sections: kits to save in one go, storage use and persistence, actions waiting to
// be sent, and "request content" (which goes through the outbox, so it works offline).
import { Form } from "@remix-run/react";
import { useState, type FormEvent } from "react";
import { formatBytes } from "~/components/offline/save-for-offline";
import type { OutboxEntry } from "~/offline/db";
import type { CatalogItem } from "~/offline/types";
import type { DeviceState, Message } from "./use-device";

/** Industry and product tags shared by more than one item, largest first. */
export function kitsOf(catalog: CatalogItem[]) {
  const kits = new Map<string, { key: string; label: string; items: CatalogItem[] }>();
  for (const item of catalog) {
    for (const tag of item.tags) {
      if (tag.facet !== "industry" && tag.facet !== "product") continue;
      const key = `${tag.facet}:${tag.value}`;
      const kit = kits.get(key) ?? { key, label: tag.label, items: [] };
      kit.items.push(item);
      kits.set(key, kit);
    }
  }
  return [...kits.values()]
    .filter((k) => k.items.length > 1)
    .sort((a, b) => b.items.length - a.items.length || a.label.localeCompare(b.label));
}

export function KitsSection({
  catalog,
  savedIds,
  busy,
  onSave,
}: {
  catalog: CatalogItem[];
  savedIds: Set<string>;
  busy: boolean;
  onSave: (label: string, items: CatalogItem[]) => void;
}) {
  return (
    <section aria-labelledby="kits-title">
      <h2 id="kits-title">Save a kit</h2>
      <ul className="list">
        {kitsOf(catalog)
          .slice(0, 8)
          .map((kit) => {
            const missing = kit.items.filter((i) => !savedIds.has(i.id)).length;
            return (
              <li key={kit.key} className="item-row">
                <div>
                  <strong>{kit.label}</strong>
                  <div className="meta">
                    {kit.items.length} items{missing ? ` · ${missing} not saved` : " · all saved"}
                  </div>
                </div>
                <button type="button" disabled={!missing || busy} onClick={() => onSave(kit.label, kit.items)}>
                  Save {kit.label} kit
                </button>
              </li>
            );
          })}
      </ul>
    </section>
  );
}

export function StorageSection({
  state,
  onMessage,
  reload,
}: {
  state: DeviceState;
  onMessage: (m: Message) => void;
  reload: () => Promise<void>;
}) {
  const persist = async () => {
    const granted = await navigator.storage?.persist?.();
    onMessage(
      granted
        ? { tone: "ok", text: "Your saved items will be kept until you remove them." }
        : { tone: "error", text: "The browser did not allow permanent storage. Installing Fieldkit usually makes it possible." },
    );
    await reload();
  };
  return (
    <section aria-labelledby="storage-title">
      <h2 id="storage-title">Storage</h2>
      {state.storage ? (
        <>
          <progress max={state.storage.quota || 1} value={state.storage.usage} aria-label="Storage used" />
          <p className="meta">
            Fieldkit uses {formatBytes(state.storage.usage)} of the {formatBytes(state.storage.quota)} this browser allows.
          </p>
        </>
      ) : (
        <p className="meta">This browser does not report storage use.</p>
      )}
      {state.persisted ? (
        <p className="meta">Saved items are kept until you remove them.</p>
      ) : (
        <p>
          <button type="button" className="secondary" onClick={persist}>
            Keep my saved items
          </button>{" "}
          <span className="meta">Otherwise the browser may delete them when the phone runs low on space.</span>
        </p>
      )}
      <p className="meta">
        On iPhone and iPad, the installed app and Safari keep separate storage, and Safari can delete data of sites you haven't opened for a
        few weeks: install Fieldkit, save items from the installed app, and open it now and then.
      </p>
    </section>
  );
}

export function OutboxSection({
  outbox,
  online,
  onDiscard,
}: {
  outbox: OutboxEntry[];
  online: boolean;
  onDiscard: (userId: string) => void;
}) {
  const pending = outbox.filter((e) => !e.failed);
  const failed = outbox.filter((e) => e.failed && e.kind !== "event");
  // Usage events are telemetry: one line with a count, not one message per view, and not in red, since
  // the seller has nothing to correct; kept visible so a lost item or a bug does not pass unseen.
  const unrecorded = outbox.filter((e) => e.failed && e.kind === "event");
  if (!pending.length && !failed.length && !unrecorded.length) return null;
  const discard = (
    <button type="button" className="secondary" onClick={() => onDiscard((failed[0] ?? unrecorded[0]).userId)}>
      Discard
    </button>
  );
  return (
    <section aria-labelledby="outbox-title">
      <h2 id="outbox-title">Waiting to be sent</h2>
      {pending.length ? (
        <p>
          {pending.length} action{pending.length === 1 ? "" : "s"} (views, feedback, requests) will be sent{" "}
          {online ? "shortly" : "when you're back online"}.
        </p>
      ) : null}
      {unrecorded.length ? (
        <p className="meta">
          {unrecorded.length} usage event{unrecorded.length === 1 ? "" : "s"} could not be recorded: {unrecorded[0].lastError}
        </p>
      ) : null}
      {failed.length ? (
        <div className="form-error">
          <p>
            {failed.length} action{failed.length === 1 ? "" : "s"} could not be sent: {failed[0].lastError}
          </p>
          {discard}
        </div>
      ) : unrecorded.length ? (
        <p>{discard}</p>
      ) : null}
    </section>
  );
}

export function RequestSection({ query, onSend }: { query: string; onSend: (text: string) => Promise<boolean> }) {
  const [request, setRequest] = useState("");
  const [sending, setSending] = useState(false);
  const send = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (sending) return;
    setSending(true);
    try {
      if (await onSend(request.trim())) setRequest("");
    } finally {
      setSending(false);
    }
  };
  return (
    <section aria-labelledby="request-title">
      <h2 id="request-title">Can't find it? Request content</h2>
      {/* Without JavaScript this opens the full request page; with it, the request goes through the outbox. */}
      <Form method="get" action="/requests/new" onSubmit={send}>
        <label htmlFor="request-text">What do you need?</label>
        <textarea id="request-text" name="text" rows={3} maxLength={1000} value={request} onChange={(e) => setRequest(e.target.value)} />
        <input type="hidden" name="q" value={query} />
        <p>
          <button type="submit" aria-disabled={sending || undefined}>
            {sending ? "Sending…" : "Request content"}
          </button>
        </p>
      </Form>
    </section>
  );
}
