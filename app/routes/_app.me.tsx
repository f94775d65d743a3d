import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { requireUser } from "~/modules/auth/guard.server";
import { publicUser } from "~/modules/auth/session.server";
import { listTeams } from "~/modules/people/users.server";

export const meta: MetaFunction = () => [{ title: "Me · Fieldkit" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = await requireUser(context.app, request);
  const teams = await listTeams(context.app.db);
  return {
    user: publicUser(user),
    team: teams.find((t) => t.id === user.teamId)?.name ?? null,
    leads: teams.filter((t) => user.leadsTeamIds.includes(t.id)).map((t) => t.name),
  };
}

export default function Me() {
  const { user, team, leads } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>{user.name}</h1>
      <dl className="card">
        <dt>Email</dt>
        <dd>{user.email}</dd>
        <dt>Role</dt>
        <dd>{user.role}</dd>
        <dt>Team</dt>
        <dd>{team ?? "No team"}</dd>
        {leads.length ? (
          <>
            <dt>Leads</dt>
            <dd>{leads.join(", ")}</dd>
          </>
        ) : null}
      </dl>
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
    </>
  );
}
