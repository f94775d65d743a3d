import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { ROLE_HOME, getUser } from "~/modules/auth/guard.server";

export async function loader({ request, context }: LoaderFunctionArgs) {
  const found = await getUser(context.app, request);
  throw redirect(found ? ROLE_HOME[found.user.role] : "/login");
}
