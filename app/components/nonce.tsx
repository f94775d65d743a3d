// The per-request CSP nonce, so Remix's inline scripts run under a strict Content-Security-Policy.
import { createContext, useContext } from "react";

const NonceContext = createContext("");
export const NonceProvider = NonceContext.Provider;
export const useNonce = () => useContext(NonceContext);
