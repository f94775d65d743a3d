// The two layouts: a bottom tab bar for sellers on phones, a sidebar for desk roles.
import { Form, Link, NavLink } from "@remix-run/react";
import { createContext, type ReactNode } from "react";
import { ROLE_LABEL, type Role } from "@/vocabulary/people";
import { NetworkStatus } from "./offline/network-status";
import { ThemeToggle } from "./theme";

type NavEntry = { to: string; label: string; icon: ReactNode };

const icon = (d: string) => (
  <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
    <path d={d} strokeLinecap="round" strokeLinejoin="round" />
  </svg>
);

const SELLER_TABS: NavEntry[] = [
  { to: "/home", label: "Home", icon: icon("M3 11l9-8 9 8v9a1 1 0 0 1-1 1h-5v-6H9v6H4a1 1 0 0 1-1-1z") },
  { to: "/search", label: "Search", icon: icon("M11 19a8 8 0 1 0 0-16 8 8 0 0 0 0 16zm10 2-4.3-4.3") },
  { to: "/saved", label: "Saved", icon: icon("M6 3h12v18l-6-4-6 4z") },
  { to: "/me", label: "Me", icon: icon("M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zm-8 9a8 8 0 0 1 16 0") },
];

const MARKETER_NAV: NavEntry[] = [
  { to: "/library", label: "Library", icon: null },
  { to: "/review", label: "Review", icon: null },
  { to: "/publish", label: "Publish", icon: null },
  { to: "/feedback", label: "Feedback", icon: null },
  { to: "/feedback/requests", label: "Requests", icon: null },
  { to: "/insights", label: "Insights", icon: null },
  { to: "/alignment", label: "Alignment", icon: null },
  { to: "/search", label: "Search", icon: null },
  { to: "/me", label: "Me", icon: null },
];

const DESK_NAV: Record<Exclude<Role, "seller">, NavEntry[]> = {
  marketer: MARKETER_NAV,
  manager: [
    { to: "/insights", label: "Insights", icon: null },
    { to: "/alignment", label: "Alignment", icon: null },
    { to: "/library", label: "Library", icon: null },
    { to: "/search", label: "Search", icon: null },
    { to: "/requests", label: "Requests", icon: null },
    { to: "/me", label: "Me", icon: null },
  ],
  // An admin does everything a marketer does, and has the admin pages first.
  admin: [{ to: "/admin", label: "Admin", icon: null }, ...MARKETER_NAV],
};

/** True under the shell's <main>: an error shown there must not open a second main landmark. */
export const InsideShell = createContext(false);

export const navFor = (role: Role) => (role === "seller" ? SELLER_TABS : DESK_NAV[role]);

export function Shell({
  user,
  unread = 0,
  reviews = 0,
  notifications = 0,
  children,
}: {
  user: { name: string; role: Role };
  unread?: number;
  /** Items waiting for this user's review: a count beside Review. */
  reviews?: number;
  /** Unread notifications: a count on the bell in the top bar, for every role. */
  notifications?: number;
  children: ReactNode;
}) {
  const seller = user.role === "seller";
  return (
    <div className={seller ? "shell seller" : "shell desk"} data-role={user.role}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          Fieldkit
        </Link>
        <NetworkStatus />
        <span className="who" title={`${user.name} · ${ROLE_LABEL[user.role]}`}>
          {user.name}
          <span className="who-role"> · {ROLE_LABEL[user.role]}</span>
        </span>
        <NotificationsLink count={notifications} />
        <ThemeToggle />
        {seller ? null : (
          <Form method="post" action="/logout">
            <button type="submit" className="secondary sign-out" aria-label="Sign out" title="Sign out">
              {icon("M9 21H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h4m7 14 5-5-5-5m5 5H9")}
              <span className="sign-out-label">Sign out</span>
            </button>
          </Form>
        )}
      </header>
      {seller ? null : (
        <nav className="sidenav" aria-label="Main">
          {navFor(user.role).map((n) => (
            // `end`: /feedback must not also light up on /feedback/requests.
            <NavLink key={n.to} to={n.to} prefetch="intent" end={n.to === "/feedback"}>
              {n.label}
              {n.to === "/review" && reviews > 0 ? (
                <span className="nav-count">
                  {reviews}
                  <span className="visually-hidden"> waiting</span>
                </span>
              ) : null}
            </NavLink>
          ))}
        </nav>
      )}
      <main id="main" className="content" tabIndex={-1}>
        <InsideShell.Provider value={true}>{children}</InsideShell.Provider>
      </main>
      {seller ? (
        <nav className="tabbar" aria-label="Main">
          {SELLER_TABS.map((n) => (
            <NavLink key={n.to} to={n.to} prefetch="intent">
              {n.icon}
              <span>
                {n.label}
                {n.to === "/me" && unread > 0 ? (
                  <span className="tab-badge" aria-label={`, ${unread} new ${unread === 1 ? "reply" : "replies"}`}>
                    {unread}
                  </span>
                ) : null}
              </span>
            </NavLink>
          ))}
        </nav>
      ) : null}
    </div>
  );
}

function NotificationsLink({ count }: { count: number }) {
  return (
    <Link to="/notifications" className="bell" aria-label={count ? `Notifications, ${count} unread` : "Notifications"}>
      {icon("M6 8a6 6 0 1 1 12 0c0 7 3 9 3 9H3s3-2 3-9m4.3 13a1.9 1.9 0 0 0 3.4 0")}
      {count ? (
        <span className="nav-count" aria-hidden="true">
          {count > 99 ? "99+" : count}
        </span>
      ) : null}
    </Link>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <strong>{title}</strong>
      {children}
    </div>
  );
}
