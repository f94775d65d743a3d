// "Removed … from this device. Undo": a removal of saved items (app/offline/saved.ts removeSavedUndoably)
// can be taken back for as long as the page is open. No timer: a time limit would be one more thing to beat
// for someone using a screen reader or a switch, and the copies held in memory cost nothing once dropped.
import { useEffect, useRef, useState } from "react";

type Offer = { state: "offered"; text: string; undo: () => Promise<void>; error?: string } | { state: "undone"; text: string };

export function useRemovalUndo() {
  const [offer, setOffer] = useState<Offer | null>(null);
  const offered = (text: string, undo: () => Promise<void>, undone: string, error?: string): Offer => ({
    state: "offered",
    text,
    error,
    undo: async () => {
      try {
        await undo();
        setOffer({ state: "undone", text: undone });
      } catch (e) {
        setOffer(offered(text, undo, undone, `It could not be put back: ${(e as Error).message}`));
      }
    },
  });
  return {
    offer,
    /** After a removal: `text` says what went, `undo` puts it back and `undone` then says so. */
    offerUndo: (text: string, undo: () => Promise<void>, undone: string) => setOffer(offered(text, undo, undone)),
    /** Something newer was saved since: putting the old copies back would overwrite it. */
    dismiss: () => setOffer(null),
  };
}

/**
 * The notice and its button. The button that was pressed has just disappeared with its row, so focus
 * moves to Undo, and after Undo to the notice itself, instead of falling back to the top of the page.
 */
export function RemovalUndoNotice({ offer }: { offer: Offer | null }) {
  const button = useRef<HTMLButtonElement>(null);
  const done = useRef<HTMLParagraphElement>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    setBusy(false);
    (button.current ?? done.current)?.focus();
  }, [offer?.text]);
  if (!offer) return null;
  if (offer.state === "undone") {
    return (
      <p className="notice" role="status" tabIndex={-1} ref={done}>
        {offer.text}
      </p>
    );
  }
  return (
    <div className="notice undo-notice" role="status">
      <span>{offer.text}</span>
      <button
        ref={button}
        type="button"
        className="secondary"
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          await offer.undo();
          setBusy(false);
        }}
      >
        Undo
      </button>
      {offer.error ? (
        <span className="form-error" role="alert">
          {offer.error}
        </span>
      ) : null}
    </div>
  );
}
