// Who may publish, and the engines publishing needs: checked first by every create, edit and upload.
import type { SessionUser } from "~/modules/auth/session.server";
import type { AppContext } from "~/modules/context.server";
import { AppError, forbidden } from "~/modules/errors.server";
import { seesWholeLibrary } from "./audience.server";

export function requireServices(app: AppContext) {
  const { storage, jobs, files } = app.services;
  if (!storage || !files) throw new AppError("unavailable", "File storage is not configured on this server.");
  return { storage, jobs, files };
}

export function requirePublisher(user: SessionUser) {
  if (!seesWholeLibrary(user)) throw forbidden("Only marketers and admins can publish content.");
}
