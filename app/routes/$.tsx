// Any other path: a real 404 page inside the app's error boundary.
import { GeneralErrorBoundary } from "~/components/error-boundary";

export function loader() {
  throw new Response("There's no page at this address.", { status: 404 });
}
export default function NotFound() {
  return null;
}
export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
