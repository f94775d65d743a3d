// Light or dark: the system's choice unless the seller picked one. The pick is kept in localStorage and put
// on <html data-theme> by a tiny script in <head>, before the first paint, so a dark page never flashes light.
import { useEffect, useState } from "react";

export const THEME_KEY = "fieldkit.theme";
type Theme = "light" | "dark";

/** Runs in <head> before the body is parsed (with the CSP nonce). Plain ES5, no imports. */
export const THEME_SCRIPT = `try{var t=localStorage.getItem("${THEME_KEY}");if(t==="light"||t==="dark")document.documentElement.dataset.theme=t}catch(e){}`;

const systemTheme = (): Theme => (window.matchMedia?.("(prefers-color-scheme: dark)").matches ? "dark" : "light");

export function ThemeToggle() {
  // null until hydrated: the server cannot know the theme, and the button's label must match on hydration.
  const [theme, setTheme] = useState<Theme | null>(null);
  useEffect(() => {
    const chosen = document.documentElement.dataset.theme;
    setTheme(chosen === "light" || chosen === "dark" ? chosen : systemTheme());
  }, []);
  const toggle = () => {
    const next: Theme = (theme ?? systemTheme()) === "dark" ? "light" : "dark";
    // Choosing what the system already shows means "follow the system" again.
    if (next === systemTheme()) {
      delete document.documentElement.dataset.theme;
      try {
        localStorage.removeItem(THEME_KEY);
      } catch {
        // Storage refused (private mode): the choice lasts for this page only.
      }
    } else {
      document.documentElement.dataset.theme = next;
      try {
        localStorage.setItem(THEME_KEY, next);
      } catch {
        // As above.
      }
    }
    setTheme(next);
  };
  const dark = theme === "dark";
  return (
    // Disabled until hydrated (it starts after the first paint): a tap before then would do nothing.
    <button
      type="button"
      className="theme-toggle"
      onClick={toggle}
      disabled={theme === null}
      aria-pressed={dark}
      aria-label="Dark mode"
      title="Dark mode"
    >
      <svg viewBox="0 0 24 24" width="20" height="20" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
        {dark ? (
          <path d="M21 12.8A9 9 0 1 1 11.2 3a7 7 0 0 0 9.8 9.8z" strokeLinejoin="round" />
        ) : (
          <path
            d="M12 17a5 5 0 1 0 0-10 5 5 0 0 0 0 10zM12 1v2M12 21v2M4.2 4.2l1.4 1.4M18.4 18.4l1.4 1.4M1 12h2M21 12h2M4.2 19.8l1.4-1.4M18.4 5.6l1.4-1.4"
            strokeLinecap="round"
          />
        )}
      </svg>
    </button>
  );
}
