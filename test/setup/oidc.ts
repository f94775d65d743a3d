// A real OpenID provider (the certified `oidc-provider` package) for tests, on 127.0.0.1, with its own
// RSA signing key, one confidential client, and accounts the test defines. Login and consent complete
// on their own for the account the test chose (no UI of the provider's to drive). For refusal tests it
// can tamper with the ID token its token endpoint returns: break the signature, or re-sign it (with
// its real key) for another audience, already expired, or with the nonce of an earlier sign-in.
import { generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import Provider from "oidc-provider";
import { freePort } from "./server-process";

export type TestAccount = {
  sub: string;
  email: string;
  email_verified: boolean;
  name: string;
  fieldkit_role?: string | string[];
  fieldkit_team?: string;
};
export type Tamper = "signature" | "audience" | "expired" | "nonce";

export type TestOidc = {
  issuer: string;
  clientId: string;
  clientSecret: string;
  addAccount(account: TestAccount): void;
  /** Who "signs in" at the provider next. */
  signInAs(sub: string): void;
  /** Tamper with the next ID tokens until set back to null. */
  tamper(mode: Tamper | null): void;
  close(): Promise<void>;
};

const b64 = (v: object | Buffer) => (Buffer.isBuffer(v) ? v : Buffer.from(JSON.stringify(v))).toString("base64url");

function resign(idToken: string, key: KeyObject, change: (claims: Record<string, unknown>) => void): string {
  const [header, payload] = idToken.split(".");
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  change(claims);
  const signingInput = `${header}.${b64(claims)}`;
  return `${signingInput}.${sign("sha256", Buffer.from(signingInput), key).toString("base64url")}`;
}

export async function startOidcProvider({ redirectUri }: { redirectUri: string }): Promise<TestOidc> {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: "jwk" }), kid: "test-key", alg: "RS256", use: "sig" };
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const clientId = "fieldkit-test";
  const clientSecret = "fieldkit-test-secret-0123456789";
  const accounts = new Map<string, TestAccount>();
  let current: string | null = null;
  let tamper: Tamper | null = null;
  let lastNonce: string | null = null;

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [redirectUri],
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_post",
      },
    ],
    jwks: { keys: [jwk] },
    cookies: { keys: ["oidc-test-cookie-key-0123456789"] },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name", "fieldkit_role", "fieldkit_team"] },
    // Claims asked for by scope go into the ID token, where Fieldkit reads them.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    findAccount: async (_ctx: unknown, sub: string) => {
      const account = accounts.get(sub);
      return account ? { accountId: sub, claims: async () => account } : undefined;
    },
  });
  provider.on("server_error", (_ctx: unknown, error: Error) => console.error("oidc-provider:", error));

  async function interaction(req: IncomingMessage, res: ServerResponse) {
    const details = await provider.interactionDetails(req, res);
    if (details.prompt.name === "login") {
      if (!current) {
        res.statusCode = 400;
        return res.end("The test chose no account");
      }
      return provider.interactionFinished(req, res, { login: { accountId: current } }, { mergeWithLastSubmission: false });
    }
    const grant = new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
    grant.addOIDCScope(String(details.params.scope));
    const grantId = await grant.save();
    return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  const handle = provider.callback();
  const server = createServer((req, res) => {
    if (req.url?.startsWith("/interaction/")) {
      interaction(req, res).catch((error) => {
        res.statusCode = 500;
        res.end(String(error));
      });
      return;
    }
    if (req.url?.startsWith("/token") && req.method === "POST") {
      // Rewrite the ID token in the JSON the provider answers with (headers are not sent until end()).
      const end = res.end.bind(res) as (chunk?: unknown) => ServerResponse;
      (res as unknown as { end: (chunk?: unknown) => ServerResponse }).end = (chunk?: unknown) => {
        if (!chunk || res.statusCode !== 200) return end(chunk);
        const body = JSON.parse(Buffer.from(chunk as Buffer).toString("utf8"));
        if (body.id_token) {
          const claims = JSON.parse(Buffer.from(body.id_token.split(".")[1], "base64url").toString("utf8"));
          const now = Math.floor(Date.now() / 1000);
          if (tamper === "signature") body.id_token = body.id_token.slice(0, -6) + (body.id_token.endsWith("AAAAAA") ? "BBBBBB" : "AAAAAA");
          if (tamper === "audience") body.id_token = resign(body.id_token, privateKey, (c) => void (c.aud = "some-other-app"));
          if (tamper === "expired")
            body.id_token = resign(body.id_token, privateKey, (c) => Object.assign(c, { iat: now - 7200, exp: now - 3600 }));
          if (tamper === "nonce" && lastNonce) body.id_token = resign(body.id_token, privateKey, (c) => void (c.nonce = lastNonce));
          if (!tamper) lastNonce = claims.nonce;
        }
        const text = JSON.stringify(body);
        res.setHeader("Content-Length", Buffer.byteLength(text));
        return end(text);
      };
    }
    handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    issuer,
    clientId,
    clientSecret,
    addAccount: (account) => void accounts.set(account.sub, account),
    signInAs: (sub) => void (current = sub),
    tamper: (mode) => void (tamper = mode),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
