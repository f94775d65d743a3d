import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { GeneralErrorBoundary } from "~/components/error-boundary";
import { TYPE_LABEL } from "~/components/item-list";
import { requireUser } from "~/modules/auth/guard.server";
import { AppError } from "~/modules/errors.server";
import { getItem } from "~/modules/library/items.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.item.title ?? "Item"} · Fieldkit` }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = await requireUser(context.app, request);
  try {
    const { item, version, tags } = await getItem(context.app.db, { user, id: params.id ?? "" });
    return {
      item: { id: item.id, type: item.type, title: item.title, summary: item.summary, status: item.status, videoUrl: item.videoUrl },
      version: version && { number: version.number, bodyMd: version.bodyMd, text: version.text },
      tags,
    };
  } catch (error) {
    if (error instanceof AppError) throw new Response(error.message, { status: error.status });
    throw error;
  }
}

export default function ItemPage() {
  const { item, version, tags } = useLoaderData<typeof loader>();
  return (
    <article>
      <p className="meta">{TYPE_LABEL[item.type] ?? item.type}</p>
      <h1>{item.title}</h1>
      <p>{item.summary}</p>
      {tags.length ? (
        <p>
          {tags.map((t) => (
            <span key={t.id} className="badge" style={{ marginRight: 4 }}>
              {t.label}
            </span>
          ))}
        </p>
      ) : null}
      {item.videoUrl ? (
        <p>
          <a className="button" href={item.videoUrl} rel="noopener noreferrer" target="_blank">
            Watch the video
          </a>
        </p>
      ) : null}
      {version?.text ? (
        <section className="card" aria-label="Content">
          {version.text.split("\n").map((line, i) => (
            <p key={i}>{line}</p>
          ))}
        </section>
      ) : null}
    </article>
  );
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
