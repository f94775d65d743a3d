import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { requireUser } from "~/modules/auth/guard.server";

export const meta: MetaFunction = () => [{ title: "Insights · Fieldkit" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUser(context.app, request, ["marketer", "manager", "admin"]);
  return null;
}

export default function Insights() {
  return <h1>Insights</h1>;
}
