import type { LinksFunction, MetaFunction } from "@remix-run/node";
import { Links, Meta, Outlet, Scripts, ScrollRestoration } from "@remix-run/react";
import { GeneralErrorBoundary } from "./components/error-boundary";
import { NavProgress } from "./components/nav-progress";
import { OfflineRoot } from "./components/offline/offline-root";
import { useNonce } from "./components/nonce";
import { AppStyles } from "./components/app-styles";
import { THEME_SCRIPT } from "./components/theme";
import { ScriptsAfterPaint } from "./components/scripts-after-paint";
import styles from "./styles/app.css";

export const links: LinksFunction = () => [
  { rel: "manifest", href: "/manifest.webmanifest" },
  { rel: "icon", href: "/icons/icon-192.png", type: "image/png" },
  { rel: "apple-touch-icon", href: "/icons/icon-192.png" },
];

export const meta: MetaFunction = () => [
  { title: "Fieldkit" },
  { name: "description", content: "Find, use and rate sales content — online or off." },
];

export function Layout({ children }: { children: React.ReactNode }) {
  const nonce = useNonce();
  return (
    // suppressHydrationWarning: the theme script may set data-theme on <html> before React hydrates.
    <html lang="en" suppressHydrationWarning>
      <head>
        <meta charSet="utf-8" />
        {/* Before any stylesheet or paint: the seller's chosen theme, so a dark page never flashes light. */}
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: THEME_SCRIPT }} />
        <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
        <meta name="theme-color" content="#1e3a8a" media="(prefers-color-scheme: light)" />
        <meta name="theme-color" content="#172554" media="(prefers-color-scheme: dark)" />
        <Meta />
        <AppStyles href={styles} />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
        <ScriptsAfterPaint />
      </body>
    </html>
  );
}

export default function App() {
  return (
    <>
      <NavProgress />
      <Outlet />
      {/* Offline field kit: service worker, offline indicator, update prompt, outbox (app/components/offline). */}
      <OfflineRoot />
    </>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
