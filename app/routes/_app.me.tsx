import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { createApiToken, listApiTokens, mayUseApiTokens, revokeApiToken } from "~/modules/auth/api-tokens.server";
import { ApiTokensSection } from "~/components/api-tokens-section";
import { readSessionToken, requireUser } from "~/modules/auth/guard.server";
import { changePassword } from "~/modules/auth/password-reset.server";
import { wakeJobs } from "~/modules/auth/settings.server";
import { AppError, forbidden } from "~/modules/errors.server";
import { formAction } from "~/modules/page-errors.server";
import { publicUser } from "~/modules/auth/session.server";
import { teamNamesOf } from "~/modules/people/users.server";
import { countNewlyOpened } from "~/modules/shares/my-shares.server";
import { ROLE_LABEL } from "@/vocabulary/people";
import { listMyReplyPage } from "~/modules/notifications/replies.server";
import { pageWithin } from "~/modules/paging.server";
import { pageNumber } from "~/modules/validation.server";
import { kindsFor, prefsFromForm } from "~/modules/notifications/kinds.server";
import { loadPrefs, savePrefs } from "~/modules/notifications/prefs.server";
import { NotificationPrefs } from "~/components/notifications/prefs-form";
import { RepliesList } from "~/components/notifications/replies-list";
import { readForm } from "~/modules/request-body.server";

export const meta: MetaFunction = () => [{ title: "Me · Fieldkit" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context.app, request);
  const [teams, tokens, replies, newOpens, prefs] = await Promise.all([
    teamNamesOf(context.app.db, user),
    // Sellers work in the app only; tokens are for the desk roles' scripts and integrations.
    mayUseApiTokens(user) ? listApiTokens(context.app.db, { user }) : [],
    pageWithin((last) =>
      listMyReplyPage(context.app.db, { user, page: last ?? pageNumber(new URL(request.url).searchParams.get("replies")) }),
    ),
    countNewlyOpened(context.app.db, user),
    loadPrefs(context.app.db, { user }),
  ]);
  return {
    newOpens,
    prefs,
    vapidPublicKey: context.app.env.vapid.publicKey,
    tokens,
    canUseTokens: mayUseApiTokens(user),
    replies,
    user: publicUser(user),
    team: teams.team,
    leads: teams.leads,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = await requireUser(context.app, request);
  const form = Object.fromEntries(await readForm(request));
  const intent = String(form.intent ?? "");
  return formAction(
    async () => {
      if ((form.intent === "create-token" || form.intent === "revoke-token") && !mayUseApiTokens(user)) {
        throw forbidden("API tokens are not available for your role.");
      }
      if (form.intent === "create-token") {
        const created = await createApiToken(context.app.db, { user, input: form });
        return { created: { name: created.name, token: created.token }, formError: null };
      }
      if (form.intent === "revoke-token") {
        await revokeApiToken(context.app.db, { user, id: String(form.id ?? "") });
        return { created: null, formError: null };
      }
      if (form.intent === "notification-prefs") {
        await savePrefs(context.app.db, { user, input: prefsFromForm(form, kindsFor(user.role)) });
        return { created: null, formError: null, prefsSaved: true };
      }
      if (form.intent === "change-password") {
        const currentSessionToken = await readSessionToken(context.app, request);
        const { apiTokensRevoked } = await changePassword(context.app.db, {
          user,
          input: form,
          currentSessionToken,
          publicUrl: context.app.env.PUBLIC_URL,
        });
        wakeJobs(context.app);
        return { created: null, formError: null, passwordChanged: true, apiTokensRevoked };
      }
      throw new AppError("bad_request", "Unknown action.");
    },
    { echo: { created: null, intent }, notFoundPage: false },
  );
}

export default function Me() {
  const { user, team, leads, tokens, canUseTokens, replies, newOpens, prefs, vapidPublicKey } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <div className="narrow-page">
      <h1>{user.name}</h1>
      <dl className="card facts">
        <dt>Email</dt>
        <dd>{user.email}</dd>
        <dt>Role</dt>
        <dd>{ROLE_LABEL[user.role]}</dd>
        <dt>Team</dt>
        <dd>{team ?? "No team"}</dd>
        {leads.length ? (
          <>
            <dt>Leads</dt>
            <dd>{leads.join(", ")}</dd>
          </>
        ) : null}
      </dl>
      <RepliesList {...replies} />
      <NotificationPrefs
        kinds={prefs.kinds}
        push={{ enabled: prefs.push, devices: prefs.pushDevices }}
        vapidPublicKey={vapidPublicKey}
        saved={!!result && "prefsSaved" in result}
        error={result?.formError && "intent" in result && result.intent === "notification-prefs" ? result.formError : null}
        busy={busy}
      />

      <h2>Buyer shares</h2>
      <p className="row">
        <Link className="button secondary" to="/shares">
          My shares{newOpens ? ` (${newOpens} new ${newOpens === 1 ? "open" : "opens"})` : ""}
        </Link>
      </p>
      <h2>Content requests</h2>
      <p className="row">
        <Link className="button secondary" to="/requests">
          My requests and replies
        </Link>
        <Link className="button secondary" to="/requests/new">
          Request content
        </Link>
      </p>

      {canUseTokens ? <ApiTokensSection tokens={tokens} result={result} busy={busy} /> : null}

      <h2 id="password">Password</h2>
      {result && "passwordChanged" in result ? (
        <p className="notice" role="status">
          Password changed. Your other devices were signed out
          {result.apiTokensRevoked
            ? `, and your ${result.apiTokensRevoked === 1 ? "API token was" : `${result.apiTokensRevoked} API tokens were`} revoked: make new ones for your scripts above`
            : null}
          .
        </p>
      ) : null}
      {result?.formError && "intent" in result && result.intent === "change-password" ? (
        <p className="form-error" role="alert" id="password-error">
          {result.formError}
        </p>
      ) : null}
      <Form method="post" className="card" aria-labelledby="password">
        <input type="hidden" name="intent" value="change-password" />
        <label htmlFor="current-password">Current password</label>
        <input id="current-password" name="current" type="password" required autoComplete="current-password" />
        <label htmlFor="new-password">New password</label>
        <input
          id="new-password"
          name="password"
          type="password"
          required
          minLength={10}
          autoComplete="new-password"
          aria-describedby="new-password-hint"
        />
        <p className="meta" id="new-password-hint">
          At least 10 characters. Other devices will be signed out{canUseTokens ? " and your API tokens revoked" : null}.
        </p>
        <p>
          <button type="submit" disabled={busy}>
            Change password
          </button>
        </p>
      </Form>

      <h2>Sessions</h2>
      <div className="row">
        <Form method="post" action="/logout">
          <button type="submit" className="secondary" style={{ width: "100%" }}>
            Sign out
          </button>
        </Form>
        <Form method="post" action="/logout">
          <input type="hidden" name="everywhere" value="true" />
          <button type="submit" className="secondary" style={{ width: "100%" }}>
            Sign out on all devices
          </button>
        </Form>
      </div>
      {canUseTokens && tokens.length ? (
        <p className="meta">Signing out on all devices leaves your API tokens working: revoke them under API tokens.</p>
      ) : null}
    </div>
  );
}
