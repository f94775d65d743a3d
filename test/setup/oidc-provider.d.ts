// oidc-provider ships no types; the test provider uses a small, untyped slice of it.
declare module "oidc-provider" {
  const Provider: any;
  export default Provider;
}
