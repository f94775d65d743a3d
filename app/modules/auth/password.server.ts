// Passwords are hashed with scrypt (memory-hard, in node:crypto, no native addon to build).
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from "node:crypto";

const scrypt = (password: string, salt: Buffer, keylen: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) => scryptCb(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))));

// N=2^15, r=8 uses 32 MiB and ~60 ms per hash on this machine's cores: slow for guessing, fine for sign-in.
const DEFAULT = { N: 2 ** 15, r: 8, p: 1 };
const KEYLEN = 32;
/** Longer inputs are refused before hashing: a 10 kB "password" is an attack, not a password. */
export const MAX_PASSWORD_LENGTH = 256;

export async function hashPassword(password: string, cost = DEFAULT): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEYLEN, { ...cost, maxmem: 128 * cost.N * cost.r * 2 });
  return ["scrypt", cost.N, cost.r, cost.p, salt.toString("base64url"), key.toString("base64url")].join("$");
}

/** Whether `stored` is a hash `verifyPassword` can check (an account made by single sign-on has none). */
export const isPasswordHash = (stored: string) => stored.startsWith("scrypt$");

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [alg, n, r, p, saltB64, keyB64] = stored.split("$");
  if (alg !== "scrypt" || !saltB64 || !keyB64) return false;
  const N = Number(n);
  const R = Number(r);
  const expected = Buffer.from(keyB64, "base64url");
  const key = await scrypt(password, Buffer.from(saltB64, "base64url"), expected.length, {
    N,
    r: R,
    p: Number(p),
    maxmem: 128 * N * R * 2,
  });
  return timingSafeEqual(key, expected);
}

/** A hash of a random password, verified against when the email is unknown so timing does not reveal accounts. */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(12).toString("base64url"));
  return decoy;
}

/**
 * What a sign-in verifies against: the account's hash, or the decoy when there is no account or it has no
 * password (made by single sign-on), so every answer costs one scrypt and timing tells no account apart.
 */
export function hashToCheck(stored: string | undefined): Promise<string> {
  return stored !== undefined && isPasswordHash(stored) ? Promise.resolve(stored) : decoyHash();
}
